import { describe, expect, it } from "vitest";
import { Rng } from "../math/random.js";
import { checkMutations, type ExploreSettings, explore } from "./pbt-explore.js";

function settings(mutations: object, resampleProbability = 0.25): ExploreSettings {
  return {
    mutations: checkMutations("test", mutations),
    resampleProbability,
    perturbationFactors: [1.2, 0.8],
  };
}

describe("explore", () => {
  it("perturbs a range value by ×1.2 or ×0.8, about half each, when it does not resample", () => {
    const s = settings({ lr: { low: 1e-4, high: 10, log: true } }, 0);
    const seen = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const lr = explore(s, { lr: 0.1, other: "kept" }, Rng.from(1, i)).lr as number;
      const key = Math.round(lr * 1e6) / 1e6;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([0.08, 0.12]);
    expect(Math.abs((seen.get(0.12) as number) / 2000 - 0.5)).toBeLessThan(0.05);
  });

  it("resamples with resampleProbability, log-uniformly over the range", () => {
    const s = settings({ lr: { low: 1e-4, high: 1, log: true } }, 0.25);
    let resampled = 0;
    const logs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const lr = explore(s, { lr: 0.1 }, Rng.from(2, i)).lr as number;
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1);
      if (Math.abs(lr - 0.12) > 1e-12 && Math.abs(lr - 0.08) > 1e-12) {
        resampled++;
        logs.push(Math.log10(lr));
      }
    }
    // Binomial(4000, 0.25): standard deviation 27.
    expect(Math.abs(resampled - 1000)).toBeLessThan(100);
    // log10 of a log-uniform draw on [1e-4, 1] is uniform on [-4, 0]: mean -2.
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    expect(Math.abs(mean + 2)).toBeLessThan(0.15);
  });

  it("clips a perturbed value to the range", () => {
    const s = settings({ lr: { low: 0.5, high: 1 } }, 0);
    for (let i = 0; i < 50; i++) {
      const lr = explore(s, { lr: 1 }, Rng.from(3, i)).lr as number;
      expect([0.8, 1]).toContain(lr);
    }
  });

  it("moves an integer by at least one step", () => {
    const s = settings({ layers: { low: 1, high: 8, int: true } }, 0);
    const values = new Set<number>();
    for (let i = 0; i < 50; i++)
      values.add(explore(s, { layers: 2 }, Rng.from(4, i)).layers as number);
    // 2·1.2 = 2.4 → 2, so +1; 2·0.8 = 1.6 → 2, so −1.
    expect([...values].sort()).toEqual([1, 3]);
  });

  it("moves a choice to a neighbour in the list, staying at the ends", () => {
    const s = settings({ batch: [16, 32, 64, 128] }, 0);
    const from = (batch: number) => {
      const out = new Set<number>();
      for (let i = 0; i < 100; i++) out.add(explore(s, { batch }, Rng.from(5, i)).batch as number);
      return [...out].sort((a, b) => a - b);
    };
    expect(from(32)).toEqual([16, 64]);
    expect(from(16)).toEqual([16, 32]);
    expect(from(128)).toEqual([64, 128]);
    // A value outside the list is resampled from it.
    expect([16, 32, 64, 128]).toContain(explore(s, { batch: 48 }, Rng.from(5, 0)).batch);
  });

  it("is a function of the stream: the same rng state gives the same configuration", () => {
    const s = settings({ lr: { low: 1e-4, high: 1, log: true }, opt: ["sgd", "adam"] });
    expect(explore(s, { lr: 0.1, opt: "sgd" }, Rng.from(9, "x"))).toEqual(
      explore(s, { lr: 0.1, opt: "sgd" }, Rng.from(9, "x")),
    );
  });
});
