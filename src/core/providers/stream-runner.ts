import { SwitchboardError } from '../errors';
import { ITERATION_DONE, ReadQueue } from '../iterators';
import type { ChatResult, ProviderStreamEvent, Usage } from '../types';
import { toGatewayError, type UpstreamFailure } from './errors';
import type { ResolvedCall } from './types';

/** Folds one family's stream chunks into events, and the final result once the stream is over. */
export interface StreamAccumulator<Chunk> {
  /** Pushes the chunk's events, if any, onto `out`. */
  accept(chunk: Chunk, out: EventSink): void;
  /** True once the upstream said the answer is finished. */
  readonly complete: boolean;
  readonly reportedUsage: Usage | undefined;
  result(requestId: string | undefined): ChatResult;
}

export interface StreamSource<Chunk> {
  chunks: AsyncIterable<Chunk>;
  requestId?: string;
}

/** Where an accumulator puts a chunk's events. */
export interface EventSink {
  push(event: ProviderStreamEvent): void;
}

/** Sorts a thrown error into a failure; `midStream` is true once the HTTP response has started. */
export type ClassifyError = (err: unknown, midStream: boolean) => UpstreamFailure;

/**
 * Runs one streaming call: opens it, hands on each chunk's events the moment they arrive, then `usage` (when
 * reported) and `done`. Every failure leaves as `CancelledError` or `UpstreamError`; a stream that ends before
 * the upstream said it was finished is an interruption, since the SDKs end quietly on some broken streams.
 */
export function runStream<Chunk>(
  call: ResolvedCall,
  signal: AbortSignal | undefined,
  open: () => Promise<StreamSource<Chunk>>,
  accumulator: StreamAccumulator<Chunk>,
  classify: ClassifyError,
): AsyncIterableIterator<ProviderStreamEvent> {
  return new StreamRun(call, signal, open, accumulator, classify);
}

/**
 * An iterator rather than an async generator: a generator around the SDK's stream would cost every chunk a few
 * more promises. Reads are expected one at a time, each after the previous one settled, as `for await` makes them.
 */
class StreamRun<Chunk> implements AsyncIterableIterator<ProviderStreamEvent> {
  private source: StreamSource<Chunk> | undefined;
  private chunks: AsyncIterator<Chunk> | undefined;
  /** Events of the last chunk not yet handed on. */
  private readonly queue = new ReadQueue<ProviderStreamEvent>();
  private ended = false;
  /** The current chunk's first event; a second one sends both to the queue. Most chunks have one, handed on as is. */
  private single: ProviderStreamEvent | undefined;

  constructor(
    private readonly call: ResolvedCall,
    private readonly signal: AbortSignal | undefined,
    private readonly open: () => Promise<StreamSource<Chunk>>,
    private readonly accumulator: StreamAccumulator<Chunk>,
    private readonly classify: ClassifyError,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ProviderStreamEvent>> {
    if (this.queue.pending) return Promise.resolve(this.queue.take());
    if (this.ended) return Promise.resolve(ITERATION_DONE);
    if (!this.chunks) return this.start().then(() => this.next());
    return this.chunks.next().then(this.onChunk, this.onError);
  }

  /** The accumulator's sink: a chunk's first event waits in `single`, and the queue takes any more after it. */
  push(event: ProviderStreamEvent): void {
    if (this.single) {
      this.queue.push(this.single);
      this.single = undefined;
      this.queue.push(event);
    } else if (this.queue.pending) this.queue.push(event);
    else this.single = event;
  }

  return(): Promise<IteratorResult<ProviderStreamEvent>> {
    this.queue.clear();
    // Once ended, the SDK's stream is over too (read to its end, failed, or closed already): nothing to close.
    if (this.ended) return Promise.resolve(ITERATION_DONE);
    this.ended = true;
    // The SDKs abort the HTTP request when their stream is closed early.
    return Promise.resolve(this.chunks?.return?.()).then(() => ITERATION_DONE);
  }

  private async start(): Promise<void> {
    try {
      this.source = await this.open();
    } catch (err) {
      this.ended = true;
      // Our own errors, such as an InvalidRequestError from the request transform, pass through.
      if (err instanceof SwitchboardError) throw err;
      throw toGatewayError(this.call, this.classify(err, false), err);
    }
    this.chunks = this.source.chunks[Symbol.asyncIterator]();
  }

  private readonly onChunk = (read: IteratorResult<Chunk>): IteratorResult<ProviderStreamEvent> | Promise<IteratorResult<ProviderStreamEvent>> => {
    if (this.ended) return ITERATION_DONE;
    if (read.done) return this.finish();
    try {
      this.accumulator.accept(read.value, this);
    } catch (err) {
      return this.onError(err);
    }
    const single = this.single;
    if (single) {
      this.single = undefined;
      return { done: false, value: single };
    }
    // A chunk without content (the role, the finish reason, usage alone) is followed by the next one.
    return this.queue.pending ? this.queue.take() : this.next();
  };

  private readonly onError = (err: unknown): never => {
    this.ended = true;
    // Whatever the failed chunk gave before the error is not handed on after it.
    this.single = undefined;
    this.queue.clear();
    const failure = this.classify(err, true);
    const requestId = this.source?.requestId;
    throw toGatewayError(this.call, 'requestId' in failure ? { ...failure, requestId: failure.requestId ?? requestId } : failure, err);
  };

  /** The upstream's stream ended: the usage and the answer, or the reason it is not whole. */
  private finish(): IteratorResult<ProviderStreamEvent> {
    this.ended = true;
    const { accumulator, call } = this;
    // The SDKs end an aborted stream without an error.
    if (this.signal?.aborted) throw toGatewayError(call, { kind: 'aborted' });
    if (!accumulator.complete) {
      throw toGatewayError(call, {
        kind: 'interrupted',
        detail: 'the stream ended before the upstream finished the answer',
        requestId: this.source?.requestId,
      });
    }
    const usage = accumulator.reportedUsage;
    if (usage) this.queue.push({ type: 'usage', usage });
    this.queue.push({ type: 'done', result: accumulator.result(this.source?.requestId) });
    return this.queue.take();
  }
}
