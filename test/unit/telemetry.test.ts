import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/core/log/record';
import { errorType, genAiProviderName, spanAttributes, upstreamName } from '../../src/core/telemetry/genai';
import { CumulativeHistogram, encodeAttributes, unixNano } from '../../src/core/telemetry/otlp-json';

const record: RequestRecord = {
  id: 'r1',
  time: '2025-03-10T12:00:00.000Z',
  requestedModel: 'openai/gpt-5-mini',
  model: 'openai/gpt-5-mini',
  provider: 'openai',
  attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 10 }],
  status: 'ok',
  latencyMs: 10,
  usage: { inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 },
  cost: 0.001,
  priced: true,
  cacheHit: false,
  source: 'cli',
  request: { system: 'sys', messages: [{ role: 'user', content: 'hi' }], params: {} },
  response: { text: 'hello', toolCalls: [] },
};

test('nanosecond timestamps are exact decimal strings', () => {
  assert.equal(unixNano(1_741_608_000_000), '1741608000000000000');
  assert.equal(unixNano(1.5), '1500000');
});

test('attributes: ints as strings, doubles, bools, string arrays; undefined left out', () => {
  assert.deepEqual(encodeAttributes({ a: 'x', b: 3, c: 0.5, d: true, e: ['stop'], f: undefined, g: 1 }, new Set(['g'])), [
    { key: 'a', value: { stringValue: 'x' } },
    { key: 'b', value: { intValue: '3' } },
    { key: 'c', value: { doubleValue: 0.5 } },
    { key: 'd', value: { boolValue: true } },
    { key: 'e', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
    { key: 'g', value: { doubleValue: 1 } },
  ]);
});

test('a cumulative histogram puts values in (previous bound, bound] buckets', () => {
  const h = new CumulativeHistogram('h', '1', 'd', [1, 10]);
  for (const v of [0, 1, 2, 10, 11]) h.record(v, { k: 'a' });
  h.record(5, { k: 'b' });
  const m = h.encode('1', '2');
  assert.ok(m && 'histogram' in m);
  assert.equal(m.histogram.aggregationTemporality, 2);
  const [a, b] = m.histogram.dataPoints;
  assert.deepEqual([a.count, a.sum, a.min, a.max, a.bucketCounts], ['5', 24, 0, 11, ['2', '2', '1']]);
  assert.deepEqual(b.bucketCounts, ['0', '1', '0']);
});

test('GenAI names: well-known provider names, upstream model names, error types', () => {
  assert.equal(genAiProviderName('xai'), 'x_ai');
  assert.equal(genAiProviderName('google'), 'gcp.gemini');
  assert.equal(genAiProviderName('openrouter'), 'openrouter');
  assert.equal(upstreamName('openrouter/anthropic/claude-sonnet-4'), 'anthropic/claude-sonnet-4');
  assert.equal(errorType(record), undefined);
  assert.equal(errorType({ ...record, status: 'cancelled' }), 'cancelled');
  assert.equal(errorType({ ...record, status: 'error', attempts: [{ ...record.attempts[0], outcome: 'error', status: 503 }] }), '503');
  assert.equal(errorType({ ...record, status: 'error', attempts: [] }), '_OTHER');
});

test('contents are only added when captured', () => {
  const without = spanAttributes({ record, captureContent: false, params: { stop: ['END'] } });
  assert.equal(without['gen_ai.input.messages'], undefined);
  assert.equal(without['gen_ai.request.stop_sequences'], undefined);
  const withContent = spanAttributes({ record, captureContent: true, params: { stop: ['END'] } });
  assert.deepEqual(JSON.parse(withContent['gen_ai.input.messages'] as string), [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
  assert.deepEqual(JSON.parse(withContent['gen_ai.system_instructions'] as string), [{ type: 'text', content: 'sys' }]);
  assert.deepEqual(JSON.parse(withContent['gen_ai.output.messages'] as string), [
    { role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' },
  ]);
  assert.deepEqual(withContent['gen_ai.request.stop_sequences'], ['END']);
});
