import type { CostEstimate } from '../../core/accounting/accounting';
import type { ModelCostEstimate } from '../../core/usage/estimate';
import type { DraftEstimate, ModelEstimate } from '../../shared/playground-protocol';

/** How many cheaper models the composer names beside the chosen one. */
export const COMPARED_MODELS = 3;

const modelEstimate = (e: ModelCostEstimate): ModelEstimate => ({
  model: e.model,
  inputTokens: e.inputTokens,
  outputTokens: e.outputTokens,
  cost: e.cost.priced ? e.cost.total : undefined,
});

/** The webview's view of the gateway's estimate: the chosen model, and the cheapest other priced ones. */
export function draftEstimate(estimate: CostEstimate, compared = COMPARED_MODELS): DraftEstimate {
  // `across` is cheapest first, unpriced last.
  const cheapest = estimate.across.filter((e) => e.cost.priced && e.model !== estimate.model.model).slice(0, compared);
  return { model: modelEstimate(estimate.model), cheapest: cheapest.map(modelEstimate) };
}
