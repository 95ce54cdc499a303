import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { emptyUsage, type ChatResult, type FinishReason, type ToolCall, type Usage } from '../../types';
import { fromCompletionUsage, toFinishReason } from './response';
import type { EventSink } from '../stream-runner';

const NO_TOOL_CALLS: readonly ChatCompletionChunk.Choice.Delta.ToolCall[] = [];

/**
 * Turns Chat Completions chunks into stream events as they arrive, and keeps what it needs to assemble the
 * final result. A stream is complete once a choice reported its finish reason.
 */
export class ChunkAccumulator {
  private text = '';
  private readonly toolCalls = new Map<number, ToolCall>();
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private model: string | undefined;
  private id: string | undefined;

  accept(chunk: ChatCompletionChunk, out: EventSink): void {
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    if (chunk.usage) this.usage = fromCompletionUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) {
      this.text += delta.content;
      out.push({ type: 'text', delta: delta.content });
    }
    for (const part of delta.tool_calls ?? NO_TOOL_CALLS) {
      const index = this.indexOf(part);
      const known = this.toolCalls.get(index);
      const argumentsDelta = part.function?.arguments ?? '';
      if (known) {
        if (part.id) known.id = part.id;
        if (part.function?.name) known.name += part.function.name;
        known.arguments += argumentsDelta;
      } else {
        this.toolCalls.set(index, { id: part.id ?? '', name: part.function?.name ?? '', arguments: argumentsDelta });
      }
      out.push({
        type: 'tool_call',
        index,
        ...(part.id && { id: part.id }),
        ...(part.function?.name && { name: part.function.name }),
        argumentsDelta,
      });
    }
    if (choice.finish_reason) this.finishReason = toFinishReason(choice.finish_reason);
  }

  /** Some OpenAI-compatible servers (Gemini's among them) leave out `index`; a new id then starts a new call. */
  private indexOf(part: { index?: number; id?: string }): number {
    if (typeof part.index === 'number') return part.index;
    const known = [...this.toolCalls.entries()].find(([, call]) => part.id && call.id === part.id);
    if (known) return known[0];
    return part.id || this.toolCalls.size === 0 ? this.toolCalls.size : this.toolCalls.size - 1;
  }

  get complete(): boolean {
    return this.finishReason !== undefined;
  }

  get reportedUsage(): Usage | undefined {
    return this.usage;
  }

  result(requestId: string | undefined): ChatResult {
    return {
      text: this.text,
      toolCalls: [...this.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finishReason: this.finishReason ?? 'other',
      usage: this.usage ?? emptyUsage(),
      requestId: requestId ?? this.id,
      upstreamModel: this.model,
    };
  }
}
