import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/core/catalog/catalog';
import { checkCatalogReferences } from '../../src/core/catalog/settings-check';
import { parseSettings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';

const settingsWith = (raw: Record<string, unknown>) => {
  const { settings, warnings } = parseSettings(raw);
  assert.deepEqual(warnings, []);
  return settings;
};
const check = (raw: Record<string, unknown>, env: Record<string, string | undefined> = {}) => {
  const settings = settingsWith(raw);
  return checkCatalogReferences(settings, env, () => new Catalog(settings));
};

test('overrides, base URL env vars and aliases that name what the catalog has give no warning, local and custom ones included', () => {
  const warnings = check({
    providers: { openai: { baseURL: 'http://127.0.0.1:9999/v1' }, 'workers-ai': { headers: { 'x-a': 'b' } }, 'my-vllm': { headers: { 'x-b': 'c' } } },
    customProviders: [{ id: 'my-vllm', baseURL: 'http://gpu-box:8000/v1', models: [{ id: 'qwen3-32b' }] }],
    aliases: { fast: 'groq/llama-3.3-70b-versatile', mine: 'my-vllm/qwen3-32b', local: 'ollama/llama3.2:latest' },
  }, { SWITCHBOARD_WORKERS_AI_BASE_URL: 'http://127.0.0.1:9997', SWITCHBOARD_MY_VLLM_BASE_URL: 'http://127.0.0.1:9996/v1', SWITCHBOARD_OPNEAI_BASE_URL: '' });
  assert.deepEqual(warnings, []);
});

test('an override or a base URL env var for a misspelt provider, and an alias for a model not in the catalog, are named with the closest ids', () => {
  const warnings = check({
    providers: { opneai: { baseURL: 'http://127.0.0.1:9999/v1' }, anthropic: { baseURL: 'http://127.0.0.1:9998' } },
    aliases: { fast: 'openai/gpt-5-mnii', ok: 'openai/gpt-5-mini' },
  }, { SWITCHBOARD_OPNEAI_BASE_URL: 'http://127.0.0.1:9999/v1', SWITCHBOARD_OPENAI_BASE_URL: 'http://127.0.0.1:9995/v1', HOME: '/root' });
  assert.deepEqual(warnings, [
    {
      setting: 'switchboard.providers',
      message: 'switchboard.providers has overrides for "opneai", which is not a provider, so they apply to nothing. Did you mean "openai"?',
    },
    {
      setting: 'switchboard.providers',
      message: 'The env var SWITCHBOARD_OPNEAI_BASE_URL names no provider, so it applies to nothing. Did you mean "SWITCHBOARD_OPENAI_BASE_URL"?',
    },
    {
      setting: 'switchboard.aliases',
      message:
        'switchboard.aliases: "fast" stands for "openai/gpt-5-mnii", which is not in the catalog, so requests to "fast" fail. ' +
        'Did you mean "openai/gpt-5-mini", "openrouter/openai/gpt-5-mini", "openai/gpt-4.1-mini"?',
    },
  ]);
});

test("the gateway's warnings carry them, and follow the settings as they change", () => {
  const gateway = new Gateway({ settings: settingsWith({ providers: { opneai: { baseURL: 'http://127.0.0.1:9999/v1' } } }), keys: envKeySource({}), env: {} });
  assert.deepEqual(gateway.warnings.map((w) => w.setting), ['switchboard.providers']);
  gateway.updateSettings(settingsWith({ providers: { openai: { baseURL: 'http://127.0.0.1:9999/v1' } }, fallbacks: { 'openai/gpt-5': ['openai/nope'] } }));
  assert.deepEqual(gateway.warnings.map((w) => w.setting), ['switchboard.fallbacks']);
  assert.deepEqual(gateway.currentSettings.fallbacks, {}, 'a routing warning still puts its default in force');
  gateway.updateSettings(settingsWith({}));
  assert.deepEqual(gateway.warnings, []);
});
