import type { ProviderDefinition } from './providers/types';

/** Where API keys come from: SecretStorage in the extension, env vars in the CLI and server. */
export interface KeySource {
  getKey(provider: ProviderDefinition): Promise<string | undefined>;
  /**
   * What `getKey` would give, when the source can tell without waiting: the key, or null when it knows there is
   * none. Undefined when it cannot tell, and the gateway awaits `getKey`. Lets a request start its upstream call in
   * the turn it was made.
   */
  knownKey?(provider: ProviderDefinition): string | null | undefined;
}

const fromEnv = (env: Record<string, string | undefined>, provider: ProviderDefinition): string | undefined => {
  for (const name of provider.apiKeyEnv) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
};

/** Reads each provider's standard env vars, in order. */
export const envKeySource = (env: Record<string, string | undefined>): KeySource => ({
  async getKey(provider) {
    return fromEnv(env, provider);
  },
  knownKey: (provider) => fromEnv(env, provider) ?? null,
});

/**
 * Tries each source in turn. The chain knows a key at once only when every source before the one that has it knows
 * at once that it has none: an earlier source always wins.
 */
export const chainKeySources = (...sources: KeySource[]): KeySource => ({
  async getKey(provider) {
    for (const source of sources) {
      const key = await source.getKey(provider);
      if (key) return key;
    }
    return undefined;
  },
  knownKey(provider) {
    for (const source of sources) {
      const key = source.knownKey?.(provider);
      if (key === undefined) return undefined;
      if (key) return key;
    }
    return null;
  },
});

/** The Cloudflare AI Gateway token is looked up like a provider key. */
export const CLOUDFLARE_GATEWAY_KEY: ProviderDefinition = {
  id: 'cloudflare-gateway',
  name: 'Cloudflare AI Gateway',
  family: 'openai',
  baseURL: 'https://gateway.ai.cloudflare.com/v1',
  apiKeyEnv: ['CF_AIG_TOKEN'],
  auth: 'bearer',
};
