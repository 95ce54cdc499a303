import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Gateway } from '../core/gateway';
import { ConfigError } from '../core/errors';
import { createAuthCheck } from './auth';
import { handleChat } from './chat';
import { HttpError, toHttpError } from './errors';
import { errorHeaders, readJsonBody, sendJson } from './http';
import { ConcurrencyLimiter } from './limiter';
import { matchRoute, renderModels } from './routes';
import { watchGatewayToken } from './token';
import type { ChatWire } from './wire';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4141;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT_PER_CLIENT = 128;
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** After the grace period, how long aborted streams get to write their last frame before connections are cut. */
const ABORT_FLUSH_MS = 1000;

export interface ServerOptions {
  gateway: Gateway;
  /** The bearer token clients must send (see `resolveGatewayToken`). */
  token: string;
  /**
   * The file `token` came from: while the server runs, a new token written there (`switchboard token --rotate`)
   * replaces it within about a second. A missing or unreadable file leaves the current token in force.
   */
  tokenFile?: string;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Default 4141; 0 picks a free port. */
  port?: number;
  /** Larger request bodies get 413. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Requests in flight per client address; more get 429. Default 128. */
  maxConcurrentPerClient?: number;
  /** How long `close()` lets in-flight requests finish before aborting them. Default 10 s. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:4141`; the API is under `/v1`. */
  url: string;
  host: string;
  port: number;
  /**
   * Stops accepting requests, lets in-flight ones finish for up to `graceMs`, then aborts them (streams end with an
   * error frame in their own format) and closes every connection. Resolves once the server is closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
  /** Accepts only `token` from now on; requests already past the token check finish. */
  setToken(token: string): void;
}

const shuttingDown = () => new HttpError(503, 'overloaded', 'The gateway is shutting down.', 'shutting_down');

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const auth = createAuthCheck(options.token);
  let stopWatchingToken: (() => void) | undefined;
  const limiter = new ConcurrencyLimiter(options.maxConcurrentPerClient ?? DEFAULT_MAX_CONCURRENT_PER_CLIENT);
  const inFlight = new Map<ServerResponse, AbortController>();
  let closing: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;

  /**
   * One AbortController per connection, aborted when the client goes away (or at the shutdown deadline), which
   * cancels what that connection is waiting for. The connection's next request reuses it: creating one (and its abort
   * reason) per request costs more than the rest of a small request's handling.
   */
  const controllers = new WeakMap<Socket, AbortController>();
  const connectionController = (socket: Socket): AbortController => {
    let controller = controllers.get(socket);
    if (!controller || controller.signal.aborted) {
      const created = new AbortController();
      socket.once('close', () => created.abort());
      controllers.set(socket, created);
      controller = created;
    }
    return controller;
  };

  const respondError = (res: ServerResponse, wire: ChatWire, error: HttpError, extra: Record<string, string> = {}) => {
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    const headers = { ...errorHeaders(error), ...extra };
    if (closing) headers.connection = 'close';
    sendJson(res, error.status, wire.errorBody(error), headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = matchRoute(req);
    const { wire } = route;
    if (route.kind === 'not_found') {
      const routes = 'POST /v1/chat/completions, POST /v1/messages, GET /v1/models';
      return respondError(res, wire, new HttpError(404, 'not_found', `No route for ${req.method} ${req.url}. Routes: ${routes}.`, 'not_found'));
    }
    if (route.kind === 'method_not_allowed') {
      const error = new HttpError(405, 'invalid_request', `${req.url} takes ${route.allow}, not ${req.method}.`, 'method_not_allowed');
      return respondError(res, wire, error, { allow: route.allow });
    }
    const authError = auth.check(req.headers);
    if (authError) return respondError(res, wire, authError);
    if (closing) return respondError(res, wire, shuttingDown());

    if (route.kind === 'models') {
      const { catalog } = options.gateway;
      if (route.id === undefined) return sendJson(res, 200, renderModels(wire, catalog.entries()));
      // As a chat request would: an alias names its model, and an unknown id gets the closest ones.
      let entry;
      try {
        entry = catalog.resolve(route.id);
      } catch (err) {
        return respondError(res, wire, toHttpError(err));
      }
      return sendJson(res, 200, renderModels(wire, [entry]).data[0]);
    }

    const release = limiter.tryAcquire(req.socket.remoteAddress ?? '');
    if (!release) {
      const error = new HttpError(429, 'rate_limit', 'Too many concurrent requests from this client; retry shortly.', 'concurrency_limit', 1);
      return respondError(res, wire, error);
    }
    const controller = connectionController(req.socket);
    inFlight.set(res, controller);
    try {
      if (req.headers.expect?.toLowerCase() === '100-continue' && !(Number(req.headers['content-length']) > maxBodyBytes)) {
        res.writeContinue();
      }
      const body = await readJsonBody(req, maxBodyBytes);
      await handleChat(wire, body, { gateway: options.gateway, req, res, signal: controller.signal });
    } catch (err) {
      respondError(res, wire, controller.signal.reason instanceof HttpError ? controller.signal.reason : toHttpError(err));
    } finally {
      release();
      inFlight.delete(res);
      if (inFlight.size === 0) onIdle?.();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      // handle() answers its own errors; this only guards against a bug there taking the server down.
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } });
      else res.destroy();
    });
  });
  // Answer `Expect: 100-continue` ourselves, so that an oversized upload is refused before it is sent.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));

  const close = (graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> => {
    stopWatchingToken?.();
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // A stream that began before the shutdown keeps its keep-alive connection; close it once the stream ends.
      for (const res of inFlight.keys()) res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
      let cut: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        for (const controller of inFlight.values()) controller.abort(shuttingDown());
        cut = setTimeout(() => server.closeAllConnections(), ABORT_FLUSH_MS);
      }, graceMs);
      onIdle = () => {
        clearTimeout(deadline);
        clearTimeout(cut);
        setImmediate(() => server.closeIdleConnections());
      };
      if (inFlight.size === 0) onIdle();
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const port = options.port ?? DEFAULT_PORT;
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`Port ${port} on ${host} is already in use. Pick another with --port, or set switchboard.gateway.port.`));
      else if (err.code === 'EACCES') reject(new ConfigError(`Not allowed to listen on ${host}:${port}. Ports below 1024 need privileges: pick another with --port, or set switchboard.gateway.port.`));
      else if (err.code === 'ENOTFOUND' || err.code === 'EADDRNOTAVAIL' || err.code === 'EAI_AGAIN') {
        reject(new ConfigError(`Cannot listen on ${host}: it is not an address of this machine (${err.code}). Pick one with --host (127.0.0.1 keeps the gateway to this machine), or set switchboard.gateway.host.`));
      } else reject(err);
    });
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      const { port } = server.address() as AddressInfo;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      if (options.tokenFile && !closing) stopWatchingToken = watchGatewayToken(options.tokenFile, auth.setToken);
      resolve({ url: `http://${urlHost}:${port}`, host, port, close: (o) => close(o?.graceMs), setToken: auth.setToken });
    });
  });
}
