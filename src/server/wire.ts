import type { z } from 'zod';
import { InvalidRequestError } from '../core/errors';
import type { ChatRequestInput, GatewayResult, GatewayStreamEvent } from '../core/types';
import type { HttpError } from './errors';
import { describeIssues } from '../core/validation-issues';

/** A route's request, translated to the gateway's unified request. */
export interface ParsedChat {
  input: ChatRequestInput;
  stream: boolean;
  /** OpenAI's `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean;
}

/** Writes one streamed answer in a wire format, as SSE text. */
export interface ChatStreamRenderer {
  /** The frames for a content event (text, tool call); '' for events with no wire form. */
  event(event: GatewayStreamEvent): string;
  /** The closing frames once the gateway's result is known. */
  finish(result: GatewayResult): string;
  /** The error frame when the stream fails after it began. */
  fail(error: HttpError): string;
}

/** One wire format (OpenAI Chat Completions, Anthropic Messages): request and response transforms side by side. */
export interface ChatWire {
  parse(body: unknown): ParsedChat;
  render(result: GatewayResult): unknown;
  startStream(parsed: ParsedChat): ChatStreamRenderer;
  errorBody(error: HttpError): unknown;
}

/** Parses with a wire schema, naming each bad field in the client's own field names. */
export function parseWire<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(`Invalid request: ${describeIssues(parsed.error, 'body')}`);
}

/** A tool call's arguments as a JSON object, for formats that carry them parsed. */
export function argumentsObject(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const value: unknown = JSON.parse(args);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const sseData = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
export const sseEvent = (event: string, value: unknown): string => `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
