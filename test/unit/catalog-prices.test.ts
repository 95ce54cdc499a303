import { afterEach, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Catalog } from '../../src/core/catalog/catalog';
import { GENAI_PROVIDER_IDS, genaiPrices } from '../../src/core/catalog/genai-prices';
import { CATALOG_PRICES } from '../../src/core/catalog/price-overrides';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/core/config/settings';
import { computeCost } from '../../src/core/usage/cost';
import { emptyUsage, type Usage } from '../../src/core/types';

afterEach(() => mock.timers.reset());

/** Pins the clock, so the catalog and the library price at the same instant. */
function at(iso: string): Date {
  const now = new Date(iso);
  mock.timers.reset();
  mock.timers.enable({ apis: ['Date'], now });
  return now;
}

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

test('costs from catalog prices equal genai-prices’ own calcPrice for the same usage', () => {
  const now = at('2026-11-23T12:00:00Z');
  const catalog = new Catalog(DEFAULT_SETTINGS);
  const cases: [string, Usage][] = [
    ['openai/gpt-5-mini', usage({ inputTokens: 12_345, cachedInputTokens: 4_000, outputTokens: 6_789, reasoningTokens: 5_000 })],
    ['openai/gpt-6-sol', usage({ inputTokens: 300_000, cachedInputTokens: 100_000, cacheWriteTokens: 20_000, outputTokens: 4_000 })],
    ['anthropic/claude-haiku-4-5', usage({ inputTokens: 40_000, cachedInputTokens: 25_000, cacheWriteTokens: 5_000, outputTokens: 900 })],
    ['anthropic/claude-sonnet-4-5', usage({ inputTokens: 150_000, cachedInputTokens: 50_000, cacheWriteTokens: 10_000, outputTokens: 3_000 })],
    ['anthropic/claude-sonnet-4-5', usage({ inputTokens: 250_000, cachedInputTokens: 90_000, cacheWriteTokens: 30_000, outputTokens: 3_000 })],
    ['google/gemini-2.5-pro', usage({ inputTokens: 120_000, cachedInputTokens: 20_000, outputTokens: 8_000, reasoningTokens: 6_000 })],
    ['google/gemini-2.5-pro', usage({ inputTokens: 420_000, cachedInputTokens: 20_000, outputTokens: 8_000 })],
    ['deepseek/deepseek-v4-flash', usage({ inputTokens: 64_000, cachedInputTokens: 60_000, outputTokens: 2_000 })],
    ['xai/grok-4.6', usage({ inputTokens: 210_000, cachedInputTokens: 10_000, outputTokens: 1_000 })],
    ['perplexity/sonar-deep-research', usage({ inputTokens: 3_000, outputTokens: 20_000, reasoningTokens: 15_000 })],
    ['workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast', usage({ inputTokens: 2_000, outputTokens: 500 })],
    ['fireworks/accounts/fireworks/models/gpt-oss-120b', usage({ inputTokens: 9_000, cachedInputTokens: 3_000, outputTokens: 700 })],
  ];
  for (const [id, u] of cases) {
    const entry = catalog.get(id);
    assert.ok(entry, id);
    assert.equal(entry.priceSource, 'genai-prices', id);
    const ours = computeCost(u, entry.price, entry.priceSource);
    const theirs = genaiPrices().calcPrice(
      {
        input_tokens: u.inputTokens,
        cache_read_tokens: u.cachedInputTokens,
        cache_write_tokens: u.cacheWriteTokens,
        output_tokens: u.outputTokens,
        output_reasoning_tokens: u.reasoningTokens,
      },
      entry.upstreamModel,
      { providerId: GENAI_PROVIDER_IDS[entry.provider], timestamp: now },
    );
    assert.ok(theirs, `genai-prices knows ${id}`);
    assert.ok(
      Math.abs(ours.total - theirs.total_price) < 1e-12,
      `${id} with ${u.inputTokens} input: ours ${ours.total}, genai-prices ${theirs.total_price}`,
    );
  }
});

test('every built-in model has a price, from genai-prices or the catalog table', () => {
  at('2026-11-23T12:00:00Z');
  const unpriced = new Catalog(DEFAULT_SETTINGS).entries().filter((e) => !e.price).map((e) => e.id);
  assert.deepEqual(unpriced, []);
});

test('the catalog table prices models genai-prices lacks, and only those', () => {
  const now = at('2026-11-23T12:00:00Z');
  const catalog = new Catalog(DEFAULT_SETTINGS);
  for (const [id, price] of Object.entries(CATALOG_PRICES)) {
    const entry = catalog.get(id);
    assert.ok(entry, `${id} is in the catalog`);
    assert.equal(
      genaiPrices().calcPrice({}, entry.upstreamModel, { providerId: GENAI_PROVIDER_IDS[entry.provider], timestamp: now }),
      null,
      `${id} is now in genai-prices: drop it from the catalog table`,
    );
    assert.equal(entry.priceSource, 'catalog');
    assert.deepEqual(entry.price, price);
  }
  assert.deepEqual(catalog.get('openai/gpt-6.1-sol')?.price, { input: 2, output: 10 });
});

test("the user's prices override both genai-prices and the catalog table", () => {
  at('2026-11-23T12:00:00Z');
  const { settings } = parseSettings({
    prices: {
      'openai/gpt-5-mini': { input: 0.2, output: 1.6, cachedInput: 0.02 },
      'openai/gpt-6.1-sol': { input: 1.9, output: 9 },
    },
  });
  const catalog = new Catalog(settings);
  assert.deepEqual(catalog.get('openai/gpt-5-mini')?.price, { input: 0.2, output: 1.6, cachedInput: 0.02 });
  assert.equal(catalog.get('openai/gpt-5-mini')?.priceSource, 'user');
  assert.equal(catalog.get('openai/gpt-6.1-sol')?.priceSource, 'user');
  assert.equal(catalog.get('openai/gpt-6.1-sol')?.price?.input, 1.9);
  // Others are untouched.
  assert.equal(catalog.get('openai/gpt-5')?.priceSource, 'genai-prices');
});

test('tiered library prices become threshold rows with every rate of the tier', () => {
  at('2026-11-23T12:00:00Z');
  const sonnet = new Catalog(DEFAULT_SETTINGS).get('anthropic/claude-sonnet-4-5');
  assert.deepEqual(sonnet?.price, {
    input: 3,
    output: 15,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    tiers: [{ threshold: 200_000, input: 6, output: 22.5, cachedInput: 0.6, cacheWrite: 7.5 }],
  });
});

test('prices that change by date: the one in force now', () => {
  // genai-prices raises mistral-medium-latest (now Medium 3.5) on 2026-06-16.
  at('2026-06-01T12:00:00Z');
  assert.equal(new Catalog(DEFAULT_SETTINGS).get('mistral/mistral-medium-latest')?.price?.input, 0.4);
  at('2026-07-01T12:00:00Z');
  assert.equal(new Catalog(DEFAULT_SETTINGS).get('mistral/mistral-medium-latest')?.price?.input, 1.5);
});

test('prices that change by time of day follow the clock on a long-lived catalog', () => {
  // DeepSeek V4 bills peak hours (01:00-04:00 and 06:00-10:00 UTC) at twice the off-peak rate.
  at('2026-11-23T00:50:00Z');
  const catalog = new Catalog(DEFAULT_SETTINGS);
  assert.equal(catalog.get('deepseek/deepseek-v4-flash')?.price?.input, 0.22);
  mock.timers.setTime(Date.parse('2026-11-23T01:05:00Z'));
  assert.equal(catalog.get('deepseek/deepseek-v4-flash')?.price?.input, 0.44);
  assert.equal(catalog.entries().find((e) => e.id === 'deepseek/deepseek-v4-flash')?.price?.input, 0.44);
  mock.timers.setTime(Date.parse('2026-11-23T04:00:00Z'));
  assert.equal(catalog.get('deepseek/deepseek-v4-flash')?.price?.input, 0.22);
});

test('genai-prices is loaded on the first price lookup, not when the catalog is imported', () => {
  const script = `
    const loaded = () => Object.keys(require.cache).some((k) => k.includes('@pydantic/genai-prices'));
    const { Catalog } = require('./src/core/catalog/catalog');
    const { DEFAULT_SETTINGS } = require('./src/core/config/settings');
    const catalog = new Catalog(DEFAULT_SETTINGS);
    const before = [loaded(), catalog.providers().length > 0, catalog.suggest('gpt5-mini').length > 0, loaded()];
    catalog.get('openai/gpt-5-mini');
    console.log(JSON.stringify([...before, loaded()]));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? ''), [false, true, true, false, true]);
});
