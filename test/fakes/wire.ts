import type { Answer } from './answer';

/** One serialized server-sent event; `content` marks the text / tool-argument deltas that faults count. */
export interface StreamFrame {
  data: string;
  content: boolean;
}

/** Per-response values both formats need. */
export interface WireContext {
  /** A per-server sequence number, for ids that are unique within one fake. */
  seq: number;
  created: number;
  requestId: string;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** One provider family's wire format. */
export interface WireFormat {
  /** The header that carries the request id. */
  requestIdHeader: string;
  json(answer: Answer, ctx: WireContext): unknown;
  stream(answer: Answer, ctx: WireContext): StreamFrame[];
  errorBody(status: number, message: string | undefined, requestId: string): unknown;
  /** Rate-limit headers for a 429 that asks the client to wait `waitMs`. */
  rateLimitHeaders(waitMs: number): Record<string, string>;
  /** An error reported inside a stream that already answered 200. */
  streamErrorFrame(status: number, message: string | undefined): string;
  /** The status a mid-stream error stands for when the fault gives none. */
  defaultStreamErrorStatus: number;
  /** A frame whose data line is not valid JSON, framed as the family frames its events. */
  malformedFrame: string;
}

/** A frame whose data line is not valid JSON. */
export const MALFORMED_FRAME = 'data: {"id":"broken","choices":[{"delta":{"content":"unterminated\n\n';

export const sseData = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
export const sseEvent = (event: string, value: unknown): string => `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
