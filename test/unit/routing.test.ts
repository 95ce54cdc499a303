import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogEntry } from '../../src/core/catalog/types';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/config/settings';
import { CancelledError, MissingKeyError, UpstreamError } from '../../src/core/errors';
import type { ProviderDefinition } from '../../src/core/providers/types';
import { CircuitBreaker } from '../../src/core/routing/breaker';
import { LatencyTracker } from '../../src/core/routing/latency';
import {
  AllCandidatesFailedError,
  CircuitOpenError,
  routeComplete,
  routeStream,
  type Candidate,
  type RouteOptions,
  type RoutedEvent,
  type StartAttempt,
} from '../../src/core/routing/route';
import { emptyUsage, type AttemptRecord, type ChatResult, type ProviderStreamEvent, type Usage } from '../../src/core/types';

const provider = (id: string): ProviderDefinition => ({
  id,
  name: id.toUpperCase(),
  family: 'openai',
  baseURL: `https://${id}.invalid/v1`,
  apiKeyEnv: [`${id.toUpperCase()}_API_KEY`],
  auth: 'bearer',
});

const entry = (id: string): CatalogEntry => ({
  id,
  displayName: id,
  provider: id.split('/')[0]!,
  upstreamModel: id.split('/').slice(1).join('/'),
  contextWindow: 100_000,
  maxOutput: 4096,
  modalities: { input: ['text'], output: ['text'] },
  capabilities: { streaming: true, tools: true, vision: false, reasoning: false, json: true },
});

const candidate = (id: string): Candidate => ({ entry: entry(id), provider: provider(id.split('/')[0]!) });

const usage = (outputTokens: number): Usage => ({ ...emptyUsage(), inputTokens: 10, outputTokens });

/** One scripted behaviour for one attempt. */
type Step =
  | { kind: 'ok'; text?: string[]; delayMs?: number }
  | { kind: 'fail'; status?: number; retryable?: boolean; retryAfterMs?: number; afterText?: string[]; usageFirst?: boolean }
  | { kind: 'hang'; afterText?: string[]; ignoreSignal?: boolean }
  | { kind: 'throw'; error: Error };

interface Script {
  start: StartAttempt;
  /** Model ids in the order attempts were started. */
  calls: string[];
  /** How many attempts saw their signal aborted. */
  aborts: () => number;
}

const upstreamError = (c: Candidate, step: Extract<Step, { kind: 'fail' }>): UpstreamError =>
  new UpstreamError({
    provider: c.provider.id,
    model: c.entry.id,
    status: step.status,
    retryable: step.retryable ?? (step.status === undefined || step.status === 429 || step.status >= 500),
    retryAfterMs: step.retryAfterMs,
    message: `${c.provider.name} answered ${step.status ?? 'nothing'}`,
  });

const waitForAbort = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(new CancelledError());
    signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
  });

/**
 * A StartAttempt that plays, per model, its steps in order (the last one repeats): as events, or, `single`, as
 * the promise of the answer that a non-streaming call gives (text before a failure is then never sent).
 */
function makeScript(plan: Record<string, Step[]>, single: boolean): Script {
  const calls: string[] = [];
  let aborts = 0;
  const used = new Map<string, number>();
  const start: StartAttempt = (c, signal) => {
    calls.push(c.entry.id);
    const steps = plan[c.entry.id] ?? [{ kind: 'ok' }];
    const index = used.get(c.entry.id) ?? 0;
    used.set(c.entry.id, index + 1);
    const step = steps[Math.min(index, steps.length - 1)]!;
    signal.addEventListener('abort', () => (aborts += 1), { once: true });
    if (single) return answer(c, step, signal);
    return (async function* (): AsyncGenerator<ProviderStreamEvent> {
      switch (step.kind) {
        case 'ok': {
          if (step.delayMs) await sleep(step.delayMs, undefined, { signal }).catch(() => Promise.reject(new CancelledError()));
          const text = step.text ?? [`hello from ${c.entry.id}`];
          for (const delta of text) yield { type: 'text', delta };
          yield { type: 'usage', usage: usage(text.length) };
          yield {
            type: 'done',
            result: { text: text.join(''), toolCalls: [], finishReason: 'stop', usage: usage(text.length) },
          };
          return;
        }
        case 'fail':
          if (step.usageFirst) yield { type: 'usage', usage: usage(0) };
          for (const delta of step.afterText ?? []) yield { type: 'text', delta };
          throw upstreamError(c, step);
        case 'hang':
          for (const delta of step.afterText ?? []) yield { type: 'text', delta };
          if (step.ignoreSignal) await new Promise(() => undefined);
          await waitForAbort(signal);
          return;
        case 'throw':
          throw step.error;
      }
    })();
  };
  return { start, calls, aborts: () => aborts };
}

async function answer(c: Candidate, step: Step, signal: AbortSignal): Promise<ChatResult> {
  switch (step.kind) {
    case 'ok': {
      if (step.delayMs) await sleep(step.delayMs, undefined, { signal }).catch(() => Promise.reject(new CancelledError()));
      const text = step.text ?? [`hello from ${c.entry.id}`];
      return { text: text.join(''), toolCalls: [], finishReason: 'stop', usage: usage(text.length) };
    }
    case 'fail':
      throw upstreamError(c, step);
    case 'hang':
      if (step.ignoreSignal) await new Promise(() => undefined);
      return waitForAbort(signal);
    case 'throw':
      throw step.error;
  }
}

const script = (plan: Record<string, Step[]>): Script => makeScript(plan, false);

const fastSettings = (overrides: Partial<Settings> = {}): Pick<Settings, 'retry' | 'timeouts' | 'breaker' | 'hedging'> => ({
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 20 },
  timeouts: { firstByteMs: 1000, idleMs: 1000, totalMs: 5000 },
  breaker: { failureThreshold: 100, cooldownMs: 1000 },
  hedging: { ...DEFAULT_SETTINGS.hedging },
  ...overrides,
});

interface Run {
  events: RoutedEvent[];
  attempts: AttemptRecord[];
  text: string;
  winner?: string;
  error?: Error;
  elapsedMs: number;
}

/** Routes one request with `drive`, filling `out`; the runner times it and keeps the error it ends with. */
type Drive = (candidates: Candidate[], start: StartAttempt, options: RouteOptions, signal: AbortSignal, out: Run) => Promise<void>;

function runner(drive: Drive) {
  return async (
    candidates: Candidate[],
    start: StartAttempt,
    options: Partial<RouteOptions> = {},
    signal: AbortSignal = new AbortController().signal,
  ): Promise<Run> => {
    const started = performance.now();
    const out: Run = { events: [], attempts: [], text: '', elapsedMs: 0 };
    try {
      await drive(candidates, start, { settings: fastSettings(), ...options }, signal, out);
    } catch (err) {
      out.error = err as Error;
    }
    out.elapsedMs = performance.now() - started;
    return out;
  };
}

const run = runner(async (candidates, start, options, signal, out) => {
  for await (const event of routeStream(candidates, start, signal, options)) {
    out.events.push(event);
    if (event.type === 'attempt') out.attempts.push(event.attempt);
    if (event.type === 'text') out.text += event.delta;
    if (event.type === 'done') out.winner = event.candidate.entry.id;
  }
});

const runComplete = runner(async (candidates, start, options, signal, out) => {
  const { result, candidate } = await routeComplete(candidates, start, signal, options, out.attempts);
  out.text = result.text;
  out.winner = candidate.entry.id;
});

interface Harness {
  run: typeof run;
  script: typeof script;
}

/** A test of routing that holds for streams (`routeStream`) and for non-streaming calls (`routeComplete`) alike. */
function both(name: string, body: (harness: Harness) => Promise<void>): void {
  test(name, () => body({ run, script }));
  test(`${name} (non-streaming)`, () => body({ run: runComplete, script: (plan) => makeScript(plan, true) }));
}

const A = 'alpha/model-a';
const B = 'beta/model-b';
const C = 'gamma/model-c';

both('a retryable failure is retried on the same model and every attempt is recorded', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 503 }, { kind: 'fail', status: 429 }, { kind: 'ok' }] });
  const r = await run([candidate(A)], s.start);
  assert.equal(r.error, undefined);
  assert.equal(r.winner, A);
  assert.deepEqual(s.calls, [A, A, A]);
  assert.deepEqual(r.attempts.map((a) => [a.outcome, a.status]), [['error', 503], ['error', 429], ['ok', undefined]]);
  assert.match(r.attempts[0]!.error!, /503/);
  assert.equal(r.text, `hello from ${A}`);
});

both('retries stop at retry.maxAttempts and the error lists every attempt', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 500 }] });
  const r = await run([candidate(A)], s.start, { settings: fastSettings({ retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 } }) });
  assert.equal(s.calls.length, 4);
  assert.ok(r.error instanceof AllCandidatesFailedError);
  assert.match(r.error.message, /4 attempts/);
  assert.equal((r.error as UpstreamError).status, 500);
});

for (const status of [400, 401, 403, 404, 422]) {
  both(`a ${status} is never retried, and the next candidate gets the request`, async ({ run, script }) => {
    const s = script({ [A]: [{ kind: 'fail', status, retryable: true }] });
    const r = await run([candidate(A), candidate(B)], s.start);
    assert.deepEqual(s.calls, [A, B]);
    assert.equal(r.winner, B);
    assert.deepEqual(r.attempts.map((a) => a.outcome), ['error', 'ok']);
  });
}

both('a single candidate failing once returns its own error unchanged', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 401 }] });
  const r = await run([candidate(A)], s.start);
  assert.ok(r.error instanceof UpstreamError);
  assert.equal(r.error.message, 'ALPHA answered 401');
});

both('fallbacks: after the retries of the first model, the next model answers and is the result model', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 529 }], [B]: [{ kind: 'fail', status: 502 }, { kind: 'ok' }] });
  const r = await run([candidate(A), candidate(B), candidate(C)], s.start);
  assert.equal(r.winner, B);
  assert.deepEqual(s.calls, [A, A, A, B, B]);
  assert.deepEqual(r.attempts.map((a) => `${a.model}:${a.outcome}`), [
    `${A}:error`, `${A}:error`, `${A}:error`, `${B}:error`, `${B}:ok`,
  ]);
  assert.ok(r.attempts.every((a) => typeof a.latencyMs === 'number' && a.provider === a.model.split('/')[0]));
});

both('a candidate without a key is skipped and recorded, not retried', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'throw', error: new MissingKeyError('ALPHA', 'ALPHA_API_KEY') }] });
  const r = await run([candidate(A), candidate(B)], s.start);
  assert.equal(r.winner, B);
  assert.deepEqual(s.calls, [A, B]);
  assert.equal(r.attempts[0]!.outcome, 'skipped');
  assert.match(r.attempts[0]!.error!, /ALPHA_API_KEY/);
});

both('with no key anywhere, the missing-key error itself comes back (a configuration problem, exit code 2)', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'throw', error: new MissingKeyError('ALPHA', 'ALPHA_API_KEY') }] });
  const r = await run([candidate(A)], s.start);
  assert.ok(r.error instanceof MissingKeyError);
  assert.equal(r.error.exitCode, 2);
});

both('retry-after is honoured as the wait before the retry', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 429, retryAfterMs: 150 }, { kind: 'ok' }] });
  const r = await run([candidate(A)], s.start, { settings: fastSettings({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1000 } }) });
  assert.equal(r.winner, A);
  assert.ok(r.elapsedMs >= 145, `waited ${r.elapsedMs} ms`);
});

both('a retry that could only start after the total deadline is not waited for', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 503, retryAfterMs: 3000 }] });
  const settings = fastSettings({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10_000 }, timeouts: { firstByteMs: 500, idleMs: 500, totalMs: 1000 } });
  const r = await run([candidate(A)], s.start, { settings });
  assert.equal(s.calls.length, 1);
  assert.ok(r.elapsedMs < 1000, 'the 3 s retry-after was not waited for');
  assert.equal((r.error as UpstreamError).code, 'timeout');
  assert.match(r.error!.message, /total deadline of 1000 ms/);
});

both('a retry-after beyond maxDelayMs moves on to the fallback at once instead of waiting', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 429, retryAfterMs: 60_000 }] });
  const r = await run([candidate(A), candidate(B)], s.start);
  assert.deepEqual(s.calls, [A, B]);
  assert.ok(r.elapsedMs < 2000);
  assert.match(r.attempts[0]!.error!, /not retried: the provider asked to wait 60000 ms/);
});

test('a stream failing before its first token is retried; usage it reported is kept on its record only', async () => {
  const s = script({ [A]: [{ kind: 'fail', status: 500, usageFirst: true }, { kind: 'ok', text: ['a', 'b'] }] });
  const r = await run([candidate(A)], s.start);
  assert.equal(r.text, 'ab');
  assert.deepEqual(r.attempts[0]!.usage, usage(0));
  assert.equal(r.events.filter((e) => e.type === 'usage').length, 1, 'the failed attempt usage did not reach the caller');
});

test('a stream that breaks after text reached the caller is not retried and keeps the partial text', async () => {
  const s = script({ [A]: [{ kind: 'fail', status: 500, afterText: ['Hel', 'lo'] }] });
  const r = await run([candidate(A), candidate(B)], s.start);
  assert.deepEqual(s.calls, [A]);
  assert.equal(r.text, 'Hello');
  assert.ok(r.error instanceof UpstreamError);
  assert.equal(r.error.code, 'stream_broken');
  assert.equal(r.error.partialText, 'Hello');
  assert.match(r.error.message, /stream .* broke after 5 characters/);
  assert.deepEqual(r.attempts.map((a) => a.outcome), ['error']);
});

both('first-byte timeout: a hung attempt is aborted and retried, with a message naming the setting', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'hang' }, { kind: 'ok' }] });
  const settings = fastSettings({ timeouts: { firstByteMs: 50, idleMs: 1000, totalMs: 5000 } });
  const r = await run([candidate(A)], s.start, { settings });
  assert.equal(r.winner, A);
  assert.equal(s.aborts() >= 1, true);
  assert.match(r.attempts[0]!.error!, /no first token within 50 ms .*timeouts\.firstByteMs/);
});

both('a first token slower than the idle timeout but within the first-byte timeout is waited for', async ({ run, script }) => {
  // The first read's timer goes off at the idle limit and is armed again for the rest of the first-byte limit.
  const s = script({ [A]: [{ kind: 'ok', text: ['late'], delayMs: 120 }] });
  const settings = fastSettings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeouts: { firstByteMs: 400, idleMs: 40, totalMs: 5000 } });
  const r = await run([candidate(A)], s.start, { settings });
  assert.equal(r.winner, A);
  assert.equal(r.text, 'late');
  assert.deepEqual(r.attempts.map((a) => a.outcome), ['ok']);

  const hung = script({ [A]: [{ kind: 'hang' }] });
  const timedOut = await run([candidate(A)], hung.start, { settings });
  assert.match(timedOut.attempts[0]!.error!, /no first token within 400 ms .*timeouts\.firstByteMs/);
  assert.ok(timedOut.elapsedMs >= 390, `timed out after ${timedOut.elapsedMs} ms, before the first-byte limit`);
});

both('first-byte timeout holds even when the attempt ignores its abort signal', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'hang', ignoreSignal: true }], [B]: [{ kind: 'ok' }] });
  const settings = fastSettings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, timeouts: { firstByteMs: 40, idleMs: 1000, totalMs: 5000 } });
  const r = await run([candidate(A), candidate(B)], s.start, { settings });
  assert.equal(r.winner, B);
  assert.ok(r.elapsedMs < 2000, 'the hung attempt was abandoned');
});

test('idle timeout after text: the stream breaks with the timeout as its reason', async () => {
  const s = script({ [A]: [{ kind: 'hang', afterText: ['par', 'tial'] }] });
  const settings = fastSettings({ timeouts: { firstByteMs: 1000, idleMs: 40, totalMs: 5000 } });
  const r = await run([candidate(A)], s.start, { settings });
  assert.equal((r.error as UpstreamError).code, 'stream_broken');
  assert.equal((r.error as UpstreamError).partialText, 'partial');
  assert.match(r.error!.message, /nothing more for 40 ms/);
  assert.deepEqual(s.calls, [A]);
});

both('the total deadline bounds retries and backoff together', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'hang' }] });
  const settings = fastSettings({
    retry: { maxAttempts: 20, baseDelayMs: 1, maxDelayMs: 5 },
    timeouts: { firstByteMs: 100, idleMs: 1000, totalMs: 300 },
  });
  const r = await run([candidate(A)], s.start, { settings });
  assert.ok(r.error instanceof UpstreamError);
  assert.equal(r.error.code, 'timeout');
  assert.match(r.error.message, /total deadline of 300 ms/);
  assert.ok(r.elapsedMs < 1200, `took ${r.elapsedMs} ms, where 20 attempts would take 2 s`);
  assert.ok(s.calls.length >= 2 && s.calls.length <= 4, `${s.calls.length} calls`);
});

both('cancelling stops the upstream attempt at once', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'hang' }] });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const r = await run([candidate(A), candidate(B)], s.start, {}, controller.signal);
  assert.ok(r.error instanceof CancelledError);
  assert.equal(s.aborts(), 1);
  assert.deepEqual(s.calls, [A]);
  assert.ok(r.elapsedMs < 1000);
  assert.deepEqual(r.attempts.map((a) => a.outcome), ['cancelled']);
});

both('cancelling during a backoff wait ends it at once', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'fail', status: 503, retryAfterMs: 5000 }] });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 30);
  const settings = fastSettings({
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10_000 },
    timeouts: { firstByteMs: 1000, idleMs: 1000, totalMs: 60_000 },
  });
  const r = await run([candidate(A)], s.start, { settings }, controller.signal);
  assert.ok(r.error instanceof CancelledError);
  assert.ok(r.elapsedMs < 1500, `took ${r.elapsedMs} ms of a 5 s wait`);
  assert.equal(s.calls.length, 1);
});

both('the breaker opens after consecutive failures, then the request fails fast without calling upstream', async ({ run, script }) => {
  const breaker = new CircuitBreaker();
  const s = script({ [A]: [{ kind: 'fail', status: 500 }], [B]: [{ kind: 'fail', status: 503 }] });
  const settings = fastSettings({ breaker: { failureThreshold: 3, cooldownMs: 60_000 } });
  const first = await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  assert.ok(first.error instanceof AllCandidatesFailedError);
  assert.deepEqual(s.calls, [A, A, A, B, B, B]);

  const second = await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  assert.equal(s.calls.length, 6, 'nothing was sent while the circuits were open');
  assert.ok(second.error instanceof CircuitOpenError);
  assert.match(second.error.message, /ALPHA \(retried in 60 s, at .*\), BETA \(retried in 60 s/);
  assert.ok(second.elapsedMs < 250);
  assert.deepEqual(second.attempts.map((a) => a.outcome), ['skipped', 'skipped']);
  assert.ok(second.error.retryAfterMs! > 59_000);
});

both('an open circuit on the first provider skips to the fallback', async ({ run, script }) => {
  const breaker = new CircuitBreaker();
  const s = script({ [A]: [{ kind: 'fail', status: 500 }] });
  const settings = fastSettings({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 2, cooldownMs: 60_000 } });
  await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  const r = await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  assert.equal(r.winner, B);
  assert.equal(r.attempts[0]!.outcome, 'skipped');
  assert.match(r.attempts[0]!.error!, /circuit open/);
  assert.deepEqual(s.calls, [A, A, B, B]);
});

both('hedging: a slow first attempt is raced by the next candidate; the loser is aborted and both are marked', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'ok', delayMs: 5000 }], [B]: [{ kind: 'ok' }] });
  const settings = fastSettings({ hedging: { enabled: true, afterMs: 40 }, timeouts: { firstByteMs: 5000, idleMs: 5000, totalMs: 10_000 } });
  const r = await run([candidate(A), candidate(B)], s.start, { settings });
  assert.equal(r.winner, B);
  assert.ok(r.elapsedMs < 2500);
  assert.equal(s.aborts() >= 1, true);
  const [loser, winner] = [r.attempts.find((a) => a.model === A)!, r.attempts.find((a) => a.model === B)!];
  assert.equal(loser.outcome, 'cancelled');
  assert.equal(loser.hedged, true);
  assert.equal(winner.outcome, 'ok');
  assert.equal(winner.hedged, true);
  assert.deepEqual(winner.usage, usage(1));
});

both('hedging with one candidate races a second attempt at the same model', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'ok', delayMs: 2000 }, { kind: 'ok', text: ['fast'] }] });
  const settings = fastSettings({ hedging: { enabled: true, afterMs: 30 } });
  const r = await run([candidate(A)], s.start, { settings });
  assert.equal(r.text, 'fast');
  assert.deepEqual(s.calls, [A, A]);
  assert.deepEqual(r.attempts.map((a) => [a.outcome, a.hedged]), [['cancelled', true], ['ok', true]]);
});

both('hedging does not start when the first attempt answers in time', async ({ run, script }) => {
  const s = script({ [A]: [{ kind: 'ok' }] });
  const r = await run([candidate(A), candidate(B)], s.start, { settings: fastSettings({ hedging: { enabled: true, afterMs: 200 } }) });
  assert.deepEqual(s.calls, [A]);
  assert.equal(r.attempts[0]!.hedged, undefined);
});

both('the winner time to first token feeds the latency tracker', async ({ run, script }) => {
  const latency = new LatencyTracker();
  const s = script({ [A]: [{ kind: 'ok', delayMs: 30 }] });
  await run([candidate(A)], s.start, { latency });
  assert.ok(latency.estimate(A)! >= 25);
  assert.equal(latency.estimate(B), undefined);
});

both('no candidates at all is a clear error', async ({ run, script }) => {
  const r = await run([], script({}).start);
  assert.match(r.error!.message, /No model/);
});

both('half-open: after the cooldown one probe goes through while other requests skip; its success closes the circuit', async ({ run, script }) => {
  const breaker = new CircuitBreaker();
  const settings = fastSettings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 1, cooldownMs: 50 } });
  const s = script({ [A]: [{ kind: 'fail', status: 500 }, { kind: 'ok', delayMs: 80 }, { kind: 'ok' }] });
  await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  await sleep(60);
  const [probe, other] = await Promise.all([
    run([candidate(A), candidate(B)], s.start, { settings, breaker }),
    sleep(10).then(() => run([candidate(A), candidate(B)], s.start, { settings, breaker })),
  ]);
  assert.equal(probe.winner, A);
  assert.equal(other.winner, B);
  assert.match(other.attempts[0]!.error!, /circuit open/);
  const after = await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  assert.equal(after.winner, A);
  assert.deepEqual(s.calls, [A, B, A, B, A]);
});

both('the circuit-open error names each provider once', async ({ run, script }) => {
  const breaker = new CircuitBreaker();
  const settings = fastSettings({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failureThreshold: 1, cooldownMs: 60_000 } });
  const A2 = 'alpha/model-a2';
  const s = script({ [A]: [{ kind: 'fail', status: 500 }], [B]: [{ kind: 'fail', status: 500 }] });
  await run([candidate(A), candidate(B)], s.start, { settings, breaker });
  const r = await run([candidate(A), candidate(B), candidate(A2)], s.start, { settings, breaker });
  assert.ok(r.error instanceof CircuitOpenError);
  assert.equal(r.error.message.match(/ALPHA \(/g)?.length, 1);
  assert.equal(r.attempts.length, 3);
});

test('routeComplete reads an attempt that streams to its end, and a break after text is not retried', async () => {
  const ok = await runComplete([candidate(A)], script({ [A]: [{ kind: 'ok', text: ['Hel', 'lo'] }] }).start);
  assert.equal(ok.text, 'Hello');
  assert.deepEqual(ok.attempts.map((a) => [a.outcome, a.usage?.outputTokens]), [['ok', 2]]);

  const s = script({ [A]: [{ kind: 'fail', status: 500, afterText: ['Hel', 'lo'] }] });
  const broken = await runComplete([candidate(A), candidate(B)], s.start);
  assert.deepEqual(s.calls, [A]);
  assert.equal((broken.error as UpstreamError).code, 'stream_broken');
  assert.equal((broken.error as UpstreamError).partialText, 'Hello');
  assert.deepEqual(broken.attempts.map((a) => a.outcome), ['error']);
});
