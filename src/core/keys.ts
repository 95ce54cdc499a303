import type { ProviderDefinition } from './providers/types';

/** Where API keys come from: SecretStorage in the extension, env vars in the CLI and server. */
export interface KeySource {
  getKey(provider: ProviderDefinition): Promise<string | undefined>;
}

/** Reads each provider's standard env vars, in order. */
export const envKeySource = (env: Record<string, string | undefined>): KeySource => ({
  async getKey(provider) {
    for (const name of provider.apiKeyEnv) {
      const value = env[name]?.trim();
      if (value) return value;
    }
    return undefined;
  },
});

/** Tries each source in turn. */
export const chainKeySources = (...sources: KeySource[]): KeySource => ({
  async getKey(provider) {
    for (const source of sources) {
      const key = await source.getKey(provider);
      if (key) return key;
    }
    return undefined;
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
