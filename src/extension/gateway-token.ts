import type { GatewayToken } from '../server/token';

/**
 * The bearer token clients of the local gateway send: the one `switchboard serve` uses too
 * (SWITCHBOARD_GATEWAY_TOKEN, else a file in the CLI's data folder, made on first use), so a client set up once
 * works with both. Loaded lazily: nothing of the server is needed until the token is.
 */
export async function localGatewayToken(env: Record<string, string | undefined> = process.env): Promise<GatewayToken> {
  const { resolveGatewayToken } = await import('../server/token.js');
  return resolveGatewayToken(env);
}

/** Enough of a token to recognize it, not to use it. */
export const maskToken = (token: string): string => (token.length > 12 ? `${token.slice(0, 6)}…${token.slice(-4)}` : '…');
