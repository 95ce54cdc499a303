// Show Gateway Token: the local gateway's token, shared with `switchboard serve` through the CLI's data folder and
// kept in the editor's SecretStorage too, shown masked; Rotate Gateway Token replaces it in both copies and in the
// editor's running gateway. Each test points SWITCHBOARD_DATA_DIR at its own folders, so the real data folder is
// never touched.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { maskToken } from '../../src/extension/gateway-token';
import { rotateGatewayToken } from '../../src/server/token';
import { answerMessages, restoreSettings, setSetting, switchboard, waitFor } from './switchboard';

type Shown = { source: string; masked: string };
type Rotated = Shown & { gatewayUpdated: boolean };
const showToken = () => vscode.commands.executeCommand<Shown>('switchboard.showGatewayToken');
const rotateToken = () => vscode.commands.executeCommand<Rotated | undefined>('switchboard.rotateGatewayToken');

/** Confirms the rotation's modal (and records every warning). */
const confirmRotation = () => answerMessages('showWarningMessage', (message, ...rest) => (rest.includes('Rotate') ? 'Rotate' : undefined));

async function modelsStatus(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}
const ENV_KEYS = ['SWITCHBOARD_GATEWAY_TOKEN', 'SWITCHBOARD_DATA_DIR'] as const;

describe('Switchboard local gateway token', () => {
  let root: string;
  let folders = 0;
  const saved = new Map<string, string | undefined>();
  /** Points the extension at a new, empty data folder; returns its token file. */
  const useNewDataDir = (): string => {
    const dir = join(root, `data-${++folders}`);
    process.env.SWITCHBOARD_DATA_DIR = dir;
    return join(dir, 'gateway-token');
  };
  const tokenIn = (file: string) => readFileSync(file, 'utf8').trim();
  /** A new data folder with a token made for it; returns the file and that token. */
  const newDataDirWithToken = async (): Promise<{ file: string; old: string }> => {
    const file = useNewDataDir();
    await showToken();
    return { file, old: tokenIn(file) };
  };
  /** The token SecretStorage holds, as an empty data folder receives it. */
  const storedToken = async (): Promise<string> => {
    const other = useNewDataDir();
    await showToken();
    return tokenIn(other);
  };
  /** Runs Rotate Gateway Token, confirming its modal; returns its result and every warning shown. */
  const rotateConfirmed = async () => {
    const warnings = confirmRotation();
    try {
      return { rotated: await rotateToken(), warnings: warnings.calls };
    } finally {
      warnings.restore();
    }
  };
  /** Points the extension at a data folder that cannot be made (a regular file is in its place, even for root). */
  const useUnwritableDataDir = (): string => {
    const blocker = join(root, `blocker-${++folders}`);
    writeFileSync(blocker, '');
    process.env.SWITCHBOARD_DATA_DIR = join(blocker, 'switchboard');
    return process.env.SWITCHBOARD_DATA_DIR;
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'switchboard-gateway-token-'));
    for (const key of ENV_KEYS) saved.set(key, process.env[key]);
    delete process.env.SWITCHBOARD_GATEWAY_TOKEN;
  });

  after(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the token in SecretStorage as well as the file: a deleted file comes back with the same token', async () => {
    const file = useNewDataDir();
    const shown = await showToken();
    const token = tokenIn(file);
    assert.deepEqual(shown, { source: 'file', masked: maskToken(token) });
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

    // Only SecretStorage still has it: the command writes it back (a new random token would differ).
    rmSync(file);
    assert.deepEqual(await showToken(), { source: 'file', masked: maskToken(token) });
    assert.equal(tokenIn(file), token);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);

    // A new data folder (a new profile of the CLI) gets the same token too.
    const other = useNewDataDir();
    await showToken();
    assert.equal(tokenIn(other), token);
  });

  it("on conflict the file's token wins and replaces the SecretStorage copy", async () => {
    const file = useNewDataDir();
    await showToken();
    const fromCli = `sb-written-by-the-cli-${Date.now()}`;
    writeFileSync(file, `${fromCli}\n`, { mode: 0o600 });
    assert.deepEqual(await showToken(), { source: 'file', masked: maskToken(fromCli) });
    assert.equal(tokenIn(file), fromCli);

    // SecretStorage now holds the file's token: an empty data folder receives it.
    const other = useNewDataDir();
    await showToken();
    assert.equal(tokenIn(other), fromCli);
  });

  it('with an unwritable data folder, the SecretStorage token still serves', async () => {
    const file = useNewDataDir();
    await showToken();
    const token = tokenIn(file);
    useUnwritableDataDir();
    assert.deepEqual(await showToken(), { source: 'secret-storage', masked: maskToken(token) });
  });

  it('reports SWITCHBOARD_GATEWAY_TOKEN, masked, and leaves the file alone', async () => {
    const file = useNewDataDir();
    await showToken();
    const token = tokenIn(file);
    process.env.SWITCHBOARD_GATEWAY_TOKEN = 'sb-extension-test-token-1234';
    try {
      assert.deepEqual(await showToken(), { source: 'env', masked: 'sb-ext…1234' });
    } finally {
      delete process.env.SWITCHBOARD_GATEWAY_TOKEN;
    }
    assert.equal(tokenIn(file), token);
    // Nor was the environment's token stored: a new data folder gets the stored one.
    const other = useNewDataDir();
    await showToken();
    assert.equal(tokenIn(other), token);
  });

  it('Rotate Gateway Token asks first (modal), then puts a new token in the file and in SecretStorage', async () => {
    const { file, old } = await newDataDirWithToken();

    const { rotated, warnings } = await rotateConfirmed();
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const [modal] = warnings;
    assert.match(modal.message, /Rotate the Switchboard gateway token\?/);
    assert.equal((modal.rest[0] as vscode.MessageOptions).modal, true);
    assert.match((modal.rest[0] as vscode.MessageOptions).detail ?? '', /old token will be refused/);

    const token = tokenIn(file);
    assert.notEqual(token, old);
    assert.match(token, /^sb-[\w-]{43}$/);
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(rotated, { source: 'file', masked: maskToken(token), gatewayUpdated: false });
    assert.equal(await storedToken(), token, 'SecretStorage holds the new token too');
  });

  it('Rotate Gateway Token changes nothing when the modal is dismissed', async () => {
    const { file, old } = await newDataDirWithToken();
    const warnings = answerMessages('showWarningMessage', () => undefined);
    try {
      assert.equal(await rotateToken(), undefined);
    } finally {
      warnings.restore();
    }
    assert.equal(warnings.calls.length, 1);
    assert.equal(tokenIn(file), old);
    assert.equal(await storedToken(), old, 'SecretStorage kept the old token');
  });

  it('Rotate Gateway Token with SWITCHBOARD_GATEWAY_TOKEN set: an error saying so, no modal, nothing changed', async () => {
    const { file, old } = await newDataDirWithToken();
    process.env.SWITCHBOARD_GATEWAY_TOKEN = 'sb-extension-test-token-1234';
    const warnings = answerMessages('showWarningMessage', () => 'Rotate');
    const errors = answerMessages('showErrorMessage', () => undefined);
    try {
      assert.equal(await rotateToken(), undefined);
    } finally {
      delete process.env.SWITCHBOARD_GATEWAY_TOKEN;
      warnings.restore();
      errors.restore();
    }
    assert.deepEqual(warnings.calls, []);
    assert.equal(errors.calls.length, 1);
    assert.match(errors.calls[0].message, /SWITCHBOARD_GATEWAY_TOKEN sets the gateway token.*change or unset that variable/);
    assert.equal(tokenIn(file), old);
  });

  it('Rotate Gateway Token with an unwritable data folder: SecretStorage still rotates, with a warning naming the file', async () => {
    const { old } = await newDataDirWithToken();
    const dataDir = useUnwritableDataDir();

    const { rotated, warnings } = await rotateConfirmed();
    assert.equal(rotated?.source, 'secret-storage');
    const warning = warnings.find((c) => /could not write the new gateway token/.test(c.message));
    assert.ok(warning, JSON.stringify(warnings));
    assert.ok(warning.message.includes(join(dataDir, 'gateway-token')), warning.message);

    const token = await storedToken();
    assert.notEqual(token, old);
    assert.equal(rotated?.masked, maskToken(token));
  });

  describe('with the editor gateway running', function () {
    this.timeout(30_000);
    let url: string;

    before(async () => {
      await setSetting('gateway.port', 0);
      const api = await switchboard();
      await waitFor('gateway.port 0 in force', () => api.settings()['gateway.port'] === 0);
    });

    after(async () => {
      // Stop the gateway through its own "Stop" button, so later suites start their own.
      const infos = answerMessages('showInformationMessage', (message) => (/is running on/.test(message) ? 'Stop' : undefined));
      try {
        if (url) {
          await vscode.commands.executeCommand('switchboard.startGateway');
          await waitFor('the gateway to stop', () => fetch(`${url}/v1/models`).then(() => false, () => true));
        }
      } finally {
        infos.restore();
        await restoreSettings();
      }
    });

    it('Rotate Gateway Token: the running gateway refuses the old token and accepts the new one at once', async () => {
      const { file, old } = await newDataDirWithToken();
      ({ url } = await vscode.commands.executeCommand<{ url: string }>('switchboard.startGateway', { quiet: true }));
      assert.equal(await modelsStatus(url, old), 200);

      const { rotated } = await rotateConfirmed();
      const token = tokenIn(file);
      assert.notEqual(token, old);
      assert.deepEqual(rotated, { source: 'file', masked: maskToken(token), gatewayUpdated: true });
      assert.equal(await modelsStatus(url, old), 401);
      assert.equal(await modelsStatus(url, token), 200);
    });

    it('the running gateway follows a rotation made outside the editor (`switchboard token --rotate`) too', async () => {
      const file = join(process.env.SWITCHBOARD_DATA_DIR!, 'gateway-token');
      const previous = tokenIn(file);
      const { token } = rotateGatewayToken(process.env);
      await waitFor('the gateway to refuse the replaced token', async () => (await modelsStatus(url, previous)) === 401);
      assert.equal(await modelsStatus(url, token), 200);
    });
  });

  it('masks tokens for display', () => {
    assert.equal(maskToken('sb-abcdefghijklmnopqrstuvwxyz0123456789'), 'sb-abc…6789');
    assert.equal(maskToken('short'), '…');
  });
});
