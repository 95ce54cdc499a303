/* global window, document, performance, PerformanceObserver, requestAnimationFrame */
// The playground webview app alone, in Debian's Chromium: the bundled dist/media/playground.js under the page and
// CSP the host serves, with a stub acquireVsCodeApi that records what the app posts and keeps its state. The test
// plays the host by posting its messages. No VS Code needed: fast, and exact about the app's behaviour.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildExtension } from '../harness/build.mjs';
import { CHROMIUM_ARGS } from '../harness/browser.mjs';
import { chromiumPath, repoRoot, testResultsDir } from '../harness/paths.mjs';
import { chromium } from 'playwright-core';
import { playgroundHtml } from '../../src/extension/playground/html.ts';
import { parseWebviewMessage } from '../../src/shared/playground-protocol.ts';

const ORIGIN = 'https://playground.test';
const MEDIA = path.join(repoRoot, 'dist', 'media');

const MODELS = [
  model('openai/gpt-5-mini', 'GPT-5 mini', { input: 0.25, output: 2 }, { vision: true, json: true, reasoning: true }),
  model('openai/gpt-4o-mini', 'GPT-4o mini', { input: 0.15, output: 0.6 }, { vision: true, json: true }),
  model('anthropic/claude-haiku-4-5', 'Claude Haiku 4.5', { input: 1, output: 5 }, { vision: true }, { keyMissing: true }),
  model('ollama/llama3.2', 'Llama 3.2 (local)', { input: 0, output: 0 }, {}, { local: true, contextWindow: 8192 }),
];

function model(id, displayName, price, caps, extra = {}) {
  return {
    id, displayName, provider: id.split('/')[0], contextWindow: extra.contextWindow ?? 400_000, maxOutput: 16_384, price,
    capabilities: { vision: false, tools: true, reasoning: false, json: false, ...caps },
    local: extra.local ?? false, keyMissing: extra.keyMissing ?? false,
  };
}

function stats(overrides = {}) {
  return {
    model: 'openai/gpt-5-mini', requestedModel: 'openai/gpt-5-mini', provider: 'openai', ttftMs: 120, latencyMs: 900,
    tokensPerSecond: 51.3, inputTokens: 12, outputTokens: 40, reasoningTokens: 0, cost: 0.000083, priced: true,
    estimatedUsage: false, cacheHit: false, finishReason: 'stop',
    attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 900 }],
    ...overrides,
  };
}

let browser;

before(async () => {
  if (!fs.existsSync(path.join(MEDIA, 'playground.js'))) buildExtension();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
});

/**
 * A page running the app as VS Code would serve it, with `state` as what getState() returns. With `holdScript`,
 * the app's script is held back until `app.releaseScript()`. The built files named in `unavailable` answer 404;
 * those in `replaced` answer with the text given instead.
 */
async function openApp({ state, holdScript = false, unavailable = [], replaced = {} } = {}) {
  let releaseScript = () => {};
  const scriptHeld = holdScript ? new Promise((resolve) => (releaseScript = resolve)) : undefined;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') {
      const html = playgroundHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/playground.js`, style: fs.readFileSync(path.join(MEDIA, 'playground.css'), 'utf8') });
      return route.fulfill({ contentType: 'text/html', body: html });
    }
    const file = path.join(MEDIA, path.basename(url.pathname));
    if (!fs.existsSync(file) || unavailable.includes(path.basename(file))) return route.fulfill({ status: 404, body: '' });
    if (scriptHeld && path.basename(file) === 'playground.js') await scriptHeld;
    if (replaced[path.basename(file)]) return route.fulfill({ contentType: 'text/javascript', body: replaced[path.basename(file)] });
    return route.fulfill({ contentType: file.endsWith('.js') ? 'text/javascript' : 'text/css', body: fs.readFileSync(file) });
  });
  await page.addInitScript((initial) => {
    window.__posted = [];
    window.__violations = [];
    window.__state = initial;
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => window.__state,
      setState: (next) => {
        window.__state = JSON.parse(JSON.stringify(next));
      },
    });
  }, state);
  await page.goto(`${ORIGIN}/`);
  // The composer is in the page itself; the app has taken it over once the page is no longer busy.
  if (!holdScript) await page.locator('#app:not([aria-busy])').waitFor();
  const app = {
    page,
    releaseScript,
    errors,
    warnings,
    emit: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => window.__posted),
    state: () => page.evaluate(() => window.__state),
    violations: () => page.evaluate(() => window.__violations),
    /** The posts of one type, each checked against the protocol the host enforces. */
    async sent(type) {
      const messages = (await app.posted()).filter((m) => m.type === type);
      for (const m of messages) assert.ok(parseWebviewMessage(m).ok, `the host would reject ${JSON.stringify(m).slice(0, 300)}: ${parseWebviewMessage(m).error}`);
      return messages;
    },
    async init(extra = {}) {
      await app.emit({ type: 'init', models: MODELS, defaultModel: 'openai/gpt-5-mini', history: [], runs: [], ...extra });
      await page.locator('.picker-details', { hasText: 'GPT-5 mini' }).first().waitFor();
    },
    /** Types a prompt, sends it with Ctrl+Enter, and returns the run messages it produced. */
    async ask(prompt, expectedRuns = 1) {
      const before = (await app.sent('run')).length;
      await page.locator('.prompt-input').fill(prompt);
      await page.locator('.prompt-input').press('Control+Enter');
      await page.waitForFunction((n) => window.__posted.filter((m) => m.type === 'run').length >= n, before + expectedRuns);
      return (await app.sent('run')).slice(before);
    },
    /** Plays the host answering `run` with `text` in one piece. */
    async answer(run, text) {
      await app.emit({ type: 'runText', runId: run.runId, text });
      await app.emit({ type: 'runDone', runId: run.runId, text, stats: stats() });
    },
    close: () => context.close(),
  };
  return app;
}

describe('playground webview (Chromium, stub VS Code API)', () => {
  it('starts under its CSP, asks for its data, and picks the default model', async () => {
    const app = await openApp();
    try {
      const posted = await app.posted();
      assert.deepEqual(posted[0], { type: 'ready' });
      await app.init();
      assert.equal(await app.page.locator('.picker-input').inputValue(), 'openai/gpt-5-mini');
      assert.match(await app.page.locator('.picker-details').innerText(), /\$0\.25 in · \$2 out per 1M · 400k context · vision/);
      assert.deepEqual(await app.violations(), []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  it('paints a usable composer before its script arrives, then adopts it with what was typed', async () => {
    const app = await openApp({ holdScript: true });
    try {
      const page = app.page;
      const input = page.locator('.prompt-input');
      await input.waitFor();
      await page.waitForFunction(() => performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint'));
      assert.equal(await page.locator('#app').getAttribute('aria-busy'), 'true', 'the app has not started');
      assert.deepEqual(await app.posted(), []);
      await input.evaluate((el) => (el.dataset.fromPage = 'yes'));
      await input.pressSequentially('typed early');
      app.releaseScript();
      await page.locator('#app:not([aria-busy])').waitFor();
      assert.equal(await input.getAttribute('data-from-page'), 'yes', 'the app took over the same element');
      assert.equal(await input.inputValue(), 'typed early');
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the composer keeps the focus');
      assert.equal(await page.locator('.composer').count(), 1);
      assert.deepEqual((await app.posted())[0], { type: 'ready' });
      await app.init();
      const [run] = await app.ask('typed early, then sent');
      assert.deepEqual(run.request.messages, [{ role: 'user', content: 'typed early, then sent' }]);
      assert.deepEqual(await app.violations(), []);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  it('searches the whole catalog in the model picker, with price, context and capabilities, by keyboard', async () => {
    const app = await openApp();
    try {
      await app.init();
      const picker = app.page.locator('.picker-input');
      await picker.focus();
      await picker.fill('llama');
      const options = app.page.locator('[role=option]');
      assert.equal(await options.count(), 1);
      assert.match(await options.first().innerText(), /ollama\/llama3\.2[\s\S]*\$0 \/ \$0 · 8k/);
      await picker.fill('haiku');
      assert.match(await options.first().innerText(), /no key/);
      await picker.fill('mini');
      assert.equal(await options.count(), 2);
      await picker.press('ArrowDown');
      await picker.press('ArrowDown');
      assert.equal(await picker.getAttribute('aria-activedescendant'), await options.nth(1).getAttribute('id'));
      await picker.press('Enter');
      assert.equal(await picker.inputValue(), 'openai/gpt-4o-mini');
      assert.equal(await picker.getAttribute('aria-expanded'), 'false');
      const [run] = await app.ask('Which model are you?');
      assert.equal(run.request.model, 'openai/gpt-4o-mini');
    } finally {
      await app.close();
    }
  });

  it('sends the request settings, multi-turn history and a JSON schema in a request the host accepts', async () => {
    const app = await openApp();
    try {
      await app.init();
      const page = app.page;
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('System prompt').fill('Answer in one sentence.');
      await page.getByLabel('Temperature').fill('0.3');
      await page.getByLabel('Top P').fill('0.9');
      await page.getByLabel('Max tokens').fill('256');
      await page.getByLabel('Stop sequences').fill('END\n###');
      await page.getByLabel('Output').selectOption('json_schema');
      await page.getByLabel('JSON schema').fill('{"type": "object", "properties": {"answer": {"type": "string"}}');
      assert.match(await page.locator('.field-jsonSchema .field-error').innerText(), /not valid JSON/);
      await page.locator('.prompt-input').fill('First question');
      await page.locator('.prompt-input').press('Control+Enter');
      assert.match(await page.locator('.composer-error').innerText(), /not valid JSON/);
      assert.equal((await app.sent('run')).length, 0, 'an invalid schema blocks sending');
      await page.getByLabel('JSON schema').fill('{"type": "object", "properties": {"answer": {"type": "string"}}}');

      const [first] = await app.ask('First question');
      assert.deepEqual(first.request, {
        model: 'openai/gpt-5-mini',
        system: 'Answer in one sentence.',
        messages: [{ role: 'user', content: 'First question' }],
        temperature: 0.3,
        topP: 0.9,
        maxTokens: 256,
        stop: ['END', '###'],
        responseFormat: { type: 'json_schema', name: 'response', schema: { type: 'object', properties: { answer: { type: 'string' } } } },
      });
      await app.emit({ type: 'runText', runId: first.runId, text: '{"answer": "one"}' });
      await app.emit({ type: 'runDone', runId: first.runId, text: '{"answer": "one"}', stats: stats() });
      const [second] = await app.ask('Second question');
      assert.deepEqual(second.request.messages, [
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: '{"answer": "one"}' },
        { role: 'user', content: 'Second question' },
      ]);
      assert.deepEqual((await app.sent('ack')).map((m) => m.runIds), [[first.runId]]);
    } finally {
      await app.close();
    }
  });

  it('renders streamed Markdown sanitized and highlighted, then the run figures', async () => {
    const app = await openApp();
    try {
      await app.init();
      const [run] = await app.ask('Show me code');
      const hostile = '<img src="https://evil.example/pixel.png" onerror="window.__pwned = 1"><script>window.__pwned = 2</script><a href="javascript:window.__pwned=3">x</a>';
      const chunks = ['# Answer\n\nSome **bold** text ', hostile, '\n\n```js\nconst answer = 42;\n', 'function f() { return answer; }\n```\n\n- one\n- two\n', '\n```python\nprint("last block")\n```\n'];
      for (const text of chunks) await app.emit({ type: 'runText', runId: run.runId, text });
      const reply = app.page.locator('.reply');
      await reply.locator('.markdown-tail code', { hasText: 'last block' }).waitFor();
      assert.equal(await reply.getAttribute('data-status'), 'streaming');
      assert.match(await reply.locator('.reply-state').innerText(), /Streaming/);
      await app.emit({ type: 'runDone', runId: run.runId, text: chunks.join(''), stats: stats({ model: 'openai/gpt-4o-mini', attempts: [
        { model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'error', status: 500, latencyMs: 40, error: 'OpenAI returned 500' },
        { model: 'openai/gpt-4o-mini', provider: 'openai', outcome: 'ok', latencyMs: 860 },
      ] }) });
      await reply.locator('.stats').waitFor();

      assert.equal(await reply.locator('h1').innerText(), 'Answer');
      assert.equal(await reply.locator('pre code.hljs.language-js .hljs-keyword').first().innerText(), 'const');
      // The last block, still open when the stream ended, is settled and highlighted too.
      assert.equal(await reply.locator('pre code.hljs.language-python .hljs-string').innerText(), '"last block"');
      assert.equal(await reply.locator('.markdown-tail').innerHTML(), '');
      assert.equal(await reply.locator('script').count(), 0);
      assert.equal(await reply.locator('[onerror]').count(), 0);
      assert.equal(await reply.locator('a[href^="javascript"]').count(), 0);
      assert.equal(await app.page.evaluate(() => window.__pwned), undefined);
      // The remote image is blocked by the CSP, not fetched.
      assert.ok((await app.violations()).every((v) => /^(img-src|script-src-attr)/.test(v)), (await app.violations()).join('\n'));

      const stat = (name) => reply.locator(`[data-stat=${name}]`).innerText();
      assert.equal(await stat('model'), 'openai/gpt-4o-mini');
      assert.match(await reply.locator('.stats').innerText(), /Answered by \(fallback\)/);
      assert.equal(await stat('ttft'), '120 ms');
      assert.equal(await stat('latency'), '900 ms');
      assert.equal(await stat('speed'), '51.3 tok/s');
      assert.equal(await stat('tokens'), '12 in / 40 out');
      assert.equal(await stat('cost'), '$0.000083');
      assert.match(await reply.locator('.attempts').innerText(), /2 attempts/);
      await reply.locator('.attempts summary').click();
      assert.match(await reply.locator('.attempts').innerText(), /openai\/gpt-5-mini \(openai\) · error 500[\s\S]*OpenAI returned 500/);
    } finally {
      await app.close();
    }
  });

  it('compares two models side by side, marks the cheapest and the fastest, and re-runs one column', async () => {
    const app = await openApp();
    try {
      await app.init();
      const page = app.page;
      await page.getByRole('button', { name: 'Add model to compare' }).click();
      const second = page.locator('.column').nth(1).locator('.picker-input');
      assert.ok(await second.evaluate((el) => el === document.activeElement), 'the new column picker has focus');
      await second.fill('gpt-4o');
      await second.press('ArrowDown');
      await second.press('Enter');
      const runs = await app.ask('Compare yourselves', 2);
      assert.deepEqual(runs.map((r) => r.request.model), ['openai/gpt-5-mini', 'openai/gpt-4o-mini']);
      await app.emit({ type: 'runDone', runId: runs[0].runId, text: 'A', stats: stats({ latencyMs: 700, cost: 0.0002 }) });
      await app.emit({ type: 'runDone', runId: runs[1].runId, text: 'B', stats: stats({ model: 'openai/gpt-4o-mini', requestedModel: 'openai/gpt-4o-mini', latencyMs: 1500, cost: 0.00005 }) });
      const columns = page.locator('.column');
      await columns.nth(1).locator('.mark').first().waitFor();
      assert.deepEqual(await columns.nth(0).locator('.mark').allInnerTexts(), ['Fastest']);
      assert.deepEqual(await columns.nth(1).locator('.mark').allInnerTexts(), ['Cheapest']);
      assert.equal(await columns.nth(1).locator('[data-stat=model]').innerText(), 'openai/gpt-4o-mini');

      await columns.nth(1).getByRole('button', { name: /Re-run the last prompt with openai\/gpt-4o-mini/ }).click();
      const rerun = (await app.sent('run')).at(-1);
      assert.equal(rerun.request.model, 'openai/gpt-4o-mini');
      assert.deepEqual(rerun.request.messages, [{ role: 'user', content: 'Compare yourselves' }]);
      assert.notEqual(rerun.runId, runs[1].runId);
      assert.equal(await columns.nth(1).locator('.reply').getAttribute('data-status'), 'streaming');
      assert.equal(await columns.nth(0).locator('.reply').getAttribute('data-status'), 'done', 'the other column keeps its answer');
      assert.equal(await columns.nth(0).locator('.mark').count(), 0, 'no marks while only one column has finished');
    } finally {
      await app.close();
    }
  });

  it('stops with Esc and shows an upstream failure as a readable error', async () => {
    const app = await openApp();
    try {
      await app.init();
      const [run] = await app.ask('Write a long story');
      await app.emit({ type: 'runText', runId: run.runId, text: 'Once upon a time' });
      await app.page.getByRole('button', { name: 'Stop' }).waitFor();
      await app.page.keyboard.press('Escape');
      await app.page.waitForFunction(() => window.__posted.some((m) => m.type === 'stop'));
      await app.emit({ type: 'runError', runId: run.runId, error: 'Stopped.', partialText: 'Once upon a time', attempts: [], cancelled: true });
      const reply = app.page.locator('.reply');
      await reply.and(app.page.locator('[data-status=stopped]')).waitFor();
      assert.match(await reply.innerText(), /Once upon a time[\s\S]*Stopped\./);
      assert.ok(await app.page.getByRole('button', { name: 'Send' }).isEnabled());

      const [failed] = await app.ask('Try again');
      const message = 'OpenAI returned 500: The server had an error while processing your request. Retrying usually helps. (3 attempts: openai/gpt-5-mini (error 500), …)';
      await app.emit({ type: 'runError', runId: failed.runId, error: message, partialText: '', attempts: [], cancelled: false });
      const alert = app.page.locator('.reply').nth(1).getByRole('alert');
      assert.equal(await alert.innerText(), `The request failed. ${message}`);
    } finally {
      await app.close();
    }
  });

  it('keeps its conversation in the webview state and restores it, marking runs the host no longer has', async () => {
    const first = await openApp();
    let state;
    try {
      await first.init();
      const [done] = await first.ask('Remember me');
      await first.emit({ type: 'runDone', runId: done.runId, text: 'I **will**.', stats: stats() });
      await first.page.locator('.stats').waitFor();
      await first.ask('And this one');
      await first.page.locator('.prompt-input').fill('an unsent draft');
      await first.page.waitForFunction(() => window.__state?.draft?.text === 'an unsent draft');
      state = await first.state();
      const saved = await first.sent('saveConversation');
      assert.equal(saved.at(-1).conversation.turns[0].replies[saved.at(-1).conversation.columns[0].id].text, 'I **will**.');
    } finally {
      await first.close();
    }
    const second = await openApp({ state });
    try {
      const page = second.page;
      assert.equal(await page.locator('.reply').first().locator('strong').innerText(), 'will');
      assert.equal(await page.locator('.prompt-input').inputValue(), 'an unsent draft');
      await second.init();
      const interrupted = page.locator('.reply').nth(1);
      await interrupted.and(page.locator('[data-status=stopped]')).waitFor();
      assert.match(await interrupted.innerText(), /Interrupted/);
    } finally {
      await second.close();
    }
  });

  it('takes back a run that finished while the webview was away, from the host snapshot', async () => {
    const first = await openApp();
    let state;
    let run;
    try {
      await first.init();
      [run] = await first.ask('Keep going while hidden');
      await first.emit({ type: 'runText', runId: run.runId, text: 'partial' });
      state = await first.state();
    } finally {
      await first.close();
    }
    const second = await openApp({ state });
    try {
      await second.init({ runs: [{ runId: run.runId, status: 'done', text: 'The whole answer.', stats: stats(), attempts: [] }] });
      const reply = second.page.locator('.reply');
      await reply.locator('.stats').waitFor();
      // Markdown renders on the next frames (with its chunk, if that has not loaded yet).
      await reply.locator('.markdown', { hasText: 'The whole answer.' }).waitFor();
      assert.equal(await reply.locator('.markdown').innerText(), 'The whole answer.');
      assert.deepEqual((await second.sent('ack')).flatMap((m) => m.runIds), [run.runId]);
    } finally {
      await second.close();
    }
  });

  it('asks the host for code, history, export; shows the snippet; lists and opens saved conversations', async () => {
    const app = await openApp();
    try {
      const history = [{ id: 'c-1', title: 'An older chat', updatedAt: Date.UTC(2026, 0, 2), turns: 3, models: ['openai/gpt-5-mini'] }];
      await app.init({ history });
      const page = app.page;
      await page.locator('.prompt-input').fill('Snippet me');
      await page.getByRole('button', { name: 'Copy as curl code' }).click();
      const [copy] = await app.sent('copyAsCode');
      assert.equal(copy.format, 'curl');
      assert.deepEqual(copy.request.messages, [{ role: 'user', content: 'Snippet me' }]);
      await app.emit({ type: 'snippet', format: 'curl', text: 'curl -sS http://127.0.0.1:4141/v1/chat/completions', copied: true });
      const dialog = page.getByRole('dialog');
      assert.match(await dialog.innerText(), /Copied to the clipboard[\s\S]*curl -sS http:\/\/127\.0\.0\.1:4141/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'History' }).click();
      assert.equal(await page.getByRole('button', { name: 'History' }).getAttribute('aria-expanded'), 'true');
      await page.getByRole('button', { name: /^An older chat/ }).click();
      assert.deepEqual((await app.sent('openConversation')).map((m) => m.id), ['c-1']);
      await app.emit({
        type: 'conversation',
        conversation: {
          id: 'c-1', title: 'An older chat', createdAt: 1, updatedAt: 2, columns: [{ id: 'k', model: 'openai/gpt-4o-mini' }],
          params: { system: 'Be brief.', stop: [], output: 'text', jsonSchema: '' },
          turns: [{ id: 't', user: { text: 'Old question', images: [] }, replies: { k: { runId: 'r-old', model: 'openai/gpt-4o-mini', status: 'done', text: 'Old answer', attempts: [] } } }],
        },
      });
      await page.locator('.user-text', { hasText: 'Old question' }).waitFor();
      assert.equal(await page.locator('.picker-input').inputValue(), 'openai/gpt-4o-mini');
      assert.equal(await page.getByLabel('System prompt').inputValue(), 'Be brief.');
      await page.getByRole('button', { name: 'Export as Markdown' }).click();
      const [exported] = await app.sent('export');
      assert.equal(exported.format, 'markdown');
      assert.equal(exported.conversation.id, 'c-1');
      await page.getByRole('button', { name: 'Delete "An older chat"' }).click();
      assert.deepEqual((await app.sent('deleteConversation')).map((m) => m.id), ['c-1']);
    } finally {
      await app.close();
    }
  });

  it('estimates the draft\'s cost as one types, on the first column\'s model, and shows the host\'s answer beside Send', async () => {
    const app = await openApp();
    try {
      await app.init();
      const page = app.page;
      const line = page.locator('.composer-estimate');
      assert.equal(await line.getAttribute('aria-live'), 'polite');
      await page.locator('.prompt-input').pressSequentially('How much is this?', { delay: 20 });
      await page.waitForFunction(() => window.__posted.some((m) => m.type === 'estimate'));
      const asks = await app.sent('estimate');
      assert.equal(asks.length, 1, 'one ask once typing pauses, not one per key');
      assert.deepEqual(asks[0].request, { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'How much is this?' }] });

      const reply = (estimateId, model, cost) => ({
        type: 'estimate', estimateId, estimate: {
          model: { model, inputTokens: 14, outputTokens: 500, cost },
          cheapest: [{ model: 'groq/llama-3.1-8b-instant', inputTokens: 14, outputTokens: 500, cost: 0.00004 }, { model: 'openai/gpt-4o-mini', inputTokens: 14, outputTokens: 500, cost: 0.0003 }],
        },
      });
      await app.emit(reply(asks[0].estimateId, 'openai/gpt-5-mini', 0.00101));
      await line.filter({ hasText: '≈' }).waitFor();
      assert.equal(await line.innerText(), '≈ $0.001010 on openai/gpt-5-mini (14 in + 500 out assumed) · cheapest: groq/llama-3.1-8b-instant $0.000040, openai/gpt-4o-mini $0.000300');

      // A new system prompt asks again; a late answer to the old ask is ignored.
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('System prompt').fill('Be brief.');
      await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'estimate').length === 2);
      const second = (await app.sent('estimate'))[1];
      assert.equal(second.request.system, 'Be brief.');
      await app.emit(reply(asks[0].estimateId, 'stale/model', 1));
      await app.emit({ ...reply(second.estimateId, 'openai/gpt-5-mini'), estimate: { model: { model: 'openai/gpt-5-mini', inputTokens: 20, outputTokens: 500 }, cheapest: [] } });
      await line.filter({ hasText: 'no price known' }).waitFor();
      assert.equal(await line.innerText(), '≈ no price known for openai/gpt-5-mini (20 in + 500 out assumed)');

      // No estimate (the host could not make one): no line. An empty prompt: no line, and no ask.
      await page.locator('.prompt-input').fill('Another prompt');
      await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'estimate').length === 3);
      await app.emit({ type: 'estimate', estimateId: (await app.sent('estimate'))[2].estimateId });
      await page.waitForFunction(() => document.querySelector('.composer-estimate').textContent === '');
      await app.emit(reply((await app.sent('estimate'))[2].estimateId, 'openai/gpt-5-mini', 0.002));
      await line.filter({ hasText: '≈' }).waitFor();
      await page.locator('.prompt-input').fill('');
      assert.equal(await line.innerText(), '');
      await page.waitForTimeout(500);
      assert.equal((await app.sent('estimate')).length, 3);
      assert.deepEqual(app.errors, []);
    } finally {
      await app.close();
    }
  });

  it('attaches images as data URLs and sends them as image parts', async () => {
    const app = await openApp();
    try {
      await app.init();
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      await app.page.locator('input[type=file]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
      await app.page.getByRole('img', { name: 'Attached image 1' }).waitFor();
      const [run] = await app.ask('What is in this image?');
      const content = run.request.messages[0].content;
      assert.equal(content[0].text, 'What is in this image?');
      assert.equal(content[1].type, 'image');
      assert.equal(content[1].url, `data:image/png;base64,${png.toString('base64')}`);
      await app.page.getByRole('img', { name: 'Image 1 of prompt 1' }).waitFor();
      assert.equal(await app.page.locator('.attachments img').count(), 0, 'the composer is cleared');
    } finally {
      await app.close();
    }
  });

  it('highlights code in its worker as text: markup in a code block stays text', async () => {
    const app = await openApp();
    try {
      await app.init();
      const [run] = await app.ask('Show me HTML');
      await app.answer(run, '```html\n<img src=x onerror="window.__pwned = 1"><b>bold?</b>\n```\n');
      const code = app.page.locator('.reply pre code.hljs.language-html');
      await code.locator('.hljs-tag').first().waitFor();
      assert.equal(await code.innerText(), '<img src=x onerror="window.__pwned = 1"><b>bold?</b>');
      assert.equal(await app.page.locator('.reply img, .reply b').count(), 0);
      assert.equal(await app.page.evaluate(() => window.__pwned), undefined);
    } finally {
      await app.close();
    }
  });

  it('shows code plain, and says why in the console, when the highlighting worker cannot load or start', async () => {
    const failures = [
      [{ unavailable: ['highlight-worker.js'] }, /the highlighting worker did not start \(Error: HTTP 404\)/],
      [{ replaced: { 'highlight-worker.js': 'throw new Error("broken worker")' } }, /the highlighting worker did not start \(Uncaught Error: broken worker\)/],
    ];
    for (const [options, warning] of failures) {
      const app = await openApp(options);
      try {
        await app.init();
        const [run] = await app.ask('Show me code');
        await app.answer(run, 'Here:\n\n```js\nconst answer = 42;\n```\n');
        await app.page.locator('.reply .stats').waitFor();
        await waitUntil(() => app.warnings.some((w) => warning.test(w)));
        assert.equal(await app.page.locator('.reply pre code.language-js').innerText(), 'const answer = 42;');
        assert.equal(await app.page.locator('.reply pre code.hljs').count(), 0);
        assert.deepEqual(app.errors, []);
      } finally {
        await app.close();
      }
    }
  });

  it('streams a 20,000-token answer block by block (figures printed, not asserted)', async () => {
    const app = await openApp();
    try {
      await app.init();
      const [run] = await app.ask('Write a long answer');
      const text = longMarkdown(80_000);
      const codeBlocks = text.match(/```js\n/g).length;
      await app.page.evaluate(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => ({ duration: e.duration, startTime: e.startTime })))).observe({ type: 'longtask' });
      });
      // As the host posts a fast stream: a batch of text every 16 ms; at the fake's full speed a batch holds about
      // 4 KB. Meanwhile: the finished part is kept (the same nodes) and only the open block is rendered again.
      const result = await app.page.evaluate(async ({ runId, text }) => {
        const post = (m) => window.postMessage(m, '*');
        const started = performance.now();
        window.__streamStarted = started;
        const size = 4096;
        let firstHeading;
        let maxTailBlocks = 0;
        for (let i = 0; i < text.length; i += size) {
          post({ type: 'runText', runId, text: text.slice(i, i + size) });
          await new Promise((r) => setTimeout(r, 16));
          const tail = document.querySelector('.markdown-tail');
          maxTailBlocks = Math.max(maxTailBlocks, tail ? tail.children.length : 0);
          firstHeading ??= document.querySelector('.markdown-finished h2');
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const streamedMs = performance.now() - started;
        const sameNode = firstHeading === document.querySelector('.markdown-finished h2');
        return { streamedMs, sameNode, maxTailBlocks };
      }, { runId: run.runId, text });
      await app.emit({ type: 'runDone', runId: run.runId, text, stats: stats({ outputTokens: 20_000 }) });
      await app.page.locator('.stats').waitFor();
      // Rendering may trail the end of the stream by a few frames (a time budget per frame).
      await app.page.locator('.reply pre code.hljs').nth(codeBlocks - 1).waitFor({ state: 'attached' });
      // When each long task began, in ms from the first batch (the stream's end is at `streamedMs`).
      const longTasks = await app.page.evaluate(() => window.__longTasks.map((t) => ({ ...t, at: t.startTime - window.__streamStarted })));
      const rendered = await app.page.locator('.reply pre code.hljs').count();
      assert.equal(rendered, codeBlocks, 'every code block is rendered and highlighted');
      assert.ok(result.sameNode, 'finished blocks are not rendered again');
      assert.ok(result.maxTailBlocks <= 2, `the open tail holds one block, not the answer (${result.maxTailBlocks})`);
      const max = longTasks.length ? Math.max(...longTasks.map((t) => t.duration)) : 0;
      const when = longTasks.map((t) => `${t.duration.toFixed(0)} ms at ${t.at.toFixed(0)} ms`).join(', ');
      console.log(
        `[perf] standalone webview: 20,000-token answer (${text.length} chars) streamed in ${result.streamedMs.toFixed(0)} ms; ` +
          `long tasks > 50 ms: ${longTasks.length} (longest ${max.toFixed(0)} ms${when ? `: ${when}` : ''}; wall time: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`,
      );
      fs.mkdirSync(testResultsDir, { recursive: true });
      await app.page.screenshot({ path: path.join(testResultsDir, 'playground-webview-standalone.png') });
    } finally {
      await app.close();
    }
  });
});

/** Varied Markdown of about `chars` characters: headings, paragraphs, lists, tables and code blocks. */
function longMarkdown(chars) {
  const parts = [];
  let n = 0;
  while (parts.join('').length < chars) {
    n++;
    parts.push(
      `## Section ${n}\n\n`,
      `This is paragraph ${n} with **bold**, *italic* and \`inline code\`. It explains a step in enough words to wrap a line or two in a narrow column.\n\n`,
      `- first point of ${n}\n- second point, with a [link](https://example.com/${n})\n- third point\n\n`,
      '```js\n' + `function step${n}(input) {\n  const doubled = input * 2;\n  return { step: ${n}, doubled };\n}\n` + '```\n\n',
      `| step | value |\n| --- | --- |\n| ${n} | ${n * 2} |\n\n`,
    );
  }
  return parts.join('');
}

async function waitUntil(condition, timeoutMs = 5000) {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
