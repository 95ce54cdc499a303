import { randomUUID } from 'node:crypto';
import { isAbortError } from '../errors';
import {
  emptyUsage,
  type AttemptRecord,
  type ChatRequest,
  type CostBreakdown,
  type FinishReason,
  type GatewayResult,
  type Message,
  type ToolCall,
  type Usage,
} from '../types';
import type { Redactor } from './redact';
import type { LiveUsage } from '../usage/totals';

export type LoggingLevel = 'off' | 'metadata' | 'full';
export type RequestSource = 'extension' | 'cli' | 'server';
export type RequestStatus = 'ok' | 'error' | 'cancelled';

/** The sampling and output parameters of a request: everything but the contents. */
export type RequestParams = Omit<ChatRequest, 'model' | 'system' | 'messages'>;

/** One line of the request log. */
export interface RequestRecord {
  id: string;
  /** When the request started, ISO 8601 (UTC). */
  time: string;
  /** The model asked for, after alias resolution. */
  requestedModel: string;
  /** The model that answered (the last one tried, for a failure). */
  model: string;
  provider: string;
  attempts: AttemptRecord[];
  status: RequestStatus;
  latencyMs: number;
  /** Time to the first token; absent when none arrived. */
  ttftMs?: number;
  usage: Usage;
  /** USD: the answer's cost plus what failed or cancelled attempts cost. 0 for a cache hit. */
  cost: number;
  /** False when some model involved had no known price, so `cost` is a lower bound. */
  priced: boolean;
  cacheHit: boolean;
  finishReason?: FinishReason;
  /** The provider's request id. */
  requestId?: string;
  error?: string;
  workspace?: string;
  source: RequestSource;
  /** Only at level `full`. */
  request?: { system?: string; messages: Message[]; params: RequestParams };
  /** Only at level `full`. For a failure, the text that streamed before it. */
  response?: { text: string; toolCalls: ToolCall[] };
}

/** What the gateway knows when a request ends; `toRecord` turns it into a log record. */
export interface RecordInput {
  request: ChatRequest;
  /** Present on success. */
  result?: GatewayResult;
  /** Present on failure or cancellation. */
  error?: Error;
  /** Every attempt, when there is no result (a result carries its own). */
  attempts?: AttemptRecord[];
  /** The model asked for after alias resolution; defaults to the result's, else `request.model`. */
  requestedModel?: string;
  /** When the request started; defaults to now minus the latency. */
  startedAt?: Date;
  /** Needed on failure (a result carries its own). */
  latencyMs?: number;
  ttftMs?: number;
  /** Text that streamed before a failure. */
  partialText?: string;
  /** Overrides the usage, e.g. an estimate for an aborted stream (with `estimated: true`). */
  usage?: Usage;
  /** Overrides the cost of the answer, e.g. computed from an estimated usage. */
  cost?: CostBreakdown;
  source: RequestSource;
  workspace?: string;
  id?: string;
}

export interface RecordOptions {
  level: LoggingLevel;
  redactor: Redactor;
}

/** Data URLs can be megabytes of base64; the log keeps only what they were. */
const DATA_URL = /^data:([^;,]+)(;base64)?,(.*)$/s;

function elideImage(url: string): string {
  const m = DATA_URL.exec(url);
  if (!m) return url;
  const bytes = m[2] ? Math.floor((m[3].length * 3) / 4) : m[3].length;
  return `data:${m[1]}${m[2] ?? ''},[${bytes} bytes omitted]`;
}

function messagesForLog(messages: Message[]): Message[] {
  return messages.map((m) =>
    m.role === 'user' && Array.isArray(m.content)
      ? { ...m, content: m.content.map((p) => (p.type === 'image' ? { ...p, url: elideImage(p.url) } : p)) }
      : m,
  );
}

function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    ...(a.estimated || b.estimated ? { estimated: true } : {}),
  };
}

const providerOf = (modelId: string): string => modelId.split('/')[0] ?? modelId;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Who answered, and what the request used and cost, attempts other than the answer included. */
function settle(input: RecordInput) {
  const { result, error } = input;
  const attempts = result?.attempts ?? input.attempts ?? [];
  const last = attempts.at(-1);
  const requestedModel = input.requestedModel ?? result?.requestedModel ?? input.request.model;
  const model = result?.model ?? last?.model ?? requestedModel;
  const provider = result?.provider ?? last?.provider ?? providerOf(model);
  const latencyMs = result?.latencyMs ?? input.latencyMs ?? 0;
  const status: RequestRecord['status'] = result ? 'ok' : error && isAbortError(error) ? 'cancelled' : 'error';

  // Attempts other than the answer still cost money (a failed stream, a hedge that lost).
  const otherAttempts = attempts.filter((a) => a.outcome !== 'ok');
  const extraCost = otherAttempts.reduce((sum, a) => sum + (a.cost ?? 0), 0);
  const answerCost = input.cost ?? result?.cost;
  const cacheHit = result?.cacheHit ?? false;
  const usage = input.usage ?? result?.usage ?? otherAttempts.reduce<Usage>((u, a) => (a.usage ? addUsage(u, a.usage) : u), emptyUsage());
  const cost = cacheHit ? 0 : (answerCost?.total ?? 0) + extraCost;
  const priced = cacheHit || ((answerCost?.priced ?? true) && otherAttempts.every((a) => !a.usage || a.cost !== undefined));
  const startedAt = input.startedAt ?? new Date(Date.now() - latencyMs);
  return { attempts, requestedModel, model, provider, latencyMs, status, usage, cost, priced, cacheHit, startedAt };
}

/**
 * What usage totals need of a finished request: the figures of its record (see `toRecord`), without building and
 * redacting a whole record when nothing is logged.
 */
export function liveUsage(input: RecordInput): LiveUsage {
  const { model, provider, status, usage, cost, priced, cacheHit, startedAt } = settle(input);
  const entry: LiveUsage = { startedAt, model, provider, status, usage, cost, priced, cacheHit };
  if (input.workspace) entry.workspace = input.workspace;
  return entry;
}

/** The record without contents, not yet redacted. */
function recordMetadata(input: RecordInput): RequestRecord {
  const { result, error } = input;
  const { attempts, requestedModel, model, provider, latencyMs, status, usage, cost, priced, cacheHit, startedAt } = settle(input);
  const ttftMs = input.ttftMs ?? result?.ttftMs;
  const record: RequestRecord = {
    id: input.id ?? randomUUID(),
    time: startedAt.toISOString(),
    requestedModel,
    model,
    provider,
    attempts,
    status,
    latencyMs: round(latencyMs),
    usage,
    cost,
    priced,
    cacheHit,
    source: input.source,
  };
  if (ttftMs !== undefined) record.ttftMs = round(ttftMs);
  if (result) record.finishReason = result.finishReason;
  if (result?.requestId) record.requestId = result.requestId;
  if (error) record.error = error.message;
  if (input.workspace) record.workspace = input.workspace;
  return record;
}

/**
 * Builds the log record for a finished request at the logging level: `off` gives none, `metadata` no contents,
 * `full` adds the request (system, messages, params) and the response. Every string is redacted, at every level.
 * Telemetry needs a record even when logging is off: build one with `level: 'metadata'` (totals take `usageEntry`).
 */
export function toRecord(input: RecordInput, options: RecordOptions): RequestRecord | undefined {
  if (options.level === 'off') return undefined;
  const record = recordMetadata(input);
  if (options.level === 'full') {
    const { model: _model, system, messages, ...params } = input.request;
    record.request = { ...(system !== undefined ? { system } : {}), messages: messagesForLog(messages), params };
    if (input.result) record.response = { text: input.result.text, toolCalls: input.result.toolCalls };
    else if (input.partialText) record.response = { text: input.partialText, toolCalls: [] };
  }
  return options.redactor.redact(record);
}
