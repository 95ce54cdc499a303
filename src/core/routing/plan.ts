import type { Candidate } from './candidates';
import { retryDelay, type RetrySettings } from './retry-policy';

/** A candidate's progress through its tries. */
export interface Slot {
  candidate: Candidate;
  tries: number;
  /** No more tries: out of attempts, a non-retryable failure, no key, or an open circuit. */
  exhausted: boolean;
  /** performance.now() time before which it must not be tried again (backoff). */
  retryAt: number;
}

/**
 * Which candidate to try next and when: the candidates in order, each up to `retry.maxAttempts` times, with
 * backoff between the tries of one candidate. No try is planned that could only start after the deadline.
 */
export class AttemptPlan {
  readonly slots: Slot[];

  constructor(
    candidates: Candidate[],
    private readonly retry: RetrySettings,
    /** performance.now() time of the request's total deadline. */
    private readonly deadline: number,
    private readonly random: () => number,
    private readonly onDeadline: (slot: Slot) => void,
  ) {
    this.slots = candidates.map((candidate) => ({ candidate, tries: 0, exhausted: false, retryAt: 0 }));
  }

  /**
   * The first candidate with tries left, and how long to wait for its backoff. A hedge never waits, and prefers a
   * candidate that is not already running.
   */
  next(forHedge: boolean, busy: ReadonlySet<Slot>): { slot: Slot; waitMs: number } | undefined {
    const now = performance.now();
    const ordered = forHedge ? [...this.slots.filter((s) => !busy.has(s)), ...this.slots.filter((s) => busy.has(s))] : this.slots;
    for (const slot of ordered) {
      if (slot.exhausted) continue;
      if (slot.tries >= this.retry.maxAttempts) {
        slot.exhausted = true;
        continue;
      }
      const waitMs = Math.max(0, slot.retryAt - now);
      if (forHedge && waitMs > 0) continue;
      if (now + waitMs >= this.deadline) {
        slot.exhausted = true;
        this.onDeadline(slot);
        continue;
      }
      return { slot, waitMs };
    }
    return undefined;
  }

  /**
   * Plans the retry after a failure before any content. Returns why the candidate is not retried although the
   * failure was retryable (the provider asked for a longer wait than allowed), else undefined.
   */
  afterFailure(slot: Slot, retryable: boolean, retryAfterMs: number | undefined): string | undefined {
    if (!retryable || slot.tries >= this.retry.maxAttempts) {
      slot.exhausted = true;
      return undefined;
    }
    const delay = retryDelay(slot.tries, this.retry, retryAfterMs, this.random);
    if (delay.retry) {
      slot.retryAt = performance.now() + delay.delayMs;
      return undefined;
    }
    slot.exhausted = true;
    return delay.reason;
  }
}
