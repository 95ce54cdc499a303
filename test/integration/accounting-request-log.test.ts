import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/core/log/record';
import { LIST_LIMIT, describeFilter, exportFileName, recordDocument, recordPath, recordRow, toQuery } from '../../src/extension/request-log/view-model';

// The Request Log view's logic, without VS Code: filters to log queries, list rows and record documents.

const base: RequestRecord = {
  id: '3f1c2a9e-0000-4000-8000-000000000001',
  time: '2025-03-01T10:15:30.000Z',
  requestedModel: 'openai/gpt-5-mini',
  model: 'openai/gpt-5-mini',
  provider: 'openai',
  attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 812 }],
  status: 'ok',
  latencyMs: 812.4,
  ttftMs: 301,
  usage: { inputTokens: 120, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 48, reasoningTokens: 0 },
  cost: 0.000126,
  priced: true,
  cacheHit: false,
  finishReason: 'stop',
  source: 'extension',
};

test('a filter becomes a log query: newest first and limited for the list, all and oldest first for an export', () => {
  const now = Date.UTC(2025, 2, 2, 12);
  assert.deepEqual(toQuery({ range: '24h' }, now, 'list'), { since: new Date(now - 86_400_000), order: 'desc', limit: LIST_LIMIT });
  assert.deepEqual(toQuery({ range: 'all', model: 'openai/gpt-5', status: 'error' }, now, 'export'), { model: 'openai/gpt-5', status: 'error', order: 'asc' });
  assert.deepEqual(toQuery({ range: '15m' }, now, 'export').since, new Date(now - 15 * 60_000));
  assert.equal(describeFilter({ range: '7d', status: 'cancelled' }), 'Last 7 days · any model · cancelled');
});

test('a row names the model and outcome, then time, latency, tokens, cost and error', () => {
  const ok = recordRow(base);
  assert.equal(ok.label, '$(pass) openai/gpt-5-mini');
  assert.match(ok.description, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:30 · 812 ms$/);
  assert.equal(ok.detail, '120 in / 48 out tokens · $0.000126 · 1 attempt · extension');

  const failed = recordRow({
    ...base,
    status: 'error',
    model: 'anthropic/claude-haiku-4-5',
    usage: { ...base.usage, estimated: true },
    priced: false,
    error: 'All models failed:\n  openai 503',
    attempts: [base.attempts[0], base.attempts[0]],
  });
  assert.equal(failed.label, '$(error) anthropic/claude-haiku-4-5 (fallback from openai/gpt-5-mini)');
  assert.equal(failed.detail, '120 in / 48 out tokens (estimated) · $0.000126 (price unknown) · 2 attempts · extension · All models failed: openai 503');
  assert.match(recordRow({ ...base, cacheHit: true, cost: 0 }).detail, /· cache hit ·/);
});

test('a record document is the JSON record, with a note when the contents were not logged', () => {
  const metadata = JSON.parse(recordDocument(base));
  assert.match(metadata.note, /switchboard\.logging\.level/);
  assert.equal(metadata.id, base.id);
  const full = JSON.parse(recordDocument({ ...base, request: { messages: [{ role: 'user', content: 'hi' }], params: {} }, response: { text: 'hello', toolCalls: [] } }));
  assert.equal(full.note, undefined);
  assert.equal(full.request.messages[0].content, 'hi');
  assert.equal(full.response.text, 'hello');
});

test('document paths and export names are readable and safe', () => {
  assert.match(recordPath(base), /^\/gpt-5-mini_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-30\.json$/);
  assert.match(recordPath({ ...base, model: 'openrouter/meta-llama/llama-4:free' }), /^\/meta-llama-llama-4-free_[\d_-]+\.json$/);
  assert.equal(exportFileName('csv', new Date(2025, 0, 5)), 'switchboard-requests-2025-01-05.csv');
});
