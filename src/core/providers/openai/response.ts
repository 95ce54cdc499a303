import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { emptyUsage, type ChatResult, type FinishReason, type ToolCall, type Usage } from '../../types';

/** A Chat Completions answer as the unified result. Returns undefined when the body is not an answer. */
export function fromChatCompletion(completion: unknown, requestId: string | undefined): ChatResult | undefined {
  if (!isChatCompletion(completion)) return undefined;
  const choice = completion.choices[0];
  const message = choice?.message;
  const toolCalls: ToolCall[] = (message?.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
  );
  return {
    text: message?.content ?? message?.refusal ?? '',
    toolCalls,
    finishReason: toFinishReason(choice?.finish_reason),
    usage: fromCompletionUsage(completion.usage),
    requestId: requestId ?? completion.id,
    upstreamModel: completion.model,
  };
}

const isChatCompletion = (body: unknown): body is ChatCompletion =>
  typeof body === 'object' && body !== null && Array.isArray((body as ChatCompletion).choices);

export function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

/** `prompt_tokens` already includes cached tokens and `completion_tokens` includes reasoning, as `Usage` wants. */
export function fromCompletionUsage(usage: CompletionUsage | null | undefined): Usage {
  if (!usage) return emptyUsage();
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
