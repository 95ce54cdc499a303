import { UpstreamError } from '../errors';
import type { Settings } from '../config/settings';

export type RetrySettings = Settings['retry'];

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/**
 * Whether trying the same request again may succeed: connection errors, timeouts, 408, 409, 429 and every 5xx
 * (529 "overloaded" included). Never a 4xx such as 400, 401, 403, 404 or 422: the same request fails the same way.
 * Without a status (connection reset, timeout, unreadable response) the adapter's verdict stands.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof UpstreamError)) return false;
  if (err.status === undefined) return err.retryable;
  return RETRYABLE_STATUSES.has(err.status) || err.status >= 500;
}

export type RetryDelay = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * The wait before retry number `retry` (1 for the first retry): exponential backoff with full jitter, capped by
 * maxDelayMs. A server's retry-after is honoured as a minimum; when it asks for more than maxDelayMs the same
 * model is not retried at all (the caller moves on to a fallback) rather than hammered early or waited on too long.
 */
export function retryDelay(retry: number, settings: RetrySettings, retryAfterMs: number | undefined, random: () => number): RetryDelay {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return { retry: true, delayMs: jittered };
  if (retryAfterMs > settings.maxDelayMs) {
    return { retry: false, reason: `the provider asked to wait ${retryAfterMs} ms, more than switchboard.retry.maxDelayMs (${settings.maxDelayMs})` };
  }
  return { retry: true, delayMs: Math.max(retryAfterMs, jittered) };
}
