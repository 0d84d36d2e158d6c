import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalCdf } from "../../math/normal.js";
import { correctMargin, type DiscreteCoordinate } from "./margin.js";

interface Case {
  mean: number[];
  sigma: number;
  cov: number[];
  a: number[];
  margin: number;
  meanAfter: number[];
  aAfter: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/margin.fixture.json", import.meta.url), "utf8"),
) as { cases: Case[] };

/** Integers 0 … cells − 1 in raw units: thresholds halfway between neighbours. */
function integers(index: number, cells: number): DiscreteCoordinate {
  return {
    index,
    cells,
    cellOf: (u) => Math.min(cells - 1, Math.max(0, Math.round(u))),
    threshold: (k) => k - 0.5,
  };
}

describe("correctMargin (CMA-ES with margin)", () => {
  it("moves the mean and rescales A exactly as the `cmaes` package's CMAwM", () => {
    const coordinates = [integers(1, 5), integers(2, 2)];
    let changed = 0;
    for (const c of fixture.cases) {
      const mean = Float64Array.from(c.mean);
      const a = Float64Array.from(c.a);
      const diag = Float64Array.of(c.cov[0] as number, c.cov[4] as number, c.cov[8] as number);
      correctMargin(coordinates, mean, a, c.sigma, diag, c.margin);
      for (let j = 0; j < 3; j++) {
        expect(mean[j]).toBeCloseTo(c.meanAfter[j] as number, 9);
        expect((a[j] as number) / (c.aAfter[j] as number)).toBeCloseTo(1, 9);
      }
      if (c.meanAfter.some((m, j) => m !== c.mean[j])) changed++;
    }
    // The fixture exercises both branches, not only states the correction leaves alone.
    expect(changed).toBeGreaterThan(20);
  });

  it("leaves at least margin/2 of probability beyond each threshold of an interior cell", () => {
    const mean = Float64Array.of(2.1);
    const a = Float64Array.of(1);
    // σ√C = 0.01: without the correction the mean's cell would never be left.
    correctMargin([integers(0, 5)], mean, a, 0.01, Float64Array.of(1), 0.02);
    const s = 0.01 * (a[0] as number);
    const m = mean[0] as number;
    expect(m).toBeGreaterThan(1.5);
    expect(m).toBeLessThan(2.5);
    // Exactly margin/2 = 0.01 of probability beyond each threshold.
    expect(normalCdf((1.5 - m) / s)).toBeCloseTo(0.01, 9);
    expect(1 - normalCdf((2.5 - m) / s)).toBeCloseTo(0.01, 9);
  });
});
