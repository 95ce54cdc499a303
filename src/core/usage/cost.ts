import type { ModelPrice } from '../catalog/types';
import type { CostBreakdown, Usage } from '../types';

const PER_MILLION = 1_000_000;

/**
 * The USD cost of one call. Runs on every request, so it allocates nothing but its result.
 *
 * `usage.inputTokens` includes cache reads and cache writes; `usage.outputTokens` includes reasoning tokens.
 * A tiered price is picked by the prompt's whole input (cache included), as providers bill it.
 */
export function computeCost(usage: Usage, price: ModelPrice | undefined, source?: CostBreakdown['source']): CostBreakdown {
  if (!price) {
    return { total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: false };
  }

  let inputRate = price.input;
  let outputRate = price.output;
  let cachedRate = price.cachedInput ?? inputRate;
  let writeRate = price.cacheWrite ?? inputRate;
  if (price.tiers) {
    let tier: NonNullable<ModelPrice['tiers']>[number] | undefined;
    for (const t of price.tiers) {
      if (usage.inputTokens > t.threshold && (!tier || t.threshold > tier.threshold)) tier = t;
    }
    if (tier) {
      inputRate = tier.input;
      outputRate = tier.output;
      // A tier that leaves the cache rates out keeps the base ones; without those, cache tokens cost input.
      cachedRate = tier.cachedInput ?? price.cachedInput ?? tier.input;
      writeRate = tier.cacheWrite ?? price.cacheWrite ?? tier.input;
    }
  }

  const cachedTokens = Math.max(0, usage.cachedInputTokens);
  const writeTokens = Math.max(0, usage.cacheWriteTokens);
  const uncachedTokens = Math.max(0, usage.inputTokens - cachedTokens - writeTokens);
  const reasoningTokens = Math.min(Math.max(0, usage.reasoningTokens), Math.max(0, usage.outputTokens));
  const answerTokens = Math.max(0, usage.outputTokens - reasoningTokens);

  const input = (uncachedTokens * inputRate) / PER_MILLION;
  const cachedInput = (cachedTokens * cachedRate) / PER_MILLION;
  const cacheWrite = (writeTokens * writeRate) / PER_MILLION;
  const reasoningCost = (reasoningTokens * (price.reasoning ?? outputRate)) / PER_MILLION;
  const output = (answerTokens * outputRate) / PER_MILLION + reasoningCost;

  return {
    total: input + cachedInput + cacheWrite + output,
    input,
    cachedInput,
    cacheWrite,
    output,
    reasoning: price.reasoning === undefined ? 0 : reasoningCost,
    priced: true,
    source,
  };
}
