import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createStudy, RandomSampler } from "../index.js";
import {
  type CategoricalChoice,
  cardinality,
  categoricalDistribution,
  contains,
  type Distribution,
  floatDistribution,
  intDistribution,
  nthValue,
} from "./distributions.js";
import { fromUnit, toUnit } from "./unit-transform.js";

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const floatPlain = fc
  .tuple(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
  )
  .map(([low, width]) => floatDistribution("x", low, low + width));

const floatLog = fc
  .tuple(
    fc.double({ min: 1e-10, max: 1e6, noNaN: true }),
    fc.double({ min: 1, max: 1e6, noNaN: true }),
  )
  .map(([low, ratio]) => floatDistribution("x", low, low * ratio, { log: true }));

/** Stepped floats as users write them: decimal bounds and steps. */
const floatStepDecimal = fc
  .tuple(
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.constantFrom(0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 10),
    fc.integer({ min: 0, max: 200 }),
  )
  .map(([lowCents, step, n]) => {
    const low = lowCents / 100;
    const high = Number((low + n * step).toFixed(6));
    return floatDistribution("x", low, high, { step });
  });

/** Stepped floats with arbitrary binary bounds and steps. */
const floatStepArbitrary = fc
  .tuple(
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.double({ min: 1e-3, max: 10, noNaN: true }),
    fc.integer({ min: 0, max: 100 }),
  )
  .map(([low, step, n]) => floatDistribution("x", low, low + n * step, { step }));

const intPlain = fc
  .tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }))
  .map(([low, width]) => intDistribution("n", low, low + width));

const intStep = fc
  .tuple(
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 0, max: 1000 }),
  )
  .map(([low, step, n]) => intDistribution("n", low, low + n * step, { step }));

const intLog = fc
  .tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }))
  .map(([low, width]) => intDistribution("n", low, low + width, { log: true }));

const categorical = fc
  .uniqueArray(
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    { minLength: 1, maxLength: 20, comparator: "SameValueZero" },
  )
  .map((choices) => categoricalDistribution("k", choices as CategoricalChoice[]));

const kinds = {
  float: floatPlain,
  "float log": floatLog,
  "float step (decimal)": floatStepDecimal,
  int: intPlain,
  "int step": intStep,
  "int log": intLog,
  categorical,
} as const;

const finiteKinds = {
  "float step (decimal)": floatStepDecimal,
  int: intPlain.filter((d) => d.high - d.low <= 2000),
  "int step": intStep.filter((d) => cardinality(d) <= 300),
  "int log": intLog.filter((d) => d.high - d.low <= 2000),
  categorical,
} as const;

/** Independent of `contains`: inside the bounds and on the step grid, within float noise. */
function expectOnGrid(d: Distribution, value: unknown): void {
  if (d.type === "categorical") {
    expect(d.choices).toContain(value);
    return;
  }
  expect(typeof value).toBe("number");
  const v = value as number;
  expect(v).toBeGreaterThanOrEqual(d.low);
  expect(v).toBeLessThanOrEqual(d.high);
  if (d.type === "int") {
    expect(Number.isInteger(v)).toBe(true);
    expect((v - d.low) % d.step).toBe(0);
  } else if (d.step !== null) {
    const k = (v - d.low) / d.step;
    expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
  }
}

describe("fromUnit", () => {
  for (const [kind, arbitrary] of Object.entries(kinds)) {
    it(`gives a value inside the ${kind} distribution, on its grid, for any u in [0, 1)`, () => {
      fc.assert(
        fc.property(arbitrary, unit, (d, u) => {
          const value = fromUnit(d, u);
          expectOnGrid(d, value);
          expect(contains(d, value)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  }

  it("gives a value inside a stepped float distribution with arbitrary binary bounds and step", () => {
    fc.assert(
      fc.property(floatStepArbitrary, unit, (d, u) => {
        const value = fromUnit(d, u);
        expectOnGrid(d, value);
        expect(contains(d, value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("maps the end points of u to the end points of a numeric range", () => {
    const d = floatDistribution("x", -3, 5);
    expect(fromUnit(d, 0)).toBe(-3);
    expect(fromUnit(d, 1 - Number.EPSILON)).toBeCloseTo(5, 10);
    const log = floatDistribution("x", 1e-4, 1, { log: true });
    expect(fromUnit(log, 0)).toBeGreaterThanOrEqual(1e-4);
    expect(fromUnit(log, 0)).toBeCloseTo(1e-4, 15);
    expect(fromUnit(log, 0.5)).toBeCloseTo(1e-2, 12);
    expect(fromUnit(log, 0.25)).toBeCloseTo(1e-3, 12);
  });

  it("gives each of n grid points an interval of width 1/n", () => {
    const d = intDistribution("n", 0, 3);
    expect([0, 0.24, 0.25, 0.49, 0.5, 0.74, 0.75, 0.99].map((u) => fromUnit(d, u))).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3,
    ]);
    const c = categoricalDistribution("k", ["a", "b", "c"]);
    expect([0, 0.33, 0.34, 0.66, 0.67, 0.999].map((u) => fromUnit(c, u))).toEqual([
      "a",
      "a",
      "b",
      "b",
      "c",
      "c",
    ]);
    const s = floatDistribution("x", 0, 0.3, { step: 0.1 });
    expect([0.1, 0.3, 0.6, 0.9].map((u) => fromUnit(s, u))).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it("keeps the first point of a stepped float grid whose low has 16 significant digits", () => {
    // Rounding grid points to 14 digits must not move them off the grid or below low.
    const d = floatDistribution("x", 1 / 3, 1 / 3 + 2, { step: 0.5 });
    const first = fromUnit(d, 0);
    expect(first).toBe(1 / 3);
    expect(contains(d, first)).toBe(true);
    const ln7 = floatDistribution("x", Math.log(7), Math.log(7) + 1, { step: 0.25 });
    expect(contains(ln7, fromUnit(ln7, 0))).toBe(true);
  });

  it("stays inside a float range wider than Number.MAX_VALUE", () => {
    const d = floatDistribution("x", -Number.MAX_VALUE, Number.MAX_VALUE);
    for (const u of [0, 0.25, 0.5, 0.75, 0.999]) {
      const value = fromUnit(d, u);
      expect(Number.isFinite(value as number)).toBe(true);
      expect(contains(d, value)).toBe(true);
    }
  });
});

describe("toUnit", () => {
  for (const [kind, arbitrary] of Object.entries(kinds)) {
    it(`maps fromUnit(u) of a ${kind} distribution back into [0, 1]`, () => {
      fc.assert(
        fc.property(arbitrary, unit, (d, u) => {
          const back = toUnit(d, fromUnit(d, u));
          expect(back).toBeGreaterThanOrEqual(0);
          expect(back).toBeLessThanOrEqual(1);
        }),
        { numRuns: 500 },
      );
    });
  }

  it("is the inverse of fromUnit on a continuous float (up to rounding)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        unit,
        (low, width, u) => {
          const d = floatDistribution("x", low, low + width);
          expect(toUnit(d, fromUnit(d, u))).toBeCloseTo(u, 6);
        },
      ),
    );
  });

  it("stays finite on a log float whose bounds are adjacent doubles", () => {
    const d = floatDistribution("x", 1e-10, 1.0000000000000003e-10, { log: true });
    const u = toUnit(d, fromUnit(d, 0));
    expect(Number.isNaN(u)).toBe(false);
    expect(u).toBeGreaterThanOrEqual(0);
    expect(u).toBeLessThanOrEqual(1);
  });

  it("is the inverse of fromUnit on a log float (up to rounding)", () => {
    const d = floatDistribution("x", 1e-5, 1e-1, { log: true });
    fc.assert(
      fc.property(unit, (u) => {
        expect(toUnit(d, fromUnit(d, u))).toBeCloseTo(u, 9);
      }),
    );
  });
});

describe("grid points", () => {
  for (const [kind, arbitrary] of Object.entries(finiteKinds)) {
    it(`every point of a ${kind} distribution is reachable: fromUnit(toUnit(v)) = v`, () => {
      fc.assert(
        fc.property(arbitrary, (d) => {
          const n = cardinality(d);
          for (let k = 0; k < n; k++) {
            const value = nthValue(d, k);
            const u = toUnit(d, value);
            expect(u).toBeGreaterThanOrEqual(0);
            expect(u).toBeLessThan(1);
            expect(fromUnit(d, u)).toBe(value);
          }
        }),
        { numRuns: 100 },
      );
    });
  }

  it("every grid point is hit by uniform u (each bucket of a 7-point grid gets ~1/7)", () => {
    const d = intDistribution("n", 3, 15, { step: 2 });
    const counts = new Map<number, number>();
    const draws = 7000;
    for (let i = 0; i < draws; i++) {
      const v = fromUnit(d, (i + 0.5) / draws) as number;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([3, 5, 7, 9, 11, 13, 15]);
    for (const count of counts.values()) expect(count).toBe(1000);
  });
});

describe("log-uniform sampling through a study", () => {
  it("suggestFloat(log) with RandomSampler({seed: 7}) is uniform in log space (KS distance < 0.03 over 5000 draws)", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 7 }) });
    const logs: number[] = [];
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 1e-5, 1e-1, { log: true });
        logs.push(Math.log10(x));
        return x;
      },
      { nTrials: 5000 },
    );
    expect(logs).toHaveLength(5000);
    logs.sort((a, b) => a - b);
    let distance = 0;
    for (let i = 0; i < logs.length; i++) {
      const x = logs[i] as number;
      expect(x).toBeGreaterThanOrEqual(-5 - 1e-12);
      expect(x).toBeLessThanOrEqual(-1 + 1e-12);
      const cdf = (x + 5) / 4;
      distance = Math.max(
        distance,
        Math.abs((i + 1) / logs.length - cdf),
        Math.abs(i / logs.length - cdf),
      );
    }
    expect(distance).toBeLessThan(0.03);
    // The same draws are not uniform on the linear scale: most of the mass sits below 1e-2.
    expect(logs.filter((x) => x < -2).length / logs.length).toBeCloseTo(0.75, 1);
  });
});
