import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogEntry, ModelPrice } from '../../src/core/catalog/types';
import type { ChatRequest, CostBreakdown, Usage } from '../../src/core/types';
import { computeCost as realComputeCost } from '../../src/core/usage/cost';
import {
  TOKENS_PER_IMAGE,
  countTokens,
  estimateCostAcross,
  estimatePromptTokens,
  estimateUsage,
  type ComputeCost,
} from '../../src/core/usage/estimate';

test('counts o200k tokens, treating special-token text as plain text', async () => {
  assert.equal(await countTokens(''), 0);
  assert.equal(await countTokens('Hello, world!'), 4);
  assert.ok((await countTokens('a <|endoftext|> b')) > 3);
});

test('prompt estimate covers system, messages, images, tool calls and tools', async () => {
  const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Hello, world!' }] };
  // 3 to prime the reply + 3 for the message + 4 for its text.
  assert.equal(await estimatePromptTokens(base), 10);
  const withSystem = await estimatePromptTokens({ ...base, system: 'Hello, world!' });
  assert.equal(withSystem, 17);
  const withImage = await estimatePromptTokens({
    ...base,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, world!' }, { type: 'image', url: 'https://example.com/a.png' }] }],
  });
  assert.equal(withImage, 10 + TOKENS_PER_IMAGE);
  const withTools = await estimatePromptTokens({
    ...base,
    messages: [
      ...base.messages,
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'rainy' },
    ],
    tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  });
  assert.ok(withTools > 10 + 6 + 10, `got ${withTools}`);
});

test('an aborted stream gets an estimated usage; reported figures are kept', async () => {
  const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Tell me a story about a dragon.' }] };
  const usage = await estimateUsage({ request, outputText: 'Once upon a time, there was a dragon' });
  assert.equal(usage.estimated, true);
  assert.equal(usage.inputTokens, await estimatePromptTokens(request));
  assert.equal(usage.outputTokens, await countTokens('Once upon a time, there was a dragon'));
  const partial = await estimateUsage({ request, outputText: 'Once', reported: { inputTokens: 999, cachedInputTokens: 900 } });
  assert.equal(partial.inputTokens, 999);
  assert.equal(partial.cachedInputTokens, 900);
  assert.equal(partial.outputTokens, 1);
  const withTool = await estimateUsage({ request, outputText: '', toolCalls: [{ id: 'x', name: 'lookup', arguments: '{"q":"dragons"}' }] });
  assert.ok(withTool.outputTokens > 0);
});

test('cost across models: counted input, assumed output capped by maxTokens and maxOutput', async () => {
  const entry = (id: string, price: ModelPrice | undefined, maxOutput: number): CatalogEntry => ({
    id,
    displayName: id,
    provider: id.split('/')[0],
    upstreamModel: id.split('/')[1],
    contextWindow: 128_000,
    maxOutput,
    modalities: { input: ['text'], output: ['text'] },
    capabilities: { streaming: true, tools: true, vision: false, reasoning: false, json: true },
    price,
    priceSource: price ? 'catalog' : undefined,
  });
  const calls: { usage: Usage; source?: string }[] = [];
  // A stand-in for usage/cost.ts: USD per 1M tokens.
  const computeCost: ComputeCost = (usage, price, source) => {
    calls.push({ usage, source });
    if (!price) return { total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: false };
    const input = (usage.inputTokens * price.input) / 1e6;
    const output = (usage.outputTokens * price.output) / 1e6;
    return { total: input + output, input, cachedInput: 0, cacheWrite: 0, output, reasoning: 0, priced: true, source } satisfies CostBreakdown;
  };
  const request: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'Hello, world!' }] };
  const entries = [entry('openai/a', { input: 1, output: 10 }, 100_000), entry('groq/b', { input: 2, output: 4 }, 300), entry('local/c', undefined, 8000)];

  const estimates = await estimateCostAcross(request, entries, computeCost, { assumedOutputTokens: 1000 });
  assert.deepEqual(estimates.map((e) => [e.model, e.inputTokens, e.outputTokens]), [
    ['openai/a', 10, 1000],
    ['groq/b', 10, 300],
    ['local/c', 10, 1000],
  ]);
  assert.ok(Math.abs(estimates[0].cost.total - (10 * 1 + 1000 * 10) / 1e6) < 1e-12);
  assert.ok(Math.abs(estimates[1].cost.total - (10 * 2 + 300 * 4) / 1e6) < 1e-12);
  assert.equal(estimates[2].cost.priced, false);
  assert.ok(calls.every((c) => c.usage.estimated === true));

  const capped = await estimateCostAcross({ ...request, maxTokens: 50 }, entries, computeCost);
  assert.deepEqual(capped.map((e) => e.outputTokens), [50, 50, 50]);
  const defaults = await estimateCostAcross(request, entries.slice(0, 1), computeCost);
  assert.equal(defaults[0].outputTokens, 500);

  // The real usage/cost.ts plugs in as it is.
  const real = await estimateCostAcross(request, entries, realComputeCost, { assumedOutputTokens: 1000 });
  assert.equal(real[0].cost.priced, true);
  assert.ok(real[0].cost.total > 0);
  assert.equal(real[2].cost.priced, false);
});
