import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { Model } from 'openai/resources/models';
import type { CatalogEntry } from '../../core/catalog/types';
import type { FinishReason, GatewayResult, GatewayStreamEvent, Usage } from '../../core/types';
import type { HttpError } from '../errors';
import { sseData, type ChatStreamRenderer, type ParsedChat } from '../wire';

type WireFinishReason = ChatCompletion.Choice['finish_reason'];

const FINISH_REASON: Record<FinishReason, WireFinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  other: 'stop',
};

export function completionUsage(usage: Usage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, cache_write_tokens: usage.cacheWriteTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

const completionId = () => `chatcmpl-${randomUUID().replace(/-/g, '')}`;
const now = () => Math.floor(Date.now() / 1000);

/** A gateway result as an OpenAI `chat.completion`; `model` is the catalog id that answered. */
export function renderChatCompletion(result: GatewayResult): ChatCompletion {
  return {
    id: completionId(),
    object: 'chat.completion',
    created: now(),
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text || (result.toolCalls.length ? null : ''),
          refusal: null,
          ...(result.toolCalls.length
            ? {
                tool_calls: result.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        finish_reason: FINISH_REASON[result.finishReason],
        logprobs: null,
      },
    ],
    usage: completionUsage(result.usage),
  };
}

/**
 * Renders `chat.completion.chunk`s: a first chunk with the assistant role, one per delta, a last one with the
 * finish reason, then (with `include_usage`) a usage chunk with no choices, then `[DONE]`.
 */
export class ChatCompletionStream implements ChatStreamRenderer {
  private readonly id = completionId();
  private readonly created = now();
  private started = false;
  /** With include_usage, every chunk before the last carries `usage: null`, as OpenAI's do. */
  private readonly usageField: { usage?: null };
  /** The tool call indexes that already had their first chunk (with id, type and name). */
  private readonly toolsStarted = new Set<number>();

  constructor(private readonly parsed: ParsedChat) {
    this.usageField = parsed.includeUsage ? { usage: null } : {};
  }

  private chunk(delta: ChatCompletionChunk.Choice.Delta, finishReason: WireFinishReason | null = null, model = this.parsed.input.model): string {
    const chunk: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...this.usageField,
    };
    return sseData(chunk);
  }

  private opening(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  event(event: GatewayStreamEvent): string {
    if (event.type === 'text') return this.opening() + this.chunk({ content: event.delta });
    if (event.type !== 'tool_call') return '';
    const first = !this.toolsStarted.has(event.index);
    this.toolsStarted.add(event.index);
    const call: ChatCompletionChunk.Choice.Delta.ToolCall = first
      ? { index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: event.argumentsDelta } }
      : { index: event.index, function: { arguments: event.argumentsDelta } };
    return this.opening() + this.chunk({ tool_calls: [call] });
  }

  finish(result: GatewayResult): string {
    let text = this.opening() + this.chunk({}, FINISH_REASON[result.finishReason], result.model);
    if (this.parsed.includeUsage) {
      const usageChunk: ChatCompletionChunk = {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: result.model,
        choices: [],
        usage: completionUsage(result.usage),
      };
      text += sseData(usageChunk);
    }
    return text + 'data: [DONE]\n\n';
  }

  fail(error: HttpError): string {
    return sseData(openAiErrorBody(error));
  }
}

const OPENAI_ERROR_TYPE: Record<HttpError['kind'], string> = {
  invalid_request: 'invalid_request_error',
  not_found: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  rate_limit: 'rate_limit_error',
  api_error: 'server_error',
  overloaded: 'server_error',
  timeout: 'server_error',
};

export const openAiErrorBody = (error: HttpError) => ({
  error: { message: error.message, type: OPENAI_ERROR_TYPE[error.kind], param: null, code: error.code },
});

/** The catalog as OpenAI's model list. */
export function renderModelList(entries: readonly CatalogEntry[]): { object: 'list'; data: Model[] } {
  return { object: 'list', data: entries.map((e) => ({ id: e.id, object: 'model', created: 0, owned_by: e.provider })) };
}
