import type { Message, MessageDeltaUsage, StopReason, Usage as AnthropicUsage } from '@anthropic-ai/sdk/resources/messages/messages';
import type { ChatResult, FinishReason, ToolCall, Usage } from '../../types';

/** A Messages API answer as the unified result. Returns undefined when the body is not a message. */
export function fromMessage(message: unknown, requestId: string | undefined): ChatResult | undefined {
  if (!isMessage(message)) return undefined;
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  return {
    text,
    toolCalls,
    finishReason: toFinishReason(message.stop_reason),
    usage: fromUsage(message.usage),
    requestId: requestId ?? message.id,
    upstreamModel: message.model,
  };
}

const isMessage = (body: unknown): body is Message =>
  typeof body === 'object' && body !== null && Array.isArray((body as Message).content) && typeof (body as Message).usage === 'object';

export function toFinishReason(reason: StopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/**
 * Anthropic's `input_tokens` counts only the uncached part of the prompt; `Usage.inputTokens` is the whole
 * prompt, so cache reads and cache writes are added back. A stream's `message_delta` carries cumulative
 * figures, with null for those it does not restate.
 */
export function fromUsage(usage: AnthropicUsage | MessageDeltaUsage | null | undefined, previous?: Usage): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? previous?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? previous?.cacheWriteTokens ?? 0;
  const uncached = usage?.input_tokens ?? (previous ? previous.inputTokens - previous.cachedInputTokens - previous.cacheWriteTokens : 0);
  return {
    inputTokens: uncached + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: usage?.output_tokens ?? previous?.outputTokens ?? 0,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? previous?.reasoningTokens ?? 0,
  };
}
