import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AttemptSignal } from '../../src/core/routing/attempt-signal';

describe('AttemptSignal', () => {
  test('aborts once, as an AbortController does: an AbortError reason, onabort and each listener called once', () => {
    const signal = new AttemptSignal();
    const calls: string[] = [];
    signal.onabort = () => calls.push('onabort');
    signal.addEventListener('abort', () => calls.push('once'), { once: true });
    signal.addEventListener('abort', () => calls.push('listener'));
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    assert.doesNotThrow(() => signal.throwIfAborted());
    assert.equal(signal.aborted, false);

    signal.abort();
    signal.abort();
    assert.deepEqual(calls, ['onabort', 'once', 'listener']);
    assert.equal(signal.aborted, true);
    assert.ok(signal.reason instanceof DOMException);
    assert.equal((signal.reason as DOMException).name, 'AbortError');
    assert.throws(() => signal.throwIfAborted(), (err) => err === signal.reason);
  });

  test('an onabort handler that throws does not stop the listeners; its error is reported, not thrown', () => {
    const signal = new AttemptSignal();
    const boom = new Error('handler failed');
    signal.onabort = () => {
      throw boom;
    };
    let heard = false;
    signal.addEventListener('abort', () => (heard = true));
    // The report is a microtask that rethrows, as Node reports a listener's error; caught here to check it.
    const queued: VoidFunction[] = [];
    const { queueMicrotask } = globalThis;
    globalThis.queueMicrotask = (task) => queued.push(task);
    try {
      assert.doesNotThrow(() => signal.abort());
    } finally {
      globalThis.queueMicrotask = queueMicrotask;
    }
    assert.equal(heard, true);
    assert.equal(queued.length, 1);
    assert.throws(() => queued[0]!(), (err) => err === boom);
  });

  test("undici's Request and node:timers follow it, as the SDKs' fetch and the fakes rely on", async () => {
    const signal = new AttemptSignal();
    const request = new Request('http://127.0.0.1:9/', { signal });
    const waiting = sleep(60_000, undefined, { signal });
    signal.abort();
    assert.equal(request.signal.aborted, true);
    await assert.rejects(waiting, { name: 'AbortError' });
  });
});
