import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, UpstreamError } from '../../src/core/errors';
import { toRecord } from '../../src/core/log/record';
import { createRedactor } from '../../src/core/log/redact';
import type { ChatRequest, GatewayResult } from '../../src/core/types';

const redactor = createRedactor();

const request: ChatRequest = {
  model: 'fast',
  system: 'Be brief.',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image', url: `data:image/png;base64,${'A'.repeat(4000)}` },
      ],
    },
  ],
  temperature: 0.2,
  maxTokens: 100,
};

const result: GatewayResult = {
  text: 'A cat.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 120, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0 },
  requestId: 'req_1',
  requestedModel: 'openai/gpt-5-mini',
  model: 'anthropic/claude-haiku-4-5',
  provider: 'anthropic',
  cost: { total: 0.002, input: 0.0015, cachedInput: 0, cacheWrite: 0, output: 0.0005, reasoning: 0, priced: true },
  latencyMs: 812.345,
  ttftMs: 300.01,
  attempts: [
    { model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'error', status: 500, latencyMs: 200, error: 'HTTP 500', cost: 0.0001, usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 } },
    { model: 'anthropic/claude-haiku-4-5', provider: 'anthropic', outcome: 'ok', latencyMs: 600, cost: 0.002 },
  ],
  cacheHit: false,
};

test("level 'off' produces no record", () => {
  assert.equal(toRecord({ request, result, source: 'cli' }, { level: 'off', redactor }), undefined);
});

test("level 'metadata' has routing, usage and cost but no contents", () => {
  const started = new Date('2025-03-01T10:00:00.000Z');
  const r = toRecord({ request, result, source: 'extension', workspace: 'demo', startedAt: started, id: 'id-1' }, { level: 'metadata', redactor })!;
  assert.equal(r.id, 'id-1');
  assert.equal(r.time, '2025-03-01T10:00:00.000Z');
  assert.equal(r.requestedModel, 'openai/gpt-5-mini');
  assert.equal(r.model, 'anthropic/claude-haiku-4-5');
  assert.equal(r.provider, 'anthropic');
  assert.equal(r.status, 'ok');
  assert.equal(r.latencyMs, 812.3);
  assert.equal(r.ttftMs, 300);
  assert.equal(r.attempts.length, 2);
  // The answer's cost plus the failed attempt's.
  assert.ok(Math.abs(r.cost - 0.0021) < 1e-12);
  assert.equal(r.priced, true);
  assert.equal(r.workspace, 'demo');
  assert.equal(r.finishReason, 'stop');
  assert.equal(r.requestId, 'req_1');
  assert.equal(r.request, undefined);
  assert.equal(r.response, undefined);
  assert.ok(!JSON.stringify(r).includes('cat'));
});

test("level 'full' adds request and response, with inline images elided", () => {
  const r = toRecord({ request, result, source: 'cli' }, { level: 'full', redactor })!;
  assert.equal(r.request?.system, 'Be brief.');
  assert.deepEqual(r.request?.params, { temperature: 0.2, maxTokens: 100 });
  const parts = r.request?.messages[0].content as { type: string; url?: string }[];
  assert.equal(parts[1].url, 'data:image/png;base64,[3000 bytes omitted]');
  assert.deepEqual(r.response, { text: 'A cat.', toolCalls: [] });
});

test('a failure records the last attempt, the error, and the streamed text at full', () => {
  const error = new UpstreamError({ provider: 'openai', model: 'openai/gpt-5-mini', message: 'OpenAI returned 429: rate limited', status: 429, retryable: true });
  const r = toRecord(
    {
      request,
      error,
      requestedModel: 'openai/gpt-5-mini',
      attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'error', status: 429, latencyMs: 50, error: error.message }],
      latencyMs: 55,
      partialText: 'Partial',
      source: 'server',
    },
    { level: 'full', redactor },
  )!;
  assert.equal(r.status, 'error');
  assert.equal(r.model, 'openai/gpt-5-mini');
  assert.equal(r.provider, 'openai');
  assert.equal(r.error, 'OpenAI returned 429: rate limited');
  assert.equal(r.cost, 0);
  assert.deepEqual(r.response, { text: 'Partial', toolCalls: [] });
});

test('a cancellation with an estimated usage is recorded as cancelled and estimated', () => {
  const r = toRecord(
    {
      request: { ...request, model: 'openai/gpt-5-mini' },
      error: new CancelledError(),
      latencyMs: 10,
      usage: { inputTokens: 50, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 0, estimated: true },
      cost: { total: 0.0003, input: 0.0002, cachedInput: 0, cacheWrite: 0, output: 0.0001, reasoning: 0, priced: true },
      source: 'cli',
    },
    { level: 'metadata', redactor },
  )!;
  assert.equal(r.status, 'cancelled');
  assert.equal(r.provider, 'openai');
  assert.equal(r.usage.estimated, true);
  assert.equal(r.cost, 0.0003);
});

test('a cache hit costs nothing', () => {
  const r = toRecord({ request, result: { ...result, cacheHit: true }, source: 'cli' }, { level: 'metadata', redactor })!;
  assert.equal(r.cacheHit, true);
  assert.equal(r.cost, 0);
});

test('secrets in prompts, answers and error messages are redacted at every level', () => {
  const key = 'sk-proj-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp';
  const leaky: ChatRequest = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: `debug this: OPENAI_API_KEY=${key}` }] };
  const error = new Error(`401 Incorrect API key provided: ${key}`);
  for (const level of ['metadata', 'full'] as const) {
    const ok = toRecord({ request: leaky, result: { ...result, text: `You pasted ${key}` }, source: 'cli' }, { level, redactor })!;
    const failed = toRecord({ request: leaky, error, latencyMs: 1, source: 'cli' }, { level, redactor })!;
    assert.ok(!JSON.stringify(ok).includes(key.slice(10)), level);
    assert.ok(!JSON.stringify(failed).includes(key.slice(10)), level);
    assert.match(failed.error!, /Incorrect API key provided: \[REDACTED\]/);
  }
});
