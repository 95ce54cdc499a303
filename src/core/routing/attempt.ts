import type { Settings } from '../config/settings';
import { CancelledError, UpstreamError } from '../errors';
import type { ChatResult, ProviderStreamEvent, Usage } from '../types';
import { AttemptSignal } from './attempt-signal';
import type { Candidate } from './candidates';
import { timeoutError, unfinishedStreamError } from './errors';

/**
 * Starts one upstream attempt: its events, or, for a non-streaming call, the promise of its answer (one `done`
 * event with no iterator around it).
 */
export type StartAttempt = (candidate: Candidate, signal: AbortSignal) => AsyncIterable<ProviderStreamEvent> | Promise<ChatResult>;

export type FirstOutcome<S extends { candidate: Candidate }> =
  | { attempt: Attempt<S>; ok: true; event: ProviderStreamEvent }
  | { attempt: Attempt<S>; ok: false; error: unknown };

export interface AttemptContext {
  start: StartAttempt;
  /** The request's signal, if any: aborting it aborts the attempt. */
  signal: AbortSignal | undefined;
  timeouts: Settings['timeouts'];
  /** performance.now() time of the request's total deadline. */
  deadline: number;
  /** Called when a wait ran into the total deadline. */
  onDeadline(error: UpstreamError): void;
}

const ignore = (): void => undefined;

const answered = (result: ChatResult): IteratorResult<ProviderStreamEvent> => ({ done: false, value: { type: 'done', result } });

/**
 * One try of one candidate: its own abort controller (linked to the request's signal), and reads that time out.
 * `first` settles, never rejects, with the first content event (text, tool call or the final answer) or with the
 * failure before it. Usage events before that are held back: they reach the caller only if this attempt wins.
 */
export class Attempt<S extends { candidate: Candidate }> {
  /** Handed to the upstream call; the request's own signal, if any, is `context.signal`. */
  private readonly upstreamSignal = new AttemptSignal();
  readonly started = performance.now();
  /** The last usage the attempt reported, kept for its record: a failed or hedged attempt may still be billed. */
  usage?: Usage;
  readonly held: ProviderStreamEvent[] = [];
  readonly first: Promise<FirstOutcome<S>>;
  private iterator?: AsyncIterator<ProviderStreamEvent>;
  private unlink?: () => void;
  /** The upstream produced its last event. */
  private finished = false;
  /**
   * The read in progress, if any: how to settle it, and when it times out. Fields rather than an object per read,
   * since a stream makes one read per chunk.
   */
  private resolveRead?: (result: IteratorResult<ProviderStreamEvent>) => void;
  private rejectRead?: (error: unknown) => void;
  private readKind: 'firstByte' | 'idle' = 'firstByte';
  /** performance.now() time by which the read ends: its phase's limit or the total deadline, whichever is first. */
  private readEndsAt = 0;
  private readByTotal = false;
  /**
   * One timer for all of the attempt's reads, instead of one per read (per streamed chunk): it stays armed between
   * reads and, when it fires before the current read's end, is armed again for the rest.
   */
  private timer?: ReturnType<typeof setTimeout>;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    readonly slot: S,
    /** The circuit breaker let this attempt through as its half-open probe. */
    readonly probe: boolean,
    public hedged: boolean,
    private readonly context: AttemptContext,
  ) {
    const { signal } = context;
    if (signal) {
      const onAbort = () => this.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.unlink = () => signal.removeEventListener('abort', onAbort);
    }
    this.first = this.readFirst();
  }

  get candidate(): Candidate {
    return this.slot.candidate;
  }

  /** The next event, within the idle timeout and the total deadline. */
  next(): Promise<IteratorResult<ProviderStreamEvent>> {
    return this.nextWithin('idle', performance.now() + this.context.timeouts.idleMs);
  }

  /** Ends the attempt: an upstream call still running is aborted, and its iterator closed. Safe to call twice. */
  stop(): void {
    this.unlink?.();
    this.disarm();
    // An upstream that produced its last event has nothing to abort or close: an abort builds a DOMException with
    // a stack, and a return costs a few promises.
    if (this.finished) return;
    this.abort();
    const { iterator } = this;
    if (iterator?.return) {
      void Promise.resolve()
        .then(() => iterator.return!())
        .catch(ignore);
    }
  }

  private async readFirst(): Promise<FirstOutcome<S>> {
    try {
      const started = this.context.start(this.candidate, this.upstreamSignal);
      const firstByteBy = this.started + this.context.timeouts.firstByteMs;
      if (started instanceof Promise) {
        const answer = await this.nextWithin('firstByte', firstByteBy, started.then(answered));
        return { attempt: this, ok: true, event: answer.value as ProviderStreamEvent };
      }
      this.iterator = started[Symbol.asyncIterator]();
      for (;;) {
        const next = await this.nextWithin('firstByte', firstByteBy);
        if (next.done) throw unfinishedStreamError(this.candidate);
        if (next.value.type !== 'usage') return { attempt: this, ok: true, event: next.value };
        this.usage = next.value.usage;
        this.held.push(next.value);
      }
    } catch (error) {
      return { attempt: this, ok: false, error };
    }
  }

  /**
   * Races the iterator against the phase's limit and the total deadline, and against an abort, so that even an
   * upstream that ignores its signal cannot hold the request. A timeout aborts the attempt.
   */
  private nextWithin(
    kind: 'firstByte' | 'idle',
    phaseEnd: number,
    /** The read to wait for; by default the iterator's next event. */
    read?: Promise<IteratorResult<ProviderStreamEvent>>,
  ): Promise<IteratorResult<ProviderStreamEvent>> {
    if (this.upstreamSignal.aborted) {
      read?.catch(ignore);
      return Promise.reject(new CancelledError());
    }
    const { deadline } = this.context;
    this.readKind = kind;
    this.readEndsAt = Math.min(deadline, phaseEnd);
    this.readByTotal = deadline <= phaseEnd;
    const result = new Promise(this.captureRead);
    // The first read's timer goes off no later than an idle read's would, so that the first idle read keeps it
    // rather than clearing it for an earlier one; when it goes off early, it is armed again for the rest.
    this.arm(kind === 'firstByte' ? Math.min(this.readEndsAt, this.started + this.context.timeouts.idleMs) : this.readEndsAt);
    let pending: Promise<IteratorResult<ProviderStreamEvent>>;
    try {
      pending = read ?? this.iterator!.next();
    } catch (err) {
      pending = Promise.reject(err);
    }
    // A read that settles after its wait ended (timed out or aborted) finds no read in progress and is dropped: the
    // attempt is aborted by then, so it starts no other read.
    pending.then(this.onRead, this.failRead);
    return result;
  }

  private readonly captureRead = (
    resolve: (result: IteratorResult<ProviderStreamEvent>) => void,
    reject: (error: unknown) => void,
  ): void => {
    this.resolveRead = resolve;
    this.rejectRead = reject;
  };

  private readonly onRead = (result: IteratorResult<ProviderStreamEvent>): void => {
    if (result.done || result.value.type === 'done') this.finished = true;
    const resolve = this.resolveRead;
    if (!resolve) return;
    this.endRead();
    resolve(result);
  };

  /** Ends the read in progress, if any, with `err`. */
  private readonly failRead = (err: unknown): void => {
    const reject = this.rejectRead;
    if (!reject) return;
    this.endRead();
    reject(err);
  };

  private endRead(): void {
    this.resolveRead = undefined;
    this.rejectRead = undefined;
    if (this.finished) this.disarm();
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.disarm();
    this.timerAt = at;
    // Whole milliseconds: Node keeps one timer list per distinct duration, and fractions would make one per request.
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, Math.ceil(at - performance.now())));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private onTimer(): void {
    const firedFor = this.timerAt;
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (!this.rejectRead) return;
    if (this.readEndsAt > firedFor) return this.arm(this.readEndsAt);
    const { timeouts } = this.context;
    const byTotal = this.readByTotal;
    const limitMs = byTotal ? timeouts.totalMs : timeouts[`${this.readKind}Ms`];
    const error = timeoutError(this.candidate, byTotal ? 'total' : this.readKind, limitMs);
    if (byTotal) this.context.onDeadline(error);
    this.failRead(error);
    this.abort();
  }

  /** Aborts the upstream call and fails the read in progress, if any. */
  private abort(): void {
    this.upstreamSignal.abort();
    if (this.rejectRead) this.failRead(new CancelledError());
  }
}
