import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConversationSchema,
  MAX_COLUMNS,
  PersistedStateSchema,
  conversationTitle,
  parseWebviewMessage,
  type Conversation,
} from '../../src/shared/playground-protocol';
import { playgroundHtml } from '../../src/extension/playground/html';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

const conversation = (over: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  title: 'Hi',
  createdAt: 1,
  updatedAt: 2,
  columns: [{ id: 'a', model: 'openai/gpt-5-mini' }],
  params: { system: '', stop: [], output: 'text', jsonSchema: '' },
  turns: [],
  ...over,
});

const run = (request: Record<string, unknown>) => ({ type: 'run', runId: 'r1', request: { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], ...request } });

test('a well-formed run message passes, with its request as the core schema reads it', () => {
  const parsed = parseWebviewMessage(
    run({ temperature: 0.5, topP: 0.9, maxTokens: 10, stop: ['END'], system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image', url: PNG }] }] }),
  );
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(parsed.message.type, 'run');
  if (parsed.message.type === 'run') assert.equal(parsed.message.request.temperature, 0.5);
});

test('fields outside the playground request (tools, metadata) are dropped, not passed to the gateway', () => {
  const parsed = parseWebviewMessage(run({ tools: [{ name: 'rm', parameters: {} }], metadata: { a: 'b' } }));
  assert.ok(parsed.ok);
  if (parsed.ok && parsed.message.type === 'run') {
    assert.equal('tools' in parsed.message.request, false);
    assert.equal('metadata' in parsed.message.request, false);
  }
});

test('an estimate ask passes with its id and a request the host could run, and nothing else does', () => {
  const request = run({ system: 'Be brief.', maxTokens: 100 }).request;
  const parsed = parseWebviewMessage({ type: 'estimate', estimateId: 'e1', request });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual(parsed.message, { type: 'estimate', estimateId: 'e1', request });
  const cases: [unknown, RegExp][] = [
    [{ type: 'estimate', request }, /estimateId/],
    [{ type: 'estimate', estimateId: '', request }, /estimateId/],
    [{ type: 'estimate', estimateId: 'x'.repeat(101), request }, /estimateId/],
    [{ type: 'estimate', estimateId: 'e1' }, /request/],
    [{ type: 'estimate', estimateId: 'e1', request: { ...request, model: '' } }, /request\.model/],
    [{ type: 'estimate', estimateId: 'e1', request: { ...request, messages: [] } }, /request\.messages/],
    [{ type: 'estimate', estimateId: 'e1', request: { ...request, maxTokens: -1 } }, /request\.maxTokens/],
  ];
  for (const [raw, field] of cases) {
    const result = parseWebviewMessage(raw);
    assert.equal(result.ok, false, `accepted ${JSON.stringify(raw).slice(0, 120)}`);
    if (!result.ok) assert.match(result.error, field);
  }
});

test('bad messages are rejected with the field named', () => {
  const cases: [unknown, RegExp][] = [
    [null, /message/],
    [{ type: 'launchMissiles' }, /type/],
    [run({ temperature: 3 }), /request\.temperature/],
    [run({ topP: 0 }), /request\.topP/],
    [run({ model: '' }), /request\.model/],
    [run({ messages: [] }), /request\.messages/],
    [run({ messages: [{ role: 'system', content: 'x' }] }), /request\.messages/],
    [run({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }] }), /data: URLs/],
    [run({ messages: [{ role: 'user', content: Array.from({ length: 9 }, () => ({ type: 'image', url: PNG })) }] }), /at most 8 images/],
    [{ type: 'run', request: run({}).request }, /runId/],
    [{ type: 'stop', runId: '' }, /runId/],
    [{ type: 'copyAsCode', format: 'perl', request: run({}).request }, /format/],
    [{ type: 'saveConversation', conversation: conversation({ columns: [] }) }, /columns/],
    [{ type: 'saveConversation', conversation: conversation({ columns: Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => ({ id: `c${i}`, model: 'm' })) }) }, /columns/],
    [{ type: 'export', format: 'pdf', conversation: conversation() }, /format/],
  ];
  for (const [raw, field] of cases) {
    const parsed = parseWebviewMessage(raw);
    assert.equal(parsed.ok, false, `accepted ${JSON.stringify(raw).slice(0, 120)}`);
    if (!parsed.ok) assert.match(parsed.error, field);
  }
});

test('a persisted state round-trips, and defaults fill what an older state lacks', () => {
  const state = PersistedStateSchema.parse({ version: 1, conversation: conversation() });
  assert.deepEqual(state.draft, { text: '', images: [] });
  assert.equal(state.settingsOpen, false);
  assert.equal(PersistedStateSchema.safeParse({ version: 2, conversation: conversation() }).success, false);
  const withReply = conversation({
    turns: [{ id: 't', user: { text: 'q', images: [] }, replies: { a: { runId: 'r', model: 'm', status: 'done', text: 'x', attempts: [] } } }],
  });
  assert.deepEqual(ConversationSchema.parse(withReply), withReply);
});

test('a conversation is titled by its first prompt, cut to 60 characters', () => {
  assert.equal(conversationTitle({ turns: [] }), 'New conversation');
  const turn = (text: string) => ({ id: 't', user: { text, images: [] }, replies: {} });
  assert.equal(conversationTitle({ turns: [turn('  What is\n\na monad? ')] }), 'What is a monad?');
  const long = conversationTitle({ turns: [turn('x'.repeat(100))] });
  assert.equal(long.length, 60);
  assert.ok(long.endsWith('…'));
});

test('the page allows only its own script and style, by nonce, and no network beyond its own assets', () => {
  const html = playgroundHtml({ cspSource: 'https://webview.test', scriptUri: 'https://webview.test/p.js', style: '.app{color:red}</style><script>', nonce: 'abc123' });
  const csp = html.match(/Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123' https:\/\/webview\.test(;|$)/);
  assert.match(csp, /img-src https:\/\/webview\.test data:/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  // The highlighting worker's script is fetched from the webview's own assets and started from a blob: URL.
  assert.match(csp, /connect-src https:\/\/webview\.test(;|$)/);
  assert.match(csp, /worker-src blob:(;|$)/);
  // Nothing the page names delays its load event: the style is inline, the module is added by the nonce'd loader.
  assert.match(html, /<style nonce="abc123">\.app\{color:red\}<\\\/style><script><\/style>/);
  assert.match(html, /<script nonce="abc123">addEventListener\('load'[^<]*s\.nonce = "abc123"; s\.src = "https:\/\/webview\.test\/p\.js"/);
  assert.doesNotMatch(html, /<script[^>]* src=|<link /);
  assert.match(html, /<div id="app" class="app" aria-busy="true"><form class="composer"[^]*<textarea class="prompt-input"/);
  const nonceOf = (page: string) => page.match(/nonce-([^']+)'/)?.[1];
  const opts = { cspSource: 'x', scriptUri: 'x', style: '' };
  assert.notEqual(nonceOf(playgroundHtml(opts)), nonceOf(playgroundHtml(opts)));
});
