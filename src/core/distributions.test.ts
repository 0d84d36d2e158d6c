import { describe, expect, it } from "vitest";
import {
  type CategoricalChoice,
  cardinality,
  categoricalDistribution,
  contains,
  type Distribution,
  floatDistribution,
  incompatibility,
  intDistribution,
  isSingle,
  nthValue,
  parseDistribution,
  sameDistribution,
} from "./distributions.js";

describe("floatDistribution validation", () => {
  it("refuses low > high, naming the parameter and both bounds", () => {
    expect(() => floatDistribution("lr", 2, 1)).toThrow(RangeError);
    expect(() => floatDistribution("lr", 2, 1)).toThrow(
      'parameter "lr": low (2) must not be greater than high (1)',
    );
  });

  it("refuses a log scale with low <= 0", () => {
    expect(() => floatDistribution("lr", 0, 1, { log: true })).toThrow(
      /parameter "lr": log scale needs low > 0, got low = 0/,
    );
    expect(() => floatDistribution("lr", -1, 1, { log: true })).toThrow(/"lr".*low = -1/);
  });

  it("refuses log together with step", () => {
    expect(() => floatDistribution("lr", 0.1, 1, { log: true, step: 0.1 })).toThrow(
      'parameter "lr": log and step cannot be used together',
    );
  });

  it("says what the adjusted high would be when step does not divide the range", () => {
    expect(() => floatDistribution("dropout", 0, 1, { step: 0.3 })).toThrow(
      /parameter "dropout": step 0\.3 does not divide the range \[0, 1\].*high = 0\.9\b/,
    );
    expect(() => floatDistribution("x", 0.1, 1.05, { step: 0.2 })).toThrow(/high = 0\.9\b/);
  });

  it("accepts a step that divides the range up to binary noise (0.1 .. 0.7 by 0.2)", () => {
    const d = floatDistribution("x", 0.1, 0.7, { step: 0.2 });
    expect(d).toEqual({ type: "float", low: 0.1, high: 0.7, log: false, step: 0.2 });
    expect(cardinality(d)).toBe(4);
  });

  it("refuses a step that is zero, negative or not finite", () => {
    for (const step of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => floatDistribution("x", 0, 1, { step })).toThrow(
        /parameter "x": step must be a positive finite number/,
      );
    }
  });

  it("refuses non-finite bounds, naming the bound", () => {
    expect(() => floatDistribution("x", Number.NEGATIVE_INFINITY, 1)).toThrow(
      'parameter "x": low must be a finite number, got -Infinity',
    );
    expect(() => floatDistribution("x", 0, Number.POSITIVE_INFINITY)).toThrow(
      'parameter "x": high must be a finite number, got Infinity',
    );
    expect(() => floatDistribution("x", Number.NaN, 1)).toThrow(/"x": low .* got NaN/);
    expect(() => floatDistribution("x", 0, Number.NaN)).toThrow(/"x": high .* got NaN/);
  });

  it("refuses bounds that are not numbers", () => {
    expect(() => floatDistribution("x", "0" as unknown as number, 1)).toThrow(
      /"x": low must be a finite number/,
    );
  });

  it("makes a frozen plain object", () => {
    const d = floatDistribution("x", -1, 1);
    expect(d).toEqual({ type: "float", low: -1, high: 1, log: false, step: null });
    expect(Object.isFrozen(d)).toBe(true);
  });

  it("accepts low === high (a single value)", () => {
    const d = floatDistribution("x", 3, 3);
    expect(isSingle(d)).toBe(true);
    expect(cardinality(d)).toBe(1);
  });
});

describe("intDistribution validation", () => {
  it("refuses low > high", () => {
    expect(() => intDistribution("depth", 5, 4)).toThrow(
      'parameter "depth": low (5) must not be greater than high (4)',
    );
  });

  it("refuses non-integer bounds, naming the bound", () => {
    expect(() => intDistribution("depth", 0.5, 3)).toThrow(
      'parameter "depth": low must be an integer, got 0.5',
    );
    expect(() => intDistribution("depth", 0, 3.5)).toThrow(
      'parameter "depth": high must be an integer, got 3.5',
    );
  });

  it("refuses non-finite bounds", () => {
    expect(() => intDistribution("n", 0, Number.POSITIVE_INFINITY)).toThrow(
      /parameter "n": high must be a finite number/,
    );
  });

  it("refuses log with low <= 0", () => {
    expect(() => intDistribution("units", 0, 64, { log: true })).toThrow(
      /parameter "units": log scale needs low > 0/,
    );
  });

  it("refuses log together with a step other than 1", () => {
    expect(() => intDistribution("units", 1, 65, { log: true, step: 2 })).toThrow(
      'parameter "units": log and step cannot be used together',
    );
  });

  it("says what the adjusted high would be when step does not divide the range", () => {
    expect(() => intDistribution("units", 0, 10, { step: 3 })).toThrow(
      /parameter "units": step 3 does not divide the range \[0, 10\].*high = 9\b/,
    );
    expect(() => intDistribution("units", 16, 250, { step: 16 })).toThrow(/high = 240\b/);
  });

  it("refuses a step that is not a positive integer", () => {
    for (const step of [0, -2, 1.5]) {
      expect(() => intDistribution("n", 0, 10, { step })).toThrow(
        /parameter "n": step must be a positive integer/,
      );
    }
  });

  it("defaults to step 1 without log", () => {
    expect(intDistribution("n", 1, 8)).toEqual({
      type: "int",
      low: 1,
      high: 8,
      log: false,
      step: 1,
    });
  });
});

describe("categoricalDistribution validation", () => {
  it("refuses empty choices", () => {
    expect(() => categoricalDistribution("kind", [])).toThrow(
      'parameter "kind": choices must be a non-empty array',
    );
  });

  it("refuses duplicate choices, naming the repeated one", () => {
    expect(() => categoricalDistribution("kind", ["gini", "entropy", "gini"])).toThrow(
      'parameter "kind": choices must be distinct, "gini" repeats',
    );
    expect(() => categoricalDistribution("k", [1, 2, 1])).toThrow(/"k".*1 repeats/);
    expect(() => categoricalDistribution("k", [null, null])).toThrow(/"k".*null repeats/);
  });

  it("keeps 1 and '1' and true apart (no coercion)", () => {
    expect(categoricalDistribution("k", [1, "1", true, null]).choices).toEqual([
      1,
      "1",
      true,
      null,
    ]);
  });

  it("refuses non-primitive choices, naming the kind", () => {
    const bad: [unknown, string][] = [
      [{}, "object"],
      [[1], "object"],
      [undefined, "undefined"],
      [() => 1, "function"],
      [Symbol("s"), "symbol"],
      [10n, "bigint"],
    ];
    for (const [choice, kind] of bad) {
      expect(() => categoricalDistribution("k", ["a", choice as CategoricalChoice])).toThrow(
        `parameter "k": choices must be strings, numbers, booleans or null, got ${kind}`,
      );
    }
  });

  it("refuses non-finite numeric choices", () => {
    expect(() => categoricalDistribution("k", [1, Number.NaN])).toThrow(
      'parameter "k": numeric choices must be finite, got NaN',
    );
    expect(() => categoricalDistribution("k", [Number.POSITIVE_INFINITY])).toThrow(
      /"k": numeric choices must be finite/,
    );
  });

  it("copies and freezes the choices", () => {
    const choices: CategoricalChoice[] = ["a", "b"];
    const d = categoricalDistribution("k", choices);
    choices.push("c");
    expect(d.choices).toEqual(["a", "b"]);
    expect(Object.isFrozen(d.choices)).toBe(true);
  });
});

describe("contains", () => {
  it("checks floats against bounds and NaN", () => {
    const d = floatDistribution("x", -1, 1);
    expect(contains(d, -1)).toBe(true);
    expect(contains(d, 1)).toBe(true);
    expect(contains(d, 0.123)).toBe(true);
    expect(contains(d, 1.0000001)).toBe(false);
    expect(contains(d, Number.NaN)).toBe(false);
    expect(contains(d, "0.5")).toBe(false);
  });

  it("checks stepped floats against the grid", () => {
    const d = floatDistribution("x", 0, 1, { step: 0.1 });
    expect(contains(d, 0.3)).toBe(true);
    expect(contains(d, 0.1 + 0.2)).toBe(true);
    expect(contains(d, 0.35)).toBe(false);
    expect(contains(d, 1.1)).toBe(false);
  });

  it("checks ints against integrality, bounds and the step grid", () => {
    const d = intDistribution("n", 2, 10, { step: 2 });
    expect([2, 4, 6, 8, 10].every((v) => contains(d, v))).toBe(true);
    expect(contains(d, 3)).toBe(false);
    expect(contains(d, 12)).toBe(false);
    expect(contains(d, 0)).toBe(false);
    expect(contains(d, 4.5)).toBe(false);
    expect(contains(d, "4")).toBe(false);
  });

  it("checks categorical values by identity, without coercion", () => {
    const d = categoricalDistribution("k", ["a", 1, null, false]);
    expect(contains(d, "a")).toBe(true);
    expect(contains(d, null)).toBe(true);
    expect(contains(d, false)).toBe(true);
    expect(contains(d, "1")).toBe(false);
    expect(contains(d, 0)).toBe(false);
    expect(contains(d, undefined)).toBe(false);
  });
});

describe("cardinality and nthValue", () => {
  it("counts finite distributions and gives Infinity for a continuous float", () => {
    expect(cardinality(intDistribution("n", 1, 10))).toBe(10);
    expect(cardinality(intDistribution("n", 0, 9, { step: 3 }))).toBe(4);
    expect(cardinality(intDistribution("n", 1, 1000, { log: true }))).toBe(1000);
    expect(cardinality(floatDistribution("x", 0, 1, { step: 0.25 }))).toBe(5);
    expect(cardinality(floatDistribution("x", 0, 1, { step: 0.1 }))).toBe(11);
    expect(cardinality(floatDistribution("x", 0, 1))).toBe(Number.POSITIVE_INFINITY);
    expect(cardinality(floatDistribution("x", 2, 2))).toBe(1);
    expect(cardinality(categoricalDistribution("k", ["a", "b", "c"]))).toBe(3);
  });

  it("enumerates every value of a finite distribution in order, without binary noise", () => {
    const enumerate = (d: Distribution) =>
      Array.from({ length: cardinality(d) }, (_, k) => nthValue(d, k));
    expect(enumerate(intDistribution("n", 0, 9, { step: 3 }))).toEqual([0, 3, 6, 9]);
    expect(enumerate(floatDistribution("x", 0, 0.5, { step: 0.1 }))).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5,
    ]);
    expect(enumerate(categoricalDistribution("k", ["a", null, 3]))).toEqual(["a", null, 3]);
  });

  it("gives values that the distribution contains", () => {
    const d = floatDistribution("x", -0.3, 0.9, { step: 0.3 });
    for (let k = 0; k < cardinality(d); k++) expect(contains(d, nthValue(d, k))).toBe(true);
  });

  it("keeps every grid point inside the range when bounds and step have 15 significant digits", () => {
    const d = floatDistribution("x", 0, 0.355818214979895, { step: 0.023721214331993 });
    expect(cardinality(d)).toBe(16);
    for (let k = 0; k < 16; k++) {
      const value = nthValue(d, k) as number;
      expect(value).toBeLessThanOrEqual(d.high);
      expect(contains(d, value)).toBe(true);
    }
  });

  it("isSingle is true only for one possible value", () => {
    expect(isSingle(intDistribution("n", 4, 4))).toBe(true);
    expect(isSingle(intDistribution("n", 4, 5))).toBe(false);
    expect(isSingle(categoricalDistribution("k", ["only"]))).toBe(true);
    expect(isSingle(categoricalDistribution("k", ["a", "b"]))).toBe(false);
  });
});

describe("sameDistribution", () => {
  it("is true for equal fields made separately", () => {
    expect(
      sameDistribution(
        floatDistribution("a", 0, 1, { step: 0.5 }),
        floatDistribution("b", 0, 1, { step: 0.5 }),
      ),
    ).toBe(true);
    expect(
      sameDistribution(
        categoricalDistribution("a", [1, "x"]),
        categoricalDistribution("b", [1, "x"]),
      ),
    ).toBe(true);
  });

  it("is false when any field differs", () => {
    const base = floatDistribution("x", 1, 10);
    expect(sameDistribution(base, floatDistribution("x", 1, 11))).toBe(false);
    expect(sameDistribution(base, floatDistribution("x", 2, 10))).toBe(false);
    expect(sameDistribution(base, floatDistribution("x", 1, 10, { log: true }))).toBe(false);
    expect(sameDistribution(base, floatDistribution("x", 1, 10, { step: 1 }))).toBe(false);
    expect(sameDistribution(base, intDistribution("x", 1, 10))).toBe(false);
    expect(sameDistribution(intDistribution("x", 1, 10), base)).toBe(false);
  });

  it("treats categorical choices as ordered", () => {
    expect(
      sameDistribution(
        categoricalDistribution("k", ["a", "b"]),
        categoricalDistribution("k", ["b", "a"]),
      ),
    ).toBe(false);
    expect(
      sameDistribution(
        categoricalDistribution("k", ["a"]),
        categoricalDistribution("k", ["a", "b"]),
      ),
    ).toBe(false);
  });
});

describe("incompatibility", () => {
  it("names both kinds when the type changes", () => {
    expect(incompatibility(floatDistribution("x", 0, 1), intDistribution("x", 0, 1))).toBe(
      "it was first suggested as float and now as int",
    );
    expect(incompatibility(intDistribution("x", 0, 1), categoricalDistribution("x", [0, 1]))).toBe(
      "it was first suggested as int and now as categorical",
    );
  });

  it("allows a numeric range to change between calls", () => {
    expect(incompatibility(floatDistribution("x", 0, 1), floatDistribution("x", 0, 5))).toBeNull();
    expect(
      incompatibility(intDistribution("x", 0, 10), intDistribution("x", 0, 10, { step: 2 })),
    ).toBeNull();
  });

  it("refuses other categorical choices, quoting the first ones", () => {
    expect(
      incompatibility(
        categoricalDistribution("k", ["a", "b"]),
        categoricalDistribution("k", ["a", "c"]),
      ),
    ).toBe('it was first suggested with choices ["a","b"]');
    expect(
      incompatibility(categoricalDistribution("k", ["a"]), categoricalDistribution("k", ["a"])),
    ).toBeNull();
  });
});

describe("parseDistribution", () => {
  const examples: Distribution[] = [
    floatDistribution("x", -2.5, 7.25),
    floatDistribution("x", 1e-5, 0.1, { log: true }),
    floatDistribution("x", 0, 1, { step: 0.05 }),
    intDistribution("x", -3, 12),
    intDistribution("x", 16, 256, { step: 16 }),
    intDistribution("x", 1, 1024, { log: true }),
    categoricalDistribution("x", ["a", 1, 2.5, true, false, null]),
  ];

  it.each(examples.map((d) => [`${d.type} ${JSON.stringify(d)}`, d] as const))(
    "round-trips %s through JSON",
    (_, d) => {
      const parsed = parseDistribution("x", JSON.parse(JSON.stringify(d)));
      expect(parsed).toEqual(d);
      expect(sameDistribution(parsed, d)).toBe(true);
      expect(Object.isFrozen(parsed)).toBe(true);
    },
  );

  it("refuses what is not a distribution, naming the parameter", () => {
    expect(() => parseDistribution("p", null)).toThrow(
      'parameter "p": a distribution must be an object',
    );
    expect(() => parseDistribution("p", "float")).toThrow(/"p": a distribution must be an object/);
    expect(() => parseDistribution("p", { type: "gaussian" })).toThrow(
      'parameter "p": unknown distribution type "gaussian"',
    );
  });

  it("applies the same validation as the constructors", () => {
    expect(() =>
      parseDistribution("p", { type: "float", low: 1, high: 0, log: false, step: null }),
    ).toThrow(/parameter "p": low \(1\) must not be greater than high \(0\)/);
    expect(() =>
      parseDistribution("p", { type: "int", low: 0, high: 10, log: false, step: 3 }),
    ).toThrow(/parameter "p".*high = 9/);
    expect(() => parseDistribution("p", { type: "categorical", choices: [] })).toThrow(
      /parameter "p": choices must be a non-empty array/,
    );
    expect(() => parseDistribution("p", { type: "float", high: 1 })).toThrow(
      /parameter "p": low must be a finite number/,
    );
  });
});
