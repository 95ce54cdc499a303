import type { RequestRecord } from '../log/record';
import type { ChatRequest, Message } from '../types';
import type { Attributes } from './otlp-json';

/**
 * Maps a request record to the OpenTelemetry GenAI semantic conventions (semantic-conventions
 * docs/gen-ai/gen-ai-spans.md and gen-ai-metrics.md, status Development): an inference span
 * `chat {gen_ai.request.model}` of kind CLIENT, and the attributes of the `gen_ai.client.*` metrics.
 */

export const OPERATION = 'chat';

/** Switchboard provider ids whose well-known `gen_ai.provider.name` differs; others are sent as they are. */
const PROVIDER_NAMES: Record<string, string> = {
  google: 'gcp.gemini',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

export const genAiProviderName = (provider: string): string => PROVIDER_NAMES[provider] ?? provider;

/** The model name without the catalog's `provider/` prefix, as the upstream API knows it. */
export const upstreamName = (modelId: string): string => {
  const slash = modelId.indexOf('/');
  return slash === -1 ? modelId : modelId.slice(slash + 1);
};

/** Parameters the span reports; stop sequences only when contents are captured. */
export type SpanParams = Pick<ChatRequest, 'temperature' | 'topP' | 'maxTokens' | 'stop'>;

export interface SpanContext {
  record: RequestRecord;
  params?: SpanParams;
  /** The model name the upstream reported, when it did. */
  upstreamModel?: string;
  /** Add instructions, input and output messages (logging level `full`); taken from the record, already redacted. */
  captureContent: boolean;
}

/** `error.type`: the HTTP status of the last failed attempt, `cancelled`, or `_OTHER`. */
export function errorType(record: RequestRecord): string | undefined {
  if (record.status === 'ok') return undefined;
  if (record.status === 'cancelled') return 'cancelled';
  const status = [...record.attempts].reverse().find((a) => a.status !== undefined)?.status;
  return status !== undefined ? String(status) : '_OTHER';
}

const parseArguments = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

function inputMessages(messages: Message[]): unknown[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.toolCallId, response: m.content }] };
    const parts: unknown[] =
      typeof m.content === 'string'
        ? [{ type: 'text', content: m.content }]
        : m.content.map((p) => (p.type === 'text' ? { type: 'text', content: p.text } : { type: 'file_data', modality: 'image', uri: p.url }));
    if (m.role === 'assistant') for (const c of m.toolCalls ?? []) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: parseArguments(c.arguments) });
    return { role: m.role, parts };
  });
}

function contentAttributes(record: RequestRecord): Attributes {
  const attributes: Attributes = {};
  if (record.request?.system) attributes['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: record.request.system }]);
  if (record.request) attributes['gen_ai.input.messages'] = JSON.stringify(inputMessages(record.request.messages));
  if (record.response) {
    const parts: unknown[] = [];
    if (record.response.text) parts.push({ type: 'text', content: record.response.text });
    for (const c of record.response.toolCalls) parts.push({ type: 'tool_call', id: c.id, name: c.name, arguments: parseArguments(c.arguments) });
    attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts, finish_reason: record.finishReason ?? (record.status === 'ok' ? 'stop' : 'error') }]);
  }
  return attributes;
}

/** Attributes shared by the span and both metrics. */
export function metricAttributes(record: RequestRecord, upstreamModel?: string): Attributes {
  return {
    'gen_ai.operation.name': OPERATION,
    'gen_ai.provider.name': genAiProviderName(record.provider),
    'gen_ai.request.model': upstreamName(record.requestedModel),
    'gen_ai.response.model': record.status === 'ok' ? (upstreamModel ?? upstreamName(record.model)) : undefined,
    'error.type': errorType(record),
  };
}

export function spanName(record: RequestRecord): string {
  return `${OPERATION} ${upstreamName(record.requestedModel)}`;
}

export function spanAttributes({ record, params, upstreamModel, captureContent }: SpanContext): Attributes {
  const u = record.usage;
  return {
    ...metricAttributes(record, upstreamModel),
    'gen_ai.request.temperature': params?.temperature,
    'gen_ai.request.top_p': params?.topP,
    'gen_ai.request.max_tokens': params?.maxTokens,
    'gen_ai.request.stop_sequences': captureContent ? params?.stop : undefined,
    'gen_ai.response.id': record.requestId,
    'gen_ai.response.finish_reasons': record.finishReason ? [record.finishReason] : undefined,
    'gen_ai.usage.input_tokens': u.inputTokens,
    'gen_ai.usage.output_tokens': u.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': u.cachedInputTokens || undefined,
    'gen_ai.usage.cache_creation.input_tokens': u.cacheWriteTokens || undefined,
    'switchboard.request.model': record.requestedModel,
    'switchboard.response.model': record.model,
    'switchboard.provider': record.provider,
    'switchboard.status': record.status,
    'switchboard.cost_usd': record.cost,
    'switchboard.cost.priced': record.priced,
    'switchboard.usage.estimated': u.estimated === true,
    'switchboard.cache_hit': record.cacheHit,
    'switchboard.attempts': record.attempts.length,
    'switchboard.ttft_ms': record.ttftMs,
    'switchboard.source': record.source,
    'switchboard.request.id': record.id,
    ...(captureContent ? contentAttributes(record) : {}),
  };
}

/** Keys sent as doubles even when the value happens to be whole. */
export const DOUBLE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'gen_ai.request.temperature',
  'gen_ai.request.top_p',
  'switchboard.cost_usd',
  'switchboard.ttft_ms',
]);

/** Bucket boundaries recommended by gen-ai-metrics.md. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
