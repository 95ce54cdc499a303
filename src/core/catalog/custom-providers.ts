import type { Settings } from '../config/settings';
import type { ProviderDefinition } from '../providers/types';
import type { CatalogEntry } from './types';

type CustomProvider = Settings['customProviders'][number];

/** Used when a custom model does not say its window: small enough that most servers accept it. */
export const DEFAULT_CUSTOM_CONTEXT = 32_768;

/** A `switchboard.customProviders` entry as a provider: always OpenAI-compatible. */
export function customProviderDefinition(p: CustomProvider): ProviderDefinition {
  return {
    id: p.id,
    name: p.name ?? p.id,
    family: 'openai',
    baseURL: p.baseURL,
    apiKeyEnv: p.apiKeyEnv ? [p.apiKeyEnv] : [],
    auth: p.auth,
    ...(p.headers ? { headers: p.headers } : {}),
  };
}

/** A custom provider's models. Unknown limits: the default window, which also bounds the answer. */
export function customProviderEntries(p: CustomProvider): CatalogEntry[] {
  return p.models.map((m) => {
    const contextWindow = m.contextWindow ?? DEFAULT_CUSTOM_CONTEXT;
    const vision = m.vision ?? false;
    return {
      id: `${p.id}/${m.id}`,
      displayName: m.displayName ?? m.id,
      provider: p.id,
      upstreamModel: m.id,
      contextWindow,
      maxOutput: Math.min(m.maxOutput ?? contextWindow, contextWindow),
      modalities: { input: vision ? ['text', 'image'] : ['text'], output: ['text'] },
      capabilities: { streaming: true, tools: m.tools ?? true, vision, reasoning: false, json: true },
      ...(m.price ? { price: m.price, priceSource: 'user' as const } : {}),
    };
  });
}
