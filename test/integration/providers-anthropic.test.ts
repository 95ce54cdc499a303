import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidRequestError } from '../../src/core/errors';
import { getAdapter } from '../../src/core/providers/index';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import type { ProviderAdapter, ProviderDefinition, ResolvedCall } from '../../src/core/providers/types';
import type { ChatRequest, ProviderStreamEvent } from '../../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { collect } from '../support/collect';

const JPEG_DATA = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/';
const ANTHROPIC = BUILTIN_PROVIDERS.find((p) => p.id === 'anthropic')!;

let fake: FakeUpstream;
let adapter: ProviderAdapter;

before(async () => {
  fake = await startFakeUpstream({ expectedKey: 'sk-ant-test' });
  adapter = await getAdapter('anthropic');
});
after(() => fake.close());

function callFor(request: Partial<ChatRequest>, provider: ProviderDefinition = ANTHROPIC, extra: Partial<ResolvedCall> = {}): ResolvedCall {
  return {
    provider,
    modelId: 'anthropic/claude-test',
    upstreamModel: 'claude-test',
    baseURL: fake.url,
    apiKey: 'sk-ant-test',
    headers: {},
    request: { model: 'anthropic/claude-test', messages: [{ role: 'user', content: 'hi' }], ...request },
    ...extra,
  };
}

const lastRequest = () => fake.requests.at(-1)!;

describe('Anthropic family: request shape', () => {
  test('a full conversation becomes Messages API parameters', async () => {
    await adapter.complete(
      callFor(
        {
          system: 'Be brief.',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Compare these.' },
                { type: 'image', url: `data:image/jpg;base64,${JPEG_DATA}` },
                { type: 'image', url: 'https://example.com/cat.png' },
              ],
            },
            {
              role: 'assistant',
              content: [{ type: 'text', text: 'Let me look.' }],
              toolCalls: [
                { id: 'toolu_1', name: 'describe', arguments: '{"image":1}' },
                { id: 'toolu_2', name: 'describe', arguments: '{"image":2}' },
              ],
            },
            { role: 'tool', toolCallId: 'toolu_1', content: 'a dog' },
            { role: 'tool', toolCallId: 'toolu_2', content: 'a cat' },
          ],
          temperature: 0.2,
          topP: 0.5,
          maxTokens: 300,
          stop: ['STOP'],
          tools: [{ name: 'describe', description: 'Describes an image', parameters: { type: 'object', properties: { image: { type: 'number' } } } }],
          toolChoice: 'required',
          responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object', properties: { answer: { type: 'string' } } } },
        },
        ANTHROPIC,
        { headers: { 'anthropic-beta': 'some-feature' } },
      ),
      {},
    );
    const { path, headers, body } = lastRequest();
    assert.equal(path, '/v1/messages');
    // The registry says Anthropic takes its key in x-api-key; the SDK's Bearer header is replaced.
    assert.equal(headers['x-api-key'], 'sk-ant-test');
    assert.equal(headers.authorization, undefined);
    assert.ok(headers['anthropic-version']);
    assert.equal(headers['anthropic-beta'], 'some-feature');
    assert.equal(body.system, 'Be brief.');
    assert.equal(body.model, 'claude-test');
    assert.equal(body.max_tokens, 300);
    assert.deepEqual(body.stop_sequences, ['STOP']);
    // API version 2026-10-21 rejects the sampling parameters.
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_p, undefined);
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: JPEG_DATA } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_1', name: 'describe', input: { image: 1 } },
          { type: 'tool_use', id: 'toolu_2', name: 'describe', input: { image: 2 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a dog' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'a cat' },
        ],
      },
    ]);
    assert.deepEqual(body.tools, [
      { name: 'describe', description: 'Describes an image', input_schema: { type: 'object', properties: { image: { type: 'number' } } } },
    ]);
    assert.deepEqual(body.tool_choice, { type: 'any' });
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema: { type: 'object', properties: { answer: { type: 'string' } } } } });
  });

  test('max_tokens defaults to 4096; tool choices map to auto, none and a named tool', async () => {
    const tools = [{ name: 'lookup', parameters: { type: 'object', properties: {} } }];
    await adapter.complete(callFor({ tools, toolChoice: { name: 'lookup' } }), {});
    assert.equal(lastRequest().body.max_tokens, 4096);
    assert.deepEqual(lastRequest().body.tool_choice, { type: 'tool', name: 'lookup' });
    await adapter.complete(callFor({ tools, toolChoice: 'none' }), {});
    assert.deepEqual(lastRequest().body.tool_choice, { type: 'none' });
    await adapter.complete(callFor({ tools, toolChoice: 'auto' }), {});
    assert.deepEqual(lastRequest().body.tool_choice, { type: 'auto' });
  });

  test('json_object, which Anthropic has no mode for, becomes an instruction after the system prompt', async () => {
    await adapter.complete(callFor({ system: 'You rate movies.', responseFormat: { type: 'json_object' } }), {});
    const { body } = lastRequest();
    assert.match(body.system, /^You rate movies\.\n\n.*JSON object/);
    assert.equal(body.output_config, undefined);
  });

  test('earlier tool arguments that are not JSON are an InvalidRequestError, before anything is sent', async () => {
    const before = fake.requests.length;
    const messages: ChatRequest['messages'] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_x', name: 'broken', arguments: '{not json' }] },
      { role: 'tool', toolCallId: 'toolu_x', content: 'ok' },
    ];
    await assert.rejects(adapter.complete(callFor({ messages }), {}), (err: unknown) => err instanceof InvalidRequestError && /"broken"/.test(err.message));
    await assert.rejects(async () => {
      for await (const _event of adapter.stream(callFor({ messages, stream: true }), {})) assert.fail('no event expected');
    }, InvalidRequestError);
    assert.equal(fake.requests.length, before);
  });

  test('a provider defined with bearer auth keeps the SDK Authorization header', async () => {
    const proxy: ProviderDefinition = { ...ANTHROPIC, id: 'claude-proxy', auth: 'bearer' };
    await adapter.complete(callFor({}, proxy), {});
    assert.equal(lastRequest().headers.authorization, 'Bearer sk-ant-test');
    assert.equal(lastRequest().headers['x-api-key'], undefined);
  });
});

describe('Anthropic family: responses', () => {
  test('usage counts cache reads and writes into the input, and the request-id header is the request id', async () => {
    fake.enqueueReply({ text: 'Done.', usage: { input: 1000, cachedInput: 700, cacheWrite: 200, output: 12 } });
    const result = await adapter.complete(callFor({}), {});
    assert.equal(result.text, 'Done.');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { inputTokens: 1000, cachedInputTokens: 700, cacheWriteTokens: 200, outputTokens: 12, reasoningTokens: 0 });
    assert.match(result.requestId!, /^req_fake\d+$/);
    assert.equal(result.upstreamModel, 'claude-test');
  });

  test('tool_use blocks become tool calls with JSON arguments', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] });
    const result = await adapter.complete(callFor({ tools: [{ name: 'weather', parameters: {} }] }), {});
    assert.equal(result.finishReason, 'tool_calls');
    assert.equal(result.toolCalls.length, 1);
    assert.equal(result.toolCalls[0].name, 'weather');
    assert.deepEqual(JSON.parse(result.toolCalls[0].arguments), { city: 'Oslo' });
    assert.match(result.toolCalls[0].id, /^toolu_/);
  });

  test('stop sequences and max_tokens map to stop and length', async () => {
    fake.enqueueReply({ text: 'one two STOP three' });
    const stopped = await adapter.complete(callFor({ stop: ['STOP'] }), {});
    assert.equal(stopped.finishReason, 'stop');
    assert.equal(stopped.text, 'one two ');
    fake.enqueueReply({ text: 'y'.repeat(400) });
    assert.equal((await adapter.complete(callFor({ maxTokens: 3 }), {})).finishReason, 'length');
  });
});

describe('Anthropic family: streaming', () => {
  test('yields text deltas as they arrive; usage combines message_start and message_delta', async () => {
    fake.enqueueReply({ text: 'Streaming from Claude.', chunkSize: 6, chunkDelayMs: 60, usage: { input: 500, cachedInput: 300, cacheWrite: 100, output: 9 } });
    const started = Date.now();
    const arrivals: { event: ProviderStreamEvent; at: number }[] = [];
    for await (const event of adapter.stream(callFor({ stream: true }), {})) arrivals.push({ event, at: Date.now() - started });

    assert.equal(lastRequest().body.stream, true);
    assert.deepEqual(
      arrivals.map((a) => a.event.type),
      ['text', 'text', 'text', 'text', 'usage', 'done'],
    );
    assert.ok(arrivals.at(-1)!.at - arrivals[0].at >= 150, 'the first delta arrived before the stream ended');
    const text = arrivals.flatMap((a) => (a.event.type === 'text' ? [a.event.delta] : [])).join('');
    assert.equal(text, 'Streaming from Claude.');
    const expectedUsage = { inputTokens: 500, cachedInputTokens: 300, cacheWriteTokens: 100, outputTokens: 9, reasoningTokens: 0 };
    assert.deepEqual(arrivals[4].event, { type: 'usage', usage: expectedUsage });
    const done = arrivals[5].event;
    assert.equal(done.type, 'done');
    if (done.type !== 'done') return;
    assert.equal(done.result.text, text);
    assert.equal(done.result.finishReason, 'stop');
    assert.deepEqual(done.result.usage, expectedUsage);
    assert.match(done.result.requestId!, /^req_fake\d+$/);
  });

  test('tool_use blocks stream as tool calls numbered from 0, with their JSON in pieces', async () => {
    fake.enqueueReply({
      text: 'Checking.',
      toolCalls: [
        { name: 'weather', arguments: '{"city":"Bergen"}' },
        { name: 'clock', arguments: '{"tz":"CET"}' },
      ],
      chunkSize: 5,
    });
    const events = await collect(adapter.stream(callFor({ stream: true, tools: [{ name: 'weather', parameters: {} }, { name: 'clock', parameters: {} }] }), {}));
    const starts = events.filter((e) => e.type === 'tool_call' && e.name);
    assert.deepEqual(
      starts.map((e) => e.type === 'tool_call' && [e.index, e.name]),
      [
        [0, 'weather'],
        [1, 'clock'],
      ],
    );
    const args = (index: number) =>
      events.flatMap((e) => (e.type === 'tool_call' && e.index === index ? [e.argumentsDelta] : [])).join('');
    assert.equal(args(0), '{"city":"Bergen"}');
    assert.equal(args(1), '{"tz":"CET"}');
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type !== 'done') return;
    assert.equal(done.result.text, 'Checking.');
    assert.equal(done.result.finishReason, 'tool_calls');
    assert.deepEqual(
      done.result.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)]),
      [
        ['weather', { city: 'Bergen' }],
        ['clock', { tz: 'CET' }],
      ],
    );
  });
});
