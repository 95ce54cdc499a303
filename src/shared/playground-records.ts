import { array, boolean, enum as oneOf, literal, number, object, record, string, type output } from 'zod';

/**
 * The records the playground keeps: models as the picker shows them, runs, conversations and the webview's saved
 * state. Part of the playground protocol (./playground-protocol re-exports all of it); a module of its own, with
 * named zod imports and no core import, because the webview bundles it: `import { z }` would bundle every zod
 * locale (450 kB) into a page that validates one state object.
 */

/** A data URL is base64: 14 M characters hold about 10 MB of image. */
export const MAX_IMAGE_URL_CHARS = 14_000_000;
export const MAX_IMAGES_PER_MESSAGE = 8;
export const MAX_COLUMNS = 6;
export const MAX_STOP_SEQUENCES = 4;

export const IdSchema = string().min(1).max(100);

/** What the model picker shows of a catalog entry. Prices in USD per 1M tokens. */
export const ModelInfoSchema = object({
  id: string(),
  displayName: string(),
  provider: string(),
  contextWindow: number(),
  maxOutput: number(),
  price: object({ input: number(), output: number() }).optional(),
  capabilities: object({ vision: boolean(), tools: boolean(), reasoning: boolean(), json: boolean() }),
  local: boolean(),
  /** True when the provider needs a key and none is set. */
  keyMissing: boolean(),
});
export type ModelInfo = output<typeof ModelInfoSchema>;

export const AttemptInfoSchema = object({
  model: string(),
  provider: string(),
  outcome: oneOf(['ok', 'error', 'skipped', 'cancelled']),
  status: number().optional(),
  latencyMs: number(),
  error: string().optional(),
  hedged: boolean().optional(),
});
export type AttemptInfo = output<typeof AttemptInfoSchema>;

/** The figures of one finished run. */
export const RunStatsSchema = object({
  /** The model that answered (after any fallback). */
  model: string(),
  requestedModel: string(),
  provider: string(),
  ttftMs: number(),
  latencyMs: number(),
  /** Output tokens per second after the first token; null when it cannot be told. */
  tokensPerSecond: number().nullable(),
  inputTokens: number(),
  outputTokens: number(),
  reasoningTokens: number(),
  /** USD; meaningful only when `priced`. */
  cost: number(),
  priced: boolean(),
  estimatedUsage: boolean(),
  cacheHit: boolean(),
  finishReason: string(),
  attempts: array(AttemptInfoSchema),
});
export type RunStats = output<typeof RunStatsSchema>;

export const ReplySchema = object({
  runId: IdSchema,
  /** The model asked for. */
  model: string(),
  status: oneOf(['streaming', 'done', 'error', 'stopped']),
  text: string(),
  stats: RunStatsSchema.optional(),
  error: string().optional(),
  attempts: array(AttemptInfoSchema).default([]),
});
export type Reply = output<typeof ReplySchema>;

export const TurnSchema = object({
  id: IdSchema,
  user: object({
    text: string(),
    /** data: URLs. */
    images: array(string().max(MAX_IMAGE_URL_CHARS)).max(MAX_IMAGES_PER_MESSAGE).default([]),
  }),
  /** Keyed by column id. */
  replies: record(string(), ReplySchema),
});
export type Turn = output<typeof TurnSchema>;

/** `model` is empty until the catalog arrived and the default model is known. */
export const ColumnSchema = object({ id: IdSchema, model: string() });
export type Column = output<typeof ColumnSchema>;

export const OutputModeSchema = oneOf(['text', 'json_object', 'json_schema']);

/** The request settings, as the form holds them (numbers unset when empty). */
export const RunParamsSchema = object({
  system: string().default(''),
  temperature: number().min(0).max(2).optional(),
  topP: number().gt(0).max(1).optional(),
  maxTokens: number().int().positive().optional(),
  stop: array(string().min(1)).max(MAX_STOP_SEQUENCES).default([]),
  output: OutputModeSchema.default('text'),
  /** The JSON schema text, kept as typed so that a half-written one survives a reload. */
  jsonSchema: string().default(''),
});
export type RunParams = output<typeof RunParamsSchema>;

export const ConversationSchema = object({
  id: IdSchema,
  title: string(),
  createdAt: number(),
  updatedAt: number(),
  columns: array(ColumnSchema).min(1).max(MAX_COLUMNS),
  params: RunParamsSchema,
  turns: array(TurnSchema),
});
export type Conversation = output<typeof ConversationSchema>;

export const ConversationSummarySchema = object({
  id: IdSchema,
  title: string(),
  updatedAt: number(),
  turns: number(),
  models: array(string()),
});
export type ConversationSummary = output<typeof ConversationSummarySchema>;

/** What the webview keeps with setState (and what a WebviewPanelSerializer receives after a reload). */
export const PersistedStateSchema = object({
  version: literal(1),
  conversation: ConversationSchema,
  draft: object({ text: string(), images: array(string()) }).default({ text: '', images: [] }),
  settingsOpen: boolean().default(false),
});
export type PersistedState = output<typeof PersistedStateSchema>;

/** The first user text of a conversation, cut to a title. */
export function conversationTitle(conversation: Pick<Conversation, 'turns'>): string {
  const first = conversation.turns[0]?.user.text.trim().replace(/\s+/g, ' ') ?? '';
  if (!first) return 'New conversation';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

export function summarize(conversation: Conversation): ConversationSummary {
  return {
    id: conversation.id,
    title: conversation.title,
    updatedAt: conversation.updatedAt,
    turns: conversation.turns.length,
    models: conversation.columns.map((c) => c.model),
  };
}
