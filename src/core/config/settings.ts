import { z } from 'zod';
import { describeIssues } from '../validation-issues';

/**
 * Every `switchboard.*` setting, keyed without the `switchboard.` prefix. The extension reads them from VS Code's
 * configuration, the CLI from a JSON file; both go through `parseSettings`, so a bad value gets the same warning
 * everywhere and the last good value (or the default) stays in force.
 */

const PriceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
});

const ProviderOverrideSchema = z.object({
  baseURL: z.url().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const CustomModelSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutput: z.number().int().positive().optional(),
  vision: z.boolean().optional(),
  tools: z.boolean().optional(),
  price: PriceSchema.optional(),
});

const CustomProviderSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'provider ids are lower-case letters, digits and -'),
  name: z.string().optional(),
  baseURL: z.url(),
  apiKeyEnv: z.string().optional(),
  auth: z.enum(['bearer', 'none']).default('bearer'),
  headers: z.record(z.string(), z.string()).optional(),
  models: z.array(CustomModelSchema).default([]),
});

const CloudflareGatewaySchema = z.object({
  accountId: z.string().min(1),
  gatewayId: z.string().min(1),
  /** Provider ids to route through the gateway; all that it supports when absent. */
  providers: z.array(z.string()).optional(),
  cacheTtl: z.number().int().nonnegative().optional(),
  skipCache: z.boolean().optional(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const settingSchemas = {
  model: z.string().min(1),
  aliases: z.record(z.string(), z.string().min(1)),
  temperature: z.number().min(0).max(2).nullable(),
  maxTokens: z.number().int().positive().nullable(),
  providers: z.record(z.string(), ProviderOverrideSchema),
  customProviders: z.array(CustomProviderSchema),
  cloudflareGateway: CloudflareGatewaySchema.nullable(),
  prices: z.record(z.string(), PriceSchema),
  localDetection: z.boolean(),

  fallbacks: z.record(z.string(), z.array(z.string().min(1))),
  retry: z.object({
    maxAttempts: z.number().int().min(1).max(20),
    baseDelayMs: z.number().int().min(0),
    maxDelayMs: z.number().int().min(0),
  }),
  timeouts: z.object({
    firstByteMs: z.number().int().positive(),
    idleMs: z.number().int().positive(),
    totalMs: z.number().int().positive(),
  }),
  breaker: z.object({
    failureThreshold: z.number().int().min(1),
    cooldownMs: z.number().int().min(0),
  }),
  hedging: z.object({
    enabled: z.boolean(),
    afterMs: z.number().int().min(0),
  }),
  routing: z.object({
    policy: z.enum(['ordered', 'latency']),
    equivalents: z.array(z.array(z.string().min(1)).min(2)),
  }),

  'logging.level': z.enum(['off', 'metadata', 'full']),
  'logging.retentionDays': z.number().int().min(1),
  'logging.redactPatterns': z.array(z.string()),
  'budget.daily': z.number().positive().nullable(),
  'budget.monthly': z.number().positive().nullable(),
  'budget.warnAt': z.number().gt(0).max(1),
  'cache.enabled': z.boolean(),
  'cache.ttlSeconds': z.number().int().positive(),
  'telemetry.otlpEndpoint': z.url().nullable(),

  'gateway.host': z.string().min(1),
  'gateway.port': z.number().int().min(0).max(65535),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type Settings = { [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };

export const DEFAULT_SETTINGS: Settings = {
  model: 'openai/gpt-5-mini',
  aliases: {},
  temperature: null,
  maxTokens: null,
  providers: {},
  customProviders: [],
  cloudflareGateway: null,
  prices: {},
  localDetection: true,
  fallbacks: {},
  retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 8000 },
  timeouts: { firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 },
  breaker: { failureThreshold: 5, cooldownMs: 30_000 },
  hedging: { enabled: false, afterMs: 2000 },
  routing: { policy: 'ordered', equivalents: [] },
  'logging.level': 'metadata',
  'logging.retentionDays': 30,
  'logging.redactPatterns': [],
  'budget.daily': null,
  'budget.monthly': null,
  'budget.warnAt': 0.8,
  'cache.enabled': false,
  'cache.ttlSeconds': 3600,
  'telemetry.otlpEndpoint': null,
  'gateway.host': '127.0.0.1',
  'gateway.port': 4141,
};

export const SETTING_KEYS = Object.keys(settingSchemas) as SettingKey[];

export interface SettingsWarning {
  /** The full setting name, e.g. `switchboard.retry`. */
  setting: string;
  message: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `switchboard.*` values (keys with or without the prefix; unknown keys are ignored).
 * A value that fails validation produces a warning that names the setting, and `fallback`'s value is kept.
 */
export function parseSettings(
  raw: Record<string, unknown>,
  fallback: Settings = DEFAULT_SETTINGS,
): { settings: Settings; warnings: SettingsWarning[] } {
  const settings: Record<string, unknown> = { ...fallback };
  const warnings: SettingsWarning[] = [];
  for (const key of SETTING_KEYS) {
    const value = key in raw ? raw[key] : raw[`switchboard.${key}`];
    if (value === undefined) {
      settings[key] = DEFAULT_SETTINGS[key];
      continue;
    }
    const defaults = DEFAULT_SETTINGS[key];
    const merged = isPlainObject(value) && isPlainObject(defaults) ? { ...defaults, ...value } : value;
    const parsed = settingSchemas[key].safeParse(merged);
    if (parsed.success) {
      settings[key] = parsed.data;
    } else {
      warnings.push({
        setting: `switchboard.${key}`,
        message: `Invalid value for switchboard.${key}: ${describeIssues(parsed.error)}. Keeping ${JSON.stringify(fallback[key])}.`,
      });
    }
  }
  return { settings: settings as Settings, warnings };
}
