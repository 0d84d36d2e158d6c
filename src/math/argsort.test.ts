import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { argsort } from "./argsort.js";

describe("argsort", () => {
  it("orders indices by value, duplicates and all", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })), {
          maxLength: 300,
        }),
        (raw) => {
          const values = Float64Array.from(raw);
          const order = new Int32Array(values.length);
          argsort(values, order);
          const indices = Array.from({ length: values.length }, (_, k) => k);
          expect([...order].sort((a, b) => a - b)).toEqual(indices);
          for (let i = 1; i < order.length; i++) {
            expect(values[order[i] as number]).toBeGreaterThanOrEqual(
              values[order[i - 1] as number] as number,
            );
          }
        },
      ),
    );
  });

  it("handles empty and single arrays", () => {
    const none = new Int32Array(0);
    argsort(new Float64Array(0), none);
    expect(none).toHaveLength(0);
    const one = new Int32Array(1);
    argsort(Float64Array.of(3), one);
    expect(Array.from(one)).toEqual([0]);
  });
});
