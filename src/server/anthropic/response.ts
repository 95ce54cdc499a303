import { randomUUID } from 'node:crypto';
import type {
  Message,
  MessageDeltaUsage,
  RawContentBlockDeltaEvent,
  RawContentBlockStartEvent,
  RawContentBlockStopEvent,
  RawMessageDeltaEvent,
  RawMessageStopEvent,
  StopReason,
  TextBlock,
  ToolUseBlock,
  Usage as WireUsage,
} from '@anthropic-ai/sdk/resources/messages';
import type { CatalogEntry } from '../../core/catalog/types';
import type { FinishReason, GatewayResult, GatewayStreamEvent, ToolCall, Usage } from '../../core/types';
import type { HttpError } from '../errors';
import { argumentsObject, sseEvent, type ChatStreamRenderer, type ParsedChat } from '../wire';

/** The fields of Anthropic's wire types that the gateway fills; the rest are optional extras of the real API. */
type MessageUsage = Pick<WireUsage, 'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'>;
type ContentBlock = Pick<TextBlock, 'type' | 'text'> | Pick<ToolUseBlock, 'type' | 'id' | 'name' | 'input'>;
type WireMessage = Pick<Message, 'id' | 'type' | 'role' | 'model' | 'stop_reason' | 'stop_sequence'> & {
  content: ContentBlock[];
  usage: MessageUsage;
};

const STOP_REASON: Record<FinishReason, StopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  other: 'end_turn',
};

/** Anthropic's `input_tokens` excludes cache reads and writes, which it reports beside it. */
function messageUsage(usage: Usage): MessageUsage {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}

const messageId = () => `msg_${randomUUID().replace(/-/g, '')}`;

const toolUseBlock = (call: ToolCall): ContentBlock => ({ type: 'tool_use', id: call.id, name: call.name, input: argumentsObject(call.arguments) });

/** A gateway result as an Anthropic `message`; `model` is the catalog id that answered. */
export function renderMessage(result: GatewayResult): WireMessage {
  const content: ContentBlock[] = [];
  if (result.text || !result.toolCalls.length) content.push({ type: 'text', text: result.text });
  for (const call of result.toolCalls) content.push(toolUseBlock(call));
  return {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content,
    stop_reason: STOP_REASON[result.finishReason],
    stop_sequence: null,
    usage: messageUsage(result.usage),
  };
}

/**
 * Renders Anthropic's event sequence: message_start, then per content block content_block_start (with a ping after
 * the first), its deltas and content_block_stop, then message_delta with the stop reason and the whole usage, and
 * message_stop. Usage is only known at the end, so message_start reports zero tokens and message_delta the totals.
 */
export class MessageStream implements ChatStreamRenderer {
  private readonly id = messageId();
  private started = false;
  private pinged = false;
  private blocks = 0;
  /** The block now open: a text block, or the tool call of that gateway index. */
  private open: { index: number; tool?: number } | undefined;
  /** Gateway tool-call index to content block index. */
  private readonly toolBlocks = new Map<number, number>();

  constructor(private readonly parsed: ParsedChat) {}

  private opening(): string {
    if (this.started) return '';
    this.started = true;
    const message: WireMessage = {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.parsed.input.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    };
    return sseEvent('message_start', { type: 'message_start', message });
  }

  private close(): string {
    if (!this.open) return '';
    const stop: RawContentBlockStopEvent = { type: 'content_block_stop', index: this.open.index };
    this.open = undefined;
    return sseEvent('content_block_stop', stop);
  }

  /** Closes the open block and starts the next one. */
  private startBlock(block: ContentBlock, tool?: number): string {
    let text = this.close();
    const index = this.blocks++;
    this.open = { index, tool };
    if (tool !== undefined) this.toolBlocks.set(tool, index);
    const start: Pick<RawContentBlockStartEvent, 'type' | 'index'> & { content_block: ContentBlock } = {
      type: 'content_block_start',
      index,
      content_block: block,
    };
    text += sseEvent('content_block_start', start);
    if (!this.pinged) {
      this.pinged = true;
      text += sseEvent('ping', { type: 'ping' });
    }
    return text;
  }

  private delta(index: number, delta: RawContentBlockDeltaEvent['delta']): string {
    const event: RawContentBlockDeltaEvent = { type: 'content_block_delta', index, delta };
    return sseEvent('content_block_delta', event);
  }

  private text(delta: string): string {
    let text = this.opening();
    if (!this.open || this.open.tool !== undefined) text += this.startBlock({ type: 'text', text: '' });
    return text + this.delta(this.open!.index, { type: 'text_delta', text: delta });
  }

  private toolCall(call: { index: number; id?: string; name?: string; argumentsDelta: string }): string {
    let text = this.opening();
    let index = this.toolBlocks.get(call.index);
    if (index === undefined) {
      text += this.startBlock({ type: 'tool_use', id: call.id ?? `toolu_${randomUUID()}`, name: call.name ?? '', input: {} }, call.index);
      index = this.open!.index;
    }
    // A late delta for an earlier call still goes to that call's block, which is how clients accumulate them.
    return call.argumentsDelta ? text + this.delta(index, { type: 'input_json_delta', partial_json: call.argumentsDelta }) : text;
  }

  event(event: GatewayStreamEvent): string {
    if (event.type === 'text') return this.text(event.delta);
    if (event.type === 'tool_call') return this.toolCall(event);
    return '';
  }

  finish(result: GatewayResult): string {
    let text = '';
    // An answer that came whole (a cache hit) has streamed nothing yet.
    if (this.blocks === 0) {
      if (result.text) text += this.text(result.text);
      result.toolCalls.forEach((call, index) => {
        text += this.toolCall({ index, id: call.id, name: call.name, argumentsDelta: call.arguments });
      });
    }
    text += this.opening() + this.close();
    const delta: Pick<RawMessageDeltaEvent, 'type'> & {
      delta: Pick<RawMessageDeltaEvent.Delta, 'stop_reason' | 'stop_sequence'>;
      usage: Pick<MessageDeltaUsage, keyof MessageUsage>;
    } = {
      type: 'message_delta',
      delta: { stop_reason: STOP_REASON[result.finishReason], stop_sequence: null },
      usage: messageUsage(result.usage),
    };
    const stop: RawMessageStopEvent = { type: 'message_stop' };
    return text + sseEvent('message_delta', delta) + sseEvent('message_stop', stop);
  }

  fail(error: HttpError): string {
    return sseEvent('error', anthropicErrorBody(error));
  }
}

const ANTHROPIC_ERROR_TYPE: Record<HttpError['kind'], string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  api_error: 'api_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
};

export const anthropicErrorBody = (error: HttpError) => ({
  type: 'error' as const,
  error: { type: ANTHROPIC_ERROR_TYPE[error.kind], message: error.message },
});

/** The catalog as Anthropic's model list, for clients that send `anthropic-version`. */
export function renderAnthropicModelList(entries: readonly CatalogEntry[]) {
  const data = entries.map((e) => ({ type: 'model' as const, id: e.id, display_name: e.displayName, created_at: '1970-01-01T00:00:00Z' }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
