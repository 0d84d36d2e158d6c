import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  erfc,
  erfcx,
  logNormalCdf,
  logNormalCdfInverse,
  logNormalMass,
  normalCdf,
  truncatedNormalQuantile,
} from "./normal.js";

interface Fixture {
  erfcx: [number, number][];
  erfc: [number, number][];
  logNormalCdf: [number, number][];
  logNormalMass: [number, number, number][];
  logNormalCdfInverse: [number, number][];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/normal.fixture.json", import.meta.url), "utf8"),
) as Fixture;

function expectRelative(actual: number, expected: number, tolerance: number): void {
  if (expected === 0) {
    expect(Math.abs(actual)).toBeLessThan(1e-300);
    return;
  }
  expect(Math.abs(actual / expected - 1)).toBeLessThan(tolerance);
}

describe("normal distribution numerics (against mpmath at 50 digits)", () => {
  it("erfcx matches to 1e-13 from 0 to 1e8", () => {
    for (const [z, expected] of fixture.erfcx) expectRelative(erfcx(z), expected, 1e-13);
  });

  it("erfc matches in relative terms in the right tail", () => {
    for (const [x, expected] of fixture.erfc) {
      if (expected > 0) expectRelative(erfc(x), expected, 1e-12);
    }
  });

  it("log Φ matches from −1000 to 40", () => {
    for (const [x, expected] of fixture.logNormalCdf) {
      if (Math.abs(expected) < 1e-300) expect(logNormalCdf(x)).toBeCloseTo(0, 15);
      else expectRelative(logNormalCdf(x), expected, 1e-12);
    }
  });

  it("log Φ(b) − Φ(a) matches in both tails, across 0 and for tiny intervals", () => {
    for (const [a, b, expected] of fixture.logNormalMass) {
      if (expected === 0) expect(Math.abs(logNormalMass(a, b))).toBeLessThan(1e-15);
      else expectRelative(logNormalMass(a, b), expected, 1e-13);
    }
    expect(logNormalMass(1, 1)).toBe(Number.NEGATIVE_INFINITY);
  });

  it("adds up: the mass of [a, c] is the mass of [a, b] plus that of [b, c]", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -12, max: 12, noNaN: true }),
        fc.double({ min: 1e-9, max: 3, noNaN: true }),
        fc.double({ min: 1e-9, max: 3, noNaN: true }),
        (a, w1, w2) => {
          const b = a + w1;
          const c = b + w2;
          const sum = Math.log(Math.exp(logNormalMass(a, b)) + Math.exp(logNormalMass(b, c)));
          expect(Math.abs(sum - logNormalMass(a, c))).toBeLessThan(1e-11);
        },
      ),
    );
  });

  it("inverts log Φ down to probabilities of exp(−100000)", () => {
    for (const [y, expected] of fixture.logNormalCdfInverse) {
      expectRelative(logNormalCdfInverse(y), expected, 1e-12);
    }
    expect(logNormalCdfInverse(Math.log(0.975))).toBeCloseTo(1.959963984540054, 13);
  });

  it("Φ is ½ at 0 and symmetric", () => {
    expect(normalCdf(0)).toBe(0.5);
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 14);
      }),
    );
  });

  it("truncated quantile stays in [a, b], is monotone in u and hits both ends", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -200, max: 200, noNaN: true }),
        fc.double({ min: 1e-6, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (a, width, u) => {
          const b = a + width;
          const x = truncatedNormalQuantile(u, a, b);
          expect(x).toBeGreaterThanOrEqual(a);
          expect(x).toBeLessThanOrEqual(b);
          const later = Math.min(u + 0.01, 1 - 1e-12);
          if (later > u) {
            expect(truncatedNormalQuantile(later, a, b)).toBeGreaterThanOrEqual(
              x - 1e-9 * Math.max(1, Math.abs(x)),
            );
          }
        },
      ),
    );
    expect(truncatedNormalQuantile(0, -1, 2)).toBeCloseTo(-1, 12);
    expect(truncatedNormalQuantile(0.5, -1, 1)).toBeCloseTo(0, 12);
    // Far in the right tail the quantile is still the exact one: the mass splits evenly.
    const median = truncatedNormalQuantile(0.5, 40, 41);
    expect(logNormalMass(40, median)).toBeCloseTo(logNormalMass(median, 41), 8);
  });
});
