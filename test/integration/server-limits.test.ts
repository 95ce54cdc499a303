import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseSettings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

/** Bad input, auth, limits, upstream failures, curl, and shutdown: the server answers each in the route's format. */

const TOKEN = 'sb-limits-token';
const MODEL = 'openai/gpt-5-mini';

let fake: FakeUpstream;
let gateway: Gateway;
let server: RunningServer;
let tmp: string;

before(async () => {
  fake = await startFakeUpstream();
  const env = {
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: 'sk-anthropic',
    SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`,
    SWITCHBOARD_ANTHROPIC_BASE_URL: fake.url,
  };
  // One attempt, and a breaker that never opens, so that each injected fault maps to exactly one answer.
  const { settings } = parseSettings({ localDetection: false, retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1000 } });
  gateway = new Gateway({ settings, keys: envKeySource(env), env });
  server = await startServer({ gateway, token: TOKEN, port: 0 });
  tmp = mkdtempSync(join(tmpdir(), 'sb-server-'));
});

after(async () => {
  await server.close();
  await fake.close();
  rmSync(tmp, { recursive: true, force: true });
});

const startOwnServer = (options: Partial<ServerOptions>) => startServer({ gateway, token: TOKEN, port: 0, ...options });

function post(path: string, body: string, headers: Record<string, string> = {}, base = server.url) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...extra });
const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], ...extra });

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', ...args], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('auth', () => {
  test('a request without a token gets 401 in OpenAI format', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: chatBody() });
    assert.equal(response.status, 401);
    const body = await response.json();
    assert.equal(body.error.code, 'missing_api_key');
    assert.equal(body.error.type, 'authentication_error');
    assert.match(body.error.message, /"switchboard token" prints it/);
  });

  test('a wrong token gets 401 through both SDKs, in each format', async () => {
    const openai = new OpenAI({ apiKey: 'wrong', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await assert.rejects(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }), (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.code, 'invalid_api_key');
      return true;
    });
    const anthropic = new Anthropic({ apiKey: 'wrong', baseURL: server.url, maxRetries: 0 });
    await assert.rejects(anthropic.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }), (err) => {
      assert.ok(err instanceof Anthropic.AuthenticationError);
      assert.deepEqual((err.error as { type: string; error: { type: string } }).error.type, 'authentication_error');
      return true;
    });
    assert.equal(fake.requests.filter((r) => r.headers.authorization === 'Bearer wrong').length, 0);
  });

  test('x-api-key is accepted on the OpenAI route too, and the models list needs a token', async () => {
    const ok = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': TOKEN }, body: chatBody() });
    assert.equal(ok.status, 200);
    const models = await fetch(`${server.url}/v1/models`);
    assert.equal(models.status, 401);
  });
});

describe('where to listen', () => {
  test('a port in use and a host that is not this machine are configuration errors that say what to change', async () => {
    const port = Number(new URL(server.url).port);
    await assert.rejects(startOwnServer({ port }), (err: Error & { exitCode?: number }) => {
      assert.equal(err.message, `Port ${port} on 127.0.0.1 is already in use. Pick another with --port, or set switchboard.gateway.port.`);
      assert.equal(err.exitCode, 2);
      return true;
    });
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is never an address of this machine.
    await assert.rejects(startOwnServer({ host: '192.0.2.1' }), (err: Error & { exitCode?: number }) => {
      assert.match(err.message, /^Cannot listen on 192\.0\.2\.1: it is not an address of this machine \(EADDRNOTAVAIL\)\. Pick one with --host/);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });
});

describe('bad input', () => {
  test('invalid JSON is a 400 in the route format', async () => {
    const openai = await post('/v1/chat/completions', '{"model": ');
    assert.equal(openai.status, 400);
    const openaiBody = await openai.json();
    assert.equal(openaiBody.error.type, 'invalid_request_error');
    assert.equal(openaiBody.error.code, 'invalid_json');

    const anthropic = await post('/v1/messages', 'not json', { 'anthropic-version': '2023-06-01' });
    assert.equal(anthropic.status, 400);
    const anthropicBody = await anthropic.json();
    assert.equal(anthropicBody.type, 'error');
    assert.equal(anthropicBody.error.type, 'invalid_request_error');
  });

  test('a missing field is a 400 that names it as required', async () => {
    const openai = await post('/v1/chat/completions', JSON.stringify({ model: MODEL }));
    assert.equal(openai.status, 400);
    assert.equal((await openai.json()).error.message, 'Invalid request: messages: required');

    const anthropic = await post('/v1/messages', JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }));
    assert.equal(anthropic.status, 400);
    assert.equal((await anthropic.json()).error.message, 'Invalid request: max_tokens: required');

    const badPart = await post('/v1/chat/completions', chatBody({ messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] }));
    assert.equal(badPart.status, 400);
    assert.match((await badPart.json()).error.message, /messages\.0\.content/);
  });

  test('an unknown model is a 404 that names the closest ids, streaming or not, in both formats', async () => {
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${server.url}/v1`, maxRetries: 0 });
    for (const stream of [false, true]) {
      await assert.rejects(openai.chat.completions.create({ model: 'openai/gpt-5-mimi', stream, messages: [{ role: 'user', content: 'Hi' }] }), (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError);
        assert.equal(err.code, 'model_not_found');
        assert.match(err.message, /Did you mean "openai\/gpt-5-mini"/);
        return true;
      });
    }
    const anthropic = await post('/v1/messages', messagesBody({ model: 'claude-sonet-5', stream: true }));
    assert.equal(anthropic.status, 404);
    const body = await anthropic.json();
    assert.equal(body.error.type, 'not_found_error');
    assert.match(body.error.message, /anthropic\/claude-sonnet-5/);
  });

  test('a body over the limit is a 413, with or without Expect: 100-continue, and the server carries on', async () => {
    const big = join(tmp, 'big.json');
    writeFileSync(big, JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024 + 10) }] }));
    const url = `${server.url}/v1/chat/completions`;
    const auth = ['-H', `Authorization: Bearer ${TOKEN}`, '-H', 'content-type: application/json'];
    assert.equal(await curl(['-o', '/dev/null', '-w', '%{http_code}', ...auth, '--data-binary', `@${big}`, url]), '413');
    assert.equal(await curl(['-o', '/dev/null', '-w', '%{http_code}', ...auth, '-H', 'Expect:', '--data-binary', `@${big}`, url]), '413');
    const viaFetch = await post('/v1/chat/completions', 'x'.repeat(10 * 1024 * 1024 + 1));
    assert.equal(viaFetch.status, 413);
    assert.equal((await viaFetch.json()).error.code, 'request_too_large');
    assert.equal((await post('/v1/chat/completions', chatBody())).status, 200);
  });

  test('unknown routes are 404 and wrong methods 405', async () => {
    const missing = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error.message, /POST \/v1\/chat\/completions/);
    const wrong = await fetch(`${server.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
  });
});

describe('upstream failures', () => {
  test('an upstream 429 is a 429 with retry-after; a 500 is a 502; a 400 passes through', async () => {
    fake.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 3 });
    const limited = await post('/v1/chat/completions', chatBody());
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.equal((await limited.json()).error.type, 'rate_limit_error');

    fake.enqueue({ kind: 'status', status: 500 });
    const broken = await post('/v1/chat/completions', chatBody());
    assert.equal(broken.status, 502);
    assert.match((await broken.json()).error.message, /^openai: /);

    fake.enqueue({ kind: 'status', status: 400, message: 'bad temperature' });
    const rejected = await post('/v1/chat/completions', chatBody());
    assert.equal(rejected.status, 400);
    assert.match((await rejected.json()).error.message, /bad temperature/);
  });

  test('an overloaded Anthropic upstream is a 503 overloaded_error on the Anthropic route, also before a stream starts', async () => {
    fake.enqueue({ kind: 'status', status: 529 });
    const response = await post('/v1/messages', messagesBody({ model: 'anthropic/claude-sonnet-5', stream: true }));
    assert.equal(response.status, 503);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.equal((await response.json()).error.type, 'overloaded_error');
  });

  test('a stream that breaks after it began ends with an error frame that the SDKs raise', async () => {
    // A broken answer does not consume a queued reply, so these use the fake's default: "Hello from <model>: <prompt>".
    fake.enqueue({ kind: 'stream-error', afterChunks: 2 });
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${server.url}/v1`, maxRetries: 0 });
    let text = '';
    await assert.rejects(
      (async () => {
        const stream = await openai.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      OpenAI.APIError,
    );
    assert.equal(text, 'Hello from gpt-5');

    fake.enqueue({ kind: 'stream-error', afterChunks: 1 });
    const anthropic = new Anthropic({ apiKey: TOKEN, baseURL: server.url, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    await assert.rejects(stream.finalMessage(), (err) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal((err.error as { error: { type: string } }).error.type, 'api_error');
      return true;
    });
  });
});

describe('client disconnects', () => {
  test('a client that leaves mid-stream cancels the upstream call, and the server carries on', async () => {
    const prompt = 'This one is left mid-stream.';
    const finished = new Promise<Error | undefined>((resolve) => {
      const stop = gateway.onDidFinish((event) => {
        if (event.request.messages[0]?.content !== prompt) return;
        stop();
        resolve(event.error);
      });
    });
    fake.enqueueReply({ text: 'y'.repeat(100), chunkSize: 1, chunkDelayMs: 30 });
    const response = await post('/v1/chat/completions', chatBody({ stream: true, messages: [{ role: 'user', content: prompt }] }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();

    const error = await finished;
    assert.ok(error, 'the gateway call should end in an error');
    assert.match(error.name, /Cancelled|Abort/);
    assert.equal((await post('/v1/chat/completions', chatBody())).status, 200);
  });
});

describe('curl', () => {
  test('a non-streaming call shows the x-switchboard headers', async () => {
    const out = await curl(['-i', '-H', `Authorization: Bearer ${TOKEN}`, '-d', chatBody(), `${server.url}/v1/chat/completions`]);
    assert.match(out, /^HTTP\/1\.1 200/);
    assert.match(out, /^x-switchboard-provider: openai\r$/m);
    assert.match(out, /^x-switchboard-model: openai\/gpt-5-mini\r$/m);
    assert.match(out, /^x-switchboard-attempts: 1\r$/m);
    assert.match(out, /^x-switchboard-cost-usd: \d/m);
    assert.match(out, /"object":"chat.completion"/);
  });

  test('a stream shows SSE frames, [DONE], and the final values as trailers', async () => {
    const out = await curl(['-i', '-N', '-H', `x-api-key: ${TOKEN}`, '-d', chatBody({ stream: true }), `${server.url}/v1/chat/completions`]);
    assert.match(out, /^content-type: text\/event-stream/m);
    assert.match(out, /^trailer: x-switchboard-provider, x-switchboard-model, x-switchboard-attempts, x-switchboard-cost-usd\r$/m);
    assert.match(out, /^data: \{"id":"chatcmpl-/m);
    const afterDone = out.slice(out.indexOf('data: [DONE]'));
    assert.ok(afterDone.length > 0);
    assert.match(afterDone, /^x-switchboard-attempts: 1\r$/m);
    assert.match(afterDone, /^x-switchboard-cost-usd: \d/m);
  });
});

describe('concurrency limit', () => {
  test('a client past its limit gets 429 with retry-after, and is served again once a slot frees', async () => {
    const limited = await startOwnServer({ maxConcurrentPerClient: 2 });
    try {
      fake.enqueue({ kind: 'delay', ms: 400 }, { kind: 'delay', ms: 400 });
      const seen = fake.requests.length;
      const slow = [post('/v1/chat/completions', chatBody(), {}, limited.url), post('/v1/chat/completions', chatBody(), {}, limited.url)];
      while (fake.requests.length < seen + 2) await sleep(5);

      const refused = await post('/v1/chat/completions', chatBody(), {}, limited.url);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal((await refused.json()).error.code, 'concurrency_limit');
      const refusedAnthropic = await post('/v1/messages', messagesBody(), {}, limited.url);
      assert.equal(refusedAnthropic.status, 429);
      assert.equal((await refusedAnthropic.json()).error.type, 'rate_limit_error');

      assert.deepEqual((await Promise.all(slow)).map((r) => r.status), [200, 200]);
      assert.equal((await post('/v1/chat/completions', chatBody(), {}, limited.url)).status, 200);
    } finally {
      await limited.close();
    }
  });
});

describe('graceful shutdown', () => {
  test('close() refuses new connections and lets a stream in flight finish', async () => {
    const own = await startOwnServer({});
    fake.enqueueReply({ text: 'abcdefghij', chunkSize: 1, chunkDelayMs: 40 });
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${own.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const iterator = stream[Symbol.asyncIterator]();
    let text = '';
    while (!text) text += (await iterator.next()).value?.choices[0]?.delta.content ?? '';

    const closed = own.close({ graceMs: 5000 });
    await assert.rejects(fetch(`${own.url}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) text += step.value.choices[0]?.delta.content ?? '';
    assert.equal(text, 'abcdefghij');
    await closed;
  });

  test('past the grace period, a stream in flight ends with a clean error frame and close() resolves', async () => {
    const own = await startOwnServer({});
    fake.enqueueReply({ text: 'x'.repeat(200), chunkSize: 1, chunkDelayMs: 50 });
    const anthropic = new Anthropic({ apiKey: TOKEN, baseURL: own.url, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 500, messages: [{ role: 'user', content: 'Hi' }] });
    await new Promise((resolve) => stream.once('text', resolve));

    const started = Date.now();
    const closed = own.close({ graceMs: 200 });
    await assert.rejects(stream.finalMessage(), (err) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.match(err.message, /shutting down/);
      return true;
    });
    await closed;
    assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
  });
});
