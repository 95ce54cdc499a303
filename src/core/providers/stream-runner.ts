import { SwitchboardError } from '../errors';
import type { ChatResult, ProviderStreamEvent, Usage } from '../types';
import { toGatewayError, type UpstreamFailure } from './errors';
import type { ResolvedCall } from './types';

/** Folds one family's stream chunks into events, and the final result once the stream is over. */
export interface StreamAccumulator<Chunk> {
  accept(chunk: Chunk): Iterable<ProviderStreamEvent>;
  /** True once the upstream said the answer is finished. */
  readonly complete: boolean;
  readonly reportedUsage: Usage | undefined;
  result(requestId: string | undefined): ChatResult;
}

export interface StreamSource<Chunk> {
  chunks: AsyncIterable<Chunk>;
  requestId?: string;
}

/** Sorts a thrown error into a failure; `midStream` is true once the HTTP response has started. */
export type ClassifyError = (err: unknown, midStream: boolean) => UpstreamFailure;

/**
 * Runs one streaming call: opens it, yields each chunk's events the moment they arrive, then `usage` (when
 * reported) and `done`. Every failure leaves as `CancelledError` or `UpstreamError`; a stream that ends before
 * the upstream said it was finished is an interruption, since the SDKs end quietly on some broken streams.
 */
export async function* runStream<Chunk>(
  call: ResolvedCall,
  signal: AbortSignal | undefined,
  open: () => Promise<StreamSource<Chunk>>,
  accumulator: StreamAccumulator<Chunk>,
  classify: ClassifyError,
): AsyncGenerator<ProviderStreamEvent> {
  let source: StreamSource<Chunk>;
  try {
    source = await open();
  } catch (err) {
    // Our own errors, such as an InvalidRequestError from the request transform, pass through.
    if (err instanceof SwitchboardError) throw err;
    throw toGatewayError(call, classify(err, false), err);
  }
  try {
    for await (const chunk of source.chunks) {
      // A plain loop: `yield*` over a sync iterable wraps it in an async iterator, a promise per event.
      for (const event of accumulator.accept(chunk)) yield event;
    }
  } catch (err) {
    const failure = classify(err, true);
    throw toGatewayError(call, 'requestId' in failure ? { ...failure, requestId: failure.requestId ?? source.requestId } : failure, err);
  }
  // The SDKs end an aborted stream without an error.
  if (signal?.aborted) throw toGatewayError(call, { kind: 'aborted' });
  if (!accumulator.complete) {
    throw toGatewayError(call, {
      kind: 'interrupted',
      detail: 'the stream ended before the upstream finished the answer',
      requestId: source.requestId,
    });
  }
  const usage = accumulator.reportedUsage;
  if (usage) yield { type: 'usage', usage };
  yield { type: 'done', result: accumulator.result(source.requestId) };
}
