/**
 * An attempt's abort signal: what the SDKs, undici's `Request` and `node:timers/promises` use of an `AbortSignal`
 * (`aborted`, `reason`, `onabort`, `throwIfAborted` and the `abort` event), on a plain `EventTarget`. Node 20 builds
 * a real signal with `Object.setPrototypeOf`, which costs every attempt about 3 µs (`core-ab --stub`; Node 22:
 * 0.1 µs). Unlike a real signal, `AbortSignal.any()` does not follow it: combine it only through its event.
 */
export class AttemptSignal extends EventTarget implements AbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** As `AbortController.abort()`: once only, with an `AbortError` as the reason. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException('This operation was aborted', 'AbortError');
    const event = new Event('abort');
    try {
      this.onabort?.call(this, event);
    } catch (err) {
      // As with a listener that throws: the error is reported, and the abort goes on.
      queueMicrotask(() => {
        throw err;
      });
    }
    this.dispatchEvent(event);
  }
}
