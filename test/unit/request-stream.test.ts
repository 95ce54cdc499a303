import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestState } from '../../src/core/request-state';
import { RequestStream, type StreamSteps } from '../../src/core/request-stream';
import type { RequestTicket } from '../../src/core/accounting/ticket';
import type { Candidate, RoutedEvent } from '../../src/core/routing/route';
import type { GatewayResult, GatewayStreamEvent } from '../../src/core/types';

const RESULT = { text: 'hi', toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 } } as unknown as GatewayResult;
const CANDIDATE = {} as Candidate;

/** A routed stream that records how it was read and closed. */
class FakeRouted implements AsyncIterator<RoutedEvent> {
  returned = 0;
  constructor(readonly events: (RoutedEvent | Error)[]) {}
  async next(): Promise<IteratorResult<RoutedEvent>> {
    const event = this.events.shift();
    if (event instanceof Error) throw event;
    return event ? { done: false, value: event } : { done: true, value: undefined };
  }
  async return(): Promise<IteratorResult<RoutedEvent>> {
    this.returned++;
    return { done: true, value: undefined };
  }
}

function harness(
  options: { routed?: FakeRouted; hit?: GatewayResult; openError?: Error; routeGate?: Promise<void>; recordingFails?: boolean; succeedFails?: boolean } = {},
) {
  const calls: string[] = [];
  const abandoned: string[] = [];
  const state = new RequestState(true, { model: 'm', messages: [] }, {});
  const steps: StreamSteps = {
    open(s) {
      calls.push('open');
      if (options.openError) throw options.openError;
      s.ticket = { abandon: (_attempts: unknown, partial: string) => abandoned.push(partial) } as unknown as RequestTicket;
      if (options.hit) s.settled = true;
      return options.hit;
    },
    route() {
      calls.push('route');
      const routed = options.routed ?? new FakeRouted([]);
      return options.routeGate ? options.routeGate.then(() => routed) : routed;
    },
    observe(s, event) {
      if (event.type === 'text') s.partialText += event.delta;
    },
    succeed(s, done) {
      calls.push('succeed');
      if (options.succeedFails) throw new Error('no price');
      s.settled = true;
      return { ...RESULT, text: (done.result as GatewayResult).text };
    },
    fail(s, err) {
      calls.push('fail');
      if (options.recordingFails) throw new Error('disk full');
      s.settled = true;
      return { type: 'error', error: err as Error, partialText: s.partialText, attempts: s.attempts };
    },
  };
  return { stream: new RequestStream(steps, state), calls, abandoned };
}

async function drain(stream: AsyncIterable<GatewayStreamEvent>): Promise<GatewayStreamEvent[]> {
  const seen: GatewayStreamEvent[] = [];
  for await (const event of stream) seen.push(event);
  return seen;
}

describe('RequestStream', () => {
  test('hands on routed events and ends with done; routing, over at its done, is not closed again', async () => {
    const routed = new FakeRouted([
      { type: 'text', delta: 'a' },
      { type: 'text', delta: 'b' },
      { type: 'done', result: RESULT, candidate: CANDIDATE },
    ]);
    const { stream, calls, abandoned } = harness({ routed });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['text', 'text', 'done']);
    assert.deepEqual(calls, ['open', 'route', 'succeed']);
    assert.equal(routed.returned, 0);
    assert.deepEqual(abandoned, []);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test('routing that is ready at once starts in the first read\'s own turn', async () => {
    const routed = new FakeRouted([{ type: 'done', result: RESULT, candidate: CANDIDATE }]);
    const { stream, calls } = harness({ routed });
    const first = stream.next();
    assert.deepEqual(calls, ['open', 'route']);
    assert.equal(routed.events.length, 0, 'the first read reached routing before any await');
    assert.equal((await first).value?.type, 'done');
  });

  test('should the result fail to build, the reader gets an error and routing is closed', async () => {
    const routed = new FakeRouted([{ type: 'done', result: RESULT, candidate: CANDIDATE }]);
    const { stream, calls } = harness({ routed, succeedFails: true });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['error']);
    assert.equal((seen[0] as Extract<GatewayStreamEvent, { type: 'error' }>).error.message, 'no price');
    assert.deepEqual(calls, ['open', 'route', 'succeed', 'fail']);
    assert.equal(routed.returned, 1);
  });

  test('a routing failure becomes one error event carrying the text so far; nothing throws', async () => {
    const { stream, calls } = harness({ routed: new FakeRouted([{ type: 'text', delta: 'par' }, new Error('upstream broke')]) });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['text', 'error']);
    const error = seen[1] as Extract<GatewayStreamEvent, { type: 'error' }>;
    assert.equal(error.error.message, 'upstream broke');
    assert.equal(error.partialText, 'par');
    assert.deepEqual(calls, ['open', 'route', 'fail']);
  });

  test('should recording the failure fail too, the reader still gets the error', async () => {
    const { stream } = harness({ routed: new FakeRouted([{ type: 'text', delta: 'so far' }, new Error('upstream broke')]), recordingFails: true });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['text', 'error']);
    const error = seen[1] as Extract<GatewayStreamEvent, { type: 'error' }>;
    assert.equal(error.error.message, 'upstream broke');
    assert.equal(error.partialText, 'so far');
  });

  test('a request that cannot be opened yields its error and never routes', async () => {
    const { stream, calls } = harness({ openError: new Error('unknown model') });
    const seen = await drain(stream);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].type, 'error');
    assert.deepEqual(calls, ['open', 'fail']);
  });

  test('a cache hit replays the stored answer and ends with its done', async () => {
    const { stream, calls } = harness({ hit: RESULT });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['text', 'usage', 'done']);
    assert.deepEqual(calls, ['open']);
  });

  test('routing that stops without done still settles the request with an error', async () => {
    const { stream, calls } = harness({ routed: new FakeRouted([{ type: 'text', delta: 'x' }]) });
    const seen = await drain(stream);
    assert.deepEqual(seen.map((e) => e.type), ['text', 'error']);
    assert.deepEqual(calls, ['open', 'route', 'fail']);
  });

  test('a reader that stops early closes routing and has the request counted as abandoned', async () => {
    const routed = new FakeRouted([
      { type: 'text', delta: 'one' },
      { type: 'text', delta: 'two' },
      { type: 'done', result: RESULT, candidate: CANDIDATE },
    ]);
    const { stream, abandoned } = harness({ routed });
    for await (const event of stream) {
      assert.equal(event.type, 'text');
      break;
    }
    assert.equal(routed.returned, 1);
    assert.deepEqual(abandoned, ['one']);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  test('reads made together while the request opens open it once, and stopping then closes the late routing', async () => {
    let release!: () => void;
    const routeGate = new Promise<void>((resolve) => (release = resolve));
    const routed = new FakeRouted([{ type: 'text', delta: 'a' }]);
    const { stream, calls, abandoned } = harness({ routed, routeGate });
    const first = stream.next();
    const second = stream.next();
    const stopped = stream.return();
    release();
    assert.deepEqual(await stopped, { done: true, value: undefined });
    await first;
    await second;
    assert.deepEqual(calls, ['open', 'route']);
    assert.equal(routed.returned, 1);
    assert.deepEqual(abandoned, ['']);
  });
});
