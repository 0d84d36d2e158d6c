import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defaultPopsize, strategyParameters } from "./strategy.js";

interface Case {
  n: number;
  lambda: number;
  separable: boolean;
  weights: number[];
  muEff: number;
  cSigma: number;
  dSigma: number;
  cc: number;
  c1: number;
  cmu: number;
  chiN: number;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/strategy.fixture.json", import.meta.url), "utf8"),
) as { cases: Case[] };

describe("CMA-ES strategy parameters", () => {
  it("match the `cmaes` package (Hansen's defaults) and Ros & Hansen's separable rates", () => {
    expect(fixture.cases.length).toBe(7);
    for (const c of fixture.cases) {
      const p = strategyParameters(c.n, c.lambda, c.separable);
      expect(p.mu).toBe(Math.floor(c.lambda / 2));
      for (const key of ["muEff", "cSigma", "dSigma", "cc", "c1", "cmu", "chiN"] as const) {
        expect(p[key], `${key} n=${c.n} λ=${c.lambda}`).toBeCloseTo(c[key], 12);
      }
      expect(p.weights).toHaveLength(c.lambda);
      c.weights.forEach((w, i) => {
        expect(p.weights[i], `w${i} n=${c.n} λ=${c.lambda}`).toBeCloseTo(w, 12);
      });
    }
  });

  it("uses 4 + ⌊3 ln n⌋ offspring by default", () => {
    expect([1, 2, 10, 100].map(defaultPopsize)).toEqual([4, 6, 10, 17]);
  });
});
