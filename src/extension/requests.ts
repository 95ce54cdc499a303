import * as vscode from 'vscode';
import { CancelledError, isAbortError } from '../core/errors';
import type { Gateway } from '../core/gateway';
import type { ChatRequestInput, GatewayStreamEvent } from '../core/types';

export interface ActiveRequest {
  readonly id: number;
  readonly model: string;
  /** `performance.now()` when the request started. */
  readonly startedAt: number;
  /** Time to the first text or tool-call delta. */
  ttftMs?: number;
  /** Deltas received so far. */
  chunks: number;
}

/**
 * The extension's requests in flight: each can be cancelled (which aborts it upstream), and observers see their
 * progress live. The context key `switchboard.requestActive` is true while any runs.
 */
export class Requests implements vscode.Disposable {
  private nextId = 1;
  private readonly active = new Map<number, { request: ActiveRequest; controller: AbortController }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a request starts, receives a delta, or ends. */
  readonly onDidChange = this.changed.event;

  get running(): readonly ActiveRequest[] {
    return [...this.active.values()].map((a) => a.request);
  }

  /** Streams through the gateway. Cancelling `token`, breaking out of the loop or `cancelAll()` aborts upstream. */
  async *stream(gateway: Gateway, input: ChatRequestInput, token?: vscode.CancellationToken): AsyncGenerator<GatewayStreamEvent> {
    const controller = new AbortController();
    const onCancel = token?.onCancellationRequested(() => controller.abort());
    if (token?.isCancellationRequested) controller.abort();
    const request: ActiveRequest = { id: this.nextId++, model: input.model, startedAt: performance.now(), chunks: 0 };
    this.active.set(request.id, { request, controller });
    this.update();
    try {
      for await (const event of gateway.stream(input, { signal: controller.signal })) {
        if (event.type === 'text' || event.type === 'tool_call') {
          request.ttftMs ??= performance.now() - request.startedAt;
          request.chunks += 1;
          this.changed.fire();
        }
        // Whatever an aborted request failed with (a reset socket, say), the cause was the cancellation.
        if (event.type === 'error' && controller.signal.aborted && !isAbortError(event.error)) {
          yield { ...event, error: new CancelledError() };
        } else {
          yield event;
        }
      }
    } finally {
      onCancel?.dispose();
      controller.abort();
      this.active.delete(request.id);
      this.update();
    }
  }

  cancelAll(): number {
    const count = this.active.size;
    for (const { controller } of this.active.values()) controller.abort();
    return count;
  }

  private update(): void {
    void vscode.commands.executeCommand('setContext', 'switchboard.requestActive', this.active.size > 0);
    this.changed.fire();
  }

  dispose(): void {
    this.cancelAll();
    this.changed.dispose();
  }
}
