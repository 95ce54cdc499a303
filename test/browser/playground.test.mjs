/* global window, document, navigator, performance, PerformanceObserver */
// The playground in the real editor: the packaged extension in code-server, driven in Chromium, talking through
// the gateway to the fake upstream (in this process) as a custom provider that needs no key. One workbench, one
// conversation, the journeys in order: open, send, compare and re-run, stop, fail, themes, a 20,000-token
// answer, and a window reload that restores the panel and its history.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { extensionId, testResultsDir } from '../harness/paths.mjs';
import { startFakeUpstream } from '../fakes/upstream.ts';
import { withWorkbench } from './workbench-session.mjs';

const OPEN_PLAYGROUND = 'Switchboard: Open Playground';
const WAIT = { timeout: 60_000 };

/** Two priced models on the fake, the first cheaper per token. */
const providerSettings = (fakeUrl) => ({
  'switchboard.customProviders': [
    {
      id: 'fake',
      name: 'Fake',
      baseURL: `${fakeUrl}/v1`,
      auth: 'none',
      models: [
        { id: 'quick', displayName: 'Quick', contextWindow: 32_000, price: { input: 0.1, output: 0.4 } },
        { id: 'steady', displayName: 'Steady', contextWindow: 128_000, vision: true, price: { input: 1, output: 4 } },
      ],
    },
  ],
  'switchboard.model': 'fake/quick',
  'switchboard.localDetection': false,
  'switchboard.retry': { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  'switchboard.fallbacks': { 'fake/steady': ['fake/quick'] },
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

/** Runs one named step; a failure names the step it happened in. */
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    error.message = `[${name}] ${error.message}`;
    throw error;
  }
}

/** The playground's document, as a Playwright Frame (for evaluate), inside VS Code's two webview iframes. */
async function webviewFrame(page) {
  const outer = await page.locator(`iframe.webview[src*="extensionId=${extensionId}"]`).first().elementHandle();
  const host = await outer.contentFrame();
  const inner = await host.locator('iframe#active-frame').elementHandle();
  return inner.contentFrame();
}

/**
 * Opens the playground from the palette. Returns, in ms from choosing the command: `paint`, the playground's
 * first contentful paint; `host`, when VS Code's webview host frame (its pre/index.html) started; `document`,
 * when VS Code had started the webview document; then, from that document start, `shown`, the page's load event
 * (when VS Code shows the webview's frame), `ownPaint`, its first contentful paint, `assets`, when the app's
 * module and its chunks had arrived, and `app`, when the app had taken over the page. `workerWait` is how long
 * the host frame waited for its service worker before writing our page (VS Code's own `content/started` to
 * `content/workerReady` marks), and `hostScript` how long after its start the host frame's own script began.
 * `found` is when Playwright saw the composer.
 */
async function openPlayground(workbench, page) {
  await workbench.openCommandPalette();
  await page.keyboard.type(OPEN_PLAYGROUND.slice(0, 24));
  const row = page.getByRole('option', { name: new RegExp(OPEN_PLAYGROUND) }).first();
  await row.waitFor(WAIT);
  const started = Date.now();
  await page.keyboard.press('Enter');
  const view = workbench.webview(extensionId);
  await view.locator('.prompt-input').waitFor(WAIT);
  const found = Date.now() - started;
  await view.locator('#app:not([aria-busy])').waitFor(WAIT);
  const frame = await webviewFrame(page);
  await frame.waitForFunction(() => performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint'), null, WAIT);
  const timing = await frame.evaluate(() => ({
    origin: performance.timeOrigin,
    shown: performance.getEntriesByType('navigation')[0]?.loadEventStart,
    assets: Math.max(...performance.getEntriesByType('resource').filter((e) => /\/playground\.js/.test(e.name)).map((e) => e.responseEnd)),
    ownPaint: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime,
    app: performance.getEntriesByName('playground:app-mounted')[0]?.startTime,
  }));
  const host = await frame.parentFrame().evaluate(() => {
    const mark = (name) => performance.getEntriesByName(`webview/index.html/${name}`).at(-1)?.startTime;
    return { origin: performance.timeOrigin, script: mark('scriptStart'), workerWait: mark('content/workerReady') - mark('content/started') };
  });
  const document = Math.round(timing.origin - started);
  const ms = (value) => Math.round(value ?? NaN);
  return {
    paint: document + ms(timing.ownPaint), found, host: Math.round(host.origin - started), hostScript: ms(host.script), workerWait: ms(host.workerWait), document,
    shown: ms(timing.shown), ownPaint: ms(timing.ownPaint), assets: ms(timing.assets), app: ms(timing.app),
  };
}

/** Closes the playground's editor with Ctrl+W, as a user would, and waits until its webview is gone. */
async function closePlayground(workbench, page) {
  await page.keyboard.press('Control+W');
  await workbench.webview(extensionId).locator('.prompt-input').waitFor({ state: 'detached', ...WAIT });
}

/** Picks a color theme the way a user does: Preferences: Color Theme, then the theme by name. */
async function setColorTheme(workbench, page, name) {
  await workbench.openCommandPalette();
  await page.keyboard.type('Preferences: Color Theme');
  await page.getByRole('option', { name: /^Preferences: Color Theme/ }).first().click();
  await page.locator('.quick-input-widget input[placeholder*="Color Theme" i]').waitFor(WAIT);
  await page.keyboard.type(name);
  await page.getByRole('option', { name: new RegExp(name) }).first().waitFor(WAIT);
  await page.keyboard.press('Enter');
}

const reply = (view, column, n) => view.locator('.column').nth(column).locator('.reply').nth(n);
const doneReply = (view, column, n) => reply(view, column, n).and(view.locator('[data-status=done]'));

async function ask(view, prompt) {
  const input = view.locator('.prompt-input');
  await input.fill(prompt);
  await input.press('Control+Enter');
}

test('playground journeys in code-server', async () => {
  const fake = await startFakeUpstream();
  fs.mkdirSync(testResultsDir, { recursive: true });
  try {
    await withWorkbench(
      'playground',
      async (workbench, { page, workspace }) => {
        const view = workbench.webview(extensionId);

        await step('opens from the command palette', async () => {
          // The palette lists contributed commands once the extension host is up, which the status item shows.
          await workbench.statusBarItem(`${extensionId}.switchboard.status`).waitFor(WAIT);
          const cold = await openPlayground(workbench, page);
          await view.locator('.picker-details', { hasText: 'Quick' }).waitFor(WAIT);
          assert.equal(await view.locator('.picker-input').inputValue(), 'fake/quick');
          assert.match(await view.locator('.picker-details').innerText(), /Quick · \$0\.1 in · \$0\.4 out per 1M · 32k context/);
          // VS Code's webview host page registers its service worker again for every webview. On the first reopen,
          // a few seconds after the browser first installed that worker, the register() call took 2-3 s in Chromium
          // here, whatever the webview (the host's "waited for its service worker" figure). The second reopen shows
          // what a reopen costs otherwise.
          await closePlayground(workbench, page);
          const reopened = await openPlayground(workbench, page);
          await closePlayground(workbench, page);
          const warm = await openPlayground(workbench, page);
          const figures = (t) =>
            `${t.paint} ms (VS Code's webview host frame started at ${t.host} ms, ran its script ${t.hostScript} ms later and waited ${t.workerWait} ms for its service worker; ` +
            `webview document started at ${t.document} ms; from there, page loaded and shown at ${t.shown} ms, ` +
            `first contentful paint at ${t.ownPaint} ms, app module in at ${t.assets} ms, app took over at ${t.app} ms; composer seen by the test at ${t.found} ms)`;
          console.log(
            `[perf] first paint of the playground after the command (target < 300 ms): cold ${figures(cold)}; ` +
              `first reopen ${figures(reopened)}; warm reopen ${figures(warm)}`,
          );
        });

        await step('sends a prompt and shows the streamed answer with its figures', async () => {
          fake.enqueueReply({
            text: 'Hello from the fake: **bold** and `code`.\n\n```js\nconst answer = 42;\n```\n',
            usage: { input: 12, output: 34 },
            chunkSize: 4,
            chunkDelayMs: 5,
          });
          await ask(view, 'Say hello');
          const answer = doneReply(view, 0, 0);
          await answer.waitFor(WAIT);
          assert.equal(await answer.locator('strong').innerText(), 'bold');
          assert.equal(await answer.locator('pre code.hljs .hljs-keyword').first().innerText(), 'const');
          assert.equal(await answer.locator('[data-stat=model]').innerText(), 'fake/quick');
          assert.equal(await answer.locator('[data-stat=tokens]').innerText(), '12 in / 34 out');
          assert.equal(await answer.locator('[data-stat=cost]').innerText(), '$0.000015');
          assert.match(await answer.locator('[data-stat=ttft]').innerText(), /^\d+ ms$|^\d+\.\d\d s$/);
          assert.match(await answer.locator('[data-stat=speed]').innerText(), /tok\/s$/);
          const sent = fake.requests.at(-1).body;
          assert.equal(sent.model, 'quick');
          assert.deepEqual(sent.messages, [{ role: 'user', content: 'Say hello' }]);
        });

        await step('copies the last request as curl for the local gateway, without a secret', async () => {
          await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
          await view.getByRole('button', { name: 'Copy as curl code' }).click();
          const dialog = view.getByRole('dialog');
          await dialog.waitFor(WAIT);
          const code = await dialog.locator('.snippet-code').innerText();
          assert.match(code, /^curl -sS http:\/\/127\.0\.0\.1:4141\/v1\/chat\/completions/m);
          assert.match(code, /Authorization: Bearer \$SWITCHBOARD_GATEWAY_TOKEN/);
          const body = JSON.parse(code.slice(code.indexOf("<<'JSON'\n") + 8, code.lastIndexOf('\nJSON')));
          assert.deepEqual(body, { model: 'fake/quick', messages: [{ role: 'user', content: 'Say hello' }] });
          assert.match(await dialog.innerText(), /Copied to the clipboard/);
          assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
          await view.getByRole('button', { name: 'Close' }).click();
          await dialog.waitFor({ state: 'hidden', ...WAIT });
        });

        await step('compares two models side by side, marks cheapest and fastest, re-runs one column (with a fallback)', async () => {
          await view.getByRole('button', { name: 'Add model to compare' }).click();
          const picker = view.locator('.column').nth(1).locator('.picker-input');
          await picker.fill('steady');
          await picker.press('ArrowDown');
          await picker.press('Enter');
          assert.equal(await picker.inputValue(), 'fake/steady');
          fake.setDefaultReply({ usage: { input: 20, output: 10 }, chunkSize: 8 });
          await ask(view, 'Who are you?');
          await doneReply(view, 0, 1).waitFor(WAIT);
          await doneReply(view, 1, 0).waitFor(WAIT);
          assert.match(await reply(view, 0, 1).locator('.markdown').innerText(), /Hello from quick: Who are you\?/);
          assert.match(await reply(view, 1, 0).locator('.markdown').innerText(), /Hello from steady: Who are you\?/);
          assert.equal(await reply(view, 1, 0).locator('[data-stat=model]').innerText(), 'fake/steady');
          const marks = [...(await reply(view, 0, 1).locator('.mark').allInnerTexts()), ...(await reply(view, 1, 0).locator('.mark').allInnerTexts())];
          assert.deepEqual(marks.filter((m) => m === 'Cheapest'), ['Cheapest']);
          assert.deepEqual(marks.filter((m) => m === 'Fastest'), ['Fastest']);
          assert.deepEqual(await reply(view, 0, 1).locator('.mark.cheapest').allInnerTexts(), ['Cheapest'], 'quick costs less');
          // Multi-turn: the first column sent its earlier answer along.
          const quickBody = fake.requests.filter((r) => r.body?.model === 'quick').at(-1).body;
          assert.equal(quickBody.messages.length, 3);
          assert.equal(quickBody.messages[1].role, 'assistant');

          await page.screenshot({ path: path.join(testResultsDir, 'playground-dark.png') });
          // The re-run fails on steady and falls back to quick: the column says who answered, and every attempt.
          const before = fake.requests.length;
          fake.enqueue({ kind: 'status', status: 503, message: 'Steady is overloaded.' });
          await view.locator('.column').nth(1).getByRole('button', { name: /^Re-run the last prompt with fake\/steady/ }).click();
          const rerun = doneReply(view, 1, 0).filter({ has: view.locator('.attempts') });
          await rerun.waitFor(WAIT);
          assert.deepEqual(fake.requests.slice(before).map((r) => r.body.model), ['steady', 'quick']);
          assert.equal(await rerun.locator('[data-stat=model]').innerText(), 'fake/quick');
          assert.match(await rerun.locator('.stats').innerText(), /Answered by \(fallback\)/);
          await rerun.locator('.attempts summary').click();
          assert.match(await rerun.locator('.attempts').innerText(), /2 attempts[\s\S]*fake\/steady \(fake\) · error 503[\s\S]*fake\/quick \(fake\) · ok/);
          assert.equal(await doneReply(view, 0, 1).count(), 1, 'the other column keeps its answer');
        });

        await step('exports the conversation as JSON and as Markdown through the save dialog', async () => {
          const saveAs = async (button, file) => {
            await view.getByRole('button', { name: button }).click();
            // VS Code's own save dialog in the browser: a path box, filled with the suggested name in the workspace.
            const box = page.locator('.quick-input-widget .quick-input-box input');
            await box.waitFor(WAIT);
            const suggested = `${path.basename(workspace)}/say-hello${path.extname(file)}`;
            // The dialog opens on the folder, then fills in the suggested name.
            await page.waitForFunction((end) => document.querySelector('.quick-input-widget .quick-input-box input')?.value.endsWith(end), suggested, WAIT);
            await box.fill(file);
            await box.press('Enter');
            await view.locator('.notice', { hasText: 'Conversation exported.' }).waitFor(WAIT);
            return fs.readFileSync(file, 'utf8');
          };
          const json = JSON.parse(await saveAs('Export as JSON', path.join(workspace, 'exported.json')));
          assert.equal(json.format, 'switchboard-playground');
          assert.deepEqual(json.conversation.turns.map((t) => t.user.text), ['Say hello', 'Who are you?']);
          assert.deepEqual(json.conversation.columns.map((c) => c.model), ['fake/quick', 'fake/steady']);
          const steadyColumn = json.conversation.columns[1].id;
          // The re-run before fell back from steady to quick.
          const rerun = json.conversation.turns[1].replies[steadyColumn];
          assert.equal(rerun.text, 'Hello from quick: Who are you?');
          assert.deepEqual(rerun.stats.attempts.map((a) => a.outcome), ['error', 'ok']);
          await view.locator('.notice').evaluate((el) => (el.textContent = ''));
          const markdown = await saveAs('Export as Markdown', path.join(workspace, 'exported.md'));
          assert.match(markdown, /^# Say hello\n/);
          assert.match(markdown, /## 1\. You\n\nSay hello\n\n### `fake\/quick`\n\nHello from the fake: \*\*bold\*\*/);
          assert.match(markdown, /## 2\. You\n\nWho are you\?[\s\S]*### `fake\/steady`\n\nHello from quick: Who are you\?\n\n_answered by `fake\/quick` · .* · 2 attempts_/);
          assert.match(markdown, /answered by `fake\/quick` · .* · 12 in \/ 34 out tokens · \$0\.000015/);
        });

        await step('switches to a light theme (screenshot)', async () => {
          await setColorTheme(workbench, page, 'Light Modern');
          await view.locator('body.vscode-light').waitFor(WAIT);
          await page.screenshot({ path: path.join(testResultsDir, 'playground-light.png') });
        });

        await step('switches to a high-contrast theme (screenshot)', async () => {
          await setColorTheme(workbench, page, 'Dark High Contrast');
          await view.locator('body.vscode-high-contrast').waitFor(WAIT);
          await page.screenshot({ path: path.join(testResultsDir, 'playground-high-contrast.png') });
          await view.getByRole('button', { name: /^Remove Column 2/ }).click();
          assert.equal(await view.locator('.column').count(), 1);
        });

        await step('stops a stream with Esc: the request is aborted upstream', async () => {
          fake.enqueueReply({ text: 'word '.repeat(4000), chunkSize: 5, chunkDelayMs: 20 });
          await ask(view, 'Tell me a very long story');
          const running = reply(view, 0, 2);
          await running.locator('.markdown').filter({ hasText: 'word' }).waitFor(WAIT);
          await view.locator('.prompt-input').press('Escape');
          await running.and(view.locator('[data-status=stopped]')).waitFor(WAIT);
          const length = (await running.locator('.markdown').innerText()).length;
          assert.ok(length > 0 && length < 'word '.repeat(4000).length, `${length} characters`);
          await page.waitForTimeout(500);
          assert.equal((await running.locator('.markdown').innerText()).length, length, 'nothing arrives after Stop');
          assert.ok(await view.getByRole('button', { name: 'Send' }).isEnabled());
        });

        await step('shows an upstream failure as a readable error', async () => {
          fake.enqueue({ kind: 'status', status: 500, message: 'The fake upstream is down.' });
          await ask(view, 'Are you there?');
          const failed = reply(view, 0, 3);
          await failed.and(view.locator('[data-status=error]')).waitFor(WAIT);
          const message = await failed.getByRole('alert').innerText();
          assert.match(message, /^The request failed\. /);
          assert.match(message, /500/);
          assert.match(message, /The fake upstream is down\./);
        });

        await step('streams a 20,000-token answer at full speed (figures printed, not asserted)', async () => {
          const text = longMarkdown(80_000);
          fake.enqueueReply({ text, usage: { input: 10, output: 20_000 }, chunkSize: 8, chunkDelayMs: 0 });
          const frame = await webviewFrame(page);
          await frame.evaluate(() => {
            window.__longTasks = [];
            // `name` says whose task it was: 'self' is the webview's own; the workbench shares this renderer's main
            // thread, so its long tasks are reported here too ('same-origin-ancestor').
            new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => ({ duration: e.duration, name: e.name })))).observe({ type: 'longtask' });
          });
          const started = Date.now();
          await ask(view, 'Write a very long answer');
          const answer = doneReply(view, 0, 4);
          await answer.waitFor({ timeout: 120_000 });
          const doneMs = Date.now() - started;
          // Rendering may trail the end of the stream by a few frames (a time budget per frame).
          const expectedBlocks = text.match(/```js\n/g).length;
          await answer.locator('pre code.hljs').nth(expectedBlocks - 1).waitFor({ state: 'attached', ...WAIT });
          const renderedMs = Date.now() - started;
          const longTasks = await frame.evaluate(() => window.__longTasks);
          assert.equal(await answer.locator('pre code.hljs').count(), expectedBlocks);
          assert.equal(await answer.locator('[data-stat=tokens]').innerText(), '10 in / 20000 out');
          const max = longTasks.length ? Math.max(...longTasks.map((t) => t.duration)) : 0;
          const own = longTasks.filter((t) => t.name === 'self').length;
          console.log(
            `[perf] code-server: 20,000-token answer (${text.length} chars, ${Math.ceil(text.length / 8)} upstream chunks): done after ${doneMs} ms, all rendered after ${renderedMs} ms; ` +
              `webview long tasks > 50 ms: ${longTasks.length} (longest ${max.toFixed(0)} ms; ${own} the webview's own, ${longTasks.length - own} from the workbench; ` +
              `durations are wall time, so a loaded machine lengthens them: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs); ` +
              `the run's figures: ${(await answer.locator('.stat').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).join(', ')}`,
          );
        });

        await step('restores the panel, the conversation and the history after a window reload', async () => {
          // VS Code in a browser writes UI state (webview state, workspaceState) every 5 s, not on unload: a reload
          // sooner loses the last changes (microsoft/vscode#127166). A user reloading seconds later finds them.
          await page.waitForTimeout(6000);
          await page.reload();
          await page.locator('.monaco-workbench').waitFor(WAIT);
          const restored = workbench.webview(extensionId);
          await restored.locator('.user-text', { hasText: 'Say hello' }).waitFor(WAIT);
          // textContent: blocks scrolled out of view are not laid out (content-visibility), so they have no innerText.
          assert.equal(await doneReply(restored, 0, 0).locator('strong').textContent(), 'bold');
          const prompts = await restored.locator('.user-text').allTextContents();
          assert.deepEqual(prompts, ['Say hello', 'Who are you?', 'Tell me a very long story', 'Are you there?', 'Write a very long answer']);
          assert.deepEqual(await restored.locator('.reply').evaluateAll((els) => els.map((e) => e.dataset.status)), ['done', 'done', 'stopped', 'error', 'done']);
          await restored.getByRole('button', { name: 'History' }).click();
          await restored.locator('.history-item', { hasText: 'Say hello' }).waitFor(WAIT);
        });
      },
      { settings: providerSettings(fake.url) },
    );
  } finally {
    await fake.close();
  }
});

/** Varied Markdown of about `chars` characters: headings, paragraphs, lists, tables and code blocks. */
function longMarkdown(chars) {
  const parts = [];
  for (let n = 1; parts.join('').length < chars; n++) {
    parts.push(
      `## Section ${n}\n\n`,
      `This is paragraph ${n} with **bold**, *italic* and \`inline code\`. It explains a step in enough words to wrap a line or two.\n\n`,
      `- first point of ${n}\n- second point, with a [link](https://example.com/${n})\n- third point\n\n`,
      '```js\n' + `function step${n}(input) {\n  const doubled = input * 2;\n  return { step: ${n}, doubled };\n}\n` + '```\n\n',
      `| step | value |\n| --- | --- |\n| ${n} | ${n * 2} |\n\n`,
    );
  }
  return parts.join('');
}
