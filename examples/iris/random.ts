/** A small seeded generator for the example: shuffles for folds and mini-batches, initial weights. */

/** A function returning uniform numbers in [0, 1). */
export type Uniform = () => number;

/**
 * Mulberry32: a 32-bit generator, plenty for shuffling 150 rows and reproducible everywhere.
 * @example
 * const next = createUniform(7);
 * next(); // the same number on every machine
 */
export function createUniform(seed: number): Uniform {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `values` in place (Fisher–Yates). */
export function shuffle(values: Uint32Array, next: Uniform): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const swap = values[i] as number;
    values[i] = values[j] as number;
    values[j] = swap;
  }
}

/** A standard normal draw (Box–Muller). */
export function normal(next: Uniform): number {
  const u = 1 - next(); // in (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}
