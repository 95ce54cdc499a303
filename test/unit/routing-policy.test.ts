import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/core/config/settings';
import { UpstreamError } from '../../src/core/errors';
import { CircuitBreaker } from '../../src/core/routing/breaker';
import { candidateChain, type Candidate } from '../../src/core/routing/candidates';
import { LatencyTracker } from '../../src/core/routing/latency';
import { AttemptPlan } from '../../src/core/routing/plan';
import { isRetryable, retryDelay } from '../../src/core/routing/retry-policy';

const upstream = (status: number | undefined, retryable = false) =>
  new UpstreamError({ provider: 'p', model: 'p/m', status, retryable, message: 'x' });

test('retryable: connection errors, timeouts, 408, 409, 429, 5xx and 529; never 400/401/403/404/422', () => {
  for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) assert.equal(isRetryable(upstream(status)), true, `${status}`);
  for (const status of [400, 401, 403, 404, 422]) assert.equal(isRetryable(upstream(status, true)), false, `${status}`);
  assert.equal(isRetryable(upstream(undefined, true)), true, 'a connection error the adapter calls retryable');
  assert.equal(isRetryable(upstream(undefined, false)), false);
  assert.equal(isRetryable(new TypeError('a bug')), false);
});

test('backoff: exponential with full jitter, capped at maxDelayMs', () => {
  const settings = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
  const top = () => 0.999999;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, settings, undefined, top)),
    [99, 199, 399, 799, 999, 999].map((delayMs) => ({ retry: true, delayMs })),
  );
  assert.deepEqual(retryDelay(4, settings, undefined, () => 0), { retry: true, delayMs: 0 });
  const samples = Array.from({ length: 200 }, () => (retryDelay(3, settings, undefined, Math.random) as { delayMs: number }).delayMs);
  assert.ok(samples.every((d) => d >= 0 && d < 400));
  assert.ok(new Set(samples).size > 50, 'jittered');
});

test('backoff: retry-after is a floor, and beyond maxDelayMs the model is not retried', () => {
  const settings = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.deepEqual(retryDelay(1, settings, 700, () => 0.5), { retry: true, delayMs: 700 });
  assert.deepEqual(retryDelay(5, settings, 10, () => 0.5), { retry: true, delayMs: 500 });
  const over = retryDelay(1, settings, 5000, () => 0.5);
  assert.equal(over.retry, false);
  assert.match((over as { reason: string }).reason, /5000 ms.*maxDelayMs \(1000\)/);
});

test('breaker: opens after the threshold, stays open for the cooldown, then lets exactly one probe through', () => {
  let now = 1_000_000;
  const breaker = new CircuitBreaker(() => now);
  const settings = { failureThreshold: 3, cooldownMs: 10_000 };
  breaker.recordFailure('p', settings);
  breaker.recordFailure('p', settings);
  assert.deepEqual(breaker.admit('p'), { allowed: true, probe: false });
  breaker.recordFailure('p', settings);
  assert.deepEqual(breaker.admit('p'), { allowed: false, retryAt: 1_010_000 });
  assert.deepEqual(breaker.admit('other'), { allowed: true, probe: false }, 'circuits are per provider');
  now += 10_000;
  assert.deepEqual(breaker.admit('p'), { allowed: true, probe: true });
  assert.deepEqual(breaker.admit('p'), { allowed: false, retryAt: now }, 'one probe at a time');
  breaker.recordFailure('p', settings);
  assert.deepEqual(breaker.admit('p'), { allowed: false, retryAt: now + 10_000 }, 'a failed probe reopens');
  now += 10_000;
  assert.equal(breaker.admit('p').allowed, true);
  breaker.recordSuccess('p');
  assert.deepEqual(breaker.admit('p'), { allowed: true, probe: false }, 'a successful probe closes');
  assert.deepEqual(breaker.openCircuits(), []);
});

test('breaker: a success resets the count of consecutive failures; a released probe lets the next one go', () => {
  let now = 0;
  const breaker = new CircuitBreaker(() => now);
  const settings = { failureThreshold: 2, cooldownMs: 100 };
  breaker.recordFailure('p', settings);
  breaker.recordSuccess('p');
  breaker.recordFailure('p', settings);
  assert.equal(breaker.admit('p').allowed, true);
  breaker.recordFailure('p', settings);
  assert.equal(breaker.admit('p').allowed, false);
  now = 100;
  assert.deepEqual(breaker.admit('p'), { allowed: true, probe: true });
  breaker.release('p', true);
  assert.deepEqual(breaker.admit('p'), { allowed: true, probe: true });
});

test('latency: EWMA weighs recent samples; unmeasured models sort first so each gets measured', () => {
  const latency = new LatencyTracker();
  latency.observe('a', 100);
  assert.equal(latency.estimate('a'), 100);
  latency.observe('a', 200);
  assert.equal(latency.estimate('a'), 130);
  latency.observe('b', 50);
  assert.deepEqual(latency.fastestFirst(['a', 'b', 'c']), ['c', 'b', 'a']);
  latency.observe('c', 500);
  assert.deepEqual(latency.fastestFirst(['a', 'b', 'c']), ['b', 'a', 'c']);
});

const policy = (fallbacks: Record<string, string[]>, routing = DEFAULT_SETTINGS.routing) => ({ fallbacks, routing });

test('chain: the requested model, then its fallbacks breadth first, each once', () => {
  const settings = policy({ a: ['b', 'c'], b: ['d', 'a'], c: ['d'], '*': ['z'] });
  assert.deepEqual(candidateChain('a', settings), ['a', 'b', 'c', 'd']);
  assert.deepEqual(candidateChain('x', settings), ['x', 'z'], 'the * list for models without their own');
  assert.deepEqual(candidateChain('x', policy({})), ['x']);
});

test('chain: with the latency policy the fastest equivalent goes first, fallbacks after the group', () => {
  const latency = new LatencyTracker();
  latency.observe('a', 900);
  latency.observe('b', 100);
  const settings = policy({ a: ['f'] }, { policy: 'latency', equivalents: [['a', 'b']] });
  assert.deepEqual(candidateChain('a', settings, latency), ['b', 'a', 'f']);
  assert.deepEqual(candidateChain('a', { ...settings, routing: { ...settings.routing, policy: 'ordered' } }, latency), ['a', 'f']);
  assert.deepEqual(candidateChain('q', settings, latency), ['q']);
});

test('plan: a hedge prefers a candidate not already running and never waits for a backoff', () => {
  const c = (id: string) => ({ entry: { id }, provider: { id } }) as unknown as Candidate;
  const plan = new AttemptPlan([c('a'), c('b')], { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 }, performance.now() + 60_000, () => 0.5, () => undefined);
  const [a, b] = plan.slots;
  a!.tries = 1;
  assert.equal(plan.next(true, new Set([a!]))?.slot, b);
  b!.tries = 1;
  plan.afterFailure(b!, true, undefined);
  assert.equal(plan.next(true, new Set([a!]))?.slot, a, 'b is in backoff, so the hedge tries a again');
  assert.equal(plan.afterFailure(a!, false, undefined), undefined);
  assert.equal(a!.exhausted, true, 'a non-retryable failure ends the candidate');
  const next = plan.next(false, new Set());
  assert.equal(next?.slot, b);
  assert.ok(next!.waitMs > 400 && next!.waitMs <= 500);
});

test('plan: no try is planned that could only start after the deadline', () => {
  const c = { entry: { id: 'a' }, provider: { id: 'a' } } as unknown as Candidate;
  let deadlines = 0;
  const plan = new AttemptPlan([c], { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5000 }, performance.now() + 100, () => 0, () => (deadlines += 1));
  plan.slots[0]!.tries = 1;
  assert.equal(plan.afterFailure(plan.slots[0]!, true, 1000), undefined);
  assert.equal(plan.next(false, new Set()), undefined);
  assert.equal(deadlines, 1);
});
