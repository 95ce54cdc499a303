import type { RoutedEvent } from './routing/route';
import type { GatewayResult, GatewayStreamEvent } from './types';
import { replayEvents } from './accounting/cache-hit';
import { ITERATION_DONE, ReadQueue } from './iterators';
import type { RequestState } from './request-state';

type ErrorEvent = Extract<GatewayStreamEvent, { type: 'error' }>;

/** What a streaming request does at each step; the gateway provides it. */
export interface StreamSteps {
  /** Validates and opens the request: its cached answer, if it has one. Throws when the request cannot be sent. */
  open(state: RequestState): GatewayResult | undefined;
  /** Checks the budget and starts routing; at once when there is no budget to check. */
  route(state: RequestState): AsyncIterator<RoutedEvent> | Promise<AsyncIterator<RoutedEvent>>;
  /** Notes what the request's record needs from an event that is handed on. */
  observe(state: RequestState, event: Exclude<RoutedEvent, { type: 'done' }>): void;
  /** The request's result, once routing is done; the request is settled. */
  succeed(state: RequestState, done: Extract<RoutedEvent, { type: 'done' }>): GatewayResult;
  /** The request failed; it is settled. */
  fail(state: RequestState, err: unknown): ErrorEvent;
}

/**
 * The events of one streaming request: ends with exactly one `done` or `error` and never throws. Hand-written rather
 * than an async generator, which would cost every streamed chunk a few more promises and allocations.
 */
export class RequestStream implements AsyncIterableIterator<GatewayStreamEvent> {
  private routed: AsyncIterator<RoutedEvent> | undefined;
  private opening: Promise<void> | undefined;
  /** Events decided before they are read: a cached answer's replay, or the error that stopped the request. */
  private readonly queued = new ReadQueue<GatewayStreamEvent>();
  private closed = false;

  constructor(
    private readonly steps: StreamSteps,
    private readonly state: RequestState,
  ) {}

  next(): Promise<IteratorResult<GatewayStreamEvent>> {
    if (this.routed) return this.routed.next().then(this.onRouted, this.onFailed);
    if (this.queued.pending) return Promise.resolve(this.queued.take());
    if (this.closed) return Promise.resolve(ITERATION_DONE);
    if (!this.opening) {
      const opening = this.open();
      // Opened in this turn: the first read goes straight on, with no turn spent waiting for the opening.
      if (!opening) return this.next();
      this.opening = opening;
    }
    return this.opening.then(() => this.next());
  }

  /** The reader stopped before the end: the request still ran, and is counted as cancelled. */
  return(): Promise<IteratorResult<GatewayStreamEvent>> {
    const routed = this.routed;
    this.routed = undefined;
    this.queued.clear();
    this.closed = true;
    const abandon = () => {
      const { state } = this;
      if (!state.settled) state.ticket?.abandon(state.attempts, state.partialText);
      return ITERATION_DONE;
    };
    return routed?.return ? routed.return().then(abandon, abandon) : Promise.resolve(abandon());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Opens the request; returns a promise only when routing cannot start in this turn (a budget to check). */
  private open(): Promise<void> | undefined {
    let routing: AsyncIterator<RoutedEvent> | Promise<AsyncIterator<RoutedEvent>>;
    try {
      const hit = this.steps.open(this.state);
      if (hit) {
        for (const event of replayEvents(hit)) this.queued.push(event);
        this.queued.push({ type: 'done', result: hit });
        this.closed = true;
        return undefined;
      }
      routing = this.steps.route(this.state);
    } catch (err) {
      this.openFailed(err);
      return undefined;
    }
    if (!(routing instanceof Promise)) {
      this.routed = routing;
      return undefined;
    }
    return routing.then((routed) => {
      // The reader may have stopped while routing was starting.
      if (this.closed) void routed.return?.();
      else this.routed = routed;
    }, this.openFailed);
  }

  private readonly openFailed = (err: unknown): void => {
    this.queued.push(this.failed(err));
    this.closed = true;
  };

  private readonly onRouted = (step: IteratorResult<RoutedEvent>): IteratorResult<GatewayStreamEvent> => {
    if (step.done) {
      // Routing always ends with `done` or throws; should it ever just stop, the request is still settled.
      return this.settle(this.failed(new Error('The stream ended without a result.')));
    }
    const event = step.value;
    try {
      if (event.type !== 'done') {
        this.steps.observe(this.state, event);
        // Every routed event but `done` is a gateway event as it is: its read result is handed on, not copied.
        return step as IteratorResult<GatewayStreamEvent>;
      }
      const result = this.steps.succeed(this.state, event);
      // Routing ended with `done`: it has stopped its attempts and has nothing left to close.
      this.routed = undefined;
      return this.end({ type: 'done', result });
    } catch (err) {
      return this.settle(this.failed(err));
    }
  };

  private readonly onFailed = (err: unknown): IteratorResult<GatewayStreamEvent> => {
    this.routed = undefined;
    return this.end(this.failed(err));
  };

  /** The request's error event. Should recording the failure fail in turn, the reader still gets its error. */
  private failed(err: unknown): ErrorEvent {
    try {
      return this.steps.fail(this.state, err);
    } catch {
      const { state } = this;
      state.settled = true;
      return { type: 'error', error: err instanceof Error ? err : new Error(String(err)), partialText: state.partialText, attempts: state.attempts };
    }
  }

  /** Hands on the request's last event, and lets routing finish. */
  private settle(last: GatewayStreamEvent): IteratorResult<GatewayStreamEvent> {
    const routed = this.routed;
    this.routed = undefined;
    void routed?.return?.().catch(() => undefined);
    return this.end(last);
  }

  private end(last: GatewayStreamEvent): IteratorResult<GatewayStreamEvent> {
    this.closed = true;
    return { done: false, value: last };
  }
}
