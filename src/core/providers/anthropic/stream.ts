import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { emptyUsage, type ChatResult, type FinishReason, type ToolCall, type Usage } from '../../types';
import { fromUsage, toFinishReason } from './response';
import type { EventSink } from '../stream-runner';

/**
 * Turns Messages API stream events into stream events as they arrive, and keeps what it needs to assemble the
 * final result. Usage starts in `message_start` and is completed by `message_delta`; the stream is complete at
 * `message_stop`.
 */
export class MessageEventAccumulator {
  private text = '';
  private readonly toolCalls: ToolCall[] = [];
  /** Content block index -> position in `toolCalls`. */
  private readonly toolIndexByBlock = new Map<number, number>();
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private model: string | undefined;
  private id: string | undefined;
  private stopped = false;

  accept(event: RawMessageStreamEvent, out: EventSink): void {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.model = event.message.model;
        this.usage = fromUsage(event.message.usage);
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text' && block.text) {
          this.text += block.text;
          out.push({ type: 'text', delta: block.text });
        } else if (block.type === 'tool_use') {
          const index = this.toolCalls.length;
          this.toolIndexByBlock.set(event.index, index);
          this.toolCalls.push({ id: block.id, name: block.name, arguments: '' });
          out.push({ type: 'tool_call', index, id: block.id, name: block.name, argumentsDelta: '' });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta' && delta.text) {
          this.text += delta.text;
          out.push({ type: 'text', delta: delta.text });
        } else if (delta.type === 'input_json_delta') {
          const index = this.toolIndexByBlock.get(event.index);
          if (index === undefined) break;
          this.toolCalls[index].arguments += delta.partial_json;
          out.push({ type: 'tool_call', index, argumentsDelta: delta.partial_json });
        }
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason) this.finishReason = toFinishReason(event.delta.stop_reason);
        this.usage = fromUsage(event.usage, this.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  get complete(): boolean {
    return this.stopped;
  }

  get reportedUsage(): Usage | undefined {
    return this.usage;
  }

  result(requestId: string | undefined): ChatResult {
    return {
      text: this.text,
      // A tool that takes no arguments streams no JSON at all.
      toolCalls: this.toolCalls.map((call) => ({ ...call, arguments: call.arguments || '{}' })),
      finishReason: this.finishReason ?? 'other',
      usage: this.usage ?? emptyUsage(),
      requestId: requestId ?? this.id,
      upstreamModel: this.model,
    };
  }
}
