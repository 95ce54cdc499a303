import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCost } from '../../src/core/usage/cost';
import type { ModelPrice } from '../../src/core/catalog/types';
import { emptyUsage, type CostBreakdown, type Usage } from '../../src/core/types';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

/** Sums of a few float products: equal to well below a millionth of a cent. */
function assertCost(actual: CostBreakdown, expected: Partial<CostBreakdown>): void {
  for (const [key, value] of Object.entries(expected)) {
    const got = actual[key as keyof CostBreakdown];
    if (typeof value === 'number') {
      assert.ok(Math.abs((got as number) - value) < 1e-12, `${key}: expected ${value}, got ${String(got)}`);
    } else {
      assert.equal(got, value, key);
    }
  }
}

// GPT-5 mini's list prices: $0.25 input, $0.025 cached input, $2 output per 1M tokens.
const gpt5Mini: ModelPrice = { input: 0.25, cachedInput: 0.025, output: 2 };

test('OpenAI style: cached input at the cached rate, reasoning tokens at the output rate', () => {
  // 10,000 prompt tokens of which 4,000 cached; 3,000 completion tokens of which 2,000 reasoning.
  //   uncached  6,000 × 0.25  / 1M = 0.0015
  //   cached    4,000 × 0.025 / 1M = 0.0001
  //   output    1,000 × 2 / 1M + 2,000 × 2 / 1M = 0.002 + 0.004 = 0.006
  //   total                                    = 0.0076
  const cost = computeCost(
    usage({ inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 3_000, reasoningTokens: 2_000 }),
    gpt5Mini,
    'genai-prices',
  );
  assertCost(cost, {
    input: 0.0015,
    cachedInput: 0.0001,
    cacheWrite: 0,
    output: 0.006,
    reasoning: 0, // not billed apart from output, so not reported apart
    total: 0.0076,
    priced: true,
    source: 'genai-prices',
  });
});

test('reasoning billed at its own rate is reported as part of output', () => {
  // Sonar Deep Research: $2 input, $8 output, $3 reasoning per 1M.
  // 1,000 input; 5,000 output of which 4,000 reasoning.
  //   input      1,000 × 2 / 1M = 0.002
  //   answer     1,000 × 8 / 1M = 0.008
  //   reasoning  4,000 × 3 / 1M = 0.012
  //   output = 0.008 + 0.012 = 0.020; total = 0.022
  const cost = computeCost(usage({ inputTokens: 1_000, outputTokens: 5_000, reasoningTokens: 4_000 }), {
    input: 2,
    output: 8,
    reasoning: 3,
  });
  assertCost(cost, { input: 0.002, output: 0.02, reasoning: 0.012, total: 0.022, priced: true });
});

test('Anthropic style: cache reads and cache writes each at their own rate', () => {
  // Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M.
  // 50,000 input = 30,000 cache reads + 10,000 cache writes + 10,000 uncached; 2,000 output.
  //   uncached 10,000 × 3    / 1M = 0.03
  //   reads    30,000 × 0.3  / 1M = 0.009
  //   writes   10,000 × 3.75 / 1M = 0.0375
  //   output    2,000 × 15   / 1M = 0.03
  //   total                       = 0.1065
  const sonnet: ModelPrice = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
  const cost = computeCost(
    usage({ inputTokens: 50_000, cachedInputTokens: 30_000, cacheWriteTokens: 10_000, outputTokens: 2_000 }),
    sonnet,
  );
  assertCost(cost, { input: 0.03, cachedInput: 0.009, cacheWrite: 0.0375, output: 0.03, total: 0.1065 });
});

// Gemini 2.5 Pro: $1.25 / $0.125 cached / $10 up to 200K prompt tokens; $2.50 / $0.25 / $15 above.
const gemini25Pro: ModelPrice = {
  input: 1.25,
  cachedInput: 0.125,
  output: 10,
  tiers: [{ threshold: 200_000, input: 2.5, cachedInput: 0.25, output: 15 }],
};

test('Gemini tiers: a prompt of exactly the threshold stays on the base price', () => {
  // 200,000 × 1.25 / 1M = 0.25; 1,000 × 10 / 1M = 0.01; total 0.26
  const cost = computeCost(usage({ inputTokens: 200_000, outputTokens: 1_000 }), gemini25Pro);
  assertCost(cost, { input: 0.25, output: 0.01, total: 0.26 });
});

test('Gemini tiers: the tier is picked by the whole prompt, cached tokens included', () => {
  // 250,000 input (50,000 cached) > 200,000, so every part moves to the long-context rates:
  //   uncached 200,000 × 2.5  / 1M = 0.5
  //   cached    50,000 × 0.25 / 1M = 0.0125
  //   output     1,000 × 15   / 1M = 0.015
  //   total                        = 0.5275
  const cost = computeCost(usage({ inputTokens: 250_000, cachedInputTokens: 50_000, outputTokens: 1_000 }), gemini25Pro);
  assertCost(cost, { input: 0.5, cachedInput: 0.0125, output: 0.015, total: 0.5275 });
});

test('the highest threshold passed wins, whatever the order of the tiers', () => {
  const price: ModelPrice = {
    input: 1,
    output: 1,
    tiers: [
      { threshold: 500_000, input: 3, output: 3 },
      { threshold: 100_000, input: 2, output: 2 },
    ],
  };
  // 600,000 × 3 / 1M = 1.8
  assertCost(computeCost(usage({ inputTokens: 600_000 }), price), { input: 1.8 });
  // 200,000 × 2 / 1M = 0.4
  assertCost(computeCost(usage({ inputTokens: 200_000 }), price), { input: 0.4 });
});

test('a tier without cache rates keeps the base cache rates', () => {
  // 300,000 input of which 100,000 cached and 100,000 written, above a tier that sets only input and output:
  //   uncached 100,000 × 4   / 1M = 0.4
  //   cached   100,000 × 0.1 / 1M = 0.01   (base cachedInput)
  //   written  100,000 × 2.5 / 1M = 0.25   (base cacheWrite)
  const price: ModelPrice = {
    input: 2,
    cachedInput: 0.1,
    cacheWrite: 2.5,
    output: 8,
    tiers: [{ threshold: 200_000, input: 4, output: 12 }],
  };
  const cost = computeCost(
    usage({ inputTokens: 300_000, cachedInputTokens: 100_000, cacheWriteTokens: 100_000 }),
    price,
  );
  assertCost(cost, { input: 0.4, cachedInput: 0.01, cacheWrite: 0.25, total: 0.66 });
});

test('without cache rates, cache reads and writes cost the input rate', () => {
  // 1,000 uncached + 2,000 read + 3,000 written, all at $1 per 1M: 0.001 + 0.002 + 0.003
  const cost = computeCost(
    usage({ inputTokens: 6_000, cachedInputTokens: 2_000, cacheWriteTokens: 3_000 }),
    { input: 1, output: 4 },
  );
  assertCost(cost, { input: 0.001, cachedInput: 0.002, cacheWrite: 0.003, total: 0.006 });
});

test('an unknown price is reported as unpriced and costs nothing', () => {
  const cost = computeCost(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), undefined, 'genai-prices');
  assert.deepEqual(cost, { total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: false });
});

test('inconsistent usage never yields a negative part', () => {
  // A provider that reports more cached tokens than prompt tokens: nothing uncached is billed.
  const cost = computeCost(usage({ inputTokens: 100, cachedInputTokens: 500, outputTokens: 10, reasoningTokens: 50 }), gpt5Mini);
  // cached 500 × 0.025 / 1M = 0.0000125; output: 10 reasoning tokens at most × 2 / 1M = 0.00002
  assertCost(cost, { input: 0, cachedInput: 0.0000125, output: 0.00002, total: 0.0000325 });
});
