import { errorMessage, isAbortError } from '../../core/errors';
import type { GatewayStreamEvent } from '../../core/types';
import type { HostMessage, RunRequest, RunSnapshot } from '../../shared/playground-protocol';
import { attemptInfo, runStats } from './stats';

/** Streams one request through the gateway; aborting `signal` must abort it upstream. */
export type StreamRequest = (request: RunRequest, signal: AbortSignal) => AsyncIterable<GatewayStreamEvent>;

interface RunEntry {
  snapshot: RunSnapshot;
  controller: AbortController;
  /** Text received but not yet posted. */
  pending: string;
  flushTimer?: ReturnType<typeof setTimeout>;
  acked: boolean;
  /** Settles when the stream ended. */
  finished: Promise<void>;
}

/** How long text deltas gather before they are posted together: one message per frame, not one per token. */
export const TEXT_BATCH_MS = 16;

/**
 * The playground's runs: each streams through the gateway, its text deltas batched into few messages, and can be
 * stopped (aborting the request upstream). The host keeps each run, text included, until the webview acknowledges
 * its end, so a webview that was hidden or reloaded while it ran gets it back through `snapshot()`.
 */
export class PlaygroundRuns {
  private readonly runs = new Map<string, RunEntry>();
  private disposed = false;

  constructor(
    private readonly stream: StreamRequest,
    private readonly post: (message: HostMessage) => void,
    private readonly batchMs = TEXT_BATCH_MS,
  ) {}

  /** Starts a run; a second start of a known run id is ignored. Resolves when the run ended. */
  start(runId: string, request: RunRequest): Promise<void> {
    const known = this.runs.get(runId);
    if (known) return known.finished;
    const entry: RunEntry = {
      snapshot: { runId, status: 'streaming', text: '', attempts: [] },
      controller: new AbortController(),
      pending: '',
      acked: false,
      finished: Promise.resolve(),
    };
    this.runs.set(runId, entry);
    entry.finished = this.consume(entry, request);
    return entry.finished;
  }

  /** Stops one run, or all. The stream then ends with a cancelled error, which the webview shows as stopped. */
  stop(runId?: string): void {
    for (const [id, entry] of this.runs) {
      if (runId === undefined || id === runId) entry.controller.abort();
    }
  }

  /** Forgets finished runs the webview has applied. */
  ack(runIds: readonly string[]): void {
    for (const id of runIds) {
      const entry = this.runs.get(id);
      if (!entry) continue;
      entry.acked = true;
      if (entry.snapshot.status !== 'streaming') this.runs.delete(id);
    }
  }

  /** Every run in flight, and every finished one not yet acknowledged. */
  snapshot(): RunSnapshot[] {
    return [...this.runs.values()].map((e) => ({ ...e.snapshot, attempts: [...e.snapshot.attempts] }));
  }

  get active(): number {
    return [...this.runs.values()].filter((e) => e.snapshot.status === 'streaming').length;
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.runs.values()) {
      if (entry.flushTimer) clearTimeout(entry.flushTimer);
      entry.controller.abort();
    }
  }

  private async consume(entry: RunEntry, request: RunRequest): Promise<void> {
    const { snapshot, controller } = entry;
    const runId = snapshot.runId;
    try {
      for await (const event of this.stream(request, controller.signal)) {
        switch (event.type) {
          case 'text':
            snapshot.text += event.delta;
            entry.pending += event.delta;
            entry.flushTimer ??= setTimeout(() => this.flush(entry), this.batchMs);
            break;
          case 'attempt': {
            const attempt = attemptInfo(event.attempt);
            snapshot.attempts.push(attempt);
            this.flush(entry);
            this.send({ type: 'runAttempt', runId, attempt });
            break;
          }
          case 'done': {
            this.flush(entry);
            const stats = runStats(event.result);
            snapshot.status = 'done';
            snapshot.text = event.result.text || snapshot.text;
            snapshot.stats = stats;
            this.send({ type: 'runDone', runId, text: snapshot.text, stats });
            break;
          }
          case 'error':
            if (event.attempts.length) snapshot.attempts = event.attempts.map(attemptInfo);
            this.fail(entry, event.error, event.partialText, controller.signal.aborted);
            break;
          default:
            break;
        }
      }
    } catch (error) {
      // The gateway's stream never throws, but loading the gateway can.
      if (snapshot.status === 'streaming') this.fail(entry, error, snapshot.text, controller.signal.aborted);
    } finally {
      if (snapshot.status === 'streaming') this.fail(entry, new Error('The stream ended without an answer.'), snapshot.text, false);
      if (entry.flushTimer) clearTimeout(entry.flushTimer);
      if (entry.acked) this.runs.delete(runId);
    }
  }

  private fail(entry: RunEntry, error: unknown, partialText: string, aborted: boolean): void {
    this.flush(entry);
    const { snapshot } = entry;
    const cancelled = aborted || isAbortError(error);
    snapshot.status = cancelled ? 'stopped' : 'error';
    snapshot.error = cancelled ? 'Stopped.' : errorMessage(error);
    snapshot.text = partialText || snapshot.text;
    this.send({
      type: 'runError',
      runId: snapshot.runId,
      error: snapshot.error,
      partialText: snapshot.text,
      attempts: [...snapshot.attempts],
      cancelled,
    });
  }

  private flush(entry: RunEntry): void {
    if (entry.flushTimer) clearTimeout(entry.flushTimer);
    entry.flushTimer = undefined;
    if (!entry.pending) return;
    const text = entry.pending;
    entry.pending = '';
    this.send({ type: 'runText', runId: entry.snapshot.runId, text });
  }

  private send(message: HostMessage): void {
    if (!this.disposed) this.post(message);
  }
}
