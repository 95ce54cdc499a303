import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

const APP_DIR = 'switchboard';

/**
 * Where the CLI and the server keep the request log and usage totals: `SWITCHBOARD_DATA_DIR` when set, else the
 * platform's per-user data folder (`$XDG_DATA_HOME/switchboard` or `~/.local/share/switchboard` on Linux,
 * `~/Library/Application Support/switchboard` on macOS, `%LOCALAPPDATA%\switchboard` on Windows).
 * The extension uses its global storage folder instead.
 */
export function defaultDataDir(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const explicit = env.SWITCHBOARD_DATA_DIR?.trim();
  if (explicit) return explicit;
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA?.trim() || env.APPDATA?.trim() || win32.join(home, 'AppData', 'Local');
    return win32.join(base, APP_DIR);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR);
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), APP_DIR);
}

/** The files under a data folder. */
export function dataPaths(dataDir: string): { logDir: string; totalsFile: string } {
  return { logDir: join(dataDir, 'logs'), totalsFile: join(dataDir, 'usage-totals.json') };
}
