import type { Settings } from '../config/settings';
import { ConfigError } from '../errors';
import { baseUrlEnvVar } from './registry';
import type { ProviderDefinition } from './types';

const CLOUDFLARE_GATEWAY_ORIGIN = 'https://gateway.ai.cloudflare.com/v1';

/** Placeholders that settings can fill when the env var is unset. */
const SETTINGS_PLACEHOLDERS: Record<string, (settings: Settings) => string | undefined> = {
  CLOUDFLARE_ACCOUNT_ID: (settings) => settings.cloudflareGateway?.accountId,
};

/** `baseUrlEnvVar` per provider id, worked out once rather than on every request. */
const envVars = new Map<string, string>();
function envVarOf(providerId: string): string {
  let name = envVars.get(providerId);
  if (name === undefined) envVars.set(providerId, (name = baseUrlEnvVar(providerId)));
  return name;
}

export interface Endpoint {
  baseURL: string;
  headers: Record<string, string>;
}

/**
 * Where a provider's requests go, and the extra headers they carry. The base URL comes from, in order:
 * the env var `SWITCHBOARD_<ID>_BASE_URL`, `switchboard.providers[id].baseURL`, the Cloudflare AI Gateway route
 * (when `switchboard.cloudflareGateway` is set and covers the provider), and the registry's base URL.
 * Headers: the provider's own, then Cloudflare AI Gateway's (on that route), then the user's, which win.
 */
export function resolveEndpoint(
  provider: ProviderDefinition,
  settings: Settings,
  env: Record<string, string | undefined>,
  options: { gatewayToken?: string } = {},
): Endpoint {
  const override = settings.providers[provider.id];
  const fromEnv = env[envVarOf(provider.id)]?.trim();
  const cloudflare = fromEnv || override?.baseURL ? undefined : cloudflareRoute(provider, settings, options.gatewayToken);
  const chosen = fromEnv || override?.baseURL || cloudflare?.baseURL || provider.baseURL;
  return {
    baseURL: fillPlaceholders(chosen, provider, settings, env).replace(/\/+$/, ''),
    headers: { ...provider.headers, ...cloudflare?.headers, ...override?.headers },
  };
}

/** The provider's endpoint on Cloudflare AI Gateway and its `cf-aig-*` headers, when the gateway should carry it. */
function cloudflareRoute(
  provider: ProviderDefinition,
  settings: Settings,
  gatewayToken: string | undefined,
): { baseURL: string; headers: Record<string, string> } | undefined {
  const gateway = settings.cloudflareGateway;
  if (!gateway || !provider.cloudflareGatewaySlug) return undefined;
  if (gateway.providers && !gateway.providers.includes(provider.id)) return undefined;
  const headers: Record<string, string> = {};
  if (gatewayToken) headers['cf-aig-authorization'] = `Bearer ${gatewayToken}`;
  if (gateway.cacheTtl !== undefined) headers['cf-aig-cache-ttl'] = String(gateway.cacheTtl);
  if (gateway.skipCache) headers['cf-aig-skip-cache'] = 'true';
  if (gateway.metadata && Object.keys(gateway.metadata).length) headers['cf-aig-metadata'] = JSON.stringify(gateway.metadata);
  const account = encodeURIComponent(gateway.accountId);
  const id = encodeURIComponent(gateway.gatewayId);
  return { baseURL: `${CLOUDFLARE_GATEWAY_ORIGIN}/${account}/${id}/${provider.cloudflareGatewaySlug}`, headers };
}

function fillPlaceholders(
  url: string,
  provider: ProviderDefinition,
  settings: Settings,
  env: Record<string, string | undefined>,
): string {
  if (!url.includes('{')) return url;
  return url.replace(/\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = env[name]?.trim() || SETTINGS_PLACEHOLDERS[name]?.(settings);
    if (!value) {
      throw new ConfigError(
        `The base URL of ${provider.name} needs ${name}: set the environment variable ${name}, or set ${baseUrlEnvVar(provider.id)} to the full URL.`,
      );
    }
    return encodeURIComponent(value);
  });
}
