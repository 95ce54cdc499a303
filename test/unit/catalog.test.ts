import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog } from '../../src/core/catalog/catalog';
import type { CatalogEntry } from '../../src/core/catalog/types';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/core/config/settings';
import { UnknownModelError } from '../../src/core/errors';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';

const catalogWith = (raw: Record<string, unknown>): Catalog => {
  const { settings, warnings } = parseSettings(raw);
  assert.deepEqual(warnings, []);
  return new Catalog(settings);
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

test('resolve takes an exact id, and an alias before it', () => {
  const catalog = catalogWith({
    aliases: { fast: 'groq/llama-3.3-70b-versatile', 'openai/gpt-5': 'openai/gpt-5-nano' },
  });
  assert.equal(catalog.resolve('anthropic/claude-haiku-4-5').id, 'anthropic/claude-haiku-4-5');
  assert.equal(catalog.resolve('fast').id, 'groq/llama-3.3-70b-versatile');
  // Aliases are looked up first, even when they shadow an id.
  assert.equal(catalog.resolve('openai/gpt-5').id, 'openai/gpt-5-nano');
  assert.equal(catalog.get('openai/gpt-5')?.id, 'openai/gpt-5');
});

test('ids are strict: a bare model name is unknown, with the real id suggested first', () => {
  const err = thrown(() => new Catalog(DEFAULT_SETTINGS).resolve('gpt-5-mini'));
  assert.ok(err instanceof UnknownModelError);
  assert.equal(err.modelId, 'gpt-5-mini');
  assert.equal(err.suggestions[0], 'openai/gpt-5-mini');
  assert.equal(err.exitCode, 2);
});

test('an unknown id names the closest ids in the error', () => {
  const err = thrown(() => new Catalog(DEFAULT_SETTINGS).resolve('gpt5-mini'));
  assert.ok(err instanceof UnknownModelError);
  assert.equal(err.suggestions.length, 3);
  assert.equal(err.suggestions[0], 'openai/gpt-5-mini');
  assert.match(err.message, /Unknown model "gpt5-mini"\. Did you mean "openai\/gpt-5-mini"/);
});

test('an alias to a missing model reports the target, not the alias', () => {
  const err = thrown(() => catalogWith({ aliases: { mine: 'anthropic/claude-sonet-4-6' } }).resolve('mine'));
  assert.ok(err instanceof UnknownModelError);
  assert.equal(err.modelId, 'anthropic/claude-sonet-4-6');
  assert.equal(err.suggestions[0], 'anthropic/claude-sonnet-4-6');
});

test('a retired model still resolves, but is not suggested for a near miss', () => {
  const catalog = new Catalog(DEFAULT_SETTINGS);
  assert.equal(catalog.resolve('anthropic/claude-sonnet-4-5').endOfLife, '2026-11-30');
  const suggestions = catalog.suggest('anthropic/claude-sonet-4-5', 5);
  assert.equal(suggestions.length, 5);
  assert.ok(!suggestions.includes('anthropic/claude-sonnet-4-5'), suggestions.join(', '));
  assert.ok(suggestions.includes('anthropic/claude-sonnet-4-6'), suggestions.join(', '));
});

test('names inherited from Object.prototype are not aliases', () => {
  const err = thrown(() => new Catalog(DEFAULT_SETTINGS).resolve('constructor'));
  assert.ok(err instanceof UnknownModelError);
});

test('suggest matches by edit distance and by substring, across punctuation and case', () => {
  const catalog = new Catalog(DEFAULT_SETTINGS);
  const sonnets = catalog.suggest('claude-sonnet');
  assert.equal(sonnets.length, 3);
  for (const id of sonnets) assert.match(id, /^anthropic\/claude-sonnet-/);
  assert.equal(catalog.suggest('Gemini-2.5-PRO')[0], 'google/gemini-2.5-pro');
  assert.equal(catalog.suggest('gemni-2.5-flash')[0], 'google/gemini-2.5-flash');
  assert.equal(catalog.suggest('llama-3.3-70b-versatile')[0], 'groq/llama-3.3-70b-versatile');
  assert.deepEqual(catalog.suggest('gpt5-mini', 1), ['openai/gpt-5-mini']);
  assert.deepEqual(catalog.suggest('zzzz'), []);
});

test('custom providers become OpenAI-family providers with their models in the catalog', () => {
  const catalog = catalogWith({
    customProviders: [
      {
        id: 'acme',
        name: 'Acme LLM',
        baseURL: 'https://llm.acme.test/v1',
        apiKeyEnv: 'ACME_KEY',
        headers: { 'x-team': 'blue' },
        models: [
          { id: 'acme-large', displayName: 'Acme Large', contextWindow: 64_000, maxOutput: 8_000, vision: true, price: { input: 1, output: 2 } },
          { id: 'acme-small', maxOutput: 100_000 },
        ],
      },
      { id: 'lab', baseURL: 'http://10.0.0.5:8000/v1', auth: 'none', models: [{ id: 'qwen3' }] },
    ],
  });

  assert.deepEqual(catalog.provider('acme'), {
    id: 'acme',
    name: 'Acme LLM',
    family: 'openai',
    baseURL: 'https://llm.acme.test/v1',
    apiKeyEnv: ['ACME_KEY'],
    auth: 'bearer',
    headers: { 'x-team': 'blue' },
  });
  assert.deepEqual(catalog.provider('lab'), {
    id: 'lab',
    name: 'lab',
    family: 'openai',
    baseURL: 'http://10.0.0.5:8000/v1',
    apiKeyEnv: [],
    auth: 'none',
  });
  assert.equal(catalog.providers().length, BUILTIN_PROVIDERS.length + 2);

  const large = catalog.resolve('acme/acme-large');
  assert.equal(large.upstreamModel, 'acme-large');
  assert.equal(large.displayName, 'Acme Large');
  assert.deepEqual([large.contextWindow, large.maxOutput], [64_000, 8_000]);
  assert.deepEqual(large.modalities.input, ['text', 'image']);
  assert.equal(large.capabilities.vision, true);
  assert.deepEqual(large.price, { input: 1, output: 2 });
  assert.equal(large.priceSource, 'user');

  // Unknown limits: the default window, and an answer that cannot outgrow it.
  const small = catalog.resolve('acme/acme-small');
  assert.deepEqual([small.contextWindow, small.maxOutput], [32_768, 32_768]);
  assert.equal(small.price, undefined);
  assert.ok(catalog.entries().some((e) => e.id === 'lab/qwen3'));
});

test('a custom provider that reuses a built-in id replaces its definition', () => {
  const catalog = catalogWith({
    customProviders: [{ id: 'openai', baseURL: 'https://proxy.test/v1', models: [{ id: 'house-model' }] }],
  });
  assert.equal(catalog.provider('openai')?.baseURL, 'https://proxy.test/v1');
  assert.equal(catalog.providers().filter((p) => p.id === 'openai').length, 1);
  assert.ok(catalog.get('openai/house-model'));
  assert.ok(catalog.get('openai/gpt-5-mini'));
});

const local = (provider: string, model: string): CatalogEntry => ({
  id: `${provider}/${model}`,
  displayName: model,
  provider,
  upstreamModel: model,
  contextWindow: 8_192,
  maxOutput: 8_192,
  modalities: { input: ['text'], output: ['text'] },
  capabilities: { streaming: true, tools: false, vision: false, reasoning: false, json: false },
});

test('discovered local models join the catalog, free, and replace earlier findings per provider', () => {
  const catalog = catalogWith({ prices: { 'lmstudio/qwen3-8b': { input: 0.01, output: 0.02 } } });
  assert.equal(catalog.get('ollama/llama3.2'), undefined);
  const before = catalog.entries().length;

  catalog.addDiscovered([local('ollama', 'llama3.2'), local('ollama', 'phi4'), local('lmstudio', 'qwen3-8b')]);
  const llama = catalog.resolve('ollama/llama3.2');
  assert.equal(llama.discovered, true);
  assert.deepEqual(llama.price, { input: 0, output: 0 });
  assert.equal(llama.priceSource, 'local');
  assert.equal(catalog.get('lmstudio/qwen3-8b')?.priceSource, 'user');
  assert.equal(catalog.entries().length, before + 3);

  // A new scan of Ollama drops what is gone and keeps LM Studio's findings.
  catalog.addDiscovered([local('ollama', 'phi4')]);
  assert.equal(catalog.get('ollama/llama3.2'), undefined);
  assert.ok(catalog.get('ollama/phi4'));
  assert.ok(catalog.get('lmstudio/qwen3-8b'));
  assert.equal(catalog.entries().length, before + 2);
  assert.ok(!catalog.suggest('ollama/llama3.2').includes('ollama/llama3.2'));
});

test('entries() hands out a copy: callers cannot reorder the catalog', () => {
  const catalog = new Catalog(DEFAULT_SETTINGS);
  const first = catalog.entries();
  first.length = 0;
  assert.ok(catalog.entries().length > 0);
});
