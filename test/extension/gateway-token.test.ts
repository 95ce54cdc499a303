// Show Gateway Token: the local gateway's token, shared with `switchboard serve` through the CLI's data folder and
// kept in the editor's SecretStorage too, shown masked. Each test points SWITCHBOARD_DATA_DIR at its own folders,
// so the real data folder is never touched.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { maskToken } from '../../src/extension/gateway-token';

type Shown = { source: string; masked: string };
const showToken = () => vscode.commands.executeCommand<Shown>('switchboard.showGatewayToken');
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
    // A regular file where the data folder should be: no folder can be made there, even as root.
    const blocker = join(root, `blocker-${++folders}`);
    writeFileSync(blocker, '');
    process.env.SWITCHBOARD_DATA_DIR = join(blocker, 'switchboard');
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

  it('masks tokens for display', () => {
    assert.equal(maskToken('sb-abcdefghijklmnopqrstuvwxyz0123456789'), 'sb-abc…6789');
    assert.equal(maskToken('short'), '…');
  });
});
