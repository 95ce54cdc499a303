import { z } from 'zod';

/** The unified request, result and stream model that every provider adapter speaks. */

export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** `url` is a `data:<mediaType>;base64,...` URL or an http(s) URL. */
export const ImagePartSchema = z.object({
  type: z.literal('image'),
  url: z
    .string()
    .refine((u) => /^data:image\/[a-z0-9.+-]+;base64,/i.test(u) || /^https?:\/\//i.test(u), {
      message: 'image url must be a data:image/...;base64, URL or an http(s) URL',
    }),
});

export const ContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, ImagePartSchema]);

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The arguments as the model produced them: a JSON text. */
  arguments: z.string(),
});

export const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(ContentPartSchema).min(1)]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(TextPartSchema)]),
    toolCalls: z.array(ToolCallSchema).optional(),
  }),
  z.object({ role: z.literal('tool'), toolCallId: z.string().min(1), content: z.string() }),
]);

export const ToolSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
  description: z.string().optional(),
  /** A JSON Schema object describing the arguments. */
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});

export const ToolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ name: z.string().min(1) }),
]);

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/).default('response'),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().optional(),
  }),
]);

export const ChatRequestSchema = z.object({
  /** A catalog id (`provider/model`) or a user alias. */
  model: z.string().min(1, 'model is required'),
  system: z.string().optional(),
  messages: z.array(MessageSchema).min(1, 'at least one message is required'),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  maxTokens: z.number().int().positive().optional(),
  stop: z.array(z.string().min(1)).max(16).optional(),
  tools: z.array(ToolSchema).optional(),
  toolChoice: ToolChoiceSchema.optional(),
  responseFormat: ResponseFormatSchema.optional(),
  stream: z.boolean().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

export type TextPart = z.infer<typeof TextPartSchema>;
export type ImagePart = z.infer<typeof ImagePartSchema>;
export type ContentPart = z.infer<typeof ContentPartSchema>;
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type Message = z.infer<typeof MessageSchema>;
export type Tool = z.infer<typeof ToolSchema>;
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
/** What callers may pass: defaults not yet applied. */
export type ChatRequestInput = z.input<typeof ChatRequestSchema>;

/**
 * Token usage, normalized across providers.
 * - `inputTokens` is the whole prompt, including `cachedInputTokens` (cache reads) and `cacheWriteTokens`.
 * - `outputTokens` is the whole completion, including `reasoningTokens`.
 */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** True when some figure was counted locally with a tokenizer because the provider reported none. */
  estimated?: boolean;
}

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

/** What one provider call produced. */
export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** The provider's request id (`x-request-id`, `request-id`, `cf-ray`, or the response id). */
  requestId?: string;
  /** The model name the upstream reported. */
  upstreamModel?: string;
}

/** The events of a provider stream, in order: deltas, then usage (when reported), then `done`. */
export type ProviderStreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; result: ChatResult };

export interface CostBreakdown {
  /** USD. */
  total: number;
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  /** Part of `output` when the model prices reasoning separately, else 0. */
  reasoning: number;
  /** False when the model has no known price: `total` is then 0 and must not be trusted. */
  priced: boolean;
  /** Where the price came from. */
  source?: 'genai-prices' | 'catalog' | 'user';
}

export interface AttemptRecord {
  model: string;
  provider: string;
  /** `ok`, `error`, or `skipped` (no key, open circuit, over budget). */
  outcome: 'ok' | 'error' | 'skipped' | 'cancelled';
  status?: number;
  latencyMs: number;
  error?: string;
  /** Hedged attempts run beside another one. */
  hedged?: boolean;
  usage?: Usage;
  cost?: number;
}

/** The gateway's answer: the provider result plus routing, timing and cost. */
export interface GatewayResult extends ChatResult {
  /** The model id that was asked for, after alias resolution. */
  requestedModel: string;
  /** The catalog id of the model that answered (may differ after a fallback). */
  model: string;
  provider: string;
  cost: CostBreakdown;
  latencyMs: number;
  /** Time to first token; for a non-streaming call, the time to the whole answer. */
  ttftMs: number;
  attempts: AttemptRecord[];
  cacheHit: boolean;
}

/** The events the gateway's stream yields. It ends with exactly one `done` or one `error`. */
export type GatewayStreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'attempt'; attempt: AttemptRecord }
  | { type: 'done'; result: GatewayResult }
  | { type: 'error'; error: Error; partialText: string; attempts: AttemptRecord[] };

export interface CallOptions {
  signal?: AbortSignal;
  /** Send even when the request would pass `switchboard.budget.daily` or `.monthly`. */
  allowOverBudget?: boolean;
}
