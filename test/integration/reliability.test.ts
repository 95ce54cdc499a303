/** Retries, fallbacks, timeouts, cancellation, hedging and latency routing through the real Gateway, SDKs and fakes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings } from '../../src/core/config/settings';
import { CancelledError, UpstreamError } from '../../src/core/errors';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import type { AttemptRecord, ChatRequestInput, GatewayStreamEvent } from '../../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { waitFor } from '../support/wait-for';

const OPENAI = 'openai/gpt-5';
const ANTHROPIC = 'anthropic/claude-sonnet-5';

let openai: FakeUpstream;
let anthropic: FakeUpstream;
let env: Record<string, string>;

before(async () => {
  [openai, anthropic] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  env = { SWITCHBOARD_OPENAI_BASE_URL: `${openai.url}/v1`, SWITCHBOARD_ANTHROPIC_BASE_URL: anthropic.url };
  // Load both SDKs once, so that no timing below pays for it.
  const gateway = gatewayFor({});
  for (const model of [OPENAI, ANTHROPIC]) await gateway.complete(ask(model));
});
after(async () => {
  await Promise.all([openai.close(), anthropic.close()]);
});

function gatewayFor(raw: Record<string, unknown>, keys = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }): Gateway {
  const { settings, warnings } = parseSettings({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 }, ...raw });
  assert.deepEqual(warnings, []);
  return new Gateway({ settings, keys: envKeySource(keys), env });
}

const ask = (model: string, content = 'hello'): ChatRequestInput => ({ model, messages: [{ role: 'user', content }] });

async function collect(stream: AsyncIterable<GatewayStreamEvent>) {
  let text = '';
  const attempts: AttemptRecord[] = [];
  let terminal: GatewayStreamEvent | undefined;
  for await (const event of stream) {
    if (event.type === 'text') text += event.delta;
    if (event.type === 'attempt') attempts.push(event.attempt);
    if (event.type === 'done' || event.type === 'error') terminal = event;
  }
  return { text, attempts, terminal: terminal! };
}

const count = (fake: FakeUpstream) => fake.requests.filter((r) => r.method === 'POST').length;

test('a 5xx is retried up to retry.maxAttempts and no more', async () => {
  const gateway = gatewayFor({});
  const before = count(openai);
  openai.enqueue(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500 })));
  await assert.rejects(gateway.complete(ask(OPENAI)), (err: UpstreamError) => {
    assert.equal(err.status, 500);
    assert.match(err.message, /3 attempts/);
    return true;
  });
  assert.equal(count(openai) - before, 3);
  const result = await gateway.complete(ask(OPENAI));
  assert.deepEqual(result.attempts.map((a) => a.status ?? a.outcome), [500, 'ok'], 'the fourth fault was left for this request');
});

test('a 400 is not retried, and the fallback on the other provider answers', async () => {
  const gateway = gatewayFor({ fallbacks: { [OPENAI]: [ANTHROPIC] } });
  const before = count(openai);
  openai.enqueue({ kind: 'status', status: 400, message: 'bad request' });
  const result = await gateway.complete(ask(OPENAI));
  assert.equal(count(openai) - before, 1);
  assert.equal(result.requestedModel, OPENAI);
  assert.equal(result.model, ANTHROPIC);
  assert.equal(result.provider, 'anthropic');
  assert.deepEqual(result.attempts.map((a) => [a.model, a.outcome, a.status]), [[OPENAI, 'error', 400], [ANTHROPIC, 'ok', undefined]]);
  assert.match(result.text, /Hello from claude-sonnet-5/);
});

test('a 429 with retry-after-ms waits that long, then succeeds on the same model', async () => {
  const gateway = gatewayFor({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1000 } });
  anthropic.enqueue({ kind: 'status', status: 429, retryAfterMs: 300 });
  const started = performance.now();
  const result = await gateway.complete(ask(ANTHROPIC));
  assert.ok(performance.now() - started >= 290);
  assert.deepEqual(result.attempts.map((a) => a.status ?? a.outcome), [429, 'ok']);
});

test('a model whose provider has no key is skipped and recorded; the fallback answers', async () => {
  const gateway = gatewayFor({ fallbacks: { [ANTHROPIC]: [OPENAI] } }, { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: '' });
  const before = count(anthropic);
  const result = await gateway.complete(ask(ANTHROPIC));
  assert.equal(result.model, OPENAI);
  assert.equal(result.attempts[0]!.outcome, 'skipped');
  assert.match(result.attempts[0]!.error!, /ANTHROPIC_API_KEY/);
  assert.equal(count(anthropic), before);
});

test('a stream that breaks after text is not retried: the error says so and keeps the partial text', async () => {
  const gateway = gatewayFor({ fallbacks: { [ANTHROPIC]: [OPENAI] } });
  const before = count(anthropic) + count(openai);
  anthropic.enqueue({ kind: 'drop-mid-stream', afterChunks: 2 });
  const { text, attempts, terminal } = await collect(gateway.stream(ask(ANTHROPIC, 'tell me a long story please')));
  assert.equal(terminal.type, 'error');
  if (terminal.type !== 'error') return;
  const error = terminal.error as UpstreamError;
  assert.equal(error.code, 'stream_broken');
  assert.match(error.message, /broke after \d+ characters and was not retried/);
  assert.ok(text.length > 0);
  assert.equal(error.partialText, text);
  assert.equal(terminal.partialText, text);
  assert.ok('Hello from claude-sonnet-5: tell me a long story please'.startsWith(text));
  assert.equal(count(anthropic) + count(openai) - before, 1, 'nothing was sent again');
  assert.deepEqual(attempts.map((a) => a.outcome), ['error']);
});

test('a stream that fails before its first text is retried and the caller sees one clean answer', async () => {
  const gateway = gatewayFor({});
  anthropic.enqueue({ kind: 'drop-mid-stream', afterChunks: 0 }, { kind: 'invalid-json' });
  const { text, attempts, terminal } = await collect(gateway.stream(ask(ANTHROPIC, 'again')));
  assert.equal(terminal.type, 'done');
  assert.equal(text, 'Hello from claude-sonnet-5: again');
  assert.deepEqual(attempts.map((a) => a.outcome), ['error', 'error', 'ok']);
});

test('first-byte timeout: a hung upstream is abandoned and retried, with a message naming the setting', async () => {
  const gateway = gatewayFor({ timeouts: { firstByteMs: 300, idleMs: 1000, totalMs: 10_000 } });
  openai.enqueue({ kind: 'hang' });
  const result = await gateway.complete(ask(OPENAI));
  assert.equal(result.attempts[0]!.outcome, 'error');
  assert.match(result.attempts[0]!.error!, /no first token within 300 ms .*switchboard\.timeouts\.firstByteMs/);
  assert.equal(result.attempts[1]!.outcome, 'ok');
});

for (const [model, fake] of [[OPENAI, () => openai], [ANTHROPIC, () => anthropic]] as const) {
  for (const streaming of [false, true]) {
    test(`a timed-out attempt closes its HTTP request through the SDK: ${model}, ${streaming ? 'streaming' : 'not streaming'}`, async () => {
      const upstream = fake();
      const gateway = gatewayFor({ retry: { maxAttempts: 1 }, timeouts: { firstByteMs: 200, idleMs: 1000, totalMs: 10_000 } });
      const before = upstream.abandoned;
      upstream.enqueue({ kind: 'hang' });
      if (streaming) {
        const { terminal } = await collect(gateway.stream(ask(model)));
        assert.match((terminal as { error: Error }).error.message, /no first token within 200 ms/);
      } else {
        await assert.rejects(gateway.complete(ask(model)), /no first token within 200 ms/);
      }
      // The SDK's fetch follows the attempt's signal: the upstream sees its connection close, not a request left hanging.
      await waitFor('the upstream to see its connection close', () => upstream.abandoned > before);
      assert.equal(upstream.abandoned, before + 1);
    });
  }
}

test('idle timeout: a stream that stalls between chunks breaks with a timeout reason', async () => {
  const gateway = gatewayFor({ timeouts: { firstByteMs: 2000, idleMs: 150, totalMs: 10_000 } });
  openai.enqueueReply({ text: 'one two three four five six', chunkSize: 4, chunkDelayMs: 5000 });
  const started = performance.now();
  const { text, terminal } = await collect(gateway.stream(ask(OPENAI)));
  assert.ok(performance.now() - started < 3000);
  assert.equal(terminal.type, 'error');
  assert.equal(text, 'one ');
  assert.match((terminal as { error: Error }).error.message, /sent nothing more for 150 ms/);
});

test('cancelling stops the upstream request at once', async () => {
  const gateway = gatewayFor({});
  anthropic.enqueue({ kind: 'hang' });
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(gateway.complete(ask(ANTHROPIC), { signal: controller.signal }), CancelledError);
  assert.ok(performance.now() - started < 2000);
  // The hung request was released by the client's abort: the fake answers the next one at once.
  const result = await gateway.complete(ask(ANTHROPIC));
  assert.equal(result.attempts.length, 1);
});

test('hedging: a slow answer is raced by the fallback, the first to answer wins and both are recorded', async () => {
  const gateway = gatewayFor({ fallbacks: { [OPENAI]: [ANTHROPIC] }, hedging: { enabled: true, afterMs: 100 } });
  openai.enqueue({ kind: 'delay', ms: 6000 });
  const started = performance.now();
  const result = await gateway.complete(ask(OPENAI));
  assert.ok(performance.now() - started < 3000);
  assert.equal(result.model, ANTHROPIC);
  const byModel = Object.fromEntries(result.attempts.map((a) => [a.model, a]));
  assert.deepEqual([byModel[OPENAI]!.outcome, byModel[OPENAI]!.hedged], ['cancelled', true]);
  assert.deepEqual([byModel[ANTHROPIC]!.outcome, byModel[ANTHROPIC]!.hedged], ['ok', true]);
  assert.ok(byModel[ANTHROPIC]!.usage!.outputTokens > 0, 'the winner carries its usage for the cost');
});

test('latency policy: among equivalent models, the one observed fastest is used', async () => {
  const gateway = gatewayFor({ routing: { policy: 'latency', equivalents: [[OPENAI, ANTHROPIC]] } });
  openai.setChaos({ rate: 1, faults: [{ kind: 'delay', ms: 150 }] });
  try {
    const answered: string[] = [];
    for (let i = 0; i < 5; i++) answered.push((await gateway.complete(ask(OPENAI))).model);
    // The first two calls measure each equivalent once; from then on the faster one is chosen.
    assert.deepEqual(answered, [OPENAI, ANTHROPIC, ANTHROPIC, ANTHROPIC, ANTHROPIC]);
  } finally {
    openai.setChaos(null);
  }
});

test('invalid routing settings: a warning names the setting and the default stays in force', async () => {
  const { settings } = parseSettings({ fallbacks: { [OPENAI]: ['openai/no-such-model'] } });
  const gateway = new Gateway({ settings, keys: envKeySource({ OPENAI_API_KEY: 'k' }), env });
  assert.deepEqual(gateway.warnings.map((w) => w.setting), ['switchboard.fallbacks']);
  assert.match(gateway.warnings[0]!.message, /openai\/no-such-model/);
  assert.deepEqual(gateway.currentSettings.fallbacks, {});

  const cyclic = parseSettings({ fallbacks: { [OPENAI]: [ANTHROPIC], [ANTHROPIC]: [OPENAI] } }).settings;
  gateway.updateSettings(cyclic);
  assert.match(gateway.warnings[0]!.message, /cycle/);
  gateway.updateSettings(parseSettings({ fallbacks: { [OPENAI]: [ANTHROPIC] } }).settings);
  assert.deepEqual(gateway.warnings, []);
  assert.deepEqual(gateway.currentSettings.fallbacks, { [OPENAI]: [ANTHROPIC] });
});
