/**
 * Seeded random numbers that give the same stream on every machine.
 *
 * A stream is keyed by a seed and any number of labels (a trial number, a parameter
 * name), so a sampler can draw the value of parameter `lr` in trial 17 without caring in
 * which order concurrent trials asked for their values: that is what makes seeded studies
 * reproducible with several workers.
 */

import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plusFromState>;

/** Mixes a 32-bit word into a running 32-bit hash (murmur3's finalizer after an add). */
function mix32(hash: number, word: number): number {
  let h = (hash ^ word) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashLabel(hash: number, label: string | number): number {
  if (typeof label === "number") {
    // Split the double into two 32-bit words so that large seeds and fractions still differ.
    const high = Math.floor(label / 4294967296);
    return mix32(mix32(mix32(hash, 0x6e756d62), label >>> 0), high | 0);
  }
  let h = mix32(hash, 0x73747269 ^ label.length);
  for (let i = 0; i < label.length; i++) h = mix32(h, label.charCodeAt(i));
  return h;
}

/**
 * Derives a 128-bit generator state from a seed and labels. The four words start from
 * different constants so that they are independent.
 */
function stateFor(seed: number, labels: readonly (string | number)[]): number[] {
  let a = hashLabel(0x9e3779b9, seed);
  let b = hashLabel(0x7f4a7c15, seed);
  let c = hashLabel(0x94d049bb, seed);
  let d = hashLabel(0xbf58476d, seed);
  for (const label of labels) {
    a = hashLabel(a, label);
    b = hashLabel(b, label);
    c = hashLabel(c, label);
    d = hashLabel(d, label);
  }
  return [a | 0, b | 0, c | 0, d | 0];
}

/** A seeded pseudo-random number generator (xoroshiro128+). */
export class Rng {
  readonly #generator: Generator;

  private constructor(generator: Generator) {
    this.#generator = generator;
  }

  /**
   * A generator for `seed` and optional labels; the same inputs give the same stream.
   * @example
   * const rng = Rng.from(42, "trial", 7, "lr");
   * rng.uniform(); // the same number on every machine
   */
  static from(seed: number, ...labels: (string | number)[]): Rng {
    return new Rng(xoroshiro128plusFromState(stateFor(seed, labels)));
  }

  /** A seed drawn from the platform's clock and Math.random, for unseeded samplers. */
  static randomSeed(): number {
    return Math.floor(Math.random() * 4294967296) ^ (Date.now() >>> 0);
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.#generator);
  }

  /** Uniform integer in [0, n), n >= 1, without modulo bias for n < 2^53. */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }

  /** A standard normal draw (Box–Muller; one of the pair is discarded for simplicity). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** A 32-bit unsigned integer. */
  uint32(): number {
    return this.#generator.next() >>> 0;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
