import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '../core/gateway';
import { HttpError, toHttpError } from './errors';
import { SSE_HEADERS, sendJson } from './http';
import { resultHeaders, streamStartHeaders } from './result-headers';
import type { ChatWire, ParsedChat } from './wire';

export interface ChatContext {
  gateway: Gateway;
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborted when the client goes away, or with an HttpError reason when the server shuts down. */
  signal: AbortSignal;
}

/** Runs one chat request in a wire format. Errors thrown before any response byte are the caller's to answer. */
export async function handleChat(wire: ChatWire, body: unknown, ctx: ChatContext): Promise<void> {
  const parsed = wire.parse(body);
  if (!parsed.stream) {
    const result = await ctx.gateway.complete(parsed.input, { signal: ctx.signal });
    sendJson(ctx.res, 200, wire.render(result), resultHeaders(result));
    return;
  }
  await streamChat(wire, parsed, ctx);
}

/** Resolves when the response can take more, or is gone. */
const drained = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/**
 * Headers wait for the first event, so that a request that fails before any output (unknown model, missing key,
 * upstream 4xx) still gets a plain error response with the right status. After that, a failure is an error frame.
 */
async function streamChat(wire: ChatWire, parsed: ParsedChat, ctx: ChatContext): Promise<void> {
  const { res, signal } = ctx;
  const renderer = wire.startStream(parsed);
  const begin = () => {
    if (res.headersSent) return;
    let requested: { id: string; provider: string } | undefined;
    try {
      requested = ctx.gateway.catalog.resolve(parsed.input.model);
    } catch {
      requested = undefined;
    }
    res.writeHead(200, { ...SSE_HEADERS, ...streamStartHeaders(requested, ctx.req.httpVersion === '1.1') });
  };

  for await (const event of ctx.gateway.stream(parsed.input, { signal })) {
    if (res.destroyed) continue; // the client left; the aborted signal ends the stream
    switch (event.type) {
      case 'text':
      case 'tool_call': {
        begin();
        if (!res.write(renderer.event(event)) && !res.destroyed) await drained(res);
        break;
      }
      case 'done':
        begin();
        if (ctx.req.httpVersion === '1.1') res.addTrailers(resultHeaders(event.result));
        res.end(renderer.finish(event.result));
        return;
      case 'error': {
        const error = signal.reason instanceof HttpError ? signal.reason : toHttpError(event.error);
        if (!res.headersSent) throw error;
        res.end(renderer.fail(error));
        return;
      }
    }
  }
}
