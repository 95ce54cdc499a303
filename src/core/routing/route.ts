import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SETTINGS, type Settings } from '../config/settings';
import { CancelledError, MissingKeyError, UpstreamError, errorMessage } from '../errors';
import type { AttemptRecord, ChatResult, ProviderStreamEvent } from '../types';
import { Attempt, type AttemptContext, type FirstOutcome, type StartAttempt } from './attempt';
import { CircuitBreaker } from './breaker';
import type { Candidate } from './candidates';
import { AllCandidatesFailedError, CircuitOpenError, streamBrokenError, timeoutError, unfinishedStreamError, type OpenCircuit } from './errors';
import type { LatencyTracker } from './latency';
import { AttemptPlan, type Slot } from './plan';
import { isRetryable } from './retry-policy';
import { ITERATION_DONE, ReadQueue } from '../iterators';

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

type Winner = Extract<FirstOutcome<Slot>, { ok: true }>;

/**
 * Routes one request over its candidates (the requested model, then its fallbacks). Each candidate is tried up to
 * `retry.maxAttempts` times on retryable failures, with backoff; any failure moves on to the next candidate; a
 * candidate without a key or behind an open circuit is skipped. An attempt is committed when its first content
 * event reaches the caller: after that a failure ends the stream with a `stream_broken` error and nothing is
 * repeated. With hedging on, a second attempt starts when the first has shown nothing after `hedging.afterMs`; the
 * first to produce content wins and the other is aborted. Every attempt is yielded as an `attempt` event.
 */
export function routeStream(
  candidates: Candidate[],
  start: StartAttempt,
  /** The caller's signal, if it has one: stopping the iteration also stops every attempt. */
  signal: AbortSignal | undefined,
  options: RouteOptions = { settings: DEFAULT_SETTINGS },
): AsyncIterableIterator<RoutedEvent> {
  return new RoutedStream(new Route(candidates, start, signal, options, []));
}

/**
 * Routes a request as `routeStream` does, and reads the winner to its end; for non-streaming calls, with no
 * generator between the caller and the answer. Each attempt's record is pushed onto `records` as it finishes.
 */
export async function routeComplete(
  candidates: Candidate[],
  start: StartAttempt,
  signal: AbortSignal | undefined,
  options: RouteOptions,
  records: AttemptRecord[],
): Promise<{ result: ChatResult; candidate: Candidate }> {
  const route = new Route(candidates, start, signal, options, records);
  try {
    let winner: Winner | undefined;
    while (!winner) winner = await route.select();
    const { attempt } = winner;
    let event = winner.event;
    let partialText = '';
    // A non-streaming attempt's first event is its answer; anything else is read on to the end.
    while (event.type !== 'done') {
      if (event.type === 'text') partialText += event.delta;
      if (event.type === 'usage') attempt.usage = event.usage;
      let next: IteratorResult<ProviderStreamEvent>;
      try {
        next = await attempt.next();
      } catch (err) {
        throw route.broken(attempt, err, partialText);
      }
      if (next.done) throw route.broken(attempt, unfinishedStreamError(attempt.candidate), partialText);
      event = next.value;
    }
    route.succeeded(attempt, event.result);
    return { result: event.result, candidate: attempt.candidate };
  } finally {
    route.stopAll();
  }
}

/**
 * `routeStream`'s events. Hand-written rather than an async generator: every chunk of the winner passes through
 * here, and a generator costs each one a few promises more than a single `.then`.
 */
class RoutedStream implements AsyncIterableIterator<RoutedEvent> {
  /** Events decided but not yet read: attempt records, the winner's held-back events, and its last ones. */
  private readonly queued = new ReadQueue<RoutedEvent>();
  private selecting: Promise<void> | undefined;
  private winner: Attempt<Slot> | undefined;
  private partialText = '';
  /** The request's error, thrown once the events queued before it are read. */
  private failure: unknown;
  private failed = false;
  private closed = false;

  constructor(private readonly route: Route) {}

  next(): Promise<IteratorResult<RoutedEvent>> {
    // Every chunk of the winner comes this way.
    const { winner } = this;
    if (winner && !this.queued.pending) return winner.next().then(this.onRead, this.onReadFailed);
    try {
      const step = this.step();
      return step instanceof Promise ? step : Promise.resolve(step);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The next read: at once when it is decided, else once the winner's read or the selection step settles. */
  private step(): IteratorResult<RoutedEvent> | Promise<IteratorResult<RoutedEvent>> {
    if (this.queued.pending) return this.queued.take();
    if (this.winner) return this.winner.next().then(this.onRead, this.onReadFailed);
    if (this.failed) {
      const { failure } = this;
      this.close();
      throw failure;
    }
    if (this.closed) return ITERATION_DONE;
    this.selecting ??= this.route.select().then(this.onSelected, this.onSelectFailed);
    return this.selecting.then(this.afterSelecting);
  }

  /** Stops every attempt. A selection step in progress finishes first, as a generator's pending step would. */
  return(): Promise<IteratorResult<RoutedEvent>> {
    const stop = () => {
      this.close();
      return ITERATION_DONE;
    };
    return this.selecting ? this.selecting.then(stop) : Promise.resolve(stop());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** A step of selection ended with a winner, or with attempt records to show now. */
  private readonly onSelected = (won: Winner | undefined): void => {
    this.selecting = undefined;
    try {
      this.queueRecords();
      if (won) this.take(won);
    } catch (err) {
      this.failWith(err);
    }
  };

  /** Selection ended with the request's error. */
  private readonly onSelectFailed = (err: unknown): void => {
    this.selecting = undefined;
    this.queueRecords();
    this.failWith(err);
  };

  private readonly afterSelecting = (): IteratorResult<RoutedEvent> | Promise<IteratorResult<RoutedEvent>> => this.step();

  /** From here on nothing is retried: the winner's held-back events and its first content go to the caller. */
  private take({ attempt, event }: Winner): void {
    for (const held of attempt.held) this.queued.push(held as RoutedEvent);
    this.winner = attempt;
    if (event.type === 'done') return this.finish(event.result);
    this.note(event);
    this.queued.push(event);
  }

  private readonly onRead = (step: IteratorResult<ProviderStreamEvent>): IteratorResult<RoutedEvent> | Promise<IteratorResult<RoutedEvent>> => {
    if (this.closed) return ITERATION_DONE;
    if (step.done) return this.onReadFailed(unfinishedStreamError(this.winner!.candidate));
    const event = step.value;
    if (event.type === 'done') {
      this.finish(event.result);
      return this.queued.take();
    }
    this.note(event);
    // The read result is handed on as it is: one object per chunk, not one per layer.
    return step as IteratorResult<RoutedEvent>;
  };

  /** The winner failed after its first content reached the caller: its records, then the error. */
  private readonly onReadFailed = (err: unknown): IteratorResult<RoutedEvent> | Promise<IteratorResult<RoutedEvent>> => {
    if (this.closed) return ITERATION_DONE;
    const error = this.route.broken(this.winner!, err, this.partialText);
    this.winner = undefined;
    this.queueRecords();
    this.failWith(error);
    return this.step();
  };

  private note(event: Exclude<ProviderStreamEvent, { type: 'done' }>): void {
    if (event.type === 'text') this.partialText += event.delta;
    else if (event.type === 'usage') this.winner!.usage = event.usage;
  }

  private finish(result: ChatResult): void {
    const winner = this.winner!;
    this.winner = undefined;
    this.queued.push({ type: 'attempt', attempt: this.route.succeeded(winner, result) });
    this.queued.push({ type: 'done', result, candidate: winner.candidate });
    this.closed = true;
    this.route.stopAll();
  }

  private failWith(err: unknown): void {
    this.failure = err;
    this.failed = true;
  }

  private queueRecords(): void {
    for (const attempt of this.route.unread()) this.queued.push({ type: 'attempt', attempt });
  }

  private close(): void {
    this.closed = true;
    this.winner = undefined;
    this.failed = false;
    this.failure = undefined;
    this.queued.clear();
    this.route.stopAll();
  }
}

const HEDGE = Symbol('hedge');
const CIRCUIT_OPEN = 'circuit open';
const NO_SLOTS: ReadonlySet<Slot> = new Set();

/** One request's routing state: its plan, the attempts running, and the record of every attempt. */
class Route implements AttemptContext {
  readonly timeouts: Settings['timeouts'];
  readonly deadline: number;
  private readonly settings: RouteOptions['settings'];
  private readonly breaker: CircuitBreaker;
  private readonly latency: LatencyTracker | undefined;
  private readonly plan: AttemptPlan;
  private readonly running: Attempt<Slot>[] = [];
  private readonly openCircuits: OpenCircuit[] = [];
  /** How many of `records` the reader has seen. */
  private read = 0;
  private lastError: unknown;
  private firstMissingKey: MissingKeyError | undefined;
  /** Set once the total deadline has passed, or would pass before the next try could start. */
  private deadlineError: UpstreamError | undefined;
  private hedgesLeft: number;

  constructor(
    candidates: Candidate[],
    readonly start: StartAttempt,
    readonly signal: AbortSignal | undefined,
    options: RouteOptions,
    private readonly records: AttemptRecord[],
  ) {
    this.settings = options.settings;
    this.timeouts = options.settings.timeouts;
    this.breaker = options.breaker ?? new CircuitBreaker();
    this.latency = options.latency;
    this.deadline = performance.now() + this.timeouts.totalMs;
    this.hedgesLeft = options.settings.hedging.enabled ? 1 : 0;
    this.plan = new AttemptPlan(candidates, options.settings.retry, this.deadline, options.random ?? Math.random, (slot) => {
      this.deadlineError ??= timeoutError(slot.candidate, 'total', this.timeouts.totalMs);
    });
  }

  onDeadline(error: UpstreamError): void {
    this.deadlineError ??= error;
  }

  /** The records made since the last call. */
  unread(): AttemptRecord[] {
    const fresh = this.records.slice(this.read);
    this.read = this.records.length;
    return fresh;
  }

  /**
   * Starts, retries, hedges and falls back until an attempt shows content, and returns it; or returns undefined as
   * soon as there are records to read, so that a stream can show them as they happen. Throws the request's error
   * when no candidate is left, and `CancelledError` when the caller's signal aborts.
   */
  async select(): Promise<Winner | undefined> {
    const { signal } = this;
    for (;;) {
      if (signal?.aborted) throw new CancelledError();

      if (!this.running.length) {
        const next = this.plan.next(false, NO_SLOTS);
        if (!next) throw this.finalError();
        if (next.waitMs > 0) await sleep(next.waitMs, undefined, { signal }).catch(() => Promise.reject(new CancelledError()));
        if (this.admit(next.slot, false)) continue;
        return undefined;
      }

      const outcome = await this.race();
      if (signal?.aborted) {
        this.cancelAll();
        throw new CancelledError();
      }

      if (outcome === HEDGE) {
        this.hedge();
      } else if (!outcome.ok) {
        this.fail(outcome.attempt, outcome.error);
      } else {
        // A winner: its first content event is about to reach the caller, so from here on nothing is retried.
        const winner = outcome.attempt;
        for (const loser of this.running.filter((a) => a !== winner)) {
          this.stop(loser, true);
          this.record(loser, 'cancelled', new Error('Another hedged attempt answered first.'));
        }
        const { candidate } = winner;
        this.breaker.recordSuccess(candidate.provider.id);
        this.latency?.observe(candidate.entry.id, performance.now() - winner.started);
        return outcome;
      }
      if (this.read < this.records.length) return undefined;
    }
  }

  /** The winner finished: its record. */
  succeeded(winner: Attempt<Slot>, result: ChatResult): AttemptRecord {
    winner.usage = result.usage;
    this.stop(winner, false);
    return this.record(winner, 'ok');
  }

  /** The winner failed after its first content reached the caller: the error to end the request with. */
  broken(winner: Attempt<Slot>, failure: unknown, partialText: string): Error {
    if (this.signal?.aborted) {
      this.cancelAll();
      return new CancelledError();
    }
    this.stop(winner, false);
    if (isRetryable(failure)) this.breaker.recordFailure(winner.candidate.provider.id, this.settings.breaker);
    this.record(winner, 'error', failure);
    return streamBrokenError(winner.candidate, failure, partialText);
  }

  stopAll(): void {
    while (this.running.length) this.stop(this.running.at(-1)!, true);
  }

  /** Starts a hedge beside the attempt running, unless no candidate is free to take it. */
  private hedge(): void {
    this.hedgesLeft -= 1;
    const busy = new Set(this.running.map((a) => a.slot));
    for (let next = this.plan.next(true, busy); next; next = this.plan.next(true, busy)) {
      if (this.admit(next.slot, true)) return;
    }
  }

  /** Asks the slot's provider circuit, and launches an attempt if it may; a refusal skips the candidate and is recorded. */
  private admit(slot: Slot, hedged: boolean): boolean {
    const admission = this.breaker.admit(slot.candidate.provider.id);
    if (admission.allowed) {
      if (hedged) this.running[0]!.hedged = true;
      slot.tries += 1;
      this.running.push(new Attempt(slot, admission.probe, hedged, this));
      return true;
    }
    const { provider } = slot.candidate;
    this.openCircuits.push({ provider: provider.id, providerName: provider.name, retryAt: admission.retryAt });
    slot.exhausted = true;
    const waitS = Math.max(0, Math.ceil((admission.retryAt - Date.now()) / 1000));
    this.records.push({
      model: slot.candidate.entry.id,
      provider: provider.id,
      outcome: 'skipped',
      latencyMs: 0,
      error: `${CIRCUIT_OPEN}: ${provider.name} failed repeatedly; next try in ${waitS} s`,
    });
    return false;
  }

  private record(attempt: Attempt<Slot>, outcome: AttemptRecord['outcome'], err?: unknown): AttemptRecord {
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
    this.records.push(entry);
    return entry;
  }

  /** Stops an attempt; without a verdict on its provider, a probe's place is freed. */
  private stop(attempt: Attempt<Slot>, releaseProbe: boolean): void {
    const at = this.running.indexOf(attempt);
    if (at >= 0) this.running.splice(at, 1);
    attempt.stop();
    if (releaseProbe) this.breaker.release(attempt.candidate.provider.id, attempt.probe);
  }

  /** Records a failure before the first content event, tells the breaker, and plans the retry, if any. */
  private fail(attempt: Attempt<Slot>, err: unknown): void {
    const provider = attempt.candidate.provider.id;
    this.lastError = err;
    if (err instanceof MissingKeyError) {
      this.stop(attempt, true);
      this.firstMissingKey ??= err;
      attempt.slot.exhausted = true;
      this.record(attempt, 'skipped', err);
      return;
    }
    const retryable = isRetryable(err);
    this.stop(attempt, !(err instanceof UpstreamError));
    if (retryable) this.breaker.recordFailure(provider, this.settings.breaker);
    else if (err instanceof UpstreamError) this.breaker.recordSuccess(provider);
    const entry = this.record(attempt, 'error', err);
    const notRetried = this.plan.afterFailure(attempt.slot, retryable, err instanceof UpstreamError ? err.retryAfterMs : undefined);
    if (notRetried) entry.error = `${entry.error} (not retried: ${notRetried})`;
  }

  private cancelAll(): void {
    for (const attempt of [...this.running]) {
      this.stop(attempt, true);
      this.record(attempt, 'cancelled');
    }
  }

  private finalError(): Error {
    const { records } = this;
    const nothingSent = records.every((r) => r.outcome === 'skipped');
    const circuitSkips = records.filter((r) => r.error?.startsWith(CIRCUIT_OPEN)).length;
    if (nothingSent && circuitSkips > 0 && circuitSkips === records.length) return new CircuitOpenError(this.openCircuits, records, Date.now());
    if (nothingSent && this.firstMissingKey && circuitSkips === 0) return this.firstMissingKey;
    const last = this.deadlineError ?? this.lastError;
    if (last === undefined) return new Error('No model to send the request to.');
    if (records.length === 1 && last === this.lastError) return last instanceof Error ? last : new Error(errorMessage(last));
    return new AllCandidatesFailedError(records, last);
  }

  /** Waits for the first attempt to produce content or fail, or for the moment to hedge. */
  private race(): Promise<FirstOutcome<Slot> | typeof HEDGE> {
    const { running } = this;
    if (this.hedgesLeft > 0 && running.length === 1) return this.raceHedge();
    return running.length === 1 ? running[0]!.first : Promise.race(running.map((a) => a.first));
  }

  private async raceHedge(): Promise<FirstOutcome<Slot> | typeof HEDGE> {
    const { running } = this;
    const hedgeClock = new AbortController();
    const waitMs = Math.max(0, running[0]!.started + this.settings.hedging.afterMs - performance.now());
    const hedgeAt = sleep(waitMs, HEDGE, { signal: hedgeClock.signal }).catch(() => new Promise<never>(() => undefined));
    try {
      return await Promise.race([running[0]!.first, hedgeAt]);
    } finally {
      hedgeClock.abort();
    }
  }
}
