import { describe, expect, it } from "vitest";
import { Rng } from "../../math/random.js";
import {
  blxAlphaCrossover,
  sbxCrossover,
  spxCrossover,
  undxCrossover,
  uniformCrossover,
  vsbxCrossover,
} from "./crossovers.js";

const N = 20_000;

function stats(xs: number[]): { mean: number; sd: number; min: number; max: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/** N one-gene children of parents a and b. */
function children1d(
  cross: (a: Float64Array, b: Float64Array, rng: Rng, child: Float64Array) => void,
  a: number,
  b: number,
  label: string,
): number[] {
  const rng = Rng.from(11, label);
  const child = new Float64Array(1);
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    cross(Float64Array.of(a), Float64Array.of(b), rng, child);
    out.push(child[0] as number);
  }
  return out;
}

describe("uniformCrossover", () => {
  it("takes each gene from the second parent with probability swappingProb", () => {
    const xs = children1d((a, b, rng, c) => uniformCrossover(a, b, 0.3, rng, c), 0.1, 0.9, "u");
    expect(xs.every((x) => x === 0.1 || x === 0.9)).toBe(true);
    const share = xs.filter((x) => x === 0.9).length / N;
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / N));
  });
});

describe("blxAlphaCrossover", () => {
  it("is uniform on the parents' interval widened by α on each side", () => {
    const xs = children1d((a, b, rng, c) => blxAlphaCrossover(a, b, 0.5, rng, c), 0.5, 0.3, "b");
    const { mean, sd, min, max } = stats(xs);
    expect(min).toBeGreaterThanOrEqual(0.2);
    expect(max).toBeLessThanOrEqual(0.6);
    expect(min).toBeLessThan(0.2 + 0.001);
    expect(max).toBeGreaterThan(0.6 - 0.001);
    expect(mean).toBeCloseTo(0.4, 2);
    // The standard deviation of U(0.2, 0.6) is 0.4/√12.
    expect(sd).toBeCloseTo(0.4 / Math.sqrt(12), 2);
  });
});

describe("sbxCrossover", () => {
  for (const eta of [2, 20]) {
    it(`spreads children symmetrically around the parents' midpoint (η = ${eta})`, () => {
      const xs = children1d((a, b, rng, c) => sbxCrossover(a, b, eta, rng, c), 0.4, 0.6, `s${eta}`);
      const crossed = xs.filter((x) => x !== 0.4 && x !== 0.6);
      // Half the genes are crossed, half copied from a parent.
      expect(Math.abs(crossed.length / N - 0.5)).toBeLessThan(0.02);
      expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
      const { mean, sd } = stats(crossed);
      expect(Math.abs(mean - 0.5)).toBeLessThan((4 * sd) / Math.sqrt(crossed.length));
      const below = crossed.filter((x) => x < 0.5).length / crossed.length;
      expect(Math.abs(below - 0.5)).toBeLessThan(0.03);
      // Contracting (between the parents) and expanding children are about equally likely.
      const inside = crossed.filter((x) => x > 0.4 && x < 0.6).length / crossed.length;
      expect(Math.abs(inside - 0.5)).toBeLessThan(0.05);
    });
  }

  it("keeps children inside [0, 1] next to a bound, and larger η keeps them closer", () => {
    const wide = children1d((a, b, rng, c) => sbxCrossover(a, b, 2, rng, c), 0.01, 0.2, "w");
    expect(wide.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(Math.min(...wide)).toBeLessThan(0.005);
    const spread = (eta: number): number =>
      stats(children1d((a, b, rng, c) => sbxCrossover(a, b, eta, rng, c), 0.4, 0.6, `e${eta}`)).sd;
    expect(spread(20)).toBeLessThan(spread(2));
  });
});

describe("vsbxCrossover", () => {
  it("centres children on a parent, within half the parents' distance", () => {
    const xs = children1d((a, b, rng, c) => vsbxCrossover(a, b, 2, rng, c), 0.4, 0.6, "v");
    expect(xs.every((x) => x >= 0.3 - 1e-12 && x <= 0.7 + 1e-12)).toBe(true);
    const { mean, sd } = stats(xs);
    expect(Math.abs(mean - 0.5)).toBeLessThan((4 * sd) / Math.sqrt(N));
    // Unlike SBX, children also land beyond each parent and between parent and midpoint.
    expect(xs.some((x) => x < 0.4)).toBe(true);
    expect(xs.some((x) => x > 0.45 && x < 0.5)).toBe(true);
  });
});

describe("spxCrossover", () => {
  it("samples the expanded simplex around the parents' centroid", () => {
    const parents = [
      Float64Array.of(0.4, 0.4),
      Float64Array.of(0.6, 0.4),
      Float64Array.of(0.5, 0.6),
    ];
    const epsilon = 2; // √(d + 2) for d = 2
    const rng = Rng.from(3, "spx");
    const child = new Float64Array(2);
    const g = [0.5, 0.4666666666666667];
    const ys = parents.map((p) =>
      [0, 1].map((k) => (g[k] as number) + epsilon * ((p[k] as number) - (g[k] as number))),
    );
    const [y0, y1, y2] = ys as [number[], number[], number[]];
    // Barycentric coordinates with respect to the expanded simplex must be ≥ 0.
    const det =
      ((y1[1] as number) - (y2[1] as number)) * ((y0[0] as number) - (y2[0] as number)) +
      ((y2[0] as number) - (y1[0] as number)) * ((y0[1] as number) - (y2[1] as number));
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < N; i++) {
      spxCrossover(parents, epsilon, rng, child);
      const [x, y] = child as unknown as [number, number];
      const l0 =
        (((y1[1] as number) - (y2[1] as number)) * (x - (y2[0] as number)) +
          ((y2[0] as number) - (y1[0] as number)) * (y - (y2[1] as number))) /
        det;
      const l1 =
        (((y2[1] as number) - (y0[1] as number)) * (x - (y2[0] as number)) +
          ((y0[0] as number) - (y2[0] as number)) * (y - (y2[1] as number))) /
        det;
      expect(Math.min(l0, l1, 1 - l0 - l1)).toBeGreaterThan(-1e-9);
      sx += x;
      sy += y;
    }
    // Uniform in a simplex: the mean is its centroid, which is the parents' centroid.
    expect(sx / N).toBeCloseTo(g[0] as number, 2);
    expect(sy / N).toBeCloseTo(g[1] as number, 2);
  });
});

describe("undxCrossover", () => {
  it("is normal around the midpoint: σξ·|x¹ − x²| along the line, D·ση across", () => {
    const parents = [
      Float64Array.of(0.4, 0.5),
      Float64Array.of(0.6, 0.5),
      Float64Array.of(0.5, 0.7),
    ];
    const rng = Rng.from(5, "undx");
    const child = new Float64Array(2);
    const xs: number[] = [];
    const ys: number[] = [];
    const sigmaEta = 0.35 / Math.SQRT2;
    for (let i = 0; i < N; i++) {
      undxCrossover(parents, 0.5, sigmaEta, rng, child);
      xs.push(child[0] as number);
      ys.push(child[1] as number);
    }
    const x = stats(xs);
    const y = stats(ys);
    expect(x.mean).toBeCloseTo(0.5, 2);
    expect(y.mean).toBeCloseTo(0.5, 2);
    expect(x.sd).toBeCloseTo(0.5 * 0.2, 2);
    // D = 0.2, the distance from (0.5, 0.7) to the line y = 0.5.
    expect(y.sd).toBeCloseTo(0.2 * sigmaEta, 2);
  });
});
