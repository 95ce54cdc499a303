const ended = <T>(value?: unknown): IteratorResult<T> => ({ done: true, value });

/** The result of a read from an iterator that has ended. */
export const ITERATION_DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** Values decided before they are read, handed out in order as read results; the hand-written iterators share it. */
export class ReadQueue<T> {
  private readonly items: T[] = [];
  private head = 0;

  get pending(): boolean {
    return this.head < this.items.length;
  }

  push(value: T): void {
    this.items.push(value);
  }

  /** The next value as a read result; only while `pending`. */
  take(): IteratorResult<T> {
    const value = this.items[this.head++]!;
    if (this.head === this.items.length) this.clear();
    return { done: false, value };
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }
}

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
