/**
 * Real-coded crossovers over the unit box: each parent is a `Float64Array` of the numeric
 * parameters mapped to [0, 1] by the search-space transform, and each operator writes one
 * child into `child` (which may then lie outside [0, 1]: the caller retries or clips).
 *
 * Notation: d parameters; x¹, x², x³ parents; u uniform in [0, 1); N(0, σ²) normal.
 */
import type { Rng } from "../../math/random.js";

/** The crossovers NSGA-II and the genetic algorithm offer, by name. */
export type CrossoverName = "uniform" | "blxAlpha" | "sbx" | "spx" | "undx" | "vsbx";

/** The crossover names, for validation. */
export const CROSSOVER_NAMES: readonly CrossoverName[] = [
  "uniform",
  "blxAlpha",
  "sbx",
  "spx",
  "undx",
  "vsbx",
];

/** How many parents each crossover takes. */
export function parentCount(name: CrossoverName): number {
  return name === "spx" || name === "undx" ? 3 : 2;
}

/**
 * Uniform crossover (Syswerda 1989): each gene from the second parent with probability
 * `swappingProb`, else from the first.
 */
export function uniformCrossover(
  a: Float64Array,
  b: Float64Array,
  swappingProb: number,
  rng: Rng,
  child: Float64Array,
): void {
  for (let i = 0; i < child.length; i++) {
    child[i] = rng.uniform() < swappingProb ? (b[i] as number) : (a[i] as number);
  }
}

/**
 * BLX-α (Eshelman & Schaffer, "Real-coded genetic algorithms and interval-schemata", FOGA
 * 1992): each gene uniform in [min − α·δ, max + α·δ], δ = |x¹ − x²|.
 */
export function blxAlphaCrossover(
  a: Float64Array,
  b: Float64Array,
  alpha: number,
  rng: Rng,
  child: Float64Array,
): void {
  for (let i = 0; i < child.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const low = Math.min(x, y);
    const spread = Math.abs(x - y);
    child[i] = low - alpha * spread + rng.uniform() * (1 + 2 * alpha) * spread;
  }
}

/** SBX's spread factor for one side: the bounded polynomial distribution of Deb & Beyer. */
function boundedSpread(u: number, room: number, eta: number): number {
  // room = 1 + 2·(distance from the nearer parent to the bound) / (distance between parents)
  const alpha = 2 - room ** -(eta + 1);
  return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
}

/**
 * Simulated binary crossover (Deb & Agrawal, "Simulated binary crossover for continuous
 * search space", Complex Systems 1995), with the bounded spread distribution of Deb & Beyer
 * (2001) so that children stay in [0, 1]. As in Deb's NSGA-II code, each gene is crossed
 * with probability 1/2 and then comes from one of the two children at random; otherwise it
 * is copied from a random parent. `eta` is the distribution index: large values keep
 * children near their parents.
 */
export function sbxCrossover(
  a: Float64Array,
  b: Float64Array,
  eta: number,
  rng: Rng,
  child: Float64Array,
): void {
  for (let i = 0; i < child.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (rng.uniform() >= 0.5) {
      child[i] = rng.uniform() < 0.5 ? x : y;
      continue;
    }
    const low = Math.min(x, y);
    const high = Math.max(x, y);
    const diff = Math.max(high - low, 1e-10);
    const u = rng.uniform();
    const mid = (low + high) / 2;
    if (rng.uniform() < 0.5) {
      child[i] = mid - 0.5 * boundedSpread(u, 1 + (2 * Math.max(0, low)) / diff, eta) * diff;
    } else {
      child[i] = mid + 0.5 * boundedSpread(u, 1 + (2 * Math.max(0, 1 - high)) / diff, eta) * diff;
    }
  }
}

/**
 * vSBX (Ballester & Carter, "Real-parameter genetic algorithms for finding multiple optimal
 * solutions in multi-modal optimization", GECCO 2003): SBX's spread distribution centred on
 * one parent, so that no part of the line through the parents is excluded. Each gene is
 * crossed with probability 1/2: a random parent x¹ (the other x²) and β = v^(1/(η+1)), v
 * uniform in (0, 1], give either the contracting child ½((1+β)x¹ + (1−β)x²), between the
 * midpoint and x¹, or the expanding one ½((3−β)x¹ − (1−β)x²), beyond x¹; otherwise the gene
 * is x¹'s.
 */
export function vsbxCrossover(
  a: Float64Array,
  b: Float64Array,
  eta: number,
  rng: Rng,
  child: Float64Array,
): void {
  for (let i = 0; i < child.length; i++) {
    const swap = rng.uniform() < 0.5;
    const x = (swap ? b[i] : a[i]) as number;
    const y = (swap ? a[i] : b[i]) as number;
    if (rng.uniform() >= 0.5) {
      child[i] = x;
      continue;
    }
    const beta = (1 - rng.uniform()) ** (1 / (eta + 1));
    child[i] =
      rng.uniform() < 0.5
        ? 0.5 * ((1 + beta) * x + (1 - beta) * y)
        : 0.5 * ((3 - beta) * x - (1 - beta) * y);
  }
}

/**
 * Simplex crossover (Tsutsui, Yamamura & Higuchi, "Multi-parent recombination with simplex
 * crossover in real coded genetic algorithms", GECCO 1999), for three parents: the
 * parents' simplex is expanded by ε around its centroid G (yᵏ = G + ε(xᵏ − G)), and the
 * child is uniform in it: C₁ = 0, Cₖ = rₖ₋₁(yᵏ⁻¹ − yᵏ + Cₖ₋₁) with rₖ = u^(1/k), child =
 * y³ + C₃. The default ε = √(d + 2) keeps the children's covariance equal to the parents'.
 */
export function spxCrossover(
  parents: readonly Float64Array[],
  epsilon: number,
  rng: Rng,
  child: Float64Array,
): void {
  const k = parents.length;
  const r = new Float64Array(k);
  for (let j = 1; j < k; j++) r[j] = rng.uniform() ** (1 / j);
  for (let i = 0; i < child.length; i++) {
    let g = 0;
    for (const p of parents) g += p[i] as number;
    g /= k;
    let c = 0;
    let previous = g + epsilon * (((parents[0] as Float64Array)[i] as number) - g);
    for (let j = 1; j < k; j++) {
      const y = g + epsilon * (((parents[j] as Float64Array)[i] as number) - g);
      c = (r[j] as number) * (previous - y + c);
      previous = y;
    }
    child[i] = previous + c;
  }
}

/**
 * Unimodal normal distribution crossover (Ono & Kobayashi, "A real-coded genetic algorithm
 * for function optimization using unimodal normal distribution crossover", ICGA 1997): the
 * child is (x¹ + x²)/2 + ξ(x¹ − x²) + D·η, with ξ ~ N(0, σξ²) along the parents' line and
 * η an isotropic N(0, ση²) vector in the space orthogonal to it, scaled by D, the distance
 * from x³ to that line. Defaults: σξ = 0.5, ση = 0.35/√d. (A standard normal vector with its
 * component along the line removed is exactly the sum of d − 1 independent normals along an
 * orthonormal basis of the orthogonal space, which saves building that basis.)
 */
export function undxCrossover(
  parents: readonly Float64Array[],
  sigmaXi: number,
  sigmaEta: number,
  rng: Rng,
  child: Float64Array,
): void {
  const [a, b, c] = parents as [Float64Array, Float64Array, Float64Array];
  const d = child.length;
  // e: unit vector from x¹ to x² (zero when they coincide).
  let norm = 0;
  for (let i = 0; i < d; i++) norm += ((b[i] as number) - (a[i] as number)) ** 2;
  norm = Math.sqrt(norm);
  const inv = norm > 1e-12 ? 1 / norm : 0;
  // D: distance from x³ to the line through x¹ and x².
  let along = 0;
  for (let i = 0; i < d; i++) {
    along += ((c[i] as number) - (a[i] as number)) * ((b[i] as number) - (a[i] as number)) * inv;
  }
  let distance = 0;
  for (let i = 0; i < d; i++) {
    const e = ((b[i] as number) - (a[i] as number)) * inv;
    distance += ((c[i] as number) - (a[i] as number) - along * e) ** 2;
  }
  distance = Math.sqrt(distance);
  const xi = sigmaXi * rng.normal();
  // child ← z ~ N(0, I), then its component along e is removed.
  let dot = 0;
  for (let i = 0; i < d; i++) {
    const z = rng.normal();
    child[i] = z;
    dot += z * ((b[i] as number) - (a[i] as number)) * inv;
  }
  for (let i = 0; i < d; i++) {
    const e = ((b[i] as number) - (a[i] as number)) * inv;
    const orthogonal = (child[i] as number) - dot * e;
    child[i] =
      ((a[i] as number) + (b[i] as number)) / 2 +
      xi * ((a[i] as number) - (b[i] as number)) +
      distance * sigmaEta * orthogonal;
  }
}
