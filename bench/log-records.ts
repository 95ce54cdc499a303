import type { RequestRecord } from '../src/core/log/record';

/** Realistic metadata-level log records for the log benchmarks: 12 models, 30 days, a few failures and retries. */

const MODELS: [string, string, number, number][] = [
  ['openai/gpt-5-mini', 'openai', 0.25, 2],
  ['openai/gpt-5', 'openai', 1.25, 10],
  ['anthropic/claude-sonnet-4-5', 'anthropic', 3, 15],
  ['anthropic/claude-haiku-4-5', 'anthropic', 1, 5],
  ['google/gemini-2.5-flash', 'google', 0.3, 2.5],
  ['google/gemini-2.5-pro', 'google', 1.25, 10],
  ['groq/llama-3.3-70b-versatile', 'groq', 0.59, 0.79],
  ['mistral/mistral-large-latest', 'mistral', 2, 6],
  ['deepseek/deepseek-chat', 'deepseek', 0.27, 1.1],
  ['xai/grok-4', 'xai', 3, 15],
  ['openrouter/meta-llama/llama-4-maverick', 'openrouter', 0.15, 0.6],
  ['ollama/llama3.2', 'ollama', 0, 0],
];

export const BENCH_START = Date.UTC(2025, 2, 1);
export const BENCH_DAYS = 30;

/** Deterministic: record i is always the same. */
export function benchRecord(i: number, total: number): RequestRecord {
  const [model, provider, inPrice, outPrice] = MODELS[i % MODELS.length];
  const input = 200 + ((i * 7919) % 8000);
  const output = 20 + ((i * 104729) % 1500);
  const failed = i % 50 === 0;
  const retried = i % 17 === 0;
  const latency = 300 + ((i * 31) % 4000);
  const time = new Date(BENCH_START + Math.floor((i / total) * BENCH_DAYS * 86_400_000));
  const cost = failed ? 0 : (input * inPrice + output * outPrice) / 1e6;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    time: time.toISOString(),
    requestedModel: model,
    model,
    provider,
    attempts: [
      ...(retried ? [{ model, provider, outcome: 'error' as const, status: 429, latencyMs: 120, error: `${provider} returned 429: rate limited` }] : []),
      failed
        ? { model, provider, outcome: 'error' as const, status: 500, latencyMs: latency, error: `${provider} returned 500: internal error` }
        : { model, provider, outcome: 'ok' as const, latencyMs: latency },
    ],
    status: failed ? 'error' : 'ok',
    latencyMs: latency + (retried ? 120 : 0),
    ttftMs: failed ? undefined : Math.round(latency / 3),
    usage: failed
      ? { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }
      : { inputTokens: input, cachedInputTokens: i % 3 === 0 ? Math.floor(input / 2) : 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: i % 5 === 0 ? Math.floor(output / 4) : 0 },
    cost,
    priced: true,
    cacheHit: false,
    finishReason: failed ? undefined : 'stop',
    error: failed ? `${provider} returned 500: internal error` : undefined,
    workspace: i % 4 === 0 ? '/home/dev/projects/api' : '/home/dev/projects/web',
    source: i % 10 === 0 ? 'cli' : 'extension',
  };
}
