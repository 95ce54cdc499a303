// "Switchboard: Show Request Log": a request made in the editor is listed, and opening it shows the logged request
// and response (at logging level "full"), with the key it was sent with nowhere in it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnswerOutcome } from '../../src/extension/commands/answer';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { closeAllEditors, restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

const KEY = 'sk-switchboard-request-log-test-0123456789';
const MODEL = 'openai/gpt-5-mini';

describe('Switchboard request log view', function () {
  this.timeout(30_000);
  let fake: FakeUpstream;

  before(async () => {
    fake = await startFakeUpstream({ expectedKey: KEY });
    await setSetting('providers', { openai: { baseURL: `${fake.url}/v1` } });
    await setSetting('model', MODEL);
    await setSetting('logging.level', 'full');
    const api = await switchboard();
    await waitFor('the settings in force', () => api.settings()['logging.level'] === 'full' && api.settings().providers.openai?.baseURL === `${fake.url}/v1`);
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('switchboard.clearApiKey', { provider: 'openai' });
    await restoreSettings();
    await closeAllEditors();
    await fake.close();
  });

  it('lists a request filtered by model and status, and opens it with its prompt and answer but not the key', async () => {
    const prompt = `Remember the phrase request-log-${Date.now()}; my key is ${KEY}`;
    const outcome = await vscode.commands.executeCommand<AnswerOutcome>('switchboard.ask', { prompt });
    assert.equal(outcome.error, undefined);
    await closeAllEditors();
    // Records are written just after the answer; the list reads the log when it opens.
    await (await (await switchboard()).gateway()).flushAccounting();

    await vscode.commands.executeCommand('switchboard.showRequestLog', { model: MODEL, status: 'ok', range: '24h' });
    // The list loads asynchronously: accept its first row until a record opens.
    const record = await waitFor('a request log record to open', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const document = vscode.window.activeTextEditor?.document;
      return document?.uri.scheme === 'switchboard-log' ? document : undefined;
    }, 15_000);

    const text = record.getText();
    assert.ok(!text.includes(KEY), 'the key never reaches the log');
    const logged = JSON.parse(text);
    assert.equal(logged.model, MODEL);
    assert.equal(logged.status, 'ok');
    assert.equal(logged.source, 'extension');
    assert.match(JSON.stringify(logged.request.messages), /request-log-\d+/);
    assert.equal(logged.response.text, outcome.result!.text.replace(KEY, '[REDACTED]'));
  });
});
