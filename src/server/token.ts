import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../core/errors';
import { defaultDataDir } from '../core/log/store';

export const TOKEN_ENV_VAR = 'SWITCHBOARD_GATEWAY_TOKEN';
export const TOKEN_FILE_NAME = 'gateway-token';

export interface GatewayToken {
  token: string;
  /** `env` when SWITCHBOARD_GATEWAY_TOKEN set it, else `file`. */
  source: 'env' | 'file';
  /** The file that holds the token, when it came from one. */
  path?: string;
}

/** The token file in `dir`, the data folder `switchboard serve` and the editor share. */
export const gatewayTokenPath = (env: Record<string, string | undefined>, dir = defaultDataDir(env)): string => join(dir, TOKEN_FILE_NAME);

/**
 * The gateway's bearer token: SWITCHBOARD_GATEWAY_TOKEN when set, else the one stored in the data folder,
 * generated (32 random bytes) on first use in the CLI's data folder and readable by the owner only.
 */
export function resolveGatewayToken(env: Record<string, string | undefined>, dir = defaultDataDir(env)): GatewayToken {
  const fromEnv = env[TOKEN_ENV_VAR]?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const path = gatewayTokenPath(env, dir);
  try {
    return { token: readToken(path) ?? createTokenFile(dir, path, newToken()), source: 'file', path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
    throw new ConfigError(
      `Could not read or create the gateway token file ${path} (${errorMessage(err)}): make sure ${dir} is a folder ` +
        `you can write to, or point SWITCHBOARD_DATA_DIR at one, or set ${TOKEN_ENV_VAR}.`,
      { cause: err },
    );
  }
}

/** The token as the extension resolves it: the file's, or the copy the editor keeps in its SecretStorage. */
export interface SyncedGatewayToken {
  token: string;
  /**
   * `env`: SWITCHBOARD_GATEWAY_TOKEN (neither copy is read or written); `file`: the data-folder file, which now
   * holds it; `secret-storage`: only the editor's copy, because the file could not be read or written.
   */
  source: 'env' | 'file' | 'secret-storage';
  /** The token file (unless the token came from the environment). */
  path?: string;
  /** What SecretStorage must be set to, when it holds another value or none. */
  storeInSecrets?: string;
  /** Why the file could not be read or written, when `source` is `secret-storage`. */
  fileError?: string;
}

/**
 * Keeps the data-folder token file and the editor's SecretStorage copy (`stored`) the same, so a client set up
 * once works with `switchboard serve` and the editor's gateway:
 * - the file has a token: it wins (the CLI serves it), and SecretStorage is updated to it when it differs;
 * - only SecretStorage has one (file deleted, new data folder): it is written back to the file;
 * - neither: a new token goes to both.
 * If the file can't be read or written, the SecretStorage token (or a new one kept there) still serves the editor's
 * gateway and `fileError` says why. SWITCHBOARD_GATEWAY_TOKEN overrides both and is never stored.
 */
export function syncGatewayToken(
  env: Record<string, string | undefined>,
  stored: string | undefined,
  dir = defaultDataDir(env),
): SyncedGatewayToken {
  const fromEnv = env[TOKEN_ENV_VAR]?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const path = gatewayTokenPath(env, dir);
  const secret = stored?.trim() || undefined;
  const update = (token: string) => (token === secret ? {} : { storeInSecrets: token });
  try {
    const token = readToken(path) ?? createTokenFile(dir, path, secret ?? newToken());
    return { token, source: 'file', path, ...update(token) };
  } catch (err) {
    const token = secret ?? newToken();
    return { token, source: 'secret-storage', path, ...update(token), fileError: errorMessage(err) };
  }
}

/** A new random token, in the format every generated token has. */
export const newToken = (): string => `sb-${randomBytes(32).toString('base64url')}`;

/** The reason the token can't be rotated while SWITCHBOARD_GATEWAY_TOKEN sets it; undefined when it does not. */
export function envTokenRotationError(env: Record<string, string | undefined>): ConfigError | undefined {
  if (!env[TOKEN_ENV_VAR]?.trim()) return undefined;
  return new ConfigError(
    `${TOKEN_ENV_VAR} sets the gateway token, so there is no token file to rotate: change or unset that variable instead, then restart the gateway.`,
  );
}

/**
 * Replaces the token in the data folder with a new one, so a leaked token stops working: `switchboard serve` picks
 * the new one up from the file within about a second, and the editor copies it into SecretStorage on its next sync.
 * The file is replaced atomically (a temporary file beside it, renamed over it), so a failure leaves the old token
 * file as it was. Throws a ConfigError naming the file and what to do when it can't be written, or when
 * SWITCHBOARD_GATEWAY_TOKEN sets the token.
 */
export function rotateGatewayToken(env: Record<string, string | undefined>, dir = defaultDataDir(env)): { token: string; path: string } {
  const envError = envTokenRotationError(env);
  if (envError) throw envError;
  const path = gatewayTokenPath(env, dir);
  const token = newToken();
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, token + '\n', { mode: 0o600, flag: 'wx', flush: true });
    renameSync(temp, path);
  } catch (err) {
    removeQuietly(temp);
    const fix = ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '') ? 'free some disk space' : `make sure ${dir} is a folder you can write to`;
    throw new ConfigError(
      `Could not write a new gateway token to ${path} (${errorMessage(err)}). The old token is unchanged and still works; to rotate it, ${fix} and try again.`,
      { cause: err },
    );
  }
  return { token, path };
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there, or the folder refuses changes: the error that matters is the caller's.
  }
}

/**
 * Calls `onChange` with the token in `path` each time the file changes (checked every `intervalMs`, off the event
 * loop), so a running gateway follows `switchboard token --rotate`. A file that is missing, unreadable or blank is
 * skipped: the caller keeps the token it has. Returns the function that stops watching.
 */
export function watchGatewayToken(path: string, onChange: (token: string) => void, intervalMs = 1000): () => void {
  let latest = 0;
  const listener = () => {
    const read = ++latest;
    readFile(path, 'utf8')
      .then((text) => {
        // Only the newest read counts: an older one finishing last must not bring back a replaced token.
        if (read === latest && text.trim()) onChange(text.trim());
      })
      .catch(() => undefined);
  };
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => {
    latest++; // a read still under way when watching stops is dropped too
    unwatchFile(path, listener);
  };
}

/** Writes `token` to a new token file; if another process created the file meanwhile, returns theirs. */
function createTokenFile(dir: string, path: string, token: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readToken(path);
    if (raced) return raced;
    throw new Error(`${path} exists but holds no token: delete it (a new token is made) or write one into it.`, { cause: err });
  }
}

function readToken(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // Tighten a copy restored from a backup with looser permissions (a no-op on Windows).
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return text.trim() || undefined;
}
