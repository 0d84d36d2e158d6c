import { describe, expect, it } from "vitest";
import {
  crossValidate,
  type ModelParams,
  stratifiedKFold,
} from "../../examples/iris/cross-validation.js";
import { loadIris } from "../../examples/iris/data.js";

const iris = loadIris();
const sensible: ModelParams = {
  learningRate: 0.1,
  l2: 1e-4,
  epochs: 100,
  batchSize: 16,
  standardize: true,
};
const untrained: ModelParams = { ...sensible, learningRate: 1e-6, epochs: 1 };

describe("iris data", () => {
  it("loads 150 flowers with 4 measurements and 50 of each of 3 species", () => {
    expect(iris.nSamples).toBe(150);
    expect(iris.nFeatures).toBe(4);
    expect(iris.x.length).toBe(600);
    expect(iris.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    const counts = [0, 0, 0];
    for (const label of iris.y) counts[label] = (counts[label] as number) + 1;
    expect(counts).toEqual([50, 50, 50]);
    // The first flower of Fisher's table.
    expect([...iris.x.subarray(0, 4)]).toEqual([5.1, 3.5, 1.4, 0.2]);
  });
});

describe("stratifiedKFold", () => {
  const folds = stratifiedKFold(iris.y, 5, 0);

  it("partitions the rows: every row is tested exactly once and never trained on then", () => {
    expect(folds).toHaveLength(5);
    const tested = new Uint8Array(iris.nSamples);
    for (const { train, test } of folds) {
      for (const row of test) tested[row] = (tested[row] as number) + 1;
      expect(train.length + test.length).toBe(iris.nSamples);
      const inTest = new Set(test);
      expect([...train].some((row) => inTest.has(row))).toBe(false);
    }
    expect([...tested].every((n) => n === 1)).toBe(true);
  });

  it("keeps the class balance: 10 of each species in every test part", () => {
    for (const { test } of folds) {
      const counts = [0, 0, 0];
      for (const row of test)
        counts[iris.y[row] as number] = (counts[iris.y[row] as number] as number) + 1;
      expect(counts).toEqual([10, 10, 10]);
    }
  });

  it("is reproducible for a seed and shuffles differently for another", () => {
    expect(stratifiedKFold(iris.y, 5, 0)).toEqual(folds);
    expect(stratifiedKFold(iris.y, 5, 1)[0]?.test).not.toEqual(folds[0]?.test);
  });

  it("rejects k outside [2, n]", () => {
    expect(() => stratifiedKFold(iris.y, 1, 0)).toThrow(/k must be an integer in \[2, 150\]/);
  });
});

describe("softmax regression, cross-validated", () => {
  const folds = stratifiedKFold(iris.y, 5, 0);

  it("reaches at least 0.9 accuracy with sensible hyperparameters", () => {
    const { meanAccuracy, foldAccuracies } = crossValidate(iris, folds, sensible);
    expect(meanAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(foldAccuracies).toHaveLength(5);
    for (const a of foldAccuracies) expect(a).toBeGreaterThanOrEqual(0.8);
  });

  it("also learns without standardization", () => {
    const { meanAccuracy } = crossValidate(iris, folds, { ...sensible, standardize: false });
    expect(meanAccuracy).toBeGreaterThanOrEqual(0.85);
  });

  it("stays near chance (1/3) when it barely trains (learning rate 1e-6, 1 epoch)", () => {
    expect(crossValidate(iris, folds, untrained).meanAccuracy).toBeLessThan(0.5);
    // Over several seeds the untrained model is a random linear classifier: about 1/3.
    const seeds = Array.from({ length: 10 }, (_, s) => s);
    const mean =
      seeds
        .map((s) => crossValidate(iris, stratifiedKFold(iris.y, 5, s), untrained, s).meanAccuracy)
        .reduce((a, b) => a + b, 0) / seeds.length;
    expect(Math.abs(mean - 1 / 3)).toBeLessThan(0.1);
  });
});
