import { isRetired, switchAdvice } from '../catalog/lifecycle';
import { CancelledError, UpstreamError, errorMessage } from '../errors';
import { retryAfterMs } from './retry-after';
import type { ResolvedCall } from './types';

/**
 * What went wrong with an upstream call, as each family's adapter classifies its own SDK's errors.
 * This module stays free of SDK imports so that loading it never loads an SDK.
 */
export type UpstreamFailure =
  | { kind: 'aborted' }
  /** No HTTP response: DNS, refused connection, TLS, or the SDK's own timeout. */
  | { kind: 'connection'; timeout: boolean; detail?: string }
  /** An HTTP error status. `upstreamMessage` is the provider's own error text. */
  | { kind: 'status'; status: number; headers?: Headers; upstreamMessage?: string; requestId?: string }
  /** An `error` event inside a stream that had started. */
  | { kind: 'stream_error'; upstreamMessage?: string; errorType?: string; requestId?: string }
  /** The connection broke, or the stream ended, before the answer was complete. */
  | { kind: 'interrupted'; detail: string; requestId?: string }
  /** A body or SSE event that does not parse, or parses to something that is not an answer. */
  | { kind: 'malformed'; detail: string; requestId?: string }
  /** Anything else the SDK threw (a bug or a misconfiguration on our side). */
  | { kind: 'unknown'; detail: string };

/** Statuses worth another attempt: timeouts, conflicts, rate limits, and server-side failures (529 = overloaded). */
export const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 409 || status === 429 || status >= 500;

/** Turns a classified failure into the error the gateway routes on: `CancelledError` or `UpstreamError`. */
export function toGatewayError(call: ResolvedCall, failure: UpstreamFailure, cause?: unknown): CancelledError | UpstreamError {
  const { provider, modelId } = call;
  const base = { provider: provider.id, model: modelId, cause };
  switch (failure.kind) {
    case 'aborted':
      return new CancelledError();
    case 'connection':
      return new UpstreamError({
        ...base,
        retryable: true,
        code: failure.timeout ? 'timeout' : 'connection',
        message: failure.timeout
          ? `${provider.name} did not answer in time (${call.baseURL}). Retry, or raise switchboard.timeouts.`
          : `Could not reach ${provider.name} at ${call.baseURL}${failure.detail ? `: ${failure.detail}` : ''}. Check your network connection and the provider's base URL.`,
      });
    case 'status': {
      const retryable = isRetryableStatus(failure.status);
      const waitMs = retryable ? retryAfterMs(failure.headers, failure.status) : undefined;
      const upstream = failure.upstreamMessage ? `: ${failure.upstreamMessage}` : '';
      const retired = refusesRetired(call, failure.status);
      return new UpstreamError({
        ...base,
        status: failure.status,
        retryable,
        retryAfterMs: waitMs,
        requestId: failure.requestId,
        code: retired ? 'model_retired' : statusCode(failure.status),
        message: `${provider.name} returned ${failure.status}${upstream}. ${retired ? switchFromRetired(call) : nextStep(call, failure.status, waitMs)}`,
      });
    }
    case 'stream_error':
      return new UpstreamError({
        ...base,
        retryable: true,
        requestId: failure.requestId,
        code: 'stream_interrupted',
        message: `${provider.name} reported an error in the middle of the stream${failure.errorType ? ` (${failure.errorType})` : ''}${failure.upstreamMessage ? `: ${failure.upstreamMessage}` : ''}. Retrying usually helps.`,
      });
    case 'interrupted':
      return new UpstreamError({
        ...base,
        retryable: true,
        requestId: failure.requestId,
        code: 'stream_interrupted',
        message: `The response from ${provider.name} broke off before it was complete (${failure.detail}). Retrying usually helps.`,
      });
    case 'malformed':
      return new UpstreamError({
        ...base,
        retryable: true,
        requestId: failure.requestId,
        code: 'malformed_response',
        message: `${provider.name} returned a malformed response (${failure.detail}). This is usually temporary; if it persists, check the base URL ${call.baseURL} points at an API of the ${provider.family === 'anthropic' ? 'Anthropic Messages' : 'OpenAI Chat Completions'} kind.`,
      });
    case 'unknown':
      return new UpstreamError({
        ...base,
        retryable: false,
        message: `The call to ${provider.name} failed: ${failure.detail}`,
      });
  }
}

function statusCode(status: number): string {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 400 || status === 413 || status === 422) return 'bad_request';
  if (status === 402) return 'payment_required';
  return 'upstream';
}

/** The statuses providers refuse a model they have retired with, for a model past its end of life. */
const refusesRetired = (call: ResolvedCall, status: number): boolean =>
  (status === 400 || status === 404 || status === 410) && isRetired(call);

/** What the user can do about the refusal of a model its provider has retired. */
function switchFromRetired(call: ResolvedCall): string {
  return `${call.provider.name} retired ${call.modelId} on ${call.endOfLife}: ${switchAdvice(call)} ("Switchboard: Switch Model", switchboard.model or --model).`;
}

/** What the user can do about an HTTP error. */
function nextStep(call: ResolvedCall, status: number, waitMs: number | undefined): string {
  const { provider } = call;
  const keyHint = provider.apiKeyEnv.length
    ? `Check the API key in ${provider.apiKeyEnv.join(' or ')} (or run "Switchboard: Set API Key")`
    : 'Check the credentials this server expects';
  const keyUrl = provider.keyUrl ? `; keys are at ${provider.keyUrl}` : '';
  switch (status) {
    case 401:
      return `${keyHint}${keyUrl}.`;
    case 403:
      return `The key is valid but not allowed to do this: check its permissions, your plan, and access to the model "${call.upstreamModel}"${keyUrl}.`;
    case 402:
      return `Your ${provider.name} account is out of credit or needs billing set up.`;
    case 404:
      return `Check the model name "${call.upstreamModel}" (run "switchboard models") and the base URL ${call.baseURL}.`;
    case 408:
      return 'The request timed out upstream; retrying may help.';
    case 409:
      return 'The request conflicted with another one; retrying may help.';
    case 413:
      return 'The request is too large: shorten the prompt or send smaller images.';
    case 429:
      return `Rate limited: ${waitMs !== undefined ? `retry in ${formatWait(waitMs)}` : 'retry later'}, or add a fallback model.`;
    case 400:
    case 422:
      return `The provider rejected the request: check the parameters the model "${call.upstreamModel}" supports.`;
    default:
      if (status === 529 || status === 503) return `${provider.name} is overloaded; retry later or add a fallback model.`;
      if (status >= 500) return `${provider.name} had a server error; retrying or a fallback model may help.`;
      return 'See the message above for the cause.';
  }
}

const formatWait = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.ceil(ms / 1000)} s`);

/** The innermost cause of a network failure, e.g. `connect ECONNREFUSED 127.0.0.1:9` under undici's `fetch failed`. */
export function describeCause(err: unknown): string {
  let deepest = err;
  for (let depth = 0; depth < 5 && deepest instanceof Error && deepest.cause instanceof Error; depth++) deepest = deepest.cause;
  const code = (deepest as { code?: unknown }).code;
  const message = errorMessage(deepest);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
