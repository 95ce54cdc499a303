import { errorMessage } from '../errors';
import { describeCause, type UpstreamFailure } from './errors';

/** The fields the `openai` and `@anthropic-ai/sdk` APIError classes share. */
export interface SdkApiError {
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
}

/**
 * Sorts what an SDK threw into a failure, given the family's own tests for its error classes.
 * A status-less APIError is an error payload inside a stream that had started.
 */
export function classifySdkError(
  err: unknown,
  midStream: boolean,
  sdk: {
    isAbort(err: unknown): boolean;
    isTimeout(err: unknown): boolean;
    isConnection(err: unknown): boolean;
    apiError(err: unknown): (SdkApiError & { upstreamMessage?: string; errorType?: string; requestId?: string }) | undefined;
  },
): UpstreamFailure {
  if (sdk.isAbort(err)) return { kind: 'aborted' };
  if (sdk.isTimeout(err)) return { kind: 'connection', timeout: true };
  if (sdk.isConnection(err)) {
    return midStream ? { kind: 'interrupted', detail: describeCause(err) } : { kind: 'connection', timeout: false, detail: describeCause(err) };
  }
  const api = sdk.apiError(err);
  if (api) {
    if (api.status === undefined) {
      return { kind: 'stream_error', upstreamMessage: api.upstreamMessage, errorType: api.errorType, requestId: api.requestId };
    }
    return { kind: 'status', status: api.status, headers: api.headers, upstreamMessage: api.upstreamMessage, requestId: api.requestId };
  }
  if (err instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON: ${err.message}` };
  // undici reports a socket that closed while the body was being read as `TypeError: terminated`.
  if (midStream || (err instanceof TypeError && (err.message === 'terminated' || err.message === 'fetch failed'))) {
    return { kind: 'interrupted', detail: describeCause(err) };
  }
  return { kind: 'unknown', detail: errorMessage(err) };
}

/** The upstream's own error text: the SDK's parsed `error.message`, else the raw body the SDK kept. */
export function fallbackMessage(err: SdkApiError): string | undefined {
  const text = err.message.replace(/^\d{3} /, '');
  if (!text || text === 'status code (no body)') return undefined;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
