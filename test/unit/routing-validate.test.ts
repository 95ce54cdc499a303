import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogEntry } from '../../src/core/catalog/types';
import { DEFAULT_SETTINGS, parseSettings, type Settings } from '../../src/core/config/settings';
import type { ProviderDefinition } from '../../src/core/providers/types';
import type { RoutingCatalog } from '../../src/core/routing/candidates';
import { applyRoutingDefaults, validateRoutingSettings } from '../../src/core/routing/validate';

const MODELS = ['anthropic/claude-sonnet-4-5', 'openai/gpt-5', 'openai/gpt-5-mini', 'workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast'];

const catalog: RoutingCatalog = {
  has: (id) => MODELS.includes(id),
  get: (id) => (MODELS.includes(id) ? ({ id, provider: id.split('/')[0] } as CatalogEntry) : undefined),
  provider: (id) => ({ id, name: id, local: id === 'ollama' }) as ProviderDefinition,
};

const settingsWith = (raw: Record<string, unknown>): Settings => {
  const { settings, warnings } = parseSettings(raw);
  assert.deepEqual(warnings, []);
  return settings;
};

test('valid routing settings give no warning', () => {
  const settings = settingsWith({
    fallbacks: { 'anthropic/claude-sonnet-4-5': ['openai/gpt-5', 'workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast'], '*': ['openai/gpt-5-mini'] },
    routing: { policy: 'latency', equivalents: [['openai/gpt-5', 'anthropic/claude-sonnet-4-5']] },
    hedging: { enabled: true, afterMs: 500 },
  });
  assert.deepEqual(validateRoutingSettings(settings, catalog), []);
});

test('a fallback id not in the catalog is named, and the fallbacks default stays in force', () => {
  const settings = settingsWith({ fallbacks: { 'openai/gpt-5': ['openai/gpt-6-turbo'] }, retry: { maxAttempts: 5 } });
  const warnings = validateRoutingSettings(settings, catalog);
  assert.deepEqual(warnings.map((w) => w.setting), ['switchboard.fallbacks']);
  assert.match(warnings[0]!.message, /switchboard\.fallbacks.*openai\/gpt-6-turbo/);
  const applied = applyRoutingDefaults(settings, warnings);
  assert.deepEqual(applied.fallbacks, DEFAULT_SETTINGS.fallbacks);
  assert.equal(applied.retry.maxAttempts, 5, 'other settings untouched');
});

test('models of a local provider count as known: they are discovered at run time', () => {
  const settings = settingsWith({ fallbacks: { 'openai/gpt-5': ['ollama/llama3.2'] } });
  assert.deepEqual(validateRoutingSettings(settings, catalog), []);
});

test('a cycle in the fallbacks is a warning that shows the cycle', () => {
  const settings = settingsWith({ fallbacks: { 'openai/gpt-5': ['openai/gpt-5-mini'], 'openai/gpt-5-mini': ['anthropic/claude-sonnet-4-5'], 'anthropic/claude-sonnet-4-5': ['openai/gpt-5'] } });
  const [warning, ...rest] = validateRoutingSettings(settings, catalog);
  assert.equal(rest.length, 0);
  assert.equal(warning!.setting, 'switchboard.fallbacks');
  assert.match(warning!.message, /cycle: openai\/gpt-5 -> openai\/gpt-5-mini -> anthropic\/claude-sonnet-4-5 -> openai\/gpt-5/);
});

test('values that bypassed parseSettings are checked against the schema: negative attempts, contradictions', () => {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    retry: { maxAttempts: -2, baseDelayMs: 10, maxDelayMs: 100 },
    timeouts: { firstByteMs: 5000, idleMs: 1000, totalMs: 2000 },
    breaker: { failureThreshold: 0, cooldownMs: 10 },
    hedging: { enabled: true, afterMs: 9000 },
    routing: { policy: 'fastest' as 'latency', equivalents: [] },
  };
  const warnings = validateRoutingSettings(settings, catalog);
  assert.deepEqual(warnings.map((w) => w.setting), [
    'switchboard.retry', 'switchboard.timeouts', 'switchboard.breaker', 'switchboard.hedging', 'switchboard.routing',
  ]);
  assert.match(warnings[0]!.message, /maxAttempts/);
  assert.match(warnings[1]!.message, /firstByteMs \(5000\) exceeds totalMs \(2000\)/);
  const applied = applyRoutingDefaults(settings, warnings);
  for (const key of ['retry', 'timeouts', 'breaker', 'hedging', 'routing'] as const) assert.deepEqual(applied[key], DEFAULT_SETTINGS[key]);
});

test('maxDelayMs below baseDelayMs is a warning', () => {
  const settings = settingsWith({ retry: { baseDelayMs: 1000, maxDelayMs: 10 } });
  assert.match(validateRoutingSettings(settings, catalog)[0]!.message, /maxDelayMs \(10\) is below baseDelayMs \(1000\)/);
});

test('equivalents naming unknown models or one model twice are warnings', () => {
  const unknown = settingsWith({ routing: { policy: 'latency', equivalents: [['openai/gpt-5', 'nope/x']] } });
  assert.match(validateRoutingSettings(unknown, catalog)[0]!.message, /switchboard\.routing.*nope\/x/);
  const twice = settingsWith({ routing: { policy: 'latency', equivalents: [['openai/gpt-5', 'openai/gpt-5-mini'], ['openai/gpt-5', 'anthropic/claude-sonnet-4-5']] } });
  assert.match(validateRoutingSettings(twice, catalog)[0]!.message, /one equivalents group only: openai\/gpt-5/);
});

test('the catalog is not built when no setting names a model', () => {
  let built = 0;
  const warnings = validateRoutingSettings(DEFAULT_SETTINGS, () => {
    built += 1;
    return catalog;
  });
  assert.deepEqual(warnings, []);
  assert.equal(built, 0);
});
