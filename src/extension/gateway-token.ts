import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { SyncedGatewayToken } from '../server/token';

/** The SecretStorage entry that holds the editor's copy of the local gateway's token. */
export const GATEWAY_TOKEN_SECRET = 'switchboard.gatewayToken';

/**
 * The bearer token clients of the local gateway send: SWITCHBOARD_GATEWAY_TOKEN when set, else the token kept both
 * in the CLI's data folder (which `switchboard serve` reads) and in the editor's SecretStorage, synced on each use
 * (see `syncGatewayToken`: the file wins on conflict). A problem with either copy is shown as a warning; the token
 * is still returned whenever one copy works. Loaded lazily: nothing of the server is needed until the token is.
 */
export async function localGatewayToken(
  secrets: Pick<vscode.SecretStorage, 'get' | 'store'>,
  env: Record<string, string | undefined> = process.env,
): Promise<SyncedGatewayToken> {
  const { syncGatewayToken } = await import('../server/token.js');
  let stored: string | undefined;
  try {
    stored = await secrets.get(GATEWAY_TOKEN_SECRET);
  } catch (err) {
    warn(`could not read the gateway token from VS Code's secret storage (${errorMessage(err)}); using the token file only.`);
  }
  const synced = syncGatewayToken(env, stored);
  if (synced.fileError) {
    warn(
      `could not keep the gateway token in ${synced.path} (${synced.fileError}). The editor's gateway uses the copy in ` +
        `VS Code's secret storage, but \`switchboard serve\` will not share it: make that folder writable by you, or set ` +
        `SWITCHBOARD_DATA_DIR (or SWITCHBOARD_GATEWAY_TOKEN) to the same value for the editor and the CLI.`,
    );
  }
  if (synced.storeInSecrets !== undefined) {
    try {
      await secrets.store(GATEWAY_TOKEN_SECRET, synced.storeInSecrets);
    } catch (err) {
      if (synced.source === 'secret-storage') {
        const reason = `${synced.path} (${synced.fileError}) nor in VS Code's secret storage (${errorMessage(err)})`;
        throw new Error(`the gateway token could be kept neither in ${reason}.`, { cause: err });
      }
      warn(`could not store the gateway token in VS Code's secret storage (${errorMessage(err)}); it stays in ${synced.path}.`);
    }
  }
  return synced;
}

/**
 * Replaces the local gateway's token with a new one in both copies: the data-folder file (see `rotateGatewayToken`)
 * and SecretStorage. If the file can't be written, the new token is kept in SecretStorage only, for the editor's
 * gateway, with a warning that names the file (which still holds the old token). Throws when
 * SWITCHBOARD_GATEWAY_TOKEN sets the token, or when neither copy could take the new one (the old token then stays).
 */
export async function rotateLocalGatewayToken(
  secrets: Pick<vscode.SecretStorage, 'store'>,
  env: Record<string, string | undefined> = process.env,
): Promise<SyncedGatewayToken> {
  const { envTokenRotationError, gatewayTokenPath, newToken, rotateGatewayToken } = await import('../server/token.js');
  const envError = envTokenRotationError(env);
  if (envError) throw envError;
  let rotated: SyncedGatewayToken;
  try {
    rotated = { ...rotateGatewayToken(env), source: 'file' };
  } catch (err) {
    // rotateGatewayToken wraps the file system's error in advice meant for the CLI; the warning below gives the editor's.
    const fileError = errorMessage(err instanceof Error && err.cause !== undefined ? err.cause : err);
    rotated = { token: newToken(), source: 'secret-storage', path: gatewayTokenPath(env), fileError };
  }
  try {
    await secrets.store(GATEWAY_TOKEN_SECRET, rotated.token);
  } catch (err) {
    if (rotated.source === 'secret-storage') {
      const reason = `${rotated.path} (${rotated.fileError}) nor in VS Code's secret storage (${errorMessage(err)})`;
      throw new Error(`the new gateway token could be kept neither in ${reason}; the old token is unchanged.`, { cause: err });
    }
    warn(`could not store the new gateway token in VS Code's secret storage (${errorMessage(err)}); it is in ${rotated.path}, and the editor copies it from there next time.`);
  }
  if (rotated.fileError) {
    warn(
      `could not write the new gateway token to ${rotated.path} (${rotated.fileError}). The editor's gateway uses the new ` +
        `token, kept in VS Code's secret storage, but \`switchboard serve\` keeps the old one from that file, and the editor ` +
        `goes back to it whenever the file can be read: make that folder writable by you, then rotate again.`,
    );
  }
  return rotated;
}

function warn(message: string): void {
  void vscode.window.showWarningMessage(`Switchboard: ${message}`);
}

/** Enough of a token to recognize it, not to use it. */
export const maskToken = (token: string): string => (token.length > 12 ? `${token.slice(0, 6)}…${token.slice(-4)}` : '…');
