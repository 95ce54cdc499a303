import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { withFields } from '../core/objects';
import { HttpError } from './errors';

/**
 * Reads and parses a JSON request body, refusing more than `limit` bytes (413) and text that is not JSON (400).
 * A body declared too large by content-length is refused before a byte of it is read.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new HttpError(413, 'request_too_large', `The request body is larger than the ${limit}-byte limit.`, 'request_too_large');
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    let ended = false;
    req.once('error', reject);
    req.once('close', () => {
      if (!ended) reject(new HttpError(400, 'invalid_request', 'The client closed the connection before sending the whole body.', 'aborted'));
    });
    req.once('end', () => {
      ended = true;
      if (size > limit) return;
      if (size === 0) return reject(new HttpError(400, 'invalid_request', 'The request body is empty; send a JSON object.', 'invalid_json'));
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new HttpError(400, 'invalid_request', `The request body is not valid JSON: ${(err as Error).message}`, 'invalid_json'));
      }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, withFields(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }));
  res.end(text);
}

/** Headers that every error answer carries: `retry-after` when the client should wait, and a close after a 413. */
export function errorHeaders(error: HttpError): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  // The unread rest of an oversized body would otherwise be parsed as the next request on this connection.
  if (error.status === 413) headers.connection = 'close';
  return headers;
}

export const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};
