import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { parseSettings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import { startServer, type RunningServer } from '../../src/server/server';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

/** Real SDK clients against the gateway, which forwards to the loopback fake upstream. */

const TOKEN = 'sb-test-token';
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const OPENAI_MODEL = 'openai/gpt-5-mini';
const ANTHROPIC_MODEL = 'anthropic/claude-sonnet-5';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

let fake: FakeUpstream;
let server: RunningServer;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  fake = await startFakeUpstream();
  const env = {
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: 'sk-anthropic',
    SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`,
    SWITCHBOARD_ANTHROPIC_BASE_URL: fake.url,
  };
  const { settings } = parseSettings({ localDetection: false, retry: { maxAttempts: 1 }, aliases: { fast: OPENAI_MODEL } });
  const gateway = new Gateway({ settings, keys: envKeySource(env), env });
  server = await startServer({ gateway, token: TOKEN, port: 0 });
  openai = new OpenAI({ apiKey: TOKEN, baseURL: `${server.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: TOKEN, baseURL: server.url, maxRetries: 0 });
});

after(async () => {
  await server.close();
  await fake.close();
});

const lastUpstream = () => fake.requests.at(-1)!;

describe('OpenAI format', () => {
  test('a non-streaming answer carries text, usage with cached tokens, and the x-switchboard headers', async () => {
    fake.enqueueReply({ text: 'Bonjour.', usage: { input: 120, cachedInput: 40, output: 9 } });
    const { data, response } = await openai.chat.completions
      .create({ model: OPENAI_MODEL, messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'Hello' }] })
      .withResponse();

    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, OPENAI_MODEL);
    assert.equal(data.choices[0].message.content, 'Bonjour.');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.equal(data.usage?.prompt_tokens, 120);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens, 40);
    assert.equal(data.usage?.completion_tokens, 9);
    assert.equal(response.headers.get('x-switchboard-provider'), 'openai');
    assert.equal(response.headers.get('x-switchboard-model'), OPENAI_MODEL);
    assert.equal(response.headers.get('x-switchboard-attempts'), '1');
    assert.match(response.headers.get('x-switchboard-cost-usd') ?? '', /^\d+(\.\d+)?$/);
    assert.ok(Number(response.headers.get('x-switchboard-cost-usd')) > 0);

    const upstream = lastUpstream().body;
    assert.equal(upstream.model, 'gpt-5-mini');
    assert.deepEqual(upstream.messages[0], { role: 'system', content: 'Answer in French.' });
    assert.equal(upstream.messages.at(-1).content, 'Hello');
  });

  test('a stream with include_usage ends with a finish chunk, a usage chunk and [DONE]', async () => {
    fake.enqueueReply({ text: 'one two three four five', chunkSize: 4, usage: { input: 10, cachedInput: 4, output: 5 } });
    const stream = await openai.chat.completions.create({
      model: OPENAI_MODEL,
      messages: [{ role: 'user', content: 'Count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'one two three four five');
    const finish = chunks.at(-2)!;
    assert.equal(finish.choices[0].finish_reason, 'stop');
    const usage = chunks.at(-1)!;
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage?.prompt_tokens, 10);
    assert.equal(usage.usage?.prompt_tokens_details?.cached_tokens, 4);
    assert.equal(usage.usage?.completion_tokens, 5);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    assert.equal(lastUpstream().body.stream, true);
  });

  test('a stream without include_usage has no usage chunk', async () => {
    const stream = await openai.chat.completions.create({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'stop');
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  test('tools and a tool call reach an Anthropic model and come back as OpenAI tool_calls', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const completion = await openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: WEATHER_TOOL }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const choice = completion.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    const call = choice.message.tool_calls![0];
    assert.equal(call.type, 'function');
    assert.ok(call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.equal(completion.model, ANTHROPIC_MODEL);

    const upstream = lastUpstream();
    assert.match(upstream.path, /\/v1\/messages$/);
    assert.equal(upstream.body.model, 'claude-sonnet-5');
    assert.deepEqual(upstream.body.tools[0].input_schema, WEATHER_TOOL.parameters);
    assert.deepEqual(upstream.body.tool_choice, { type: 'tool', name: 'get_weather' });

    // The tool result goes back as the next turn.
    await openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      max_tokens: 200,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' },
      ],
      tools: [{ type: 'function', function: WEATHER_TOOL }],
    });
    const turn = lastUpstream().body.messages;
    const toolUse = turn[1].content.find((b: { type: string }) => b.type === 'tool_use');
    assert.deepEqual({ id: toolUse.id, name: toolUse.name, input: toolUse.input }, { id: call.id, name: 'get_weather', input: { city: 'Paris' } });
    const toolResult = turn[2].content.find((b: { type: string }) => b.type === 'tool_result');
    assert.equal(toolResult.tool_use_id, call.id);
    assert.match(JSON.stringify(toolResult.content), /Sunny, 21 C/);
  });

  test('a streamed tool call from an Anthropic model arrives as tool_call deltas', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lyon"}' }], chunkSize: 3 });
    const stream = await openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      messages: [{ role: 'user', content: 'Weather in Lyon?' }],
      tools: [{ type: 'function', function: WEATHER_TOOL }],
      stream: true,
    });
    let name = '';
    let args = '';
    let id = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        assert.equal(call.index, 0);
        id ||= call.id ?? '';
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'get_weather');
    assert.deepEqual(JSON.parse(args), { city: 'Lyon' });
    assert.ok(id);
    assert.equal(finish, 'tool_calls');
  });

  test('an image part reaches an Anthropic model as a base64 image block', async () => {
    await openai.chat.completions.create({
      model: ANTHROPIC_MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
          ],
        },
      ],
    });
    const content = lastUpstream().body.messages[0].content;
    const image = content.find((b: { type: string }) => b.type === 'image');
    assert.deepEqual(image.source, { type: 'base64', media_type: 'image/png', data: PNG_BASE64 });
  });

  test('a max_tokens cut is finish_reason "length"', async () => {
    fake.enqueueReply({ text: 'x'.repeat(400) });
    const completion = await openai.chat.completions.create({ model: OPENAI_MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'Talk' }] });
    assert.equal(completion.choices[0].finish_reason, 'length');
    assert.equal(lastUpstream().body.max_completion_tokens, 5);
  });

  test('GET /v1/models lists the catalog in OpenAI format', async () => {
    const ids = [];
    for await (const model of openai.models.list()) {
      assert.equal(model.object, 'model');
      ids.push(model.id);
    }
    assert.ok(ids.includes(OPENAI_MODEL));
    assert.ok(ids.includes(ANTHROPIC_MODEL));
    const one = await openai.models.retrieve(OPENAI_MODEL);
    assert.equal(one.owned_by, 'openai');
  });

  test('GET /v1/models/{id} of an alias is its model, and of an unknown id a 404 that names the closest ids', async () => {
    assert.equal((await openai.models.retrieve('fast')).id, OPENAI_MODEL);
    await assert.rejects(openai.models.retrieve('openai/gpt-5-mni'), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.match(err.message, /Unknown model "openai\/gpt-5-mni"\. Did you mean "openai\/gpt-5-mini"/);
      assert.equal((err.error as { code?: string }).code, 'model_not_found');
      return true;
    });
  });
});

describe('Anthropic format', () => {
  test('a non-streaming answer from an OpenAI model, with usage split like Anthropic reports it', async () => {
    fake.enqueueReply({ text: 'Hi there.', usage: { input: 100, cachedInput: 30, output: 4 } });
    const { data, response } = await anthropic.messages
      .create({ model: OPENAI_MODEL, max_tokens: 100, system: 'Be kind.', messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse();

    assert.equal(data.type, 'message');
    assert.equal(data.role, 'assistant');
    assert.equal(data.model, OPENAI_MODEL);
    assert.deepEqual(data.content, [{ type: 'text', text: 'Hi there.' }]);
    assert.equal(data.stop_reason, 'end_turn');
    assert.equal(data.usage.input_tokens, 70);
    assert.equal(data.usage.cache_read_input_tokens, 30);
    assert.equal(data.usage.output_tokens, 4);
    assert.equal(response.headers.get('x-switchboard-provider'), 'openai');
    assert.equal(response.headers.get('x-switchboard-model'), OPENAI_MODEL);

    const upstream = lastUpstream();
    assert.match(upstream.path, /\/chat\/completions$/);
    assert.deepEqual(upstream.body.messages[0], { role: 'system', content: 'Be kind.' });
    assert.equal(upstream.body.max_completion_tokens, 100);
  });

  test('a stream from an OpenAI model has the real event sequence and a final message with usage', async () => {
    fake.enqueueReply({ text: 'streamed words here', chunkSize: 5, usage: { input: 50, cachedInput: 20, output: 6 } });
    const stream = anthropic.messages.stream({ model: OPENAI_MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'Go' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();

    const collapsed = types.filter((t, i) => t !== 'content_block_delta' || types[i - 1] !== 'content_block_delta');
    assert.deepEqual(collapsed, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    assert.ok(types.filter((t) => t === 'content_block_delta').length >= 3);
    assert.deepEqual(message.content, [{ type: 'text', text: 'streamed words here' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, 30);
    assert.equal(message.usage.cache_read_input_tokens, 20);
    assert.equal(message.usage.output_tokens, 6);
  });

  test('the raw stream includes a ping after the first block starts', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TOKEN, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: OPENAI_MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.deepEqual(events.slice(0, 3), ['message_start', 'content_block_start', 'ping']);
    assert.deepEqual(events.slice(-2), ['message_delta', 'message_stop']);
  });

  test('tools reach an OpenAI model as functions and come back as tool_use blocks', async () => {
    fake.enqueueReply({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    const message = await anthropic.messages.create({
      model: OPENAI_MODEL,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'any' },
    });
    assert.equal(message.stop_reason, 'tool_use');
    const block = message.content.find((b) => b.type === 'tool_use');
    assert.ok(block && block.type === 'tool_use');
    assert.equal(block.name, 'get_weather');
    assert.deepEqual(block.input, { city: 'Oslo' });

    const upstream = lastUpstream().body;
    assert.deepEqual(upstream.tools, [{ type: 'function', function: WEATHER_TOOL }]);
    assert.equal(upstream.tool_choice, 'required');

    // The tool result, and an image, on the next turn.
    await anthropic.messages.create({
      model: OPENAI_MODEL,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: block.id, content: 'Snow, -3 C' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
          ],
        },
      ],
    });
    const turn = lastUpstream().body.messages;
    assert.equal(turn[1].role, 'assistant');
    assert.deepEqual(turn[1].tool_calls[0], { id: block.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    assert.deepEqual({ role: turn[2].role, tool_call_id: turn[2].tool_call_id }, { role: 'tool', tool_call_id: block.id });
    assert.match(JSON.stringify(turn[2].content), /Snow, -3 C/);
    assert.equal(turn[3].role, 'user');
    const image = turn[3].content.find((p: { type: string }) => p.type === 'image_url');
    assert.equal(image.image_url.url, `data:image/png;base64,${PNG_BASE64}`);
  });

  test('a streamed tool call from an OpenAI model arrives as a tool_use block with input_json_delta', async () => {
    fake.enqueueReply({ text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Rome"}' }], chunkSize: 4 });
    const stream = anthropic.messages.stream({
      model: OPENAI_MODEL,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.parameters as Anthropic.Tool.InputSchema }],
    });
    const deltaTypes = new Set<string>();
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltaTypes.add(event.delta.type);
    });
    const message = await stream.finalMessage();
    assert.deepEqual([...deltaTypes].sort(), ['input_json_delta', 'text_delta']);
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.content[0], { type: 'text', text: 'Let me check.' });
    const tool = message.content[1];
    assert.ok(tool.type === 'tool_use');
    assert.equal(tool.name, 'get_weather');
    assert.deepEqual(tool.input, { city: 'Rome' });
  });

  test('an Anthropic model works on its own route too', async () => {
    const message = await anthropic.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'Ping' }] });
    assert.match((message.content[0] as Anthropic.TextBlock).text, /Ping/);
    assert.match(lastUpstream().path, /\/v1\/messages$/);
  });

  test('GET /v1/models answers in Anthropic format to the Anthropic SDK', async () => {
    const page = await anthropic.models.list();
    const ids = page.data.map((m) => m.id);
    assert.ok(ids.includes(ANTHROPIC_MODEL));
    assert.equal(page.data[0].type, 'model');
  });
});
