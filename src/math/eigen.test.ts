import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { symmetricEigen } from "./eigen.js";

interface Case {
  n: number;
  matrix: number[];
  values: number[];
  vectors: number[];
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/eigen.fixture.json", import.meta.url), "utf8"),
) as { cases: Case[] };

/** max |A − V·diag(λ)·Vᵀ| and max |VᵀV − I|. */
function residuals(matrix: Float64Array, values: Float64Array, vectors: Float64Array, n: number) {
  let reconstruction = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let a = 0;
      let g = 0;
      for (let k = 0; k < n; k++) {
        a +=
          (vectors[i * n + k] as number) * (values[k] as number) * (vectors[j * n + k] as number);
        g += (vectors[k * n + i] as number) * (vectors[k * n + j] as number);
      }
      reconstruction = Math.max(reconstruction, Math.abs(a - (matrix[i * n + j] as number)));
      orthogonality = Math.max(orthogonality, Math.abs(g - (i === j ? 1 : 0)));
    }
  }
  return { reconstruction, orthogonality };
}

describe("symmetricEigen (cyclic Jacobi) against numpy.linalg.eigh", () => {
  it("gives numpy's eigenvalues and eigenvectors (up to sign)", () => {
    for (const c of fixture.cases) {
      const { values, vectors } = symmetricEigen(Float64Array.from(c.matrix), c.n);
      const scale = Math.max(...c.values.map(Math.abs));
      for (let k = 0; k < c.n; k++) {
        expect(Math.abs((values[k] as number) - (c.values[k] as number))).toBeLessThan(
          1e-12 * scale,
        );
        // Columns agree up to sign: |<v_ours, v_numpy>| = 1.
        let dot = 0;
        for (let i = 0; i < c.n; i++) {
          dot += (vectors[i * c.n + k] as number) * (c.vectors[i * c.n + k] as number);
        }
        expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
      }
    }
  });

  it("decomposes the 2×2 example of the doc comment exactly", () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(values)).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    expect(Math.abs(vectors[0] as number)).toBeCloseTo(Math.SQRT1_2, 14);
    expect((vectors[0] as number) * (vectors[2] as number)).toBeCloseTo(-0.5, 14);
  });

  it("reconstructs random symmetric matrices with an orthonormal basis (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: 144,
          maxLength: 144,
        }),
        (n, raw) => {
          const m = new Float64Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              m[i * n + j] = raw[i * 12 + j] as number;
              m[j * n + i] = raw[i * 12 + j] as number;
            }
          }
          const { values, vectors } = symmetricEigen(m, n);
          const r = residuals(m, values, vectors, n);
          expect(r.reconstruction).toBeLessThan(1e-9 * Math.max(1, ...Array.from(m, Math.abs)));
          expect(r.orthogonality).toBeLessThan(1e-12);
          for (let k = 1; k < n; k++) {
            expect(values[k] as number).toBeGreaterThanOrEqual(values[k - 1] as number);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects a matrix of the wrong size", () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/n² = 4 entries/);
  });
});
