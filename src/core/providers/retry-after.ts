/**
 * How long an upstream asked us to wait before trying again, read from its response headers.
 * Explicit `retry-after-ms` / `retry-after` win; on a 429 the rate-limit reset headers of the exhausted limit
 * (OpenAI's `x-ratelimit-reset-*`, Anthropic's `anthropic-ratelimit-*-reset`) fill in when those are absent.
 */
export function retryAfterMs(headers: Headers | undefined, status: number | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const explicit = explicitRetryAfterMs(headers, now);
  if (explicit !== undefined || status !== 429) return explicit;
  return rateLimitResetMs(headers, now);
}

function explicitRetryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && isNonNegativeNumber(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (isNonNegativeNumber(value)) return Math.round(Number(value) * 1000);
  return untilDate(value, now);
}

const OPENAI_LIMITS = ['requests', 'tokens'] as const;
const ANTHROPIC_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

/** The longest reset among the limits that are used up; every reported reset when none says which. */
function rateLimitResetMs(headers: Headers, now: number): number | undefined {
  const limits: { remaining: string | null; resetMs: number | undefined }[] = [
    ...OPENAI_LIMITS.map((kind) => ({
      remaining: headers.get(`x-ratelimit-remaining-${kind}`),
      resetMs: parseDuration(headers.get(`x-ratelimit-reset-${kind}`)),
    })),
    ...ANTHROPIC_LIMITS.map((kind) => ({
      remaining: headers.get(`anthropic-ratelimit-${kind}-remaining`),
      resetMs: untilDate(headers.get(`anthropic-ratelimit-${kind}-reset`), now),
    })),
  ].filter((l) => l.resetMs !== undefined);
  const exhausted = limits.filter((l) => l.remaining !== null && Number(l.remaining) <= 0);
  const relevant = exhausted.length ? exhausted : limits;
  if (!relevant.length) return undefined;
  return Math.max(...relevant.map((l) => l.resetMs!));
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** OpenAI's reset format, a Go duration: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
export function parseDuration(value: string | null | undefined): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (isNonNegativeNumber(text)) return Math.round(Number(text) * 1000);
  let total = 0;
  let consumed = '';
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed += match[0];
  }
  return consumed === text ? Math.round(total) : undefined;
}

/** Milliseconds from `now` until an HTTP date or RFC 3339 timestamp; 0 when it has passed. */
function untilDate(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const isNonNegativeNumber = (text: string): boolean => /^\d+(\.\d+)?$/.test(text.trim());
