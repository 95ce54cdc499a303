import type { ProviderAdapter, ProviderFamily } from './types';

const adapters = new Map<ProviderFamily, Promise<ProviderAdapter>>();

/**
 * The adapter for a provider family. Its module, and the SDK behind it, load on the first call, so that importing
 * the gateway (as the extension does on activation) loads no SDK. The literal import paths let esbuild bundle them.
 */
export async function getAdapter(family: ProviderFamily): Promise<ProviderAdapter> {
  let adapter = adapters.get(family);
  if (!adapter) {
    adapter = load(family);
    adapters.set(family, adapter);
    // A failed load is not remembered, so the next call tries again.
    adapter.catch(() => adapters.delete(family));
  }
  return adapter;
}

async function load(family: ProviderFamily): Promise<ProviderAdapter> {
  switch (family) {
    case 'openai':
      return (await import('./openai/index')).openaiAdapter;
    case 'anthropic':
      return (await import('./anthropic/index')).anthropicAdapter;
  }
}
