import { resolveGatewayToken, rotateGatewayToken, type GatewayToken } from '../../server/token';
import type { CliContext } from '../context';

export const TOKEN_USAGE = 'switchboard token [--rotate] [--json]';

export interface TokenOptions {
  rotate: boolean;
  json: boolean;
}

/**
 * Prints the local REST gateway's bearer token (made on first use), or with `--rotate` replaces it with a new one
 * first, so a leaked token stops working. Needs no gateway: only the environment and the data folder.
 */
export function tokenCommand(ctx: Pick<CliContext, 'env' | 'stdout' | 'stderr'>, options: TokenOptions): number {
  const current: GatewayToken = options.rotate ? { ...rotateGatewayToken(ctx.env), source: 'file' } : resolveGatewayToken(ctx.env);
  if (options.json) ctx.stdout.write(JSON.stringify({ ...current, rotated: options.rotate }, null, 2) + '\n');
  else ctx.stdout.write(current.token + '\n');
  if (options.rotate) {
    ctx.stderr.write(
      `switchboard: the new token is in ${current.path}. Clients must send it from now on: the old one is refused ` +
        '(a running "switchboard serve" switches within about a second).\n',
    );
  }
  return 0;
}
