import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getAdapter } from '../../src/core/providers/index';
import { ChunkAccumulator } from '../../src/core/providers/openai/stream';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import type { ProviderAdapter, ProviderDefinition, ResolvedCall } from '../../src/core/providers/types';
import type { ChatRequest, ProviderStreamEvent } from '../../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { collect } from '../support/collect';

const PNG_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const OPENAI = BUILTIN_PROVIDERS.find((p) => p.id === 'openai')!;

let fake: FakeUpstream;
let adapter: ProviderAdapter;

before(async () => {
  fake = await startFakeUpstream();
  adapter = await getAdapter('openai');
});
after(() => fake.close());

function callFor(request: Partial<ChatRequest>, provider: ProviderDefinition = OPENAI, extra: Partial<ResolvedCall> = {}): ResolvedCall {
  return {
    provider,
    modelId: `${provider.id}/gpt-test`,
    upstreamModel: 'gpt-test',
    baseURL: `${fake.url}/v1`,
    apiKey: 'sk-test',
    headers: {},
    request: { model: `${provider.id}/gpt-test`, messages: [{ role: 'user', content: 'hi' }], ...request },
    ...extra,
  };
}

const lastRequest = () => fake.requests.at(-1)!;

describe('OpenAI family: request shape', () => {
  test('a full conversation becomes Chat Completions parameters, sent with the key and headers', async () => {
    await adapter.complete(
      callFor(
        {
          system: 'Be brief.',
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: PNG_DATA_URL }] },
            { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"png"}' }] },
            { role: 'tool', toolCallId: 'call_1', content: 'a pixel' },
            { role: 'user', content: 'And now?' },
          ],
          temperature: 0.3,
          topP: 0.9,
          maxTokens: 50,
          stop: ['END'],
          tools: [{ name: 'lookup', description: 'Looks things up', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
          toolChoice: { name: 'lookup' },
          responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
        },
        OPENAI,
        { headers: { 'x-custom': 'yes' } },
      ),
      {},
    );
    const { path, headers, body } = lastRequest();
    assert.equal(path, '/v1/chat/completions');
    assert.equal(headers.authorization, 'Bearer sk-test');
    assert.equal(headers['x-custom'], 'yes');
    assert.equal(headers['x-stainless-retry-count'], '0');
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: PNG_DATA_URL } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"png"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a pixel' },
      { role: 'user', content: 'And now?' },
    ]);
    assert.equal(body.model, 'gpt-test');
    assert.equal(body.temperature, 0.3);
    assert.equal(body.top_p, 0.9);
    // OpenAI's registry entry asks for max_completion_tokens.
    assert.equal(body.max_completion_tokens, 50);
    assert.equal(body.max_tokens, undefined);
    assert.deepEqual(body.stop, ['END']);
    assert.deepEqual(body.tools, [
      {
        type: 'function',
        function: { name: 'lookup', description: 'Looks things up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'lookup' } });
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
    assert.equal(body.stream, false);
  });

  test('quirks shape the request: max_tokens by default, and no stop, tool_choice or json_schema where rejected', async () => {
    const quirky: ProviderDefinition = {
      ...OPENAI,
      id: 'quirky',
      name: 'Quirky',
      quirks: { noStop: true, noToolChoice: true, noJsonSchema: true },
    };
    await adapter.complete(
      callFor(
        {
          maxTokens: 20,
          stop: ['x'],
          tools: [{ name: 't', parameters: { type: 'object', properties: {} } }],
          toolChoice: 'required',
          responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' } },
        },
        quirky,
      ),
      {},
    );
    const { body } = lastRequest();
    assert.equal(body.max_tokens, 20);
    assert.equal(body.max_completion_tokens, undefined);
    assert.equal(body.stop, undefined);
    assert.equal(body.tool_choice, undefined);
    assert.equal(body.tools.length, 1);
    assert.deepEqual(body.response_format, { type: 'json_object' });
  });

  test('a keyless local server gets no Authorization header', async () => {
    const ollama = BUILTIN_PROVIDERS.find((p) => p.id === 'ollama')!;
    const result = await adapter.complete(callFor({}, ollama, { apiKey: undefined }), {});
    assert.match(result.text, /Hello from gpt-test/);
    assert.equal(lastRequest().headers.authorization, undefined);
  });
});

describe('OpenAI family: responses', () => {
  test('text, finish reason, usage with cached and reasoning tokens, and the x-request-id', async () => {
    fake.enqueueReply({ text: 'Four.', usage: { input: 120, cachedInput: 100, output: 40, reasoning: 30 } });
    const result = await adapter.complete(callFor({}), {});
    assert.equal(result.text, 'Four.');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 40, reasoningTokens: 30 });
    assert.match(result.requestId!, /^req_fake\d+$/);
    assert.equal(result.upstreamModel, 'gpt-test');
  });

  test('tool calls come back with their ids, names and arguments', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }, { name: 'time', arguments: '{}' }] });
    const result = await adapter.complete(callFor({ tools: [{ name: 'weather', parameters: {} }, { name: 'time', parameters: {} }] }), {});
    assert.equal(result.finishReason, 'tool_calls');
    assert.equal(result.text, '');
    assert.deepEqual(
      result.toolCalls.map(({ name, arguments: args }) => ({ name, args })),
      [
        { name: 'weather', args: '{"city":"Oslo"}' },
        { name: 'time', args: '{}' },
      ],
    );
    assert.ok(result.toolCalls.every((c) => c.id.startsWith('call_')));
  });

  test('a max_tokens cut reports length', async () => {
    fake.enqueueReply({ text: 'x'.repeat(400) });
    const result = await adapter.complete(callFor({ maxTokens: 5 }), {});
    assert.equal(result.finishReason, 'length');
  });
});

describe('OpenAI family: streaming', () => {
  test('asks for usage, yields deltas as they arrive, then usage, then the assembled result', async () => {
    fake.enqueueReply({ text: 'The quick brown fox jumps.', chunkSize: 5, chunkDelayMs: 60, usage: { input: 9, output: 7, cachedInput: 4, reasoning: 2 } });
    const started = Date.now();
    const arrivals: { event: ProviderStreamEvent; at: number }[] = [];
    for await (const event of adapter.stream(callFor({ stream: true }), {})) arrivals.push({ event, at: Date.now() - started });

    const { body } = lastRequest();
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });

    const types = arrivals.map((a) => a.event.type);
    assert.deepEqual(types, ['text', 'text', 'text', 'text', 'text', 'text', 'usage', 'done']);
    // Not buffered: the first delta reached us long before the last one was sent.
    const done = arrivals.at(-1)!;
    assert.ok(done.at - arrivals[0].at >= 200, `first delta at ${arrivals[0].at} ms, done at ${done.at} ms`);

    const text = arrivals.flatMap((a) => (a.event.type === 'text' ? [a.event.delta] : [])).join('');
    assert.equal(text, 'The quick brown fox jumps.');
    const usage = arrivals.find((a) => a.event.type === 'usage')!.event;
    assert.deepEqual(usage, { type: 'usage', usage: { inputTokens: 9, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 2 } });
    assert.equal(done.event.type, 'done');
    if (done.event.type !== 'done') return;
    assert.equal(done.event.result.text, text);
    assert.equal(done.event.result.finishReason, 'stop');
    assert.match(done.event.result.requestId!, /^req_fake\d+$/);
    assert.equal(done.event.result.usage.inputTokens, 9);
  });

  test('tool call deltas stream by index, and the result holds the whole calls', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'search', arguments: '{"query":"switchboard"}' }, { name: 'open', arguments: '{"id":7}' }], chunkSize: 6 });
    const events = await collect(adapter.stream(callFor({ stream: true, tools: [{ name: 'search', parameters: {} }, { name: 'open', parameters: {} }] }), {}));
    const toolEvents = events.filter((e) => e.type === 'tool_call');
    const first = toolEvents.find((e) => e.index === 0 && e.name);
    assert.equal(first?.name, 'search');
    assert.ok(first?.id?.startsWith('call_'));
    const args = (index: number) => toolEvents.filter((e) => e.index === index).map((e) => e.argumentsDelta).join('');
    assert.equal(args(0), '{"query":"switchboard"}');
    assert.equal(args(1), '{"id":7}');
    assert.ok(toolEvents.filter((e) => e.index === 0).length > 2, 'arguments arrive in several deltas');
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type !== 'done') return;
    assert.equal(done.result.finishReason, 'tool_calls');
    assert.deepEqual(
      done.result.toolCalls.map((c) => [c.name, c.arguments]),
      [
        ['search', '{"query":"switchboard"}'],
        ['open', '{"id":7}'],
      ],
    );
  });

  test('a provider that rejects stream_options is not sent it, and reports no usage', async () => {
    const mistral = BUILTIN_PROVIDERS.find((p) => p.id === 'mistral')!;
    const events = await collect(adapter.stream(callFor({ stream: true }, mistral), {}));
    assert.equal(lastRequest().body.stream_options, undefined);
    assert.equal(events.some((e) => e.type === 'usage'), false);
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type === 'done') assert.equal(done.result.usage.outputTokens, 0);
  });
});

describe('OpenAI family: chunk accumulator', () => {
  test('tool call deltas without an index (as some compatible servers send them) still make separate calls', () => {
    const acc = new ChunkAccumulator();
    const chunk = (delta: object, finish: string | null = null) =>
      ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'gemini-x', choices: [{ index: 0, delta, finish_reason: finish }] }) as never;
    const events: ProviderStreamEvent[] = [];
    acc.accept(chunk({ tool_calls: [{ id: 'a', type: 'function', function: { name: 'one', arguments: '{"x":1}' } }] }), events);
    acc.accept(chunk({ tool_calls: [{ id: 'b', type: 'function', function: { name: 'two', arguments: '{' } }] }), events);
    acc.accept(chunk({ tool_calls: [{ function: { arguments: '}' } }] }, 'tool_calls'), events);
    assert.deepEqual(
      events.map((e) => e.type === 'tool_call' && e.index),
      [0, 1, 1],
    );
    assert.equal(acc.complete, true);
    assert.deepEqual(acc.result(undefined).toolCalls, [
      { id: 'a', name: 'one', arguments: '{"x":1}' },
      { id: 'b', name: 'two', arguments: '{}' },
    ]);
    assert.equal(acc.result(undefined).requestId, 'c1');
  });
});
