import type { Settings } from '../config/settings';

export type BreakerSettings = Settings['breaker'];

export type Admission =
  | { allowed: true; probe: boolean }
  /** `retryAt` is when a probe may go through (epoch ms); a half-open circuit whose probe is in flight says now. */
  | { allowed: false; retryAt: number };

interface CircuitState {
  consecutiveFailures: number;
  /** Set while open: no request until this time (epoch ms). */
  openUntil?: number;
  /** Half-open: one probe is in flight and everyone else waits for its verdict. */
  probing: boolean;
}

/**
 * One circuit per provider. Closed: everything goes through. After `failureThreshold` retryable failures in a row
 * it opens: nothing goes through for `cooldownMs`. Then half-open: one probe goes through; its success closes the
 * circuit, its failure opens it for another cooldown.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, CircuitState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Asks to send one request. An allowed probe must be followed by exactly one record* or release call. */
  admit(provider: string): Admission {
    const state = this.circuits.get(provider);
    if (state?.openUntil === undefined) return { allowed: true, probe: false };
    const now = this.now();
    if (now < state.openUntil) return { allowed: false, retryAt: state.openUntil };
    if (state.probing) return { allowed: false, retryAt: now };
    state.probing = true;
    return { allowed: true, probe: true };
  }

  /** The provider answered (a 4xx counts: the provider is up, the request was wrong). */
  recordSuccess(provider: string): void {
    this.circuits.delete(provider);
  }

  /** A retryable failure: 5xx, 429, timeout, connection error. */
  recordFailure(provider: string, settings: BreakerSettings): void {
    const state = this.circuits.get(provider) ?? { consecutiveFailures: 0, probing: false };
    state.consecutiveFailures += 1;
    if (state.probing || state.consecutiveFailures >= settings.failureThreshold) {
      state.openUntil = this.now() + settings.cooldownMs;
      state.probing = false;
    }
    this.circuits.set(provider, state);
  }

  /** An admitted request ended with no verdict on the provider (cancelled, no key): let another probe go. */
  release(provider: string, wasProbe: boolean): void {
    const state = this.circuits.get(provider);
    if (state && wasProbe) state.probing = false;
  }

  /** For status displays: the providers whose circuit is not closed, and until when. */
  openCircuits(): { provider: string; openUntil: number; probing: boolean }[] {
    return [...this.circuits]
      .filter(([, s]) => s.openUntil !== undefined)
      .map(([provider, s]) => ({ provider, openUntil: s.openUntil!, probing: s.probing }));
  }
}
