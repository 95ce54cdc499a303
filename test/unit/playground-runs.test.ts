import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, UpstreamError } from '../../src/core/errors';
import type { AttemptRecord, GatewayResult, GatewayStreamEvent } from '../../src/core/types';
import { PlaygroundRuns, type StreamRequest } from '../../src/extension/playground/runs';
import { runStats, tokensPerSecond } from '../../src/extension/playground/stats';
import type { HostMessage, RunRequest } from '../../src/shared/playground-protocol';

const REQUEST: RunRequest = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] };

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 900, ...over });

const result = (over: Partial<GatewayResult> = {}): GatewayResult => ({
  text: 'Hello world',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 40, reasoningTokens: 0 },
  requestedModel: 'openai/gpt-5-mini',
  model: 'openai/gpt-4o-mini',
  provider: 'openai',
  cost: { total: 0.000083, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: true, source: 'catalog' },
  latencyMs: 900,
  ttftMs: 100,
  attempts: [attempt({ outcome: 'error', status: 500, error: 'boom', latencyMs: 30 }), attempt({ model: 'openai/gpt-4o-mini' })],
  cacheHit: false,
  ...over,
});

/** A stream that yields `events` (with `gapMs` between them) and ends with a cancelled error when aborted. */
function scripted(events: GatewayStreamEvent[], gapMs = 0): { stream: StreamRequest; signals: AbortSignal[]; requests: RunRequest[] } {
  const signals: AbortSignal[] = [];
  const requests: RunRequest[] = [];
  const stream: StreamRequest = async function* (request, signal) {
    signals.push(signal);
    requests.push(request);
    let partial = '';
    for (const event of events) {
      if (gapMs) await sleep(gapMs);
      if (signal.aborted) {
        yield { type: 'error', error: new CancelledError(), partialText: partial, attempts: [] };
        return;
      }
      if (event.type === 'text') partial += event.delta;
      yield event;
    }
  };
  return { stream, signals, requests };
}

const deltas = (parts: string[]): GatewayStreamEvent[] => parts.map((delta) => ({ type: 'text', delta }));

test('text deltas are posted in batches, then the answer with its figures', async () => {
  const posted: HostMessage[] = [];
  const parts = Array.from({ length: 200 }, (_, i) => `w${i} `);
  const { stream, requests } = scripted([...deltas(parts), { type: 'done', result: result({ text: parts.join('') }) }]);
  const runs = new PlaygroundRuns(stream, (m) => posted.push(m));
  await runs.start('r1', REQUEST);

  assert.deepEqual(requests, [REQUEST]);
  const textMessages = posted.filter((m) => m.type === 'runText');
  assert.ok(textMessages.length < 20, `200 deltas came as ${textMessages.length} messages`);
  assert.equal(textMessages.map((m) => (m.type === 'runText' ? m.text : '')).join(''), parts.join(''));
  const done = posted.at(-1);
  assert.equal(done?.type, 'runDone');
  if (done?.type !== 'runDone') return;
  assert.equal(done.text, parts.join(''));
  assert.equal(done.stats.model, 'openai/gpt-4o-mini');
  assert.equal(done.stats.requestedModel, 'openai/gpt-5-mini');
  assert.equal(done.stats.cost, 0.000083);
  assert.equal(done.stats.tokensPerSecond, 40 / 0.8);
  assert.deepEqual(done.stats.attempts.map((a) => [a.model, a.outcome, a.status]), [
    ['openai/gpt-5-mini', 'error', 500],
    ['openai/gpt-4o-mini', 'ok', undefined],
  ]);
});

test('text that arrives slowly is posted within a batch interval, attempts as they happen', async () => {
  const posted: HostMessage[] = [];
  const { stream } = scripted([{ type: 'attempt', attempt: attempt({ outcome: 'error', status: 429 }) }, ...deltas(['a', 'b']), { type: 'done', result: result({ text: 'ab' }) }], 30);
  await new PlaygroundRuns(stream, (m) => posted.push(m), 5).start('r1', REQUEST);
  assert.deepEqual(
    posted.map((m) => m.type),
    ['runAttempt', 'runText', 'runText', 'runDone'],
  );
});

test('stop aborts the request upstream; the run ends as stopped with its partial text', async () => {
  const posted: HostMessage[] = [];
  const { stream, signals } = scripted([...deltas(['one ', 'two ', 'three ', 'four ']), { type: 'done', result: result() }], 20);
  const runs = new PlaygroundRuns(stream, (m) => posted.push(m), 1);
  const finished = runs.start('r1', REQUEST);
  await sleep(50);
  assert.equal(runs.active, 1);
  runs.stop();
  await finished;
  assert.equal(signals[0].aborted, true);
  const end = posted.at(-1);
  assert.equal(end?.type, 'runError');
  if (end?.type !== 'runError') return;
  assert.equal(end.cancelled, true);
  assert.equal(end.error, 'Stopped.');
  assert.ok(end.partialText.startsWith('one '), end.partialText);
  assert.equal(runs.active, 0);
});

test('stop with a run id stops only that run', async () => {
  const { stream, signals } = scripted([...deltas(['a', 'b', 'c']), { type: 'done', result: result() }], 20);
  const runs = new PlaygroundRuns(stream, () => {}, 1);
  const first = runs.start('r1', REQUEST);
  const second = runs.start('r2', REQUEST);
  runs.stop('r2');
  await Promise.all([first, second]);
  assert.deepEqual(signals.map((s) => s.aborted), [false, true]);
});

test('an upstream failure ends the run with the gateway message and the attempts', async () => {
  const posted: HostMessage[] = [];
  const error = new UpstreamError({ provider: 'openai', model: 'openai/gpt-5-mini', status: 500, retryable: true, message: 'OpenAI returned 500: server error.' });
  const attempts = [attempt({ outcome: 'error', status: 500 }), attempt({ outcome: 'error', status: 500 })];
  const { stream } = scripted([{ type: 'text', delta: 'par' }, { type: 'error', error, partialText: 'par', attempts }]);
  await new PlaygroundRuns(stream, (m) => posted.push(m)).start('r1', REQUEST);
  const end = posted.at(-1);
  assert.deepEqual(end, { type: 'runError', runId: 'r1', error: 'OpenAI returned 500: server error.', partialText: 'par', attempts: attempts.map((a) => ({ ...a, error: undefined, hedged: undefined })), cancelled: false });
});

test('a gateway that fails to load ends the run with its error', async () => {
  const posted: HostMessage[] = [];
  // eslint-disable-next-line require-yield
  const stream: StreamRequest = async function* () {
    throw new Error('No API key for OpenAI.');
  };
  await new PlaygroundRuns(stream, (m) => posted.push(m)).start('r1', REQUEST);
  assert.equal(posted.length, 1);
  assert.equal(posted[0].type === 'runError' && posted[0].error, 'No API key for OpenAI.');
});

test('finished runs stay in the snapshot until acknowledged; a known run id does not start twice', async () => {
  const { stream, requests } = scripted([...deltas(['x']), { type: 'done', result: result({ text: 'x' }) }]);
  const runs = new PlaygroundRuns(stream, () => {});
  await runs.start('r1', REQUEST);
  await runs.start('r1', REQUEST);
  assert.equal(requests.length, 1);
  const [snap] = runs.snapshot();
  assert.equal(snap.runId, 'r1');
  assert.equal(snap.status, 'done');
  assert.equal(snap.text, 'x');
  assert.equal(snap.stats?.model, 'openai/gpt-4o-mini');
  runs.ack(['r1']);
  assert.deepEqual(runs.snapshot(), []);
});

test('a run acknowledged before it ends is forgotten when it ends; one in flight shows its text so far', async () => {
  const { stream } = scripted([...deltas(['a', 'b']), { type: 'done', result: result({ text: 'ab' }) }], 20);
  const runs = new PlaygroundRuns(stream, () => {}, 1);
  const finished = runs.start('r1', REQUEST);
  await sleep(30);
  const [snap] = runs.snapshot();
  assert.equal(snap.status, 'streaming');
  assert.equal(snap.text, 'a');
  runs.ack(['r1']);
  assert.equal(runs.snapshot().length, 1, 'still running');
  await finished;
  assert.deepEqual(runs.snapshot(), []);
});

test('after dispose nothing more is posted and every run is aborted', async () => {
  const posted: HostMessage[] = [];
  const { stream, signals } = scripted([...deltas(['a', 'b', 'c']), { type: 'done', result: result() }], 20);
  const runs = new PlaygroundRuns(stream, (m) => posted.push(m), 1);
  const finished = runs.start('r1', REQUEST);
  runs.dispose();
  await finished;
  assert.equal(signals[0].aborted, true);
  assert.deepEqual(posted, []);
});

test('tokens per second count the generation after the first token only', () => {
  assert.equal(tokensPerSecond(100, 2100, 100), 50);
  assert.equal(tokensPerSecond(0, 2000, 100), null);
  assert.equal(tokensPerSecond(100, 500, 500), null);
  const stats = runStats(result({ usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 2, estimated: true } }));
  assert.equal(stats.estimatedUsage, true);
  assert.equal(stats.reasoningTokens, 2);
  assert.equal(stats.priced, true);
});
