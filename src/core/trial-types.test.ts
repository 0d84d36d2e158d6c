import { describe, expect, expectTypeOf, it } from "vitest";
import { createStudy, type FrozenTrial, type ParamValue, type Trial } from "../index.js";

describe("types carry the search space", () => {
  it('suggestCategorical("k", ["a", "b"] as const) is typed "a" | "b"', async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const k = trial.suggestCategorical("k", ["a", "b"] as const);
    expectTypeOf(k).toEqualTypeOf<"a" | "b">();
    expect(["a", "b"]).toContain(k);

    // @ts-expect-error "a" | "b" is not assignable to a narrower literal type.
    const onlyA: "a" = trial.suggestCategorical("k", ["a", "b"] as const);
    expect(["a", "b"]).toContain(onlyA);
  });

  it("keeps literal types of mixed choices without `as const`", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    expectTypeOf(trial.suggestCategorical("m", [1, "x", true, null])).toEqualTypeOf<
      1 | "x" | true | null
    >();
  });

  it("suggestFloat and suggestInt are typed number", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    const n = trial.suggestInt("n", 1, 10, { step: 3 });
    expectTypeOf(x).toEqualTypeOf<number>();
    expectTypeOf(n).toEqualTypeOf<number>();
    // @ts-expect-error a number is not a string.
    const wrong: string = trial.suggestFloat("y", 0, 1);
    expect(typeof wrong).toBe("number");
  });

  it("refuses non-primitive choices and unknown options at compile time", () => {
    const typeOnly = (trial: Trial) => {
      // @ts-expect-error objects are not categorical choices.
      trial.suggestCategorical("k", [{ a: 1 }]);
      // @ts-expect-error `logg` is not an option.
      trial.suggestFloat("x", 1, 2, { logg: true });
    };
    expect(typeof typeOnly).toBe("function");
  });

  it("params of a FrozenTrial are JSON primitives and values are readonly numbers", () => {
    expectTypeOf<FrozenTrial["params"][string]>().toEqualTypeOf<ParamValue>();
    expectTypeOf<ParamValue>().toEqualTypeOf<string | number | boolean | null>();
    expectTypeOf<FrozenTrial["values"]>().toEqualTypeOf<readonly number[] | null>();
  });
});
