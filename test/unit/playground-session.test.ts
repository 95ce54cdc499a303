import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CostEstimate } from '../../src/core/accounting/accounting';
import { InvalidRequestError } from '../../src/core/errors';
import type { GatewayStreamEvent } from '../../src/core/types';
import { PlaygroundHistory, type StateStore } from '../../src/extension/playground/history';
import { PlaygroundSession, type SessionHost } from '../../src/extension/playground/session';
import type { Conversation, HostMessage, ModelInfo, RunRequest } from '../../src/shared/playground-protocol';

const MODEL: ModelInfo = {
  id: 'openai/gpt-5-mini', displayName: 'GPT-5 mini', provider: 'openai', contextWindow: 400_000, maxOutput: 128_000,
  price: { input: 0.25, output: 2 }, capabilities: { vision: true, tools: true, reasoning: true, json: true }, local: false, keyMissing: false,
};

const conversation = (id: string): Conversation => ({
  id, title: 'T', createdAt: 0, updatedAt: 1, columns: [{ id: 'a', model: MODEL.id }],
  params: { system: '', stop: [], output: 'text', jsonSchema: '' },
  turns: [{ id: 't', user: { text: 'q', images: [] }, replies: {} }],
});

function setup(over: Partial<SessionHost> = {}) {
  const posted: HostMessage[] = [];
  const warnings: string[] = [];
  const copied: string[] = [];
  const saved: { name: string; content: string }[] = [];
  const requests: RunRequest[] = [];
  const data = new Map<string, unknown>();
  const store: StateStore = { get: <T>(k: string) => data.get(k) as T | undefined, update: async (k, v) => void data.set(k, structuredClone(v)) };
  const host: SessionHost = {
    post: (m) => posted.push(m),
    models: async () => ({ models: [MODEL], defaultModel: MODEL.id }),
    stream: async function* (request): AsyncGenerator<GatewayStreamEvent> {
      requests.push(request);
      yield { type: 'text', delta: 'hi' };
    },
    estimate: async () => {
      throw new Error('no estimate in this test');
    },
    copy: async (text) => void copied.push(text),
    saveFile: async (name, content) => {
      saved.push({ name, content });
      return true;
    },
    gatewayBaseUrl: () => 'http://127.0.0.1:4141',
    warn: (m) => warnings.push(m),
    ...over,
  };
  const session = new PlaygroundSession(host, new PlaygroundHistory(store));
  return { session, posted, warnings, copied, saved, requests };
}

test('an invalid message is dropped and reported, never acted on', async () => {
  const { session, posted, warnings, requests } = setup();
  await session.receive({ type: 'run', runId: 'r', request: { model: 'm', messages: [], temperature: 9 } });
  await session.receive('ready');
  assert.deepEqual(posted, []);
  assert.deepEqual(requests, []);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /request\.messages.*request\.temperature|request\.temperature.*request\.messages/);
});

test('ready answers with models, the default model, the history and the runs', async () => {
  const { session, posted } = setup();
  await session.receive({ type: 'saveConversation', conversation: conversation('c1') });
  await session.receive({ type: 'ready' });
  const init = posted.at(-1);
  assert.equal(init?.type, 'init');
  if (init?.type !== 'init') return;
  assert.deepEqual(init.models, [MODEL]);
  assert.equal(init.defaultModel, MODEL.id);
  assert.deepEqual(init.history.map((h) => h.id), ['c1']);
  assert.deepEqual(init.runs, []);
});

test('ready still answers, with a notice, when the catalog cannot load', async () => {
  const { session, posted } = setup({ models: async () => Promise.reject(new Error('bad settings')) });
  await session.receive({ type: 'ready' });
  assert.deepEqual(posted.map((m) => m.type), ['notice', 'init']);
  assert.match(posted[0].type === 'notice' ? posted[0].message : '', /bad settings/);
});

test('a run streams the validated request and reports its end', async () => {
  const { session, posted, requests } = setup();
  await session.receive({ type: 'run', runId: 'r1', request: { model: MODEL.id, messages: [{ role: 'user', content: 'hello' }], temperature: 0.5 } });
  await session.runs.start('r1', requests[0]);
  assert.deepEqual(requests, [{ model: MODEL.id, messages: [{ role: 'user', content: 'hello' }], temperature: 0.5 }]);
  assert.ok(posted.some((m) => m.type === 'runText' && m.text === 'hi'));
  assert.ok(posted.some((m) => m.type === 'runError' && /without an answer/.test(m.error)));
});

test('history: save, open, delete; an unknown conversation gets a notice', async () => {
  const { session, posted } = setup();
  await session.receive({ type: 'saveConversation', conversation: conversation('c1') });
  assert.deepEqual(posted.at(-1), { type: 'history', items: [{ id: 'c1', title: 'T', updatedAt: 1, turns: 1, models: [MODEL.id] }] });
  await session.receive({ type: 'openConversation', id: 'c1' });
  assert.deepEqual(posted.at(-1), { type: 'conversation', conversation: conversation('c1') });
  await session.receive({ type: 'deleteConversation', id: 'c1' });
  assert.deepEqual(posted.at(-1), { type: 'history', items: [] });
  await session.receive({ type: 'openConversation', id: 'c1' });
  assert.equal(posted.at(-1)?.type, 'notice');
});

test('copy as code writes the clipboard and shows the snippet', async () => {
  const { session, posted, copied } = setup();
  await session.receive({ type: 'copyAsCode', format: 'curl', request: { model: MODEL.id, messages: [{ role: 'user', content: 'hello' }] } });
  assert.equal(copied.length, 1);
  assert.match(copied[0], /curl -sS http:\/\/127\.0\.0\.1:4141\/v1\/chat\/completions/);
  assert.deepEqual(posted.at(-1), { type: 'snippet', format: 'curl', text: copied[0], copied: true });
});

test('a refused clipboard still shows the snippet, saying it was not copied', async () => {
  const { session, posted } = setup({ copy: async () => Promise.reject(new Error('clipboard unavailable')) });
  await session.receive({ type: 'copyAsCode', format: 'node', request: { model: MODEL.id, messages: [{ role: 'user', content: 'x' }] } });
  assert.equal(posted.length, 1);
  assert.equal(posted[0].type === 'snippet' && posted[0].copied, false);
  assert.match(posted[0].type === 'snippet' ? posted[0].text : '', /new OpenAI/);
});

test('export saves the chosen format under a name from the title; a cancelled dialog says nothing', async () => {
  const { session, posted, saved } = setup();
  await session.receive({ type: 'export', format: 'markdown', conversation: conversation('c1') });
  assert.equal(saved[0].name, 't.md');
  assert.match(saved[0].content, /^# T\n/);
  assert.deepEqual(posted.at(-1), { type: 'notice', level: 'info', message: 'Conversation exported.' });
  const cancelled = setup({ saveFile: async () => false });
  await cancelled.session.receive({ type: 'export', format: 'json', conversation: conversation('c1') });
  assert.deepEqual(cancelled.posted, []);
});

test('a failing action becomes an error notice', async () => {
  const { session, posted } = setup({ saveFile: async () => Promise.reject(new Error('disk full')) });
  await session.receive({ type: 'export', format: 'json', conversation: conversation('c1') });
  assert.deepEqual(posted, [{ type: 'notice', level: 'error', message: 'disk full' }]);
});

const priced = (model: string, total: number, inputTokens = 14) => ({
  model, inputTokens, outputTokens: 500,
  cost: { total, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: true },
});
const unpriced = (model: string) => ({ ...priced(model, 0), cost: { ...priced(model, 0).cost, priced: false } });

test('an estimate ask is answered with the chosen model and the three cheapest other priced models', async () => {
  const estimated: RunRequest[] = [];
  const across = [priced('groq/llama', 0.00004), priced('openai/gpt-4o-mini', 0.0003), priced(MODEL.id, 0.001), priced('x/mid', 0.002), priced('x/dear', 0.05), unpriced('x/unknown')];
  const { session, posted } = setup({
    estimate: async (request): Promise<CostEstimate> => {
      estimated.push(request);
      return { model: priced(MODEL.id, 0.001), across };
    },
  });
  const request = { model: MODEL.id, messages: [{ role: 'user' as const, content: 'How much?' }] };
  await session.receive({ type: 'estimate', estimateId: 'e1', request });
  assert.deepEqual(estimated, [request]);
  assert.deepEqual(posted, [
    {
      type: 'estimate',
      estimateId: 'e1',
      estimate: {
        model: { model: MODEL.id, inputTokens: 14, outputTokens: 500, cost: 0.001 },
        cheapest: [
          { model: 'groq/llama', inputTokens: 14, outputTokens: 500, cost: 0.00004 },
          { model: 'openai/gpt-4o-mini', inputTokens: 14, outputTokens: 500, cost: 0.0003 },
          { model: 'x/mid', inputTokens: 14, outputTokens: 500, cost: 0.002 },
        ],
      },
    },
  ]);
});

test('an estimate on an unpriced model has no cost; a failed estimate answers with none, not a notice', async () => {
  let fail = false;
  const { session, posted } = setup({
    estimate: async () => {
      if (fail) throw new InvalidRequestError('Unknown model "nope/nope".');
      return { model: unpriced('x/unknown'), across: [unpriced('x/unknown')] };
    },
  });
  const request = { model: 'x/unknown', messages: [{ role: 'user' as const, content: 'hi' }] };
  await session.receive({ type: 'estimate', estimateId: 'e1', request });
  fail = true;
  await session.receive({ type: 'estimate', estimateId: 'e2', request: { ...request, model: 'nope/nope' } });
  assert.deepEqual(posted, [
    { type: 'estimate', estimateId: 'e1', estimate: { model: { model: 'x/unknown', inputTokens: 14, outputTokens: 500, cost: undefined }, cheapest: [] } },
    { type: 'estimate', estimateId: 'e2', estimate: undefined },
  ]);
});
