// "Switchboard: Start Local Gateway": the REST gateway served from the extension host, with the shared token.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { resolveGatewayToken } from '../../src/server/token';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

const KEY = 'sk-switchboard-local-gateway-test';

describe('Switchboard local gateway', function () {
  this.timeout(30_000);
  let fake: FakeUpstream;
  // The token file goes to a folder of the test's own, never the real data folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-local-gateway-'));
  const savedEnv = { SWITCHBOARD_DATA_DIR: process.env.SWITCHBOARD_DATA_DIR, SWITCHBOARD_GATEWAY_TOKEN: process.env.SWITCHBOARD_GATEWAY_TOKEN };

  before(async () => {
    process.env.SWITCHBOARD_DATA_DIR = dataDir;
    delete process.env.SWITCHBOARD_GATEWAY_TOKEN;
    fake = await startFakeUpstream({ expectedKey: KEY });
    await setSetting('providers', { openai: { baseURL: `${fake.url}/v1` } });
    await setSetting('gateway.port', 0);
    const api = await switchboard();
    await waitFor('the settings in force', () => api.settings()['gateway.port'] === 0 && api.settings().providers.openai?.baseURL === `${fake.url}/v1`);
    await vscode.commands.executeCommand('switchboard.setApiKey', { provider: 'openai', key: KEY });
  });

  after(async () => {
    await vscode.commands.executeCommand('switchboard.clearApiKey', { provider: 'openai' });
    await restoreSettings();
    await fake.close();
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the OpenAI route on loopback with the shared token, refuses a request without it, and is not started twice', async () => {
    const started = await vscode.commands.executeCommand<{ url: string }>('switchboard.startGateway', { quiet: true });
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const again = await vscode.commands.executeCommand<{ url: string }>('switchboard.startGateway', { quiet: true });
    assert.equal(again.url, started.url);

    // The token the gateway serves is the one in the data folder, which it synced on start.
    const { token, path } = resolveGatewayToken(process.env);
    assert.equal(path, join(dataDir, 'gateway-token'));
    const refused = await fetch(`${started.url}/v1/models`);
    assert.equal(refused.status, 401);

    const response = await fetch(`${started.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'through the editor' }] }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('x-switchboard-model'), 'openai/gpt-5-mini');
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.match(body.choices[0].message.content, /through the editor/);
    assert.equal(fake.requests.filter((r) => r.method === 'POST').at(-1)?.headers.authorization, `Bearer ${KEY}`);
  });
});
