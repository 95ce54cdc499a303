import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream, type Fault } from '../fakes/upstream';
import { parseSse, readUntilError } from '../fakes/sse';

const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' };

function postOpenAI(fake: FakeUpstream, body: object, path = '/v1/chat/completions', headers: Record<string, string> = {}) {
  return fetch(fake.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], ...body }),
  });
}

function postAnthropic(fake: FakeUpstream, body: object, headers: Record<string, string> = ANTHROPIC_HEADERS) {
  return fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Say hi' }], ...body }),
  });
}

const dataJson = (text: string) => parseSse(text).filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));

describe('fake upstream', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream();
  });
  after(() => fake.close());

  test('OpenAI streaming sends role, content deltas, finish, a usage-only chunk, then [DONE]', async () => {
    const text = 'Hello world, this is streamed.';
    fake.enqueueReply({ text, chunkSize: 5, usage: { input: 12, output: 7, cachedInput: 4, reasoning: 2 } });
    const res = await postOpenAI(fake, { stream: true, stream_options: { include_usage: true } }, '/client/v4/accounts/abc/ai/v1/chat/completions');

    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    assert.match(res.headers.get('x-request-id')!, /^req_/);
    const events = parseSse(await res.text());
    assert.equal(events.at(-1)!.data, '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));

    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, chunks[0].id);
      assert.match(chunk.id, /^chatcmpl-/);
      assert.equal(chunk.model, 'gpt-4o-mini');
    }
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const deltas = chunks.slice(1).flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    assert.equal(deltas.join(''), text);
    assert.ok(deltas.every((d) => d.length <= 5) && deltas.length === Math.ceil(text.length / 5));

    const [finish, usageChunk] = chunks.slice(-2);
    assert.equal(finish.choices[0].finish_reason, 'stop');
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage.prompt_tokens, 12);
    assert.equal(usageChunk.usage.completion_tokens, 7);
    assert.equal(usageChunk.usage.total_tokens, 19);
    assert.equal(usageChunk.usage.prompt_tokens_details.cached_tokens, 4);
    assert.equal(usageChunk.usage.completion_tokens_details.reasoning_tokens, 2);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), 'other chunks carry usage: null');
  });

  test('OpenAI streaming without include_usage has no usage field; tool calls stream as id/name then argument fragments', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    fake.enqueueReply({ toolCalls: [{ name: 'get_weather', arguments: args }], chunkSize: 10 });
    const chunks = dataJson(await (await postOpenAI(fake, { stream: true })).text());

    assert.ok(chunks.every((c) => !('usage' in c)));
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(toolDeltas[0], { index: 0, id: toolDeltas[0].id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    assert.match(toolDeltas[0].id, /^call_/);
    assert.equal(toolDeltas.map((d: { function: { arguments: string } }) => d.function.arguments).join(''), args);
    assert.ok(toolDeltas.slice(1).every((d: { index: number; id?: string }) => d.index === 0 && d.id === undefined));
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  test('OpenAI JSON answer echoes the model, has deterministic default text and token counts', async () => {
    const res = await postOpenAI(fake, { model: 'llama-3.3-70b' }, '/openai/v1/chat/completions');
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = await res.json();
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'llama-3.3-70b');
    assert.equal(typeof body.created, 'number');
    const text = 'Hello from llama-3.3-70b: Say hi';
    assert.deepEqual(body.choices[0].message, { role: 'assistant', content: text, refusal: null });
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.equal(body.usage.prompt_tokens, Math.ceil('Say hi'.length / 4));
    assert.equal(body.usage.completion_tokens, Math.ceil(text.length / 4));
    assert.equal(fake.requests.at(-1)!.path, '/openai/v1/chat/completions');
    assert.equal(fake.requests.at(-1)!.body.model, 'llama-3.3-70b');
    assert.equal(fake.requests.at(-1)!.headers.authorization, 'Bearer k');
  });

  test('max_tokens and stop sequences cut the answer like a model would', async () => {
    fake.enqueueReply({ text: 'one two three four five six' }, { text: 'alpha. beta' });
    const cut = await (await postAnthropic(fake, { max_tokens: 2 })).json();
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.equal(cut.content[0].text, 'one two ');
    const stopped = await (await postAnthropic(fake, { stop_sequences: ['.'] })).json();
    assert.deepEqual([stopped.stop_reason, stopped.stop_sequence, stopped.content[0].text], ['stop_sequence', '.', 'alpha']);
  });

  test('Anthropic streaming follows the real event sequence and splits usage between message_start and message_delta', async () => {
    fake.enqueueReply({ text: 'Bonjour tout le monde', chunkSize: 6, usage: { input: 100, cachedInput: 60, cacheWrite: 10, output: 9 } });
    const res = await postAnthropic(fake, { stream: true });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('request-id')!, /^req_/);
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event);
    assert.deepEqual(names, [
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    data.forEach((d, i) => assert.equal(d.type, names[i]));

    const start = data[0].message;
    assert.match(start.id, /^msg_/);
    assert.deepEqual([start.type, start.role, start.model, start.content, start.stop_reason], ['message', 'assistant', 'claude-sonnet-4-5', [], null]);
    assert.deepEqual(start.usage, { input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 1 });
    assert.deepEqual(data[1].content_block, { type: 'text', text: '' });
    assert.equal(data.slice(3, 7).map((d) => d.delta.text).join(''), 'Bonjour tout le monde');
    assert.ok(data.slice(3, 7).every((d) => d.index === 0 && d.delta.type === 'text_delta'));
    assert.deepEqual(data[8].delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.deepEqual(data[8].usage, { output_tokens: 9 });
  });

  test('Anthropic tool use: JSON has a tool_use block; the stream sends input_json_delta fragments', async () => {
    const call = { name: 'lookup', arguments: '{"q":"switchboard"}' };
    fake.enqueueReply({ toolCalls: [call] }, { toolCalls: [call], chunkSize: 4 });
    const json = await (await postAnthropic(fake, {})).json();
    assert.equal(json.stop_reason, 'tool_use');
    assert.equal(json.content.length, 1);
    assert.match(json.content[0].id, /^toolu_/);
    assert.deepEqual({ ...json.content[0], id: 'x' }, { type: 'tool_use', id: 'x', name: 'lookup', input: { q: 'switchboard' } });

    const data = dataJson(await (await postAnthropic(fake, { stream: true })).text());
    const start = data.find((d) => d.type === 'content_block_start');
    assert.deepEqual({ ...start.content_block, id: 'x' }, { type: 'tool_use', id: 'x', name: 'lookup', input: {} });
    const partial = data.filter((d) => d.delta?.type === 'input_json_delta').map((d) => d.delta.partial_json);
    assert.equal(partial.join(''), call.arguments);
    assert.equal(data.find((d) => d.type === 'message_delta').delta.stop_reason, 'tool_use');
  });

  test('Anthropic requires the anthropic-version header', async () => {
    const res = await postAnthropic(fake, {}, { 'content-type': 'application/json', 'x-api-key': 'k' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /anthropic-version/);
  });

  test('a queued 429 carries retry-after and rate-limit reset headers, then the next request succeeds', async () => {
    fake.enqueue({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    const limited = await postOpenAI(fake, {});
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal(limited.headers.get('x-ratelimit-reset-requests'), '2s');
    assert.equal(limited.headers.get('x-ratelimit-remaining-requests'), '0');
    const body = await limited.json();
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body.error.code, 'rate_limit_exceeded');
    assert.equal((await postOpenAI(fake, {})).status, 200);

    fake.enqueue({ kind: 'status', status: 429, retryAfterMs: 1500, headers: { 'x-extra': 'yes' } });
    const anthropic = await postAnthropic(fake, {});
    assert.equal(anthropic.status, 429);
    assert.equal(anthropic.headers.get('retry-after-ms'), '1500');
    assert.equal(anthropic.headers.get('x-extra'), 'yes');
    const reset = anthropic.headers.get('anthropic-ratelimit-requests-reset')!;
    assert.match(reset, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok(Date.parse(reset) > Date.now());
    assert.equal((await anthropic.json()).error.type, 'rate_limit_error');
  });

  test('a 529 answers with an Anthropic overloaded_error body and a request id', async () => {
    fake.enqueue({ kind: 'status', status: 529 });
    const res = await postAnthropic(fake, { stream: true });
    assert.equal(res.status, 529);
    const body = await res.json();
    assert.deepEqual(body, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: res.headers.get('request-id') });
  });

  test('reset destroys the connection before any response byte', async () => {
    fake.enqueue({ kind: 'reset' });
    const before = fake.requests.length;
    await assert.rejects(postOpenAI(fake, {}), TypeError);
    assert.equal(fake.requests.length, before + 1, 'the request was still recorded');
    assert.equal((await postOpenAI(fake, {})).status, 200);
  });

  test('invalid-json breaks the JSON body, or puts a malformed data line in a stream', async () => {
    fake.enqueue({ kind: 'invalid-json' }, { kind: 'invalid-json' });
    const json = await postOpenAI(fake, {});
    assert.equal(json.status, 200);
    await assert.rejects(json.json(), SyntaxError);

    const text = await (await postAnthropic(fake, { stream: true })).text();
    const events = parseSse(text);
    assert.equal(events[0].event, 'message_start');
    assert.throws(() => events.forEach((e) => JSON.parse(e.data)), SyntaxError);
    assert.ok(!events.some((e) => e.event === 'message_stop'));
  });

  test('drop-mid-stream sends N content chunks, then cuts the connection', async () => {
    fake.enqueueReply({ text: 'abcdefghijkl', chunkSize: 2 });
    fake.enqueue({ kind: 'drop-mid-stream', afterChunks: 3 });
    const { text, error } = await readUntilError(await postOpenAI(fake, { stream: true }));
    assert.ok(error, 'the body read fails');
    const deltas = dataJson(text).map((c) => c.choices[0].delta.content).filter(Boolean);
    assert.deepEqual(deltas, ['ab', 'cd', 'ef']);

    // The dropped answer did not consume the queued reply: a retry gets it whole.
    const retry = dataJson(await (await postOpenAI(fake, { stream: true })).text());
    assert.equal(retry.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'abcdefghijkl');

    fake.enqueue({ kind: 'drop-mid-stream', afterChunks: 0 });
    await assert.rejects(postOpenAI(fake, {}).then((r) => r.text()));
  });

  test('stream-error reports an error event inside an Anthropic stream', async () => {
    fake.enqueueReply({ text: 'abcdef', chunkSize: 2 });
    fake.enqueue({ kind: 'stream-error', afterChunks: 1 });
    const events = parseSse(await (await postAnthropic(fake, { stream: true })).text());
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.deepEqual(JSON.parse(last.data), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    assert.equal(events.filter((e) => e.event === 'content_block_delta').length, 1);
  });

  test('delay holds the first byte, chunkDelayMs spaces the chunks', async () => {
    fake.enqueue({ kind: 'delay', ms: 120 });
    let started = Date.now();
    assert.equal((await postOpenAI(fake, {})).status, 200);
    assert.ok(Date.now() - started >= 110);

    fake.enqueueReply({ text: 'abcd', chunkSize: 1, chunkDelayMs: 40 });
    started = Date.now();
    const res = await postOpenAI(fake, { stream: true });
    const arrivals: number[] = [];
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (new TextDecoder().decode(r.value).includes('"content":"')) arrivals.push(Date.now() - started);
    }
    assert.ok(arrivals.length >= 4, `content chunks arrived separately: ${arrivals.join(', ')}`);
    assert.ok(arrivals.at(-1)! - arrivals[0] >= 110);
  });

  test('GET /api/tags lists Ollama models and GET /v1/models lists LM Studio models', async () => {
    fake.localModels.ollama = ['mistral:7b'];
    fake.localModels.lmstudio = ['phi-4'];
    const tags = await (await fetch(`${fake.url}/api/tags`)).json();
    assert.equal(tags.models.length, 1);
    assert.equal(tags.models[0].name, 'mistral:7b');
    assert.equal(tags.models[0].model, 'mistral:7b');
    assert.equal(tags.models[0].details.format, 'gguf');
    const models = await (await fetch(`${fake.url}/v1/models`)).json();
    assert.equal(models.object, 'list');
    assert.deepEqual(models.data[0], { id: 'phi-4', object: 'model', created: models.data[0].created, owned_by: 'organization_owner' });
  });
});

describe('the official SDKs read the fake as their own provider', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream({ expectedKey: 'k' });
  });
  after(() => fake.close());
  const call = { name: 'lookup', arguments: '{"q":1}' };

  test('OpenAI SDK: streamed tool call and usage, and a retry that honours retry-after-ms', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${fake.url}/v1`, maxRetries: 1 });
    fake.enqueueReply({ text: 'Let me look.', toolCalls: [call], usage: { input: 20, cachedInput: 5 } });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0].message;
    assert.equal(message.content, 'Let me look.');
    assert.deepEqual(message.tool_calls?.map((c) => c.type === 'function' && c.function), [call]);
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 5);

    fake.enqueue({ kind: 'status', status: 429, retryAfterMs: 30 });
    const before = fake.requests.length;
    const answer = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'again' }] });
    assert.equal(answer.choices[0].message.content, 'Hello from m: again');
    assert.equal(fake.requests.length, before + 2);
  });

  test('Anthropic SDK: streamed message with tool use, usage and request id; 529 is an OverloadedError', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
    fake.enqueueReply({ text: 'Looking.', toolCalls: [call], usage: { input: 50, cachedInput: 30, output: 12 } });
    const message = await client.messages
      .stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    assert.deepEqual(
      message.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? b.input : b.type)),
      ['Looking.', { q: 1 }],
    );
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual([message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens], [20, 30, 12]);

    fake.enqueue({ kind: 'status', status: 529 });
    await assert.rejects(
      client.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      (error: unknown) => error instanceof Anthropic.OverloadedError && error.status === 529 && /^req_/.test(error.requestID ?? ''),
    );
  });
});

describe('fake upstream with an expected key', () => {
  let fake: FakeUpstream;
  before(async () => {
    fake = await startFakeUpstream({ expectedKey: 'right' });
  });
  after(() => fake.close());

  test('a wrong or missing key is a 401 in each family format', async () => {
    const openai = await postOpenAI(fake, {}, '/v1/chat/completions', { authorization: 'Bearer wrong-key' });
    assert.equal(openai.status, 401);
    assert.equal((await openai.json()).error.code, 'invalid_api_key');
    const anthropic = await postAnthropic(fake, {}, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    assert.equal(anthropic.status, 401);
    assert.equal((await anthropic.json()).error.type, 'authentication_error');
    const ok = await postAnthropic(fake, {}, { ...ANTHROPIC_HEADERS, 'x-api-key': 'right' });
    assert.equal(ok.status, 200);
  });
});

describe('fake upstream chaos', () => {
  const faults: Fault[] = [
    { kind: 'status', status: 500 },
    { kind: 'status', status: 503 },
  ];

  async function statuses(seed: number, count: number, queued?: Fault): Promise<number[]> {
    const fake = await startFakeUpstream();
    try {
      fake.setChaos({ rate: 0.5, faults, seed });
      if (queued) fake.enqueue(queued);
      const seen: number[] = [];
      for (let i = 0; i < count; i++) seen.push((await postOpenAI(fake, {})).status);
      fake.setChaos(null);
      for (let i = 0; i < 3; i++) seen.push((await postOpenAI(fake, {})).status);
      return seen;
    } finally {
      await fake.close();
    }
  }

  test('the same seed gives the same faults; the queue goes first; null turns chaos off', async () => {
    const first = await statuses(42, 24);
    const again = await statuses(42, 24);
    assert.deepEqual(again, first);
    const chaotic = first.slice(0, 24);
    assert.ok(chaotic.includes(200) && chaotic.includes(500) && chaotic.includes(503), chaotic.join(','));
    assert.deepEqual(first.slice(24), [200, 200, 200]);
    assert.notDeepEqual(await statuses(7, 24), first);

    const withQueued = await statuses(42, 24, { kind: 'status', status: 418 });
    assert.equal(withQueued[0], 418);
    assert.deepEqual(withQueued.slice(1, 24), first.slice(0, 23), 'a queued fault does not draw from the generator');
  });
});

describe('fake upstream close()', () => {
  test('ends hanging requests and resolves', async () => {
    const fake = await startFakeUpstream();
    fake.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const pending = [postOpenAI(fake, {}), postAnthropic(fake, { stream: true })];
    while (fake.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await fake.close();
    const settled = await Promise.allSettled(pending);
    assert.deepEqual(settled.map((s) => s.status), ['rejected', 'rejected']);
    assert.ok(Date.now() - started < 1000);
    await fake.close();
  });

  test('a client abort ends a hanging request and the fake keeps serving', async () => {
    const fake = await startFakeUpstream();
    try {
      fake.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      const hanging = fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        signal: controller.signal,
        body: JSON.stringify({ model: 'm', messages: [] }),
      });
      while (fake.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await assert.rejects(hanging, { name: 'AbortError' });
      assert.equal((await postOpenAI(fake, {})).status, 200);
    } finally {
      await fake.close();
    }
  });
});

describe('serve.ts', () => {
  test('prints the URL, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../fakes/serve.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const match = /^FAKE_UPSTREAM_URL=(http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(match, line);
      const tags = await (await fetch(`${match[1]}/api/tags`)).json();
      assert.ok(Array.isArray(tags.models));
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
