import type { OutgoingHttpHeaders } from 'node:http';
import type { GatewayResult } from '../core/types';

/**
 * The `x-switchboard-*` headers describe who answered. A non-streaming answer carries them as headers. A stream's
 * headers go out before the answer exists, so they carry what is known then (the requested model and its
 * provider), and the stream's HTTP trailers carry all four final values, after a fallback if there was one.
 */
export const RESULT_HEADER_NAMES = ['x-switchboard-provider', 'x-switchboard-model', 'x-switchboard-attempts', 'x-switchboard-cost-usd'];

/** USD to at most 8 decimals, without trailing zeros: `0.000123`. Absent when the model has no known price. */
const formatCost = (usd: number): string => usd.toFixed(8).replace(/\.?0+$/, '') || '0';

export function resultHeaders(result: GatewayResult): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchboard-provider': result.provider,
    'x-switchboard-model': result.model,
    'x-switchboard-attempts': String(result.attempts.length),
  };
  if (result.cost.priced) headers['x-switchboard-cost-usd'] = formatCost(result.cost.total);
  return headers;
}

export function streamStartHeaders(requested: { id: string; provider: string } | undefined, chunked: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (requested) {
    headers['x-switchboard-provider'] = requested.provider;
    headers['x-switchboard-model'] = requested.id;
  }
  // Trailers need chunked encoding, which an HTTP/1.0 client does not get.
  if (chunked) headers.trailer = RESULT_HEADER_NAMES.join(', ');
  return headers;
}
