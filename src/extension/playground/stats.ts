import type { AttemptRecord, GatewayResult } from '../../core/types';
import type { AttemptInfo, RunStats } from '../../shared/playground-protocol';

export const attemptInfo = (a: AttemptRecord): AttemptInfo => ({
  model: a.model,
  provider: a.provider,
  outcome: a.outcome,
  status: a.status,
  latencyMs: a.latencyMs,
  error: a.error,
  hedged: a.hedged,
});

/**
 * Output tokens per second while generating: from the first token to the end. A run whose whole answer came at
 * once (or with no output) has no meaningful rate.
 */
export function tokensPerSecond(outputTokens: number, latencyMs: number, ttftMs: number): number | null {
  const generatingMs = latencyMs - ttftMs;
  if (outputTokens <= 0 || generatingMs <= 0) return null;
  return outputTokens / (generatingMs / 1000);
}

export function runStats(result: GatewayResult): RunStats {
  return {
    model: result.model,
    requestedModel: result.requestedModel,
    provider: result.provider,
    ttftMs: result.ttftMs,
    latencyMs: result.latencyMs,
    tokensPerSecond: tokensPerSecond(result.usage.outputTokens, result.latencyMs, result.ttftMs),
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    reasoningTokens: result.usage.reasoningTokens,
    cost: result.cost.total,
    priced: result.cost.priced,
    estimatedUsage: result.usage.estimated === true,
    cacheHit: result.cacheHit,
    finishReason: result.finishReason,
    attempts: result.attempts.map(attemptInfo),
  };
}
