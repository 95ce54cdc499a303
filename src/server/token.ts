import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The gateway's bearer token: SWITCHBOARD_GATEWAY_TOKEN when set, else the one stored in the data folder,
 * generated (32 random bytes) on first use in the CLI's data folder and readable by the owner only.
 */
export function resolveGatewayToken(env: Record<string, string | undefined>, dir = defaultDataDir(env)): GatewayToken {
  const fromEnv = env[TOKEN_ENV_VAR]?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const path = join(dir, TOKEN_FILE_NAME);
  const existing = readToken(path);
  if (existing) return { token: existing, source: 'file', path };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const token = `sb-${randomBytes(32).toString('base64url')}`;
  try {
    // `wx`: if another process created the file meanwhile, keep theirs.
    writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readToken(path);
    if (raced) return { token: raced, source: 'file', path };
    throw err;
  }
  return { token, source: 'file', path };
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
