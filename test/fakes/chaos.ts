/** Random faults from a seeded generator, so a chaos run can be replayed exactly. */

/** mulberry32: a tiny, fast 32-bit PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosOptions<F> {
  /** Probability in [0, 1] that a request gets a fault. */
  rate: number;
  faults: F[];
  seed?: number;
}

export const DEFAULT_CHAOS_SEED = 1;

/** Picks, per request, either no fault or one of `faults`. */
export function chaosPicker<F>(options: ChaosOptions<F>): () => F | undefined {
  const random = seededRandom(options.seed ?? DEFAULT_CHAOS_SEED);
  return () => {
    const hit = random() < options.rate;
    const pick = random();
    return hit && options.faults.length ? options.faults[Math.floor(pick * options.faults.length)] : undefined;
  };
}
