import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamError } from '../../src/core/errors';
import { ChunkAccumulator } from '../../src/core/providers/openai/stream';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import { runStream, type ClassifyError } from '../../src/core/providers/stream-runner';
import type { ResolvedCall } from '../../src/core/providers/types';
import { collect } from '../support/collect';

const OPENAI = BUILTIN_PROVIDERS.find((p) => p.id === 'openai')!;
const CALL: ResolvedCall = {
  provider: OPENAI,
  modelId: 'openai/gpt-test',
  upstreamModel: 'gpt-test',
  baseURL: 'http://127.0.0.1:1/v1',
  apiKey: 'sk-test',
  headers: {},
  request: { model: 'openai/gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true },
};
const classify: ClassifyError = () => ({ kind: 'interrupted', detail: 'test' });

const chunk = (delta: object, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] }) as never;

async function* chunksOf(...chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk> {
  for (const c of chunks) yield c;
}

const run = (chunks: AsyncIterable<ChatCompletionChunk>) => runStream(CALL, undefined, async () => ({ chunks }), new ChunkAccumulator(), classify);

describe('runStream', () => {
  test("a chunk's events are handed on in the order the chunk gave them, one-event chunks and several-event chunks alike", async () => {
    const tool = (index: number, name: string) => ({ index, id: `call_${name}`, type: 'function', function: { name, arguments: '{}' } });
    const events = await collect(
      run(
        chunksOf(
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'a' }),
          chunk({ content: 'b', tool_calls: [tool(0, 'one'), tool(1, 'two')] }),
          chunk({ content: 'c' }),
          chunk({}, 'tool_calls'),
        ),
      ),
    );
    assert.deepEqual(
      events.map((e) => (e.type === 'text' ? `text ${e.delta}` : e.type === 'tool_call' ? `tool ${e.name}` : e.type)),
      ['text a', 'text b', 'tool one', 'tool two', 'text c', 'done'],
    );
  });

  test('an accumulator that throws mid-chunk ends the stream with the error and hands on nothing of that chunk', async () => {
    // The bad chunk gives two events before the throw, so that they wait in the runner's queue.
    const badTool = { index: 0, id: 'call_bad', type: 'function', function: { name: 'bad', arguments: '{}' } };
    const accumulator = new ChunkAccumulator();
    const accept = accumulator.accept.bind(accumulator);
    accumulator.accept = (c, out) => {
      accept(c, out);
      if (c.choices[0]?.delta?.content === 'bad') throw new Error('cannot read this chunk');
    };
    const stream = runStream(CALL, undefined, async () => ({ chunks: chunksOf(chunk({ content: 'ok' }), chunk({ content: 'bad', tool_calls: [badTool] }), chunk({ content: 'late' })) }), accumulator, classify);
    assert.deepEqual(await stream.next(), { done: false, value: { type: 'text', delta: 'ok' } });
    await assert.rejects(stream.next(), UpstreamError);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });
});
