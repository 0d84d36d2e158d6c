import { describe, expect, it } from "vitest";
import { stratifiedKFold } from "../../examples/iris/cross-validation.js";
import { loadIris } from "../../examples/iris/data.js";
import { createUniform } from "../../examples/iris/random.js";
import { standardize } from "../../examples/iris/standardize.js";
import { createMlp, evaluate, fromBytes, toBytes, trainEpoch } from "../../examples/pbt/mlp.js";
import { runPbtIris } from "../../examples/pbt/pbt-iris.js";

const SHAPE = { nInputs: 4, nHidden: 5, nClasses: 3 };

describe("the perceptron of the PBT example", () => {
  const iris = loadIris();
  const rows = Uint32Array.from(iris.y.keys());
  const data = standardize(iris, rows);

  it("takes SGD steps along the gradient of the loss (central differences)", () => {
    const net = createMlp(SHAPE, createUniform(3));
    const before = net.params.slice();
    // One full batch at a tiny rate: params move by −rate·∇L.
    const rate = 1e-7;
    trainEpoch(net, data, rows, rate, rows.length, createUniform(4));
    const h = 1e-6;
    for (let i = 0; i < before.length; i++) {
      const probe = { ...net, params: before.slice() };
      probe.params[i] = (before[i] as number) + h;
      const up = evaluate(probe, data, rows).loss;
      probe.params[i] = (before[i] as number) - h;
      const down = evaluate(probe, data, rows).loss;
      const numeric = (up - down) / (2 * h);
      const analytic = ((before[i] as number) - (net.params[i] as number)) / rate;
      expect(Math.abs(analytic - numeric)).toBeLessThan(1e-5 + 1e-4 * Math.abs(numeric));
    }
  });

  it("learns iris (held-out accuracy ≥ 0.9) and survives a checkpoint round trip", () => {
    const [fold] = stratifiedKFold(iris.y, 5, 0);
    const { train, test } = fold as { train: Uint32Array; test: Uint32Array };
    const scaled = standardize(iris, train);
    const next = createUniform(1);
    const net = createMlp(SHAPE, next);
    const untrained = evaluate(net, scaled, test);
    for (let epoch = 0; epoch < 40; epoch++) trainEpoch(net, scaled, train, 0.2, 16, next);
    const trained = evaluate(net, scaled, test);
    expect(trained.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(trained.loss).toBeLessThan(untrained.loss / 3);
    const copy = fromBytes(SHAPE, toBytes(net));
    expect(evaluate(copy, scaled, test)).toEqual(trained);
    expect(() => fromBytes({ ...SHAPE, nHidden: 6 }, toBytes(net))).toThrow(
      "checkpoint has 43 parameters, expected 51",
    );
  });
});

describe("PBT on iris (the example, in memory)", () => {
  it("copies better members, reads the schedule back, and beats the same members alone", async () => {
    const pbt = await runPbtIris();
    const alone = await runPbtIris({ exploit: false });
    expect(pbt.trials).toHaveLength(8);
    expect(alone.exploits).toHaveLength(0);
    expect(pbt.exploits.length).toBeGreaterThan(0);
    for (const e of pbt.exploits) {
      expect(e.step % 4).toBe(0);
      // Members at one point take turns: the source had the lower loss at that point.
      expect(e.sourceLoss).toBeLessThan(e.lossBefore);
      expect(e.newLr).toBeGreaterThanOrEqual(1e-3);
      expect(e.newLr).toBeLessThanOrEqual(1);
    }
    // Without exploits a member's schedule is its own initial rate for all 40 epochs.
    expect(alone.schedule).toEqual([
      { trial: alone.best.number, fromStep: 0, toStep: 40, hyperparams: alone.best.params },
    ]);
    expect(pbt.schedule[0]?.fromStep).toBe(0);
    expect(pbt.schedule.at(-1)?.toStep).toBe(40);
    // Seeded and in one process with a memory store, the run is reproducible: PBT's best
    // validation loss is below the best of the same eight members trained alone.
    expect(pbt.validationLoss).toBeLessThan(alone.validationLoss);
    expect(pbt.testAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
