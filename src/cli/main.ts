import { parseArgs } from 'node:util';
import { SwitchboardError, errorMessage } from '../core/errors';
import { ASK_USAGE, askCommand } from './commands/ask';
import { COST_USAGE, costCommand } from './commands/cost';
import { LOG_USAGE, logCommand } from './commands/log';
import { ESTIMATE_USAGE, estimateCommand } from './commands/estimate';
import { MODELS_USAGE, modelsCommand } from './commands/models';
import { SERVE_USAGE, serveCommand } from './commands/serve';
import { TOKEN_USAGE, tokenCommand } from './commands/token';
import { createContext, type CliContext } from './context';

const USAGE = `Switchboard: one API in front of many AI providers.

Usage:
  ${MODELS_USAGE}
  ${ASK_USAGE}
  ${ESTIMATE_USAGE}
  ${SERVE_USAGE}
  ${TOKEN_USAGE}
  ${LOG_USAGE}
  ${COST_USAGE}

Global options:
  --config FILE   read switchboard.* settings from FILE (default: ./.vscode/settings.json)
  -h, --help      show this help

Keys come from each provider's env var (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...).
Base URLs can be overridden with SWITCHBOARD_<PROVIDER>_BASE_URL.
The request log, usage totals and gateway token live in SWITCHBOARD_DATA_DIR (default: the platform's user data folder).
"token" prints the gateway's bearer token; "token --rotate" replaces it (a running "serve" picks the new one up).
Exit codes: 0 success, 1 upstream failure, 2 usage or configuration error.
`;

class UsageError extends SwitchboardError {
  constructor(message: string) {
    super('usage', `${message}\n\n${USAGE}`, 2);
  }
}

export interface CliIo {
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: CliContext['stdin'];
  signal: AbortSignal;
}

const COMMON_OPTIONS = { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** Turns parseArgs' own errors (unknown flag, missing value) into usage errors with exit code 2. */
function parsingUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

/** Runs one CLI invocation and returns its exit code. Never calls process.exit, so tests can drive it. */
export async function runCli(io: CliIo): Promise<number> {
  const output = watchOutput(io.stdout);
  const code = await runCommand({ ...io, signal: AbortSignal.any([io.signal, output.signal]) }, output);
  return output.failed ? output.exitCode(io.stderr) : code;
}

async function runCommand(io: CliIo, output: { readonly failed: boolean }): Promise<number> {
  const [command, ...rest] = io.argv;
  let opened: CliContext | undefined;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return command ? 0 : 2;
    }
    const context = (configPath: string | undefined, source: 'cli' | 'server' = 'cli') =>
      (opened = createContext({ cwd: io.cwd, configPath, env: io.env, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, source }));
    switch (command) {
      case 'models': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, json: { type: 'boolean' } } }),
        );
        if (values.help) return help(io, MODELS_USAGE);
        if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        return await modelsCommand(context(values.config), { json: values.json === true });
      }
      case 'ask': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: {
              ...COMMON_OPTIONS,
              model: { type: 'string', short: 'm' },
              system: { type: 'string' },
              'max-tokens': { type: 'string' },
              temperature: { type: 'string' },
              'no-stream': { type: 'boolean' },
              json: { type: 'boolean' },
            },
          }),
        );
        if (values.help) return help(io, ASK_USAGE);
        return await askCommand(
          context(values.config),
          {
            model: values.model,
            system: values.system,
            maxTokens: values['max-tokens'],
            temperature: values.temperature,
            noStream: values['no-stream'] === true,
            json: values.json === true,
            prompt: positionals.length ? positionals.join(' ') : undefined,
          },
          io.signal,
        );
      }
      case 'estimate': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: {
              ...COMMON_OPTIONS,
              model: { type: 'string', short: 'm' },
              system: { type: 'string' },
              'output-tokens': { type: 'string' },
              top: { type: 'string' },
              json: { type: 'boolean' },
            },
          }),
        );
        if (values.help) return help(io, ESTIMATE_USAGE);
        return await estimateCommand(context(values.config), {
          model: values.model,
          system: values.system,
          outputTokens: values['output-tokens'],
          top: values.top,
          json: values.json === true,
          prompt: positionals.length ? positionals.join(' ') : undefined,
        });
      }
      case 'serve': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: { ...COMMON_OPTIONS, host: { type: 'string' }, port: { type: 'string' }, 'print-token': { type: 'boolean' } },
          }),
        );
        if (values.help) return help(io, SERVE_USAGE);
        if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        return await serveCommand(
          context(values.config, 'server'),
          { host: values.host, port: values.port, printToken: values['print-token'] === true },
          io.signal,
        );
      }
      case 'token': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, rotate: { type: 'boolean' }, json: { type: 'boolean' } } }),
        );
        if (values.help) return help(io, TOKEN_USAGE);
        if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        return tokenCommand(io, { rotate: values.rotate === true, json: values.json === true });
      }
      case 'log': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({
            args: rest,
            allowPositionals: true,
            options: {
              ...COMMON_OPTIONS,
              json: { type: 'boolean' },
              since: { type: 'string' },
              model: { type: 'string', short: 'm' },
              status: { type: 'string' },
              limit: { type: 'string' },
            },
          }),
        );
        if (values.help) return help(io, LOG_USAGE);
        if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        return await logCommand(context(values.config), {
          json: values.json === true,
          since: values.since,
          model: values.model,
          status: values.status,
          limit: values.limit,
        });
      }
      case 'cost': {
        const { values, positionals } = parsingUsage(() =>
          parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, json: { type: 'boolean' } } }),
        );
        if (values.help) return help(io, COST_USAGE);
        if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
        return await costCommand(context(values.config), { json: values.json === true });
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    // The output went away, and with it the command (see `watchOutput`): its error is no news.
    if (output.failed) return 1;
    io.stderr.write(`switchboard: ${errorMessage(err)}\n`);
    return err instanceof SwitchboardError ? err.exitCode : 1;
  } finally {
    // Totals are saved on a timer that does not keep the process alive: flush them before exiting.
    await opened?.gateway.close();
  }
}

/**
 * Stops the command when its output goes away: a reader that stopped early (`switchboard ask … | head`) closes the
 * pipe, and the request is cancelled rather than paid for to its end. That ends the command quietly, with 0; any
 * other failure to write says so, with 1. The listener stays for the process's life: a write's error can come
 * after the command has returned.
 */
function watchOutput(stdout: NodeJS.WritableStream) {
  const controller = new AbortController();
  let error: NodeJS.ErrnoException | undefined;
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    error ??= err;
    controller.abort();
  });
  return {
    signal: controller.signal,
    get failed() {
      return error !== undefined;
    },
    exitCode(stderr: NodeJS.WritableStream): number {
      if (error?.code === 'EPIPE') return 0;
      stderr.write(`switchboard: could not write the output: ${errorMessage(error)}\n`);
      return 1;
    },
  };
}

function help(io: CliIo, usage: string): number {
  io.stdout.write(`Usage: ${usage}\n`);
  return 0;
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  runCli({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
