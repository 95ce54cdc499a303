const ended = <T>(value?: unknown): IteratorResult<T> => ({ done: true, value });

/**
 * An iterator that opens its source on the first read and then hands every read straight to it: a generator that
 * `yield*`s the source would cost a few promises per streamed chunk.
 */
export function deferredIterator<T>(open: () => Promise<AsyncIterator<T>>): AsyncIterableIterator<T> {
  let source: AsyncIterator<T> | undefined;
  let opening: Promise<AsyncIterator<T>> | undefined;
  const close = (it: AsyncIterator<T>, value?: unknown) => it.return?.(value) ?? ended<T>(value);
  return {
    next() {
      if (source) return source.next();
      opening ??= open().then((it) => (source = it));
      return opening.then((it) => it.next());
    },
    async return(value?: unknown) {
      if (source) return close(source, value);
      // Still opening: close the source once it is open, as a generator would after its pending step.
      return opening ? opening.then((it) => close(it, value), () => ended<T>(value)) : ended<T>(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * An iterator of the one value `produce` resolves to, which it calls on the first read. A non-streaming call is one
 * event: an async generator would add a resume, and on `return()` an await, to every request.
 */
export function singleEventIterator<T>(produce: () => Promise<T>): AsyncIterableIterator<T> {
  let read = false;
  return {
    next() {
      if (read) return Promise.resolve(ended<T>());
      read = true;
      return produce().then((value) => ({ done: false, value }));
    },
    // Nothing to release: a call still running is stopped through its abort signal, not through the iterator.
    return(value?: unknown) {
      read = true;
      return Promise.resolve(ended<T>(value));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
