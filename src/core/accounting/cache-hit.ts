import type { CostBreakdown, GatewayResult, GatewayStreamEvent } from '../types';

/** A cached answer costs nothing: it never went upstream. */
const NO_COST: CostBreakdown = { total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: true };

/** The stored answer as this request's result: marked as a hit, free, with this request's timing and no attempts. */
export function cachedResult(stored: GatewayResult, latencyMs: number): GatewayResult {
  return { ...stored, cacheHit: true, cost: { ...NO_COST }, latencyMs, ttftMs: latencyMs, attempts: [] };
}

/** What a stream of the stored answer would have shown before its `done`: the text, the tool calls, the usage. */
export function* replayEvents(result: GatewayResult): Generator<GatewayStreamEvent> {
  if (result.text) yield { type: 'text', delta: result.text };
  for (const [index, call] of result.toolCalls.entries()) {
    yield { type: 'tool_call', index, id: call.id, name: call.name, argumentsDelta: call.arguments };
  }
  yield { type: 'usage', usage: result.usage };
}
