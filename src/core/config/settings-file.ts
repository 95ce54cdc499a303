import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from '../errors';
import { parseSettings, type Settings, type SettingsWarning } from './settings';

export interface LoadedSettings {
  settings: Settings;
  warnings: SettingsWarning[];
  /** The file read, if any. */
  path?: string;
}

/**
 * Reads `switchboard.*` settings for the CLI and the server: from `explicitPath` (which must exist), or else from
 * `./.vscode/settings.json` in `cwd` when present. The file is JSON with comments, as VS Code writes it.
 */
export function loadSettingsFile(cwd: string, explicitPath?: string): LoadedSettings {
  const path = explicitPath ? resolve(cwd, explicitPath) : resolve(cwd, '.vscode', 'settings.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!explicitPath && (err as NodeJS.ErrnoException).code === 'ENOENT') return parseSettings({});
    throw new ConfigError(`Cannot read the config file ${path}: ${(err as Error).message}`);
  }
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length) {
    const first = errors[0];
    const line = text.slice(0, first.offset).split('\n').length;
    throw new ConfigError(`The config file ${path} is not valid JSON: ${printParseErrorCode(first.error)} at line ${line}.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`The config file ${path} must hold a JSON object of "switchboard.*" settings.`);
  }
  return { ...parseSettings(raw as Record<string, unknown>), path };
}
