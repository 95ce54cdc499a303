import type { CatalogEntry } from '../../core/catalog/types';
import type { ModelInfo } from '../../shared/playground-protocol';

/** The picker's view of the catalog, sorted by provider then id. */
export function modelInfos(entries: readonly CatalogEntry[], providersWithoutKey: ReadonlySet<string>): ModelInfo[] {
  return entries
    .map((e) => ({
      id: e.id,
      displayName: e.displayName,
      provider: e.provider,
      contextWindow: e.contextWindow,
      maxOutput: e.maxOutput,
      price: e.price ? { input: e.price.input, output: e.price.output } : undefined,
      capabilities: {
        vision: e.capabilities.vision,
        tools: e.capabilities.tools,
        reasoning: e.capabilities.reasoning,
        json: e.capabilities.json,
      },
      local: e.priceSource === 'local' || e.discovered === true,
      keyMissing: providersWithoutKey.has(e.provider),
    }))
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
}
