import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SETTINGS, type Settings } from '../config/settings';
import { CancelledError, MissingKeyError, UpstreamError, errorMessage } from '../errors';
import type { AttemptRecord, ChatResult, ProviderStreamEvent } from '../types';
import { Attempt, type FirstOutcome, type StartAttempt } from './attempt';
import { CircuitBreaker } from './breaker';
import type { Candidate } from './candidates';
import { AllCandidatesFailedError, CircuitOpenError, streamBrokenError, timeoutError, unfinishedStreamError, type OpenCircuit } from './errors';
import type { LatencyTracker } from './latency';
import { AttemptPlan, type Slot } from './plan';
import { isRetryable } from './retry-policy';

export type { Candidate } from './candidates';
export type { StartAttempt } from './attempt';
export { AllCandidatesFailedError, CircuitOpenError } from './errors';

/** What routing yields: the winning attempt's events, attempt records as they finish, and the winner. */
export type RoutedEvent =
  | Exclude<ProviderStreamEvent, { type: 'done' }>
  | { type: 'attempt'; attempt: AttemptRecord }
  | { type: 'done'; result: ChatResult; candidate: Candidate };

export interface RouteOptions {
  settings: Pick<Settings, 'retry' | 'timeouts' | 'breaker' | 'hedging'>;
  /** Shared across requests, so that one request's failures spare the next ones. */
  breaker?: CircuitBreaker;
  /** Fed with the winner's time to its first content event. */
  latency?: LatencyTracker;
  /** For backoff jitter; `Math.random` by default. */
  random?: () => number;
}

const HEDGE = Symbol('hedge');
const CIRCUIT_OPEN = 'circuit open';

/**
 * Routes one request over its candidates (the requested model, then its fallbacks). Each candidate is tried up to
 * `retry.maxAttempts` times on retryable failures, with backoff; any failure moves on to the next candidate; a
 * candidate without a key or behind an open circuit is skipped. An attempt is committed when its first content
 * event reaches the caller: after that a failure ends the stream with a `stream_broken` error and nothing is
 * repeated. With hedging on, a second attempt starts when the first has shown nothing after `hedging.afterMs`; the
 * first to produce content wins and the other is aborted. Every attempt is yielded as an `attempt` event.
 */
export async function* routeStream(
  candidates: Candidate[],
  start: StartAttempt,
  /** The caller's signal, if it has one: stopping the iteration also stops every attempt. */
  signal: AbortSignal | undefined,
  options: RouteOptions = { settings: DEFAULT_SETTINGS },
): AsyncGenerator<RoutedEvent> {
  const { retry, timeouts, hedging, breaker: breakerSettings } = options.settings;
  const breaker = options.breaker ?? new CircuitBreaker();
  const deadline = performance.now() + timeouts.totalMs;
  const running: Attempt<Slot>[] = [];
  const records: AttemptRecord[] = [];
  const openCircuits: OpenCircuit[] = [];
  let lastError: unknown;
  let firstMissingKey: MissingKeyError | undefined;
  /** Set once the total deadline has passed, or would pass before the next try could start. */
  let deadlineError: UpstreamError | undefined;
  let hedgesLeft = hedging.enabled ? 1 : 0;

  const plan = new AttemptPlan(candidates, retry, deadline, options.random ?? Math.random, (slot) => {
    deadlineError ??= timeoutError(slot.candidate, 'total', timeouts.totalMs);
  });
  const context = { start, signal, timeouts, deadline, onDeadline: (error: UpstreamError) => void (deadlineError ??= error) };

  const record = (attempt: Attempt<Slot>, outcome: AttemptRecord['outcome'], err?: unknown): AttemptRecord => {
    const entry: AttemptRecord = {
      model: attempt.candidate.entry.id,
      provider: attempt.candidate.provider.id,
      outcome,
      latencyMs: Math.round(performance.now() - attempt.started),
    };
    if (err instanceof UpstreamError && err.status !== undefined) entry.status = err.status;
    if (err !== undefined) entry.error = errorMessage(err);
    if (attempt.hedged) entry.hedged = true;
    if (attempt.usage) entry.usage = attempt.usage;
    records.push(entry);
    return entry;
  };

  const launch = (slot: Slot, probe: boolean, hedged: boolean): void => {
    slot.tries += 1;
    running.push(new Attempt(slot, probe, hedged, context));
  };

  /** Stops an attempt; without a verdict on its provider, a probe's place is freed. */
  const stop = (attempt: Attempt<Slot>, releaseProbe: boolean): void => {
    const at = running.indexOf(attempt);
    if (at >= 0) running.splice(at, 1);
    attempt.stop();
    if (releaseProbe) breaker.release(attempt.candidate.provider.id, attempt.probe);
  };

  /** Asks the slot's provider circuit; a refusal skips the candidate and is recorded. */
  const admit = (slot: Slot): { allowed: true; probe: boolean } | { allowed: false; skipped: AttemptRecord } => {
    const admission = breaker.admit(slot.candidate.provider.id);
    if (admission.allowed) return admission;
    const { provider } = slot.candidate;
    openCircuits.push({ provider: provider.id, providerName: provider.name, retryAt: admission.retryAt });
    slot.exhausted = true;
    const waitS = Math.max(0, Math.ceil((admission.retryAt - Date.now()) / 1000));
    const skipped: AttemptRecord = {
      model: slot.candidate.entry.id,
      provider: provider.id,
      outcome: 'skipped',
      latencyMs: 0,
      error: `${CIRCUIT_OPEN}: ${provider.name} failed repeatedly; next try in ${waitS} s`,
    };
    records.push(skipped);
    return { allowed: false, skipped };
  };

  /** Records a failure before the first content event, tells the breaker, and plans the retry, if any. */
  const fail = (attempt: Attempt<Slot>, err: unknown): AttemptRecord => {
    const provider = attempt.candidate.provider.id;
    lastError = err;
    if (err instanceof MissingKeyError) {
      stop(attempt, true);
      firstMissingKey ??= err;
      attempt.slot.exhausted = true;
      return record(attempt, 'skipped', err);
    }
    const retryable = isRetryable(err);
    stop(attempt, !(err instanceof UpstreamError));
    if (retryable) breaker.recordFailure(provider, breakerSettings);
    else if (err instanceof UpstreamError) breaker.recordSuccess(provider);
    const entry = record(attempt, 'error', err);
    const notRetried = plan.afterFailure(attempt.slot, retryable, err instanceof UpstreamError ? err.retryAfterMs : undefined);
    if (notRetried) entry.error = `${entry.error} (not retried: ${notRetried})`;
    return entry;
  };

  const cancelAll = (): AttemptRecord[] =>
    [...running].map((attempt) => {
      stop(attempt, true);
      return record(attempt, 'cancelled');
    });

  const finalError = (): Error => {
    const nothingSent = records.every((r) => r.outcome === 'skipped');
    const circuitSkips = records.filter((r) => r.error?.startsWith(CIRCUIT_OPEN)).length;
    if (nothingSent && circuitSkips > 0 && circuitSkips === records.length) return new CircuitOpenError(openCircuits, records, Date.now());
    if (nothingSent && firstMissingKey && circuitSkips === 0) return firstMissingKey;
    const last = deadlineError ?? lastError;
    if (last === undefined) return new Error('No model to send the request to.');
    if (records.length === 1 && last === lastError) return last instanceof Error ? last : new Error(errorMessage(last));
    return new AllCandidatesFailedError(records, last);
  };

  /** Waits for the first attempt to produce content or fail, or for the moment to hedge. */
  const race = async (): Promise<FirstOutcome<Slot> | typeof HEDGE> => {
    if (!(hedgesLeft > 0 && running.length === 1)) return running.length === 1 ? running[0]!.first : Promise.race(running.map((a) => a.first));
    const contenders: Promise<FirstOutcome<Slot> | typeof HEDGE>[] = [running[0]!.first];
    const hedgeClock = new AbortController();
    const waitMs = Math.max(0, running[0]!.started + hedging.afterMs - performance.now());
    contenders.push(sleep(waitMs, HEDGE, { signal: hedgeClock.signal }).catch(() => new Promise<never>(() => undefined)));
    try {
      return await Promise.race(contenders);
    } finally {
      hedgeClock.abort();
    }
  };

  try {
    for (;;) {
      if (signal?.aborted) throw new CancelledError();

      if (!running.length) {
        const next = plan.next(false, new Set());
        if (!next) throw finalError();
        if (next.waitMs > 0) await sleep(next.waitMs, undefined, { signal }).catch(() => Promise.reject(new CancelledError()));
        const admission = admit(next.slot);
        if (admission.allowed) launch(next.slot, admission.probe, false);
        else yield { type: 'attempt', attempt: admission.skipped };
        continue;
      }

      const outcome = await race();
      if (signal?.aborted) {
        for (const entry of cancelAll()) yield { type: 'attempt', attempt: entry };
        throw new CancelledError();
      }

      if (outcome === HEDGE) {
        hedgesLeft -= 1;
        const busy = new Set(running.map((a) => a.slot));
        for (let next = plan.next(true, busy); next; next = plan.next(true, busy)) {
          const admission = admit(next.slot);
          if (!admission.allowed) {
            yield { type: 'attempt', attempt: admission.skipped };
            continue;
          }
          running[0]!.hedged = true;
          launch(next.slot, admission.probe, true);
          break;
        }
        continue;
      }

      if (!outcome.ok) {
        yield { type: 'attempt', attempt: fail(outcome.attempt, outcome.error) };
        continue;
      }

      // A winner: its first content event is about to reach the caller, so from here on nothing is retried.
      const winner = outcome.attempt;
      for (const loser of running.filter((a) => a !== winner)) {
        stop(loser, true);
        yield { type: 'attempt', attempt: record(loser, 'cancelled', new Error('Another hedged attempt answered first.')) };
      }
      const { candidate } = winner;
      breaker.recordSuccess(candidate.provider.id);
      options.latency?.observe(candidate.entry.id, performance.now() - winner.started);

      // Delivery, inline rather than a nested generator, which would cost every event one more promise hop. A
      // failure from here on breaks the stream and keeps the partial text.
      for (const held of winner.held) yield held as RoutedEvent;
      let partialText = '';
      let event: ProviderStreamEvent = outcome.event;
      for (;;) {
        if (event.type === 'done') {
          winner.usage = event.result.usage;
          stop(winner, false);
          yield { type: 'attempt', attempt: record(winner, 'ok') };
          yield { type: 'done', result: event.result, candidate };
          return;
        }
        if (event.type === 'text') partialText += event.delta;
        if (event.type === 'usage') winner.usage = event.usage;
        yield event;
        let failure: unknown;
        try {
          const next = await winner.next();
          if (!next.done) {
            event = next.value;
            continue;
          }
          failure = unfinishedStreamError(candidate);
        } catch (err) {
          failure = err;
        }
        if (signal?.aborted) {
          for (const entry of cancelAll()) yield { type: 'attempt', attempt: entry };
          throw new CancelledError();
        }
        stop(winner, false);
        if (isRetryable(failure)) breaker.recordFailure(candidate.provider.id, breakerSettings);
        yield { type: 'attempt', attempt: record(winner, 'error', failure) };
        throw streamBrokenError(candidate, failure, partialText);
      }
    }
  } finally {
    for (const attempt of [...running]) stop(attempt, true);
  }
}
