import type { Catalog } from '../catalog/catalog';
import type { CatalogEntry } from '../catalog/types';
import type { AttemptRecord, ChatRequest, CostBreakdown } from '../types';
import { computeCost } from '../usage/cost';
import { estimateUsage } from '../usage/estimate';

export const priceSourceOf = (entry: CatalogEntry | undefined): CostBreakdown['source'] =>
  entry?.priceSource === 'local' ? 'catalog' : entry?.priceSource;

/**
 * Fills `cost` (USD) on the attempts that carry usage and have none yet, in place: a failed stream or a hedge
 * that lost may still be billed. An attempt on a model without a known price keeps no cost, so the record that
 * sums them knows it is a lower bound.
 */
export function priceAttempts(attempts: AttemptRecord[], catalog: Pick<Catalog, 'get'>): void {
  for (const attempt of attempts) {
    if (!attempt.usage || attempt.cost !== undefined) continue;
    const entry = catalog.get(attempt.model);
    const cost = computeCost(attempt.usage, entry?.price, priceSourceOf(entry));
    if (cost.priced) attempt.cost = cost.total;
  }
}

/**
 * The attempts of a request that failed or was cancelled, copied and priced. The last attempt is the one that was
 * streaming (or waiting) when the request ended; when its provider reported no usage, the prompt and the text it
 * had sent are counted with the tokenizer and the usage marked `estimated`, so a cancelled stream still costs
 * what it likely cost. An attempt that failed before any text (an HTTP error) is not billed and stays at zero.
 * When the caller stopped reading mid-request (`abandoned`), the running attempt is added as a cancelled one.
 */
export async function settleFailedAttempts(
  ended: { request: ChatRequest; requested: CatalogEntry; attempts: readonly AttemptRecord[]; partialText: string; latencyMs: number; abandoned?: boolean },
  catalog: Pick<Catalog, 'get'>,
): Promise<AttemptRecord[]> {
  const { request, requested, partialText } = ended;
  const copies = ended.attempts.map((a) => ({ ...a }));
  if (ended.abandoned) {
    // The attempt that was running has no record: routing was stopped with the caller. Its model is not known
    // here, so it is booked on the requested one.
    copies.push({ model: requested.id, provider: requested.provider, outcome: 'cancelled', latencyMs: Math.round(ended.latencyMs) });
  }
  const last = copies.at(-1);
  const billed = last && !last.usage && (last.outcome === 'cancelled' || (last.outcome === 'error' && partialText !== ''));
  if (billed) last.usage = await estimateUsage({ request, outputText: partialText });
  priceAttempts(copies, catalog);
  return copies;
}
