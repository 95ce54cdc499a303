import { watchRetirements } from '../core/catalog/lifecycle';
import { loadSettingsFile } from '../core/config/settings-file';
import { Gateway } from '../core/gateway';
import { envKeySource } from '../core/keys';
import { defaultDataDir } from '../core/log/paths';

/** What every CLI command gets: the gateway built from the config file and the environment, and the output streams. */
export interface CliContext {
  gateway: Gateway;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export function createContext(options: {
  cwd: string;
  configPath?: string;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** `server` for `switchboard serve`, so the request log says where a request came from. */
  source?: 'cli' | 'server';
}): CliContext {
  const warn = (message: string) => options.stderr.write(`switchboard: warning: ${message}\n`);
  const { settings, warnings } = loadSettingsFile(options.cwd, options.configPath);
  for (const warning of warnings) warn(warning.message);
  const gateway = new Gateway({
    settings,
    keys: envKeySource(options.env),
    env: options.env,
    dataDir: defaultDataDir(options.env),
    source: options.source ?? 'cli',
    workspace: options.cwd,
  });
  // Settings the gateway could not apply (an unknown fallback model, a cycle) or that name no provider or model.
  for (const warning of gateway.warnings) warn(warning.message);
  // The request log's, the totals' and the telemetry export's problems, and budget warnings, as they happen.
  gateway.onDidWarn((warning) => warn(warning.message));
  // A model that still answers past (or near) its end of life: once per model, however many requests `serve` takes.
  watchRetirements(gateway, warn);
  return { gateway, env: options.env, stdout: options.stdout, stderr: options.stderr, stdin: options.stdin };
}
