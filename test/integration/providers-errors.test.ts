import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CancelledError, UpstreamError } from '../../src/core/errors';
import { getAdapter } from '../../src/core/providers/index';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import { parseDuration, retryAfterMs } from '../../src/core/providers/retry-after';
import type { ProviderAdapter, ResolvedCall } from '../../src/core/providers/types';
import type { ProviderStreamEvent } from '../../src/core/types';
import { startFakeUpstream, type Fault, type FakeUpstream } from '../fakes/upstream';
import { waitFor } from '../support/wait-for';

/** A TCP relay in front of the fake that sees when the client's connection closes. */
interface ObservedRelay {
  url: string;
  closedClientConnections: number;
  close(): Promise<void>;
}

async function startRelay(targetPort: number): Promise<ObservedRelay> {
  const sockets = new Set<Socket>();
  const relay: ObservedRelay = { url: '', closedClientConnections: 0, close: async () => undefined };
  const server: Server = createNetServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => {
      relay.closedClientConnections++;
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  relay.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return relay;
}

/** A port that was just free, so nothing listens on it. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  return assert.fail('expected the call to fail');
}

async function drain(events: AsyncIterable<ProviderStreamEvent>): Promise<{ events: ProviderStreamEvent[]; error?: Error }> {
  const seen: ProviderStreamEvent[] = [];
  try {
    for await (const event of events) seen.push(event);
  } catch (error) {
    assert.ok(error instanceof Error);
    return { events: seen, error };
  }
  return { events: seen };
}

const FAMILIES = [
  { family: 'openai', provider: BUILTIN_PROVIDERS.find((p) => p.id === 'openai')!, path: '/v1', keyVar: 'OPENAI_API_KEY' },
  { family: 'anthropic', provider: BUILTIN_PROVIDERS.find((p) => p.id === 'anthropic')!, path: '', keyVar: 'ANTHROPIC_API_KEY' },
] as const;

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream({ expectedKey: 'good-key' });
});
after(() => fake.close());

for (const { family, provider, path, keyVar } of FAMILIES) {
  describe(`${provider.name} errors`, () => {
    let adapter: ProviderAdapter;
    before(async () => {
      adapter = await getAdapter(family);
    });

    const callFor = (extra: Partial<ResolvedCall> = {}, stream = false): ResolvedCall => ({
      provider,
      modelId: `${provider.id}/m`,
      upstreamModel: 'm',
      baseURL: `${fake.url}${path}`,
      apiKey: 'good-key',
      headers: {},
      request: { model: `${provider.id}/m`, messages: [{ role: 'user', content: 'hello' }], stream },
      ...extra,
    });
    const failWith = async (fault: Fault) => {
      fake.enqueue(fault);
      const err = await rejection(adapter.complete(callFor(), {}));
      assert.ok(err instanceof UpstreamError, `expected UpstreamError, got ${err.name}: ${err.message}`);
      return err;
    };

    test('429 with retry-after: retryable, retryAfterMs, the upstream message and what to do', async () => {
      const err = await failWith({ kind: 'status', status: 429, retryAfterSeconds: 2, message: 'Slow down please' });
      assert.equal(err.status, 429);
      assert.equal(err.retryable, true);
      assert.equal(err.retryAfterMs, 2000);
      assert.equal(err.code, 'rate_limited');
      assert.equal(err.provider, provider.id);
      assert.equal(err.model, `${provider.id}/m`);
      assert.match(err.requestId!, /^req_fake/);
      assert.match(err.message, new RegExp(`^${provider.name} returned 429: Slow down please\\. Rate limited: retry in 2 s`));
    });

    test('429 with only retry-after-ms', async () => {
      const err = await failWith({ kind: 'status', status: 429, retryAfterMs: 1500 });
      assert.equal(err.retryAfterMs, 1500);
    });

    test('429 with only a rate-limit reset header', async () => {
      const headers: Record<string, string> =
        family === 'openai'
          ? { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-remaining-tokens': '900', 'x-ratelimit-reset-tokens': '20ms' }
          : { 'anthropic-ratelimit-tokens-remaining': '0', 'anthropic-ratelimit-tokens-reset': new Date(Date.now() + 30_000).toISOString() };
      const err = await failWith({ kind: 'status', status: 429, headers });
      if (family === 'openai') assert.equal(err.retryAfterMs, 360_000);
      else assert.ok(err.retryAfterMs! > 28_000 && err.retryAfterMs! <= 30_000, `got ${err.retryAfterMs}`);
    });

    test('529 overloaded is retryable', async () => {
      const err = await failWith({ kind: 'status', status: 529 });
      assert.equal(err.status, 529);
      assert.equal(err.retryable, true);
      assert.match(err.message, /overloaded/i);
    });

    test('500 and 408 are retryable; 400, 403, 404 and 422 are not', async () => {
      for (const status of [500, 503, 408, 409]) assert.equal((await failWith({ kind: 'status', status })).retryable, true, `${status}`);
      for (const status of [400, 403, 404, 422]) assert.equal((await failWith({ kind: 'status', status })).retryable, false, `${status}`);
      const notFound = await failWith({ kind: 'status', status: 404, message: 'model: m' });
      assert.match(notFound.message, /Check the model name "m"/);
    });

    test('a 404 for a model past its end of life says since when and names its replacement', async () => {
      fake.enqueue({ kind: 'status', status: 404, message: 'model: m' });
      const retired = await rejection(adapter.complete(callFor({ endOfLife: '2026-01-01', replacement: `${provider.id}/newer` }), {}));
      assert.match(retired.message, new RegExp(`\\. ${provider.name} retired ${provider.id}/m on 2026-01-01: switch to ${provider.id}/newer \\(`));
      assert.equal((retired as UpstreamError).code, 'model_retired');
      fake.enqueue({ kind: 'status', status: 404, message: 'model: m' });
      const ahead = await rejection(adapter.complete(callFor({ endOfLife: '2999-01-01', replacement: `${provider.id}/newer` }), {}));
      assert.match(ahead.message, /Check the model name "m"/);
      assert.equal((ahead as UpstreamError).code, 'not_found');
    });

    test('401 is not retryable and names the env var to check', async () => {
      const err = await rejection(adapter.complete(callFor({ apiKey: 'wrong-key' }), {}));
      assert.ok(err instanceof UpstreamError);
      assert.equal(err.status, 401);
      assert.equal(err.retryable, false);
      assert.equal(err.code, 'auth');
      assert.match(err.message, new RegExp(`^${provider.name} returned 401: .+\\. Check the API key in ${keyVar}`));
    });

    test('a reset connection is a retryable connection error', async () => {
      const err = await failWith({ kind: 'reset' });
      assert.equal(err.status, undefined);
      assert.equal(err.retryable, true);
      assert.equal(err.code, 'connection');
      assert.match(err.message, /Could not reach/);
    });

    test('nothing listening is a retryable connection error naming the URL and the cause', async () => {
      const port = await closedPort();
      const err = await rejection(adapter.complete(callFor({ baseURL: `http://127.0.0.1:${port}` }), {}));
      assert.ok(err instanceof UpstreamError);
      assert.equal(err.retryable, true);
      assert.match(err.message, new RegExp(`Could not reach ${provider.name} at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    });

    test('an invalid JSON body is a retryable malformed-response error', async () => {
      const err = await failWith({ kind: 'invalid-json' });
      assert.equal(err.retryable, true);
      assert.equal(err.code, 'malformed_response');
      assert.match(err.message, new RegExp(`^${provider.name} returned a malformed response`));
    });

    test('a 200 answer that is an HTML page is a malformed-response error, not a crash', async () => {
      const server = createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-request-id': 'req_html', 'request-id': 'req_html' });
        res.end('<html><body>Sign in to the network</body></html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const err = await rejection(adapter.complete(callFor({ baseURL: `http://127.0.0.1:${port}${path}` }), {}));
        assert.ok(err instanceof UpstreamError, `expected UpstreamError, got ${err.name}: ${err.message}`);
        assert.equal(err.code, 'malformed_response');
        assert.equal(err.retryable, true);
        assert.match(err.message, new RegExp(`^${provider.name} returned a malformed response`));
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('a body cut off mid-way is a retryable interruption', async () => {
      const err = await failWith({ kind: 'drop-mid-stream', afterChunks: 0 });
      assert.equal(err.retryable, true);
      assert.equal(err.code, 'stream_interrupted');
      assert.match(err.message, /broke off/);
    });

    test('a stream that drops mid-way delivers what came, then a retryable error', async () => {
      fake.enqueueReply({ text: 'abcdefghijklmnopqrstuvwxyz', chunkSize: 4 });
      fake.enqueue({ kind: 'drop-mid-stream', afterChunks: 2 });
      const { events, error } = await drain(adapter.stream(callFor({}, true), {}));
      assert.deepEqual(
        events.map((e) => e.type === 'text' && e.delta),
        ['abcd', 'efgh'],
      );
      assert.ok(error instanceof UpstreamError, `got ${error}`);
      assert.equal(error.retryable, true);
      assert.equal(error.code, 'stream_interrupted');
      assert.match(error.message, new RegExp(`The response from ${provider.name} broke off`));
      // The fake keeps the reply for the retry, which gets the whole answer.
      const retried = await drain(adapter.stream(callFor({}, true), {}));
      const done = retried.events.at(-1);
      assert.equal(done?.type === 'done' && done.result.text, 'abcdefghijklmnopqrstuvwxyz');
    });

    test('an SSE frame that does not parse is a retryable malformed-response error', async () => {
      fake.enqueue({ kind: 'invalid-json' });
      const { error } = await drain(adapter.stream(callFor({}, true), {}));
      assert.ok(error instanceof UpstreamError, `got ${error}`);
      assert.equal(error.retryable, true);
      assert.equal(error.code, 'malformed_response');
      assert.match(error.message, new RegExp(`^${provider.name} returned a malformed response`));
    });

    test('an error event inside the stream is a retryable error carrying the upstream message', async () => {
      fake.enqueueReply({ text: 'abcdefghijkl', chunkSize: 4 });
      fake.enqueue({ kind: 'stream-error', afterChunks: 1, message: 'Overloaded right now' });
      const { events, error } = await drain(adapter.stream(callFor({}, true), {}));
      assert.equal(events.length, 1);
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /Overloaded right now/);
      const retried = await adapter.complete(callFor(), {});
      assert.equal(retried.text, 'abcdefghijkl');
    });

    test('an HTTP error before a stream starts maps like a non-streaming one', async () => {
      fake.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 1 });
      const { events, error } = await drain(adapter.stream(callFor({}, true), {}));
      assert.equal(events.length, 0);
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterMs, 1000);
    });

    test('an already aborted signal is a CancelledError', async () => {
      const err = await rejection(adapter.complete(callFor(), { signal: AbortSignal.abort() }));
      assert.ok(err instanceof CancelledError);
    });

    test('aborting a waiting request closes its upstream connection', async () => {
      const port = Number(new URL(fake.url).port);
      const relay = await startRelay(port);
      try {
        fake.enqueue({ kind: 'hang' });
        const controller = new AbortController();
        const before = fake.requests.length;
        const pending = adapter.complete(callFor({ baseURL: `${relay.url}${path}` }), { signal: controller.signal });
        await waitFor('the request to reach the fake', () => fake.requests.length > before);
        assert.equal(relay.closedClientConnections, 0);
        controller.abort();
        const err = await rejection(pending);
        assert.ok(err instanceof CancelledError, `got ${err.name}: ${err.message}`);
        await waitFor('the upstream connection to close', () => relay.closedClientConnections === 1);
      } finally {
        await relay.close();
      }
    });

    test('aborting a stream mid-way ends it with a CancelledError and closes the connection', async () => {
      const port = Number(new URL(fake.url).port);
      const relay = await startRelay(port);
      try {
        fake.enqueueReply({ text: 'x'.repeat(200), chunkSize: 10, chunkDelayMs: 50 });
        const controller = new AbortController();
        const seen: ProviderStreamEvent[] = [];
        const err = await rejection(
          (async () => {
            for await (const event of adapter.stream(callFor({ baseURL: `${relay.url}${path}` }, true), { signal: controller.signal })) {
              seen.push(event);
              if (seen.length === 2) controller.abort();
            }
          })(),
        );
        assert.ok(err instanceof CancelledError, `got ${err.name}: ${err.message}`);
        assert.ok(seen.length < 5, `the stream stopped soon after the abort (${seen.length} events)`);
        await waitFor('the upstream connection to close', () => relay.closedClientConnections === 1);
      } finally {
        await relay.close();
      }
    });

    test('leaving a stream early, without an abort, closes the connection', async () => {
      const port = Number(new URL(fake.url).port);
      const relay = await startRelay(port);
      try {
        fake.enqueueReply({ text: 'x'.repeat(200), chunkSize: 10, chunkDelayMs: 50 });
        let seen = 0;
        for await (const event of adapter.stream(callFor({ baseURL: `${relay.url}${path}` }, true), {})) {
          if (event.type === 'text' && ++seen === 2) break;
        }
        await waitFor('the upstream connection to close', () => relay.closedClientConnections === 1);
      } finally {
        await relay.close();
      }
    });
  });
}

describe('retry-after parsing', () => {
  test("OpenAI's reset durations", () => {
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('6m0s'), 360_000);
    assert.equal(parseDuration('20ms'), 20);
    assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseDuration('0.5'), 500);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseDuration('5x'), undefined);
  });

  test('retry-after as an HTTP date, retry-after-ms first, and resets only on a 429', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), 503, now), 7000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), 503, now), 0);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '3', 'retry-after-ms': '250' }), 429, now), 250);
    const reset = new Headers({ 'x-ratelimit-reset-requests': '1s' });
    assert.equal(retryAfterMs(reset, 500, now), undefined);
    assert.equal(retryAfterMs(reset, 429, now), 1000);
    const anthropic = new Headers({
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:02Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-01-01T00:00:45Z',
    });
    assert.equal(retryAfterMs(anthropic, 429, now), 45_000);
  });
});
