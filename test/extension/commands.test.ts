// The palette commands, run in the real extension host against the fake upstream (no network).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnswerOutcome } from '../../src/extension/commands/answer';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { answerMessages, closeAllEditors, restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

const KEY = 'sk-switchboard-extension-test';
const MODEL = 'openai/gpt-5-mini';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = <T>(command: string, arg?: unknown) => vscode.commands.executeCommand<T>(command, arg) as Promise<T>;
const modelRequests = (fake: FakeUpstream) => fake.requests.filter((r) => r.method === 'POST');

describe('Switchboard commands', function () {
  this.timeout(30_000);
  let fake: FakeUpstream;
  /** Ollama's stand-in: it takes no key. */
  let local: FakeUpstream;

  before(async () => {
    fake = await startFakeUpstream({ expectedKey: KEY });
    local = await startFakeUpstream();
    await setSetting('providers', { openai: { baseURL: `${fake.url}/v1` }, ollama: { baseURL: `${local.url}/v1` } });
    await setSetting('model', MODEL);
    const api = await switchboard();
    await waitFor('the fake base URL in force', () => api.settings().providers.openai?.baseURL === `${fake.url}/v1`);
  });

  after(async () => {
    await run('switchboard.clearApiKey', { provider: 'openai' });
    await run('switchboard.clearApiKey', { provider: 'anthropic' });
    await restoreSettings();
    await closeAllEditors();
    await fake.close();
    await local.close();
  });

  afterEach(closeAllEditors);

  it('Set API Key stores the key in SecretStorage, and Ask sends it upstream and streams the answer into an editor', async () => {
    assert.equal(await run('switchboard.setApiKey', { provider: 'openai', key: KEY }), 'openai');
    const before = modelRequests(fake).length;
    const outcome = await run<AnswerOutcome>('switchboard.ask', { prompt: 'Say hello' });

    assert.equal(outcome.error, undefined);
    assert.equal(outcome.cancelled, false);
    const sent = modelRequests(fake).slice(before);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(sent[0].body.model, 'gpt-5-mini');
    assert.equal(sent[0].body.stream, true);
    assert.match(outcome.result?.text ?? '', /Say hello/);

    const text = outcome.document.getText();
    assert.equal(outcome.document.languageId, 'markdown');
    assert.ok(outcome.document.isUntitled);
    assert.ok(text.startsWith('> Say hello'), text);
    assert.ok(text.includes(outcome.result!.text), text);
    assert.match(text, /openai\/gpt-5-mini.*ttft.*tokens/);
  });

  it('updates the status bar and the session cost after a request', async () => {
    const api = await switchboard();
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    await run('switchboard.resetSessionCost');
    await run<AnswerOutcome>('switchboard.ask', { prompt: 'Count to three' });
    const spend = api.sessionSpend();
    assert.equal(spend.requests, 1);
    assert.equal(spend.byModel[0].model, MODEL);
    assert.ok(spend.usd > 0, 'gpt-5-mini is priced, so the request cost something');
    const status = await waitFor('the cost in the status bar', () => {
      const s = api.statusBar();
      return /\$\d/.test(s.text) && s.text.includes('ttft') ? s : undefined;
    });
    assert.match(status.text, /openai\/gpt-5-mini · \$[\d.]+ · [\d.]+ m?s \(ttft [\d.]+ m?s\)/);
    assert.match(status.tooltip, /\| `openai\/gpt-5-mini` \| 1 \|/);
    assert.match(status.tooltip, /Today:/);

    const summary = await run<vscode.TextDocument>('switchboard.showCostSummary');
    assert.match(summary.getText(), /`openai\/gpt-5-mini` \| 1 \|/);

    await run('switchboard.resetSessionCost');
    assert.equal(api.sessionSpend().requests, 0);
    await waitFor('the status bar without a session cost', () => !/\$\d/.test(api.statusBar().text));
  });

  it('turns the status bar yellow past the daily budget warning threshold', async () => {
    const api = await switchboard();
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    await run<AnswerOutcome>('switchboard.ask', { prompt: 'Spend a little' });
    const today = await waitFor("today's spend from the usage totals", () => api.spendToday() > 0 && api.spendToday());
    await setSetting('budget.daily', today * 1.5);
    await setSetting('budget.warnAt', 0.5);
    await waitFor('the warning background', () => api.statusBar().backgroundColor === 'statusBarItem.warningBackground');
    assert.equal(api.budget()?.state, 'warn');
    assert.match(api.statusBar().tooltip, /daily budget/);
    await setSetting('budget.daily', today / 2);
    await waitFor('the error background', () => api.statusBar().backgroundColor === 'statusBarItem.errorBackground');
    await setSetting('budget.daily', null);
    await waitFor('no background', () => api.statusBar().backgroundColor === undefined);
  });

  it('Cancel Request aborts a streaming answer upstream', async () => {
    const api = await switchboard();
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    fake.enqueueReply({ text: 'x'.repeat(400), chunkSize: 4, chunkDelayMs: 50 });
    const started = Date.now();
    const pending = run<AnswerOutcome>('switchboard.ask', { prompt: 'Stream slowly' });
    await waitFor('the answer to start streaming into its editor', () =>
      vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText().includes('xxxx')),
    );
    assert.match(api.statusBar().text, /loading~spin/);
    assert.equal(await run('switchboard.cancelRequest'), 1);
    const outcome = await pending;
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.result, undefined);
    assert.equal(outcome.error, undefined);
    assert.ok(Date.now() - started < 4000, 'the whole stream would take 5 s');
    const text = outcome.document.getText();
    assert.ok(text.trimEnd().endsWith('_Cancelled._'), text);
    assert.ok((text.match(/x/g) ?? []).length < 400);
    await waitFor('no request running', () => api.diagnostics().runningRequests === 0);
  });

  it('Ask About Selection sends only the selection and opens the answer beside the code', async () => {
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const code = await vscode.workspace.openTextDocument({
      language: 'typescript',
      content: 'const unrelated = 1;\nfunction add(a: number, b: number) {\n  return a + b;\n}\n',
    });
    const editor = await vscode.window.showTextDocument(code, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(1, 0, 3, 1);
    const before = modelRequests(fake).length;
    const outcome = await run<AnswerOutcome>('switchboard.askAboutSelection', { prompt: 'What does this do?' });

    const body = modelRequests(fake)[before].body;
    const content: string = body.messages.at(-1).content;
    assert.match(content, /What does this do\?/);
    assert.match(content, /```typescript\nfunction add\(a: number, b: number\) \{\n {2}return a \+ b;\n\}\n```/);
    assert.ok(!content.includes('unrelated'));
    const answerEditor = vscode.window.visibleTextEditors.find((e) => e.document === outcome.document);
    assert.equal(answerEditor?.viewColumn, vscode.ViewColumn.Two);
  });

  it('Ask About Selection with no selection sends the whole file', async () => {
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    const code = await vscode.workspace.openTextDocument({ language: 'python', content: 'print("one")\nprint("two")\n' });
    await vscode.window.showTextDocument(code, vscode.ViewColumn.One);
    const before = modelRequests(fake).length;
    await run<AnswerOutcome>('switchboard.askAboutSelection', { prompt: 'Explain' });
    const content: string = modelRequests(fake)[before].body.messages.at(-1).content;
    assert.match(content, /print\("one"\)\nprint\("two"\)/);
  });

  it('Clear API Key removes the stored key: the next request fails with a key error, sending nothing', async () => {
    await run('switchboard.setApiKey', { provider: 'openai', key: KEY });
    assert.equal(await run('switchboard.clearApiKey', { provider: 'openai' }), 'openai');
    const before = modelRequests(fake).length;
    const outcome = await run<AnswerOutcome>('switchboard.ask', { prompt: 'Anyone there?' });
    assert.match(outcome.error ?? '', /No API key for OpenAI/);
    assert.equal(modelRequests(fake).length, before);
    assert.match(outcome.document.getText(), /\*\*Error:\*\* No API key/);
  });

  it('asks a local Ollama model with no key at all', async () => {
    await run('switchboard.clearApiKey', { provider: 'openai' });
    const outcome = await run<AnswerOutcome>('switchboard.ask', { prompt: 'Hi llama', model: 'ollama/llama3.2:latest' });
    assert.equal(outcome.error, undefined);
    assert.match(outcome.result?.text ?? '', /Hi llama/);
    const [sent] = modelRequests(local);
    assert.equal(sent.body.model, 'llama3.2:latest');
    assert.equal(sent.headers.authorization, undefined);
    assert.equal(outcome.result?.cost.total, 0);
  });

  it('a retired model that still answers gets one warning a session, which offers Switch Model', async () => {
    const api = await switchboard();
    await run('switchboard.setApiKey', { provider: 'anthropic', key: KEY });
    await setSetting('providers', { openai: { baseURL: `${fake.url}/v1` }, ollama: { baseURL: `${local.url}/v1` }, anthropic: { baseURL: fake.url } });
    await waitFor('the Anthropic base URL in force', () => api.settings().providers.anthropic?.baseURL === fake.url);
    const gateway = await api.gateway();
    const ask = (model: string) => gateway.complete({ model, messages: [{ role: 'user', content: 'still there?' }] });
    const warnings = answerMessages('showWarningMessage', () => undefined);
    try {
      assert.equal((await ask('anthropic/claude-sonnet-4-5')).text, 'Hello from claude-sonnet-4-5: still there?');
      await ask('anthropic/claude-sonnet-4-5');
      await ask('anthropic/claude-sonnet-4-6');
    } finally {
      warnings.restore();
    }
    assert.deepEqual(
      warnings.calls.map(({ message, rest }) => [message, rest]),
      [['Switchboard: anthropic/claude-sonnet-4-5 was retired on 2026-11-30: switch to anthropic/claude-sonnet-4-6.', ['Switch Model']]],
    );
  });

  it('Switch Model writes switchboard.model to the chosen target', async () => {
    const api = await switchboard();
    assert.equal(await run('switchboard.switchModel', { model: 'anthropic/claude-haiku-4-5', target: 'user' }), 'anthropic/claude-haiku-4-5');
    await waitFor('the new model in force', () => api.settings().model === 'anthropic/claude-haiku-4-5');
    assert.equal(vscode.workspace.getConfiguration('switchboard').inspect('model')?.globalValue, 'anthropic/claude-haiku-4-5');
    await setSetting('model', MODEL);
  });

  it('Switch Model, driven through its pickers, saves the highlighted model in workspace settings', async () => {
    const api = await switchboard();
    const switching = run<string | undefined>('switchboard.switchModel');
    await sleep(2500); // the picker lists the catalog once local discovery answered
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); // "Workspace settings"
    const chosen = await switching;
    try {
      assert.ok(chosen && chosen !== MODEL && chosen.includes('/'), `chose ${chosen}`);
      assert.equal(vscode.workspace.getConfiguration('switchboard').inspect('model')?.workspaceValue, chosen);
      await waitFor('the chosen model in force', () => api.settings().model === chosen);
      await waitFor('the chosen model in the status bar', () => api.statusBar().text.includes(chosen));
    } finally {
      await vscode.workspace.getConfiguration('switchboard').update('model', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('an input box or picker dismissed with Escape cancels the command and changes nothing', async () => {
    const api = await switchboard();
    const before = modelRequests(fake).length;
    const asking = run('switchboard.ask');
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await asking, undefined);

    const switching = run('switchboard.switchModel');
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await switching, undefined);
    assert.equal(api.settings().model, MODEL);
    assert.equal(modelRequests(fake).length, before);
  });

});
