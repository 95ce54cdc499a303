/** Counts requests in flight per client and refuses one past the limit. */
export class ConcurrencyLimiter {
  private readonly active = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a slot for `client`; returns a release function, or undefined when the client is at its limit. */
  tryAcquire(client: string): (() => void) | undefined {
    const count = this.active.get(client) ?? 0;
    if (count >= this.limit) return undefined;
    this.active.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(client) ?? 1) - 1;
      if (left > 0) this.active.set(client, left);
      else this.active.delete(client);
    };
  }

  inFlight(client: string): number {
    return this.active.get(client) ?? 0;
  }
}
