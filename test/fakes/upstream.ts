/**
 * A loopback fake of the AI providers, speaking the OpenAI Chat Completions and Anthropic Messages wire
 * protocols (plus Ollama's and LM Studio's model listings), with scriptable faults. Every Switchboard test
 * talks to this instead of a real provider.
 *
 * Routing is by path suffix, so any base URL prefix works: POST `…/chat/completions` is OpenAI,
 * POST `…/messages` is Anthropic, GET `…/api/tags` is Ollama, GET `…/models` is an OpenAI-style list
 * (Anthropic-style when the request carries `anthropic-version`).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAnswer, type Reply } from './answer';
import { anthropicWire } from './anthropic-wire';
import { chaosPicker } from './chaos';
import { anthropicModelList, defaultLocalModels, ollamaTags, openaiModelList, type LocalModels } from './model-lists';
import { openaiWire } from './openai-wire';
import { type StreamFrame, type WireContext, type WireFormat } from './wire';

export type { Reply } from './answer';

export interface RecordedRequest {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, else the raw string; undefined for an empty body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type Fault =
  /** An error answer in the route's family format; 529 => overloaded_error. */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; retryAfterMs?: number; headers?: Record<string, string>; message?: string }
  /** Destroy the socket (TCP reset) before any response byte. */
  | { kind: 'reset' }
  /** Never answer; released when the client aborts or close() is called. */
  | { kind: 'hang' }
  /** Streaming: send N content chunks then destroy the socket. Non-streaming: send half the body then destroy. */
  | { kind: 'drop-mid-stream'; afterChunks: number }
  /** 200 with a malformed JSON body (non-stream) or a malformed SSE data line (stream). */
  | { kind: 'invalid-json' }
  /** Delay the first byte, then answer normally. */
  | { kind: 'delay'; ms: number }
  /**
   * Streaming: send N content chunks, then report an error inside the stream (Anthropic's `error` event,
   * OpenAI's `data: {"error":…}`) and end it. Default status 529 (Anthropic) / 500 (OpenAI).
   * Non-streaming: the same as a `status` fault.
   */
  | { kind: 'stream-error'; afterChunks: number; status?: number; message?: string };

export interface FakeUpstream {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Model requests whose client closed the connection before the answer ended (an abort reaching the socket). */
  readonly abandoned: number;
  /** FIFO: each incoming model request consumes the next queued fault, if any. */
  enqueue(...faults: Fault[]): void;
  /**
   * FIFO for successful answers, else the default reply. A reply is consumed only by an answer sent whole;
   * a dropped or broken answer shows the next reply without consuming it, so a retry gets the same one.
   */
  enqueueReply(...replies: Reply[]): void;
  /** A random fault per model request (seeded PRNG), applied when the fault queue is empty. */
  setChaos(options: { rate: number; faults: Fault[]; seed?: number } | null): void;
  setDefaultReply(reply: Reply): void;
  /** Served by `/api/tags` (Ollama) and `GET /v1/models` (LM Studio). Mutable. */
  localModels: LocalModels;
  /** Closes the server and destroys open sockets, hanging ones included. */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  port?: number;
  /** If set, a wrong or missing key gets a 401 in the family's format. */
  expectedKey?: string;
}

type Route =
  | { kind: 'model'; wire: WireFormat; family: 'openai' | 'anthropic' }
  | { kind: 'models' }
  | { kind: 'ollama-tags' }
  | { kind: 'ollama-version' }
  | { kind: 'not-found' };

function routeOf(method: string, pathname: string): Route {
  const path = pathname.replace(/\/+$/, '');
  if (method === 'POST' && path.endsWith('/chat/completions')) return { kind: 'model', wire: openaiWire, family: 'openai' };
  if (method === 'POST' && path.endsWith('/messages')) return { kind: 'model', wire: anthropicWire, family: 'anthropic' };
  if (method === 'GET' && path.endsWith('/api/tags')) return { kind: 'ollama-tags' };
  if (method === 'GET' && path.endsWith('/api/version')) return { kind: 'ollama-version' };
  if (method === 'GET' && path.endsWith('/models')) return { kind: 'models' };
  return { kind: 'not-found' };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function parseBody(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function presentedKey(headers: Record<string, string>): string | undefined {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return headers['x-api-key'] ?? headers['api-key'];
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Resolves once `data` has been handed to the socket, so a destroy right after does not lose it. */
const writeFlushed = (res: ServerResponse, data: string | Buffer) =>
  new Promise<void>((resolve) => res.write(data, () => resolve()));

/** The frame index at which a stream is interrupted after `afterChunks` content frames. */
function interruptionIndex(frames: StreamFrame[], afterChunks: number): number {
  let lastContent = -1;
  for (let i = 0; i < frames.length; i++) if (frames[i].content) lastContent = i;
  if (lastContent < 0) return frames.length - 1;
  let sent = 0;
  for (let i = 0; i <= lastContent; i++) {
    if (frames[i].content && sent++ === afterChunks) return i;
  }
  return lastContent + 1;
}

interface ModelCall {
  req: IncomingMessage;
  res: ServerResponse;
  wire: WireFormat;
  family: 'openai' | 'anthropic';
  headers: Record<string, string>;
  body: Record<string, unknown>;
  stream: boolean;
  ctx: WireContext;
  signal: AbortSignal;
}

/** How an answer is broken, when a fault asks for it. */
type Breakage =
  | { kind: 'drop'; afterChunks: number }
  | { kind: 'malformed' }
  | { kind: 'stream-error'; afterChunks: number; status?: number; message?: string };

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const replies: Reply[] = [];
  let defaultReply: Reply = {};
  let chaos: (() => Fault | undefined) | undefined;
  let seq = 0;
  let abandoned = 0;
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  function sendError(call: Pick<ModelCall, 'res' | 'wire' | 'ctx'>, status: number, message?: string, extra: Record<string, string> = {}) {
    const headers = { [call.wire.requestIdHeader]: call.ctx.requestId, ...extra };
    sendJson(call.res, status, call.wire.errorBody(status, message, call.ctx.requestId), headers);
  }

  function sendStatusFault(call: ModelCall, fault: Extract<Fault, { kind: 'status' }>) {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    const waitMs = fault.retryAfterMs ?? (fault.retryAfterSeconds !== undefined ? fault.retryAfterSeconds * 1000 : undefined);
    if (fault.status === 429 && waitMs !== undefined) Object.assign(headers, call.wire.rateLimitHeaders(waitMs));
    sendError(call, fault.status, fault.message, { ...headers, ...fault.headers });
  }

  async function answer(call: ModelCall, breakage?: Breakage): Promise<void> {
    const { res, wire, ctx } = call;
    const reply = (breakage ? replies[0] : replies.shift()) ?? defaultReply;
    const result = buildAnswer(call.body, reply);

    if (!call.stream) {
      const body = Buffer.from(JSON.stringify(wire.json(result, ctx)));
      const headers = { 'content-type': 'application/json', [wire.requestIdHeader]: ctx.requestId };
      if (breakage?.kind === 'drop') {
        res.writeHead(200, { ...headers, 'content-length': body.length });
        await writeFlushed(res, body.subarray(0, Math.floor(body.length / 2)));
        res.socket?.destroy();
        return;
      }
      const sent = breakage?.kind === 'malformed' ? body.subarray(0, Math.floor(body.length / 2)) : body;
      res.writeHead(200, { ...headers, 'content-length': sent.length });
      res.end(sent);
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      [wire.requestIdHeader]: ctx.requestId,
    });
    res.flushHeaders();
    const frames = wire.stream(result, ctx);
    const stopAt = breakage ? interruptionIndex(frames, breakage.kind === 'malformed' ? 0 : breakage.afterChunks) : -1;
    let contentSent = 0;
    for (let i = 0; i < frames.length; i++) {
      if (res.destroyed) return;
      if (i === stopAt && breakage) {
        if (breakage.kind === 'drop') {
          res.socket?.destroy();
        } else if (breakage.kind === 'malformed') {
          res.end(wire.malformedFrame);
        } else {
          res.end(wire.streamErrorFrame(breakage.status ?? wire.defaultStreamErrorStatus, breakage.message));
        }
        return;
      }
      const frame = frames[i];
      if (frame.content) {
        if (contentSent > 0 && result.chunkDelayMs > 0) await sleep(result.chunkDelayMs, undefined, { signal: call.signal });
        contentSent++;
      }
      // Before a drop, wait until the last frame reached the socket: destroying discards unsent data.
      if (i + 1 === stopAt && breakage?.kind === 'drop') await writeFlushed(res, frame.data);
      else res.write(frame.data);
    }
    res.end();
  }

  async function handleModel(call: ModelCall): Promise<void> {
    const { headers, body, family } = call;
    if (options.expectedKey !== undefined) {
      const key = presentedKey(headers);
      if (key !== options.expectedKey) {
        const message =
          family === 'anthropic'
            ? key === undefined ? 'x-api-key header is required' : 'invalid x-api-key'
            : key === undefined
              ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
              : `Incorrect API key provided: ${key.slice(0, 3)}***${key.slice(-2)}.`;
        return sendError(call, 401, message);
      }
    }
    if (family === 'anthropic' && !headers['anthropic-version']) {
      return sendError(call, 400, 'anthropic-version: header is required');
    }
    const invalid = validationError(family, body);
    if (invalid) return sendError(call, 400, invalid);

    const fault = faults.shift() ?? chaos?.();
    switch (fault?.kind) {
      case undefined:
        return answer(call);
      case 'status':
        return sendStatusFault(call, fault);
      case 'reset':
        call.req.socket.resetAndDestroy();
        return;
      case 'hang':
        return;
      case 'delay':
        await sleep(fault.ms, undefined, { signal: call.signal });
        return answer(call);
      case 'drop-mid-stream':
        return answer(call, { kind: 'drop', afterChunks: fault.afterChunks });
      case 'invalid-json':
        return answer(call, { kind: 'malformed' });
      case 'stream-error':
        if (!call.stream) return sendError(call, fault.status ?? call.wire.defaultStreamErrorStatus, fault.message);
        return answer(call, { ...fault, kind: 'stream-error' });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = req.url ?? '/';
    const method = req.method ?? 'GET';
    const headers = flattenHeaders(req.headers);
    const body = parseBody(raw);
    requests.push({ method, path: target, headers, body });

    const route = routeOf(method, target.split('?')[0]);
    switch (route.kind) {
      case 'model': {
        seq++;
        const requestAborted = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished && !closing.signal.aborted) abandoned++;
          requestAborted.abort();
        });
        return handleModel({
          req,
          res,
          wire: route.wire,
          family: route.family,
          headers,
          body: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
          stream: (body as { stream?: unknown } | undefined)?.stream === true,
          ctx: {
            seq,
            created: Math.floor(Date.now() / 1000),
            requestId: `req_fake${seq}`,
            includeUsage: (body as { stream_options?: { include_usage?: unknown } } | undefined)?.stream_options?.include_usage === true,
          },
          signal: AbortSignal.any([closing.signal, requestAborted.signal]),
        });
      }
      case 'models': {
        const anthropic = headers['anthropic-version'] !== undefined;
        if (options.expectedKey !== undefined && presentedKey(headers) !== options.expectedKey) {
          const wire = anthropic ? anthropicWire : openaiWire;
          return sendJson(res, 401, wire.errorBody(401, undefined, 'req_fake_models'));
        }
        return sendJson(res, 200, anthropic ? anthropicModelList() : openaiModelList(fake.localModels.lmstudio));
      }
      case 'ollama-tags':
        return sendJson(res, 200, ollamaTags(fake.localModels.ollama));
      case 'ollama-version':
        return sendJson(res, 200, { version: '0.12.0' });
      case 'not-found':
        return sendJson(res, 404, openaiWire.errorBody(404, `Unknown request URL: ${method} ${target}.`, ''));
    }
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch(() => {
      // A client that went away, or close() aborting a delay: nothing is left to answer.
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, openaiWire.errorBody(500, undefined, ''));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const fake: FakeUpstream = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get abandoned() {
      return abandoned;
    },
    localModels: defaultLocalModels(),
    enqueue: (...more) => void faults.push(...more),
    enqueueReply: (...more) => void replies.push(...more),
    setChaos: (chaosOptions) => void (chaos = chaosOptions ? chaosPicker(chaosOptions) : undefined),
    setDefaultReply: (reply) => void (defaultReply = reply),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
  return fake;
}

/** The 400s a real provider gives for a request missing required fields. */
function validationError(family: 'openai' | 'anthropic', body: Record<string, unknown>): string | undefined {
  if (family === 'openai') {
    if (typeof body.model !== 'string') return 'you must provide a model parameter';
    if (!Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
    return undefined;
  }
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  return undefined;
}
