import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRequest, defaultParams, findRun, isStreaming, messagesFor, newConversation, responseFormat, winners } from '../../media/playground/conversation';
import { filterModels } from '../../media/playground/model-picker';
import type { Conversation, ModelInfo, Reply, RunStats } from '../../src/shared/playground-protocol';

const stats = (latencyMs: number, cost: number, priced = true): RunStats => ({
  model: 'm', requestedModel: 'm', provider: 'p', ttftMs: 1, latencyMs, tokensPerSecond: null, inputTokens: 1, outputTokens: 1,
  reasoningTokens: 0, cost, priced, estimatedUsage: false, cacheHit: false, finishReason: 'stop', attempts: [],
});
const reply = (over: Partial<Reply>): Reply => ({ runId: 'r', model: 'm', status: 'done', text: '', attempts: [], ...over });

function twoColumnChat(): Conversation {
  const c = newConversation('openai/gpt-5-mini');
  c.columns.push({ id: 'b', model: 'anthropic/claude-haiku-4-5' });
  const a = c.columns[0].id;
  c.turns.push(
    { id: 't1', user: { text: 'First', images: [] }, replies: { [a]: reply({ runId: 'r1', text: 'A1' }), b: reply({ runId: 'r2', status: 'error', text: '' }) } },
    { id: 't2', user: { text: 'Look', images: ['data:image/png;base64,AA'] }, replies: {} },
  );
  return c;
}

test('each column sends the earlier prompts with its own answers, then the new prompt', () => {
  const c = twoColumnChat();
  const a = c.columns[0].id;
  assert.deepEqual(messagesFor(c, a, 1), [
    { role: 'user', content: 'First' },
    { role: 'assistant', content: 'A1' },
    { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', url: 'data:image/png;base64,AA' }] },
  ]);
  // The failed column had no answer: its history carries only the prompt.
  assert.deepEqual(messagesFor(c, 'b', 1).map((m) => m.role), ['user', 'user']);
  assert.deepEqual(messagesFor(c, a, 0), [{ role: 'user', content: 'First' }]);
});

test('the request carries the params that are set, and only those', () => {
  const c = twoColumnChat();
  const plain = buildRequest(c, 'b', 0);
  assert.deepEqual(plain, { ok: true, request: { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'First' }] } });
  c.params = { system: 'Sys', temperature: 0, topP: 1, maxTokens: 5, stop: ['x'], output: 'json_object', jsonSchema: '' };
  const full = buildRequest(c, 'b', 0);
  assert.ok(full.ok);
  if (full.ok) {
    assert.deepEqual(
      { ...full.request, messages: undefined },
      { model: 'anthropic/claude-haiku-4-5', messages: undefined, system: 'Sys', temperature: 0, topP: 1, maxTokens: 5, stop: ['x'], responseFormat: { type: 'json_object' } },
    );
  }
  c.columns[1].model = '';
  assert.deepEqual(buildRequest(c, 'b', 0), { ok: false, error: 'Pick a model first.' });
});

test('the JSON schema must be a JSON object', () => {
  const p = { ...defaultParams(), output: 'json_schema' as const };
  assert.match((responseFormat({ ...p, jsonSchema: '{' }) as { error: string }).error, /not valid JSON/);
  assert.match((responseFormat({ ...p, jsonSchema: '[1]' }) as { error: string }).error, /must be a JSON object/);
  assert.deepEqual(responseFormat({ ...p, jsonSchema: '{"type":"object"}' }), { ok: true, value: { type: 'json_schema', name: 'response', schema: { type: 'object' } } });
  assert.deepEqual(responseFormat(defaultParams()), { ok: true });
});

test('cheapest among priced runs and fastest, only when two or more columns finished', () => {
  const cols = [{ id: 'a', model: 'x' }, { id: 'b', model: 'y' }, { id: 'c', model: 'z' }];
  const turn = (replies: Record<string, Reply>) => ({ id: 't', user: { text: '', images: [] }, replies });
  assert.deepEqual(winners(turn({ a: reply({ stats: stats(100, 1) }) }), cols), {});
  assert.deepEqual(
    winners(turn({ a: reply({ stats: stats(300, 0.5) }), b: reply({ stats: stats(100, 2) }), c: reply({ stats: stats(50, 0, false) }) }), cols),
    { cheapest: 'a', fastest: 'c' },
  );
  assert.deepEqual(
    winners(turn({ a: reply({ stats: stats(300, 0.5) }), b: reply({ status: 'streaming' }), c: reply({ stats: stats(50, 0, false) }) }), cols),
    { fastest: 'c' },
  );
});

test('a new conversation keeps the columns models (with new ids) and copies the params', () => {
  const old = twoColumnChat();
  old.params.stop = ['END'];
  const next = newConversation('ignored', old.params, old.columns);
  assert.deepEqual(next.columns.map((c) => c.model), ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5']);
  assert.notEqual(next.columns[0].id, old.columns[0].id);
  next.params.stop.push('more');
  assert.deepEqual(old.params.stop, ['END']);
  assert.equal(next.turns.length, 0);
});

test('runs are found by id; streaming is seen', () => {
  const c = twoColumnChat();
  assert.equal(findRun(c, 'r2')?.columnId, 'b');
  assert.equal(findRun(c, 'nope'), undefined);
  assert.equal(isStreaming(c), false);
  c.turns[1].replies.b = reply({ runId: 'r3', status: 'streaming' });
  assert.equal(isStreaming(c), true);
});

test('the model search matches every word in id or name, id prefixes first', () => {
  const m = (id: string, displayName: string) => ({ id, displayName }) as ModelInfo;
  const models = [m('openai/gpt-4o-mini', 'GPT-4o mini'), m('openrouter/openai/gpt-4o', 'GPT-4o via OpenRouter'), m('anthropic/claude-haiku-4-5', 'Claude Haiku 4.5')];
  assert.deepEqual(filterModels(models, 'gpt 4o').map((x) => x.id), ['openai/gpt-4o-mini', 'openrouter/openai/gpt-4o']);
  assert.deepEqual(filterModels(models, 'openrouter').map((x) => x.id), ['openrouter/openai/gpt-4o']);
  assert.deepEqual(filterModels(models, 'HAIKU').map((x) => x.id), ['anthropic/claude-haiku-4-5']);
  assert.equal(filterModels(models, '').length, 3);
  assert.deepEqual(filterModels(models, 'gpt-4o').map((x) => x.id)[0], 'openai/gpt-4o-mini');
});
