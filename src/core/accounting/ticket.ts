import { cacheKey } from '../cache/response-cache';
import type { Catalog } from '../catalog/catalog';
import type { CatalogEntry } from '../catalog/types';
import type { Settings } from '../config/settings';
import { CancelledError } from '../errors';
import type { AttemptRecord, ChatRequest, GatewayResult } from '../types';
import { priceAttempts } from './attempt-costs';
import { cachedResult } from './cache-hit';

/** A request that ended, as the accounting records it (off the request path). */
export interface EndedRequest {
  startedAt: Date;
  request: ChatRequest;
  requested: CatalogEntry;
  result?: GatewayResult;
  error?: Error;
  /** Every attempt, for a failure (a result carries its own). */
  attempts: readonly AttemptRecord[];
  /** Text that streamed before a failure. */
  partialText: string;
  latencyMs: number;
   /** The caller stopped reading while an attempt was running: that attempt has no record of its own. */
  abandoned?: boolean;
}

/** What a ticket needs from the accounting. */
export interface TicketHost {
  readonly settings: Settings;
  readonly catalog: Catalog;
  lookup(key: string): GatewayResult | undefined;
  store(key: string, result: GatewayResult): void;
  enforceBudget(request: ChatRequest, requested: CatalogEntry): Promise<void>;
  /** Queues the record; returns at once. */
  record(ended: EndedRequest): void;
}

/**
 * One request's bookkeeping, from just after the model is resolved to its end. Everything a ticket does on the
 * request path is synchronous and small (a cache lookup, pricing the attempts); the budget check awaits only when
 * a budget is set, and the log, totals and telemetry are written after the request has answered.
 */
export class RequestTicket {
  private readonly startedAt = new Date();
  private readonly key: string | undefined;
  private ended = false;

  constructor(
    private readonly host: TicketHost,
    private readonly request: ChatRequest,
    private readonly requested: CatalogEntry,
    /** performance.now() when the gateway took the request. */
    private readonly started: number,
    private readonly allowOverBudget: boolean,
  ) {
    this.key = host.settings['cache.enabled'] ? cacheKey(request, requested.id) : undefined;
  }

  /** The cached answer to this request, as its result, when the response cache has one. */
  cacheHit(): GatewayResult | undefined {
    if (this.key === undefined) return undefined;
    const stored = this.host.lookup(this.key);
    return stored && cachedResult(stored, performance.now() - this.started);
  }

  /** True when a budget must be checked before sending. */
  get budgeted(): boolean {
    const s = this.host.settings;
    return !this.allowOverBudget && (s['budget.daily'] !== null || s['budget.monthly'] !== null);
  }

  /** Throws `BudgetExceededError` when the request would pass a limit; such a request is not recorded. */
  async checkBudget(): Promise<void> {
    try {
      await this.host.enforceBudget(this.request, this.requested);
    } catch (err) {
      this.ended = true;
      throw err;
    }
  }

  /** The request answered (from upstream or the cache): prices its attempts, caches it, queues its record. */
  finish(result: GatewayResult): void {
    if (this.ended) return;
    this.ended = true;
    if (!result.cacheHit) {
      priceAttempts(result.attempts, this.host.catalog);
      if (this.key !== undefined) this.host.store(this.key, result);
    }
    this.host.record(Object.assign(this.common(), { result, attempts: result.attempts, partialText: '', latencyMs: result.latencyMs }));
  }

  /** The request failed or was cancelled after it was admitted. */
  fail(error: Error, attempts: readonly AttemptRecord[], partialText: string): void {
    if (this.ended) return;
    this.ended = true;
    this.host.record(Object.assign(this.common(), { error, attempts: [...attempts], partialText, latencyMs: performance.now() - this.started }));
  }

  /** The caller stopped reading before the end (a `break` out of the stream): counted as cancelled. */
  abandon(attempts: readonly AttemptRecord[], partialText: string): void {
    if (this.ended) return;
    this.ended = true;
    const error = new CancelledError('The caller stopped reading the stream.');
    this.host.record(
      Object.assign(this.common(), { error, attempts: [...attempts], partialText, latencyMs: performance.now() - this.started, abandoned: true }),
    );
  }

  /** A fresh object, which the callers extend in place (see `withFields` for why not with a spread). */
  private common(): Pick<EndedRequest, 'startedAt' | 'request' | 'requested'> {
    return { startedAt: this.startedAt, request: this.request, requested: this.requested };
  }
}
