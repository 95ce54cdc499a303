/** Weight of the newest sample: with 0.3, a sample's weight halves in about two requests. */
const ALPHA = 0.3;

/**
 * Recently observed latency per model, as an exponentially weighted moving average of the time to the first
 * token (for a non-streaming call, to the whole answer).
 */
export class LatencyTracker {
  private readonly averages = new Map<string, number>();

  observe(model: string, latencyMs: number): void {
    const previous = this.averages.get(model);
    this.averages.set(model, previous === undefined ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * previous);
  }

  /** Undefined until the model has answered once. */
  estimate(model: string): number | undefined {
    return this.averages.get(model);
  }

  /**
   * Orders models fastest first. A model never observed sorts first, so that every equivalent gets measured once;
   * ties keep the given order.
   */
  fastestFirst(models: readonly string[]): string[] {
    return models
      .map((model, index) => ({ model, index, latency: this.estimate(model) ?? -1 }))
      .sort((a, b) => a.latency - b.latency || a.index - b.index)
      .map((m) => m.model);
  }
}
