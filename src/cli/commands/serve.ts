import { isIP } from 'node:net';
import { ConfigError } from '../../core/errors';
import { startServer } from '../../server/server';
import { TOKEN_ENV_VAR, resolveGatewayToken } from '../../server/token';
import type { CliContext } from '../context';

export const SERVE_USAGE = 'switchboard serve [--host HOST] [--port N] [--print-token]';

export interface ServeOptions {
  host?: string;
  port?: string;
  printToken: boolean;
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port takes a port number (0-65535), not "${value}".`);
  return port;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/**
 * Runs the local REST gateway until `signal` aborts, then shuts it down gracefully.
 * `--print-token` prints the token clients must send, and exits.
 */
export async function serveCommand(ctx: CliContext, options: ServeOptions, signal: AbortSignal): Promise<number> {
  const token = resolveGatewayToken(ctx.env);
  if (options.printToken) {
    ctx.stdout.write(token.token + '\n');
    return 0;
  }
  const settings = ctx.gateway.currentSettings;
  const host = options.host ?? settings['gateway.host'];
  const port = parsePort(options.port, settings['gateway.port']);
  const server = await startServer({ gateway: ctx.gateway, host, port, token: token.token, tokenFile: token.path });
  void ctx.gateway.discoverLocalModels().catch(() => undefined);

  const where = token.source === 'env' ? `from ${TOKEN_ENV_VAR}` : `in ${token.path} (print it with "switchboard token")`;
  ctx.stdout.write(
    [
      `Switchboard gateway listening on ${server.url}`,
      `  OpenAI-compatible:    ${server.url}/v1   (POST /v1/chat/completions, GET /v1/models)`,
      `  Anthropic-compatible: ${server.url}      (POST /v1/messages)`,
      `  Token: ${where}; send it as "Authorization: Bearer <token>" or "x-api-key: <token>".`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  if (!isLoopback(host)) ctx.stderr.write(`switchboard: warning: listening on ${host}, reachable from other machines; anyone with the token can spend your provider keys.\n`);

  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  ctx.stderr.write('switchboard: shutting down; letting requests in flight finish...\n');
  await server.close();
  return 0;
}
