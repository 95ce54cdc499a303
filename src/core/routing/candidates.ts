import type { CatalogEntry } from '../catalog/types';
import type { Settings } from '../config/settings';
import type { ProviderDefinition } from '../providers/types';
import type { LatencyTracker } from './latency';

export interface Candidate {
  entry: CatalogEntry;
  provider: ProviderDefinition;
}

/** The part of the catalog that routing reads. */
export interface RoutingCatalog {
  /** Whether the catalog has `id`, without pricing it. */
  has(id: string): boolean;
  get(id: string): CatalogEntry | undefined;
  provider(id: string): ProviderDefinition | undefined;
}

export type RoutingPolicySettings = Pick<Settings, 'fallbacks' | 'routing'>;

/** The wildcard key of `switchboard.fallbacks`: the chain for models without their own entry. */
export const ANY_MODEL = '*';

/**
 * The model ids to try, in order. With the `latency` policy, the requested model's equivalents group comes first,
 * fastest first. Then the fallbacks, breadth first: the requested model's own list (or the `*` list when it has
 * none), then each fallback's own list. Every id appears once, so a cycle cannot loop.
 */
export function candidateChain(requested: string, settings: RoutingPolicySettings, latency?: LatencyTracker): string[] {
  const group = settings.routing.policy === 'latency' ? settings.routing.equivalents.find((g) => g.includes(requested)) : undefined;
  const own = settings.fallbacks[requested];
  const any = own ? undefined : settings.fallbacks[ANY_MODEL];
  // The usual case, and on every request: one model, no fallbacks.
  if (!group && !own?.length && !any?.length) return [requested];
  const head = group && latency ? latency.fastestFirst(group) : group ?? [requested];
  const chain: string[] = [];
  const queue = [...head];
  if (any) queue.push(...any);
  while (queue.length) {
    const id = queue.shift()!;
    if (chain.includes(id)) continue;
    chain.push(id);
    queue.push(...(settings.fallbacks[id] ?? []));
  }
  return chain;
}

/** The chain as catalog entries with their providers. Ids the catalog does not know are left out. */
export function buildCandidates(
  requested: CatalogEntry,
  settings: RoutingPolicySettings,
  catalog: RoutingCatalog,
  latency?: LatencyTracker,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const id of candidateChain(requested.id, settings, latency)) {
    const entry = id === requested.id ? requested : catalog.get(id);
    const provider = entry && catalog.provider(entry.provider);
    if (entry && provider) candidates.push({ entry, provider });
  }
  return candidates;
}
