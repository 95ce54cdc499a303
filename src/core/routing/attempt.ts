import type { Settings } from '../config/settings';
import { CancelledError, UpstreamError } from '../errors';
import type { ProviderStreamEvent, Usage } from '../types';
import type { Candidate } from './candidates';
import { timeoutError, unfinishedStreamError } from './errors';

/** Starts one upstream attempt. Non-streaming calls yield a single `done` event. */
export type StartAttempt = (candidate: Candidate, signal: AbortSignal) => AsyncIterable<ProviderStreamEvent>;

export type FirstOutcome<S extends { candidate: Candidate }> =
  | { attempt: Attempt<S>; ok: true; event: ProviderStreamEvent }
  | { attempt: Attempt<S>; ok: false; error: unknown };

export interface AttemptContext {
  start: StartAttempt;
  /** The request's signal: aborting it aborts the attempt. */
  signal: AbortSignal;
  timeouts: Settings['timeouts'];
  /** performance.now() time of the request's total deadline. */
  deadline: number;
  /** Called when a wait ran into the total deadline. */
  onDeadline(error: UpstreamError): void;
}

const ignore = (): void => undefined;

/**
 * One try of one candidate: its own abort controller (linked to the request's signal), and reads that time out.
 * `first` settles, never rejects, with the first content event (text, tool call or the final answer) or with the
 * failure before it. Usage events before that are held back: they reach the caller only if this attempt wins.
 */
export class Attempt<S extends { candidate: Candidate }> {
  readonly controller = new AbortController();
  readonly started = performance.now();
  /** The last usage the attempt reported, kept for its record: a failed or hedged attempt may still be billed. */
  usage?: Usage;
  readonly held: ProviderStreamEvent[] = [];
  readonly first: Promise<FirstOutcome<S>>;
  private iterator?: AsyncIterator<ProviderStreamEvent>;
  private readonly unlink: () => void;
  /** The upstream produced its last event. */
  private finished = false;

  constructor(
    readonly slot: S,
    /** The circuit breaker let this attempt through as its half-open probe. */
    readonly probe: boolean,
    public hedged: boolean,
    private readonly context: AttemptContext,
  ) {
    const onAbort = () => this.controller.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => context.signal.removeEventListener('abort', onAbort);
    this.first = this.readFirst();
  }

  get candidate(): Candidate {
    return this.slot.candidate;
  }

  /** The next event, within the idle timeout and the total deadline. */
  next(): Promise<IteratorResult<ProviderStreamEvent>> {
    return this.nextWithin('idle', performance.now() + this.context.timeouts.idleMs);
  }

  /** Aborts the upstream call and lets its generator clean up; safe to call twice. */
  stop(): void {
    this.unlink();
    // An abort builds a DOMException with a stack: skip it for an upstream that already finished.
    if (!this.finished) this.controller.abort();
    void Promise.resolve()
      .then(() => this.iterator?.return?.())
      .catch(ignore);
  }

  private async readFirst(): Promise<FirstOutcome<S>> {
    try {
      this.iterator = this.context.start(this.candidate, this.controller.signal)[Symbol.asyncIterator]();
      const firstByteBy = this.started + this.context.timeouts.firstByteMs;
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
  private nextWithin(kind: 'firstByte' | 'idle', phaseEnd: number): Promise<IteratorResult<ProviderStreamEvent>> {
    const { timeouts, deadline } = this.context;
    const signal = this.controller.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      const byTotal = deadline <= phaseEnd;
      let settled = false;
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        finish();
      };
      const onAbort = () => settle(() => reject(new CancelledError()));
      const timer = setTimeout(
        () => {
          const limitMs = byTotal ? timeouts.totalMs : timeouts[`${kind}Ms`];
          const error = timeoutError(this.candidate, byTotal ? 'total' : kind, limitMs);
          if (byTotal) this.context.onDeadline(error);
          settle(() => reject(error));
          this.controller.abort();
        },
        Math.max(0, Math.min(deadline, phaseEnd) - performance.now()),
      );
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve()
        .then(() => this.iterator!.next())
        .then(
          (result) => {
            if (result.done || result.value.type === 'done') this.finished = true;
            settle(() => resolve(result));
          },
          (err) => settle(() => reject(err)),
        );
    });
  }
}
