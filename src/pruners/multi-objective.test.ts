/**
 * Pruning with several objectives on hand-made two-objective curves: the dominance rule of
 * the median/percentile pruners, MO-ASHA's promotion, Hyperband's brackets, and reports that
 * round-trip through the memory, SQLite and PostgreSQL storages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  freshSchema,
  postgresAvailable,
  postgresUrl,
} from "../../test/support/services.js";
import { TrialPruned } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialContext } from "../core/snapshot.js";
import { INTERMEDIATE_VECTORS_ATTR, intermediateVectors } from "../core/trial.js";
import type { StudyDirection, TrialState } from "../core/types.js";
import { createStudy } from "../index.js";
import { HyperbandPruner } from "./hyperband-pruner.js";
import { MedianPruner } from "./median-pruner.js";
import { isParetoPromotable } from "./multi-objective.js";
import { PatientPruner } from "./patient-pruner.js";
import { PercentilePruner } from "./percentile-pruner.js";
import { SuccessiveHalvingPruner } from "./successive-halving-pruner.js";
import { ThresholdPruner } from "./threshold-pruner.js";

const BOTH_MIN: readonly StudyDirection[] = ["minimize", "minimize"];

/** A trial that reported `vectors[i]` at step `steps[i]` (step i by default). */
function moTrial(
  number: number,
  state: TrialState,
  vectors: readonly (readonly number[])[],
  steps: readonly number[] = vectors.map((_, i) => i),
): FrozenTrial {
  const reports: Record<number, number[]> = {};
  vectors.forEach((v, i) => {
    reports[steps[i] as number] = [...v];
  });
  return {
    number,
    state,
    values: state === "COMPLETE" ? [...(vectors.at(-1) ?? [0, 0])] : null,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: { [INTERMEDIATE_VECTORS_ATTR]: reports },
    datetimeStart: "2024-01-01T00:00:00.000Z",
    datetimeComplete: state === "RUNNING" ? null : "2024-01-01T00:01:00.000Z",
    durationMs: state === "RUNNING" ? null : 60_000,
  };
}

function context(
  trial: FrozenTrial,
  others: readonly FrozenTrial[],
  directions: readonly StudyDirection[] = BOTH_MIN,
): TrialContext {
  return { studyName: "mo", directions, trials: [...others, trial], trial };
}

/**
 * Four COMPLETE trials whose step-2 vectors form a Pareto front (both minimized):
 * A = (1, 4), B = (2, 3), C = (3, 2), D = (4, 1). Earlier steps are worse copies.
 */
const FRONT = [
  [1, 4],
  [2, 3],
  [3, 2],
  [4, 1],
];
const four = FRONT.map(([a, b], i) =>
  moTrial(i, "COMPLETE", [
    [(a as number) + 2, (b as number) + 2],
    [(a as number) + 1, (b as number) + 1],
    [a as number, b as number],
  ]),
);

/** A running trial whose reports are `vectors` at steps 0, 1, 2, …. */
const running = (vectors: readonly (readonly number[])[]) => moTrial(4, "RUNNING", vectors);
const atStep2 = (x: readonly number[]) => running([x, x, x]);

describe("MedianPruner with two objectives: pruned when more than half dominate it", () => {
  const median = new MedianPruner({ nStartupTrials: 4 });

  it.each([
    // x, how many of A–D dominate x at step 2, pruned
    [[5, 5], 4, true],
    [[3.5, 4.5], 3, true], // A, B, C dominate; D (4 > 3.5) does not
    [[3.5, 3.5], 2, false], // B and C: exactly half is not more than half
    [[2.5, 3.5], 1, false], // B only
    [[0.5, 9], 0, false], // on the Pareto front of A–D and x
  ] as const)("x = %j is dominated by %i of 4 → pruned %s", (x, _count, pruned) => {
    expect(median.prune(context(atStep2(x), four))).toBe(pruned);
  });

  it("compares the trial's ideal point so far (best of each objective), not its last vector", () => {
    // Last vector (5, 5) is dominated by all four, but the best values so far are (1, 1).
    const trial = running([
      [9, 1],
      [1, 9],
      [5, 5],
    ]);
    expect(median.prune(context(trial, four))).toBe(false);
    const worse = running([
      [9, 3.5],
      [3.5, 9],
      [5, 5],
    ]);
    // Ideal point (3.5, 3.5): dominated by B and C only.
    expect(median.prune(context(worse, four))).toBe(false);
    const worst = running([
      [9, 4.5],
      [3.5, 9],
      [5, 5],
    ]);
    // Ideal point (3.5, 4.5): dominated by A, B and C.
    expect(median.prune(context(worst, four))).toBe(true);
  });

  it('with reference "runningAverage", compares with the finished trials\' mean vectors', () => {
    // Running averages at step 2: A = (2, 5), B = (3, 4), C = (4, 3), D = (5, 2).
    const vizier = new MedianPruner({ nStartupTrials: 4, reference: "runningAverage" });
    // Dominated by B only (A, C and D dominate it at step 2 itself).
    expect(vizier.prune(context(atStep2([3.5, 4.5]), four))).toBe(false);
    // Dominated by all four.
    expect(vizier.prune(context(atStep2([5, 5.5]), four))).toBe(true);
  });

  it("follows each objective's direction", () => {
    // Maximizing the second objective: negate it everywhere and nothing changes.
    const flipped = four.map((t) =>
      moTrial(
        t.number,
        "COMPLETE",
        Object.values(intermediateVectors(t)).map(([a, b]) => [a as number, -(b as number)]),
      ),
    );
    const directions: StudyDirection[] = ["minimize", "maximize"];
    expect(median.prune(context(atStep2([3.5, -4.5]), flipped, directions))).toBe(true);
    expect(median.prune(context(atStep2([3.5, -3.5]), flipped, directions))).toBe(false);
    // The same vector read as "minimize both" is a different question (dominated by none).
    expect(median.prune(context(atStep2([3.5, -4.5]), flipped, BOTH_MIN))).toBe(false);
  });

  it("keeps Optuna's gates: start-up trials, warm-up, interval, nMinTrials", () => {
    const x = atStep2([5, 5]);
    expect(new MedianPruner({ nStartupTrials: 5 }).prune(context(x, four))).toBe(false);
    expect(new MedianPruner({ nStartupTrials: 0, nWarmupSteps: 3 }).prune(context(x, four))).toBe(
      false,
    );
    // Interval 2 from step 0: step 2 is judged, step 3 is not.
    const at3 = running([
      [5, 5],
      [5, 5],
      [5, 5],
      [5, 5],
    ]);
    const longer = four.map((t, i) =>
      moTrial(i, "COMPLETE", [...Object.values(intermediateVectors(t)), FRONT[i] as number[]]),
    );
    const interval = new MedianPruner({ nStartupTrials: 0, intervalSteps: 2 });
    expect(interval.prune(context(x, longer))).toBe(true);
    expect(interval.prune(context(at3, longer))).toBe(false);
    expect(new MedianPruner({ nStartupTrials: 0, nMinTrials: 5 }).prune(context(x, four))).toBe(
      false,
    );
    // RUNNING and PRUNED trials do not set the bar.
    const notComplete = four.map((t) => ({ ...t, state: "PRUNED" as const }));
    expect(new MedianPruner({ nStartupTrials: 0 }).prune(context(x, notComplete))).toBe(false);
  });

  it("ignores scalar reports and reports of the wrong length", () => {
    const odd = [...four, moTrial(5, "COMPLETE", [[0], [0], [0]])];
    // Still 4 comparable trials: (3.5, 3.5) stays (2 of 4 dominate).
    expect(median.prune(context({ ...atStep2([3.5, 3.5]), number: 6 }, odd))).toBe(false);
  });
});

describe("PercentilePruner with two objectives", () => {
  it("prunes when more than `percentile` % of the finished trials dominate the trial", () => {
    const p25 = new PercentilePruner(25, { nStartupTrials: 0 });
    expect(p25.prune(context(atStep2([2.5, 3.5]), four))).toBe(false); // 1 of 4 = 25 %
    expect(p25.prune(context(atStep2([3.5, 3.5]), four))).toBe(true); // 2 of 4 = 50 %
    const p0 = new PercentilePruner(0, { nStartupTrials: 0 });
    expect(p0.prune(context(atStep2([2.5, 3.5]), four))).toBe(true);
    expect(p0.prune(context(atStep2([0.5, 9]), four))).toBe(false);
    const p100 = new PercentilePruner(100, { nStartupTrials: 0 });
    expect(p100.prune(context(atStep2([50, 50]), four))).toBe(false);
  });
});

describe("SuccessiveHalvingPruner with two objectives (MO-ASHA)", () => {
  // At the rung of 1 step: P = (1, 4), Q = (4, 1), R = (2, 2) on the front, S = (5, 5) behind.
  const others = [
    [1, 4],
    [4, 1],
    [2, 2],
    [5, 5],
  ].map((v, i) => moTrial(i, "COMPLETE", [v, v, v], [0, 1, 2]));
  const asha = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2 });
  const at1 = (x: readonly number[]) => moTrial(4, "RUNNING", [[9, 9], x], [0, 1]);

  it.each([
    // 5 vectors at the rung, η = 2: the best ⌊5/2⌋ = 2 in (rank, −crowding) order go on.
    [[0, 0], false, "dominates everyone: front 0 alone"],
    [[6, 6], true, "rank 2 (S dominates it): 4 vectors ahead"],
    [[3, 3], true, "rank 1 (R dominates it), with P, Q, R ahead"],
    [[1.5, 3], true, "front 0, crowding 1.0: P, Q (∞) and R (1.5) ahead"],
    [[0.5, 5], false, "front 0, an end point: crowding ∞, tied with Q, nothing ahead"],
  ] as const)("x = %j → pruned %s (%s)", (x, pruned, _why) => {
    expect(asha.prune(context(at1(x), others))).toBe(pruned);
  });

  it("with rungSmoothing, compares mean vectors of the last reports", () => {
    const smoothed = new SuccessiveHalvingPruner({
      minResource: 1,
      reductionFactor: 2,
      rungSmoothing: 2,
    });
    // The others' vectors are constant; the trial's mean of (9, 9) and x is ((9 + x₁)/2, …).
    // x = (0, 0) → (4.5, 4.5), which P and R dominate; x = (−9, −9) → (0, 0), front 0 alone.
    expect(asha.prune(context(at1([0, 0]), others))).toBe(false);
    expect(smoothed.prune(context(at1([0, 0]), others))).toBe(true);
    expect(smoothed.prune(context(at1([-9, -9]), others))).toBe(false);
    // Maximizing the second objective: the same decisions in mirrored units.
    const flip = (v: readonly number[]) => [v[0] as number, -(v[1] as number)];
    const mirrored = others.map((t) =>
      moTrial(
        t.number,
        "COMPLETE",
        [0, 1, 2].map((step) => flip(intermediateVectors(t)[step] as number[])),
        [0, 1, 2],
      ),
    );
    const maxMin: readonly StudyDirection[] = ["minimize", "maximize"];
    const at1m = (x: readonly number[]) => moTrial(4, "RUNNING", [flip([9, 9]), flip(x)], [0, 1]);
    expect(smoothed.prune(context(at1m([0, 0]), mirrored, maxMin))).toBe(true);
    expect(smoothed.prune(context(at1m([-9, -9]), mirrored, maxMin))).toBe(false);
  });

  it("judges a rung once, at the report that crosses it", () => {
    // Step 1 crossed the rung at 1; step 2 crosses the rung at 2 with P, Q, R, S there too.
    const trial = moTrial(
      4,
      "RUNNING",
      [
        [9, 9],
        [0, 0],
        [6, 6],
      ],
      [0, 1, 2],
    );
    expect(asha.prune(context(trial, others))).toBe(true);
    const skipsRung = moTrial(
      4,
      "RUNNING",
      [
        [9, 9],
        [0, 0],
        [0.5, 5],
      ],
      [0, 1, 3],
    );
    // Step 3 crosses the rung at 2 only (rung 4 is not reached): x = (0.5, 5) goes on.
    expect(asha.prune(context(skipsRung, others))).toBe(false);
  });

  it("is the one-objective rule when every vector has one entry", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2, max: 4 }),
        (values, eta) => {
          const k = Math.max(Math.floor(values.length / eta) - 1, 0);
          const sorted = [...values].sort((a, b) => a - b);
          const expected = (values[0] as number) <= (sorted[k] as number);
          return (
            isParetoPromotable(
              values.map((v) => [v]),
              eta,
            ) === expected
          );
        },
      ),
    );
  });
});

describe("HyperbandPruner with two objectives", () => {
  it("decides as MO-ASHA within the trial's bracket", () => {
    const hb = new HyperbandPruner({ minResource: 1, maxResource: 8, reductionFactor: 2 });
    const vectors = (seed: number) =>
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((s) => [((seed * 7 + s * 3) % 11) / (s + 1), (seed % 5) + s]);
    const trials = Array.from({ length: 16 }, (_, i) => moTrial(i, "COMPLETE", vectors(i)));
    let pruned = 0;
    for (let n = 16; n < 40; n++) {
      const trial = moTrial(n, "RUNNING", vectors(n).slice(0, 3));
      const ctx = context(trial, trials);
      const bracket = hb.bracketOf(ctx, n) as number;
      const same = trials.filter((t) => hb.bracketOf(ctx, t.number) === bracket);
      const asha = new SuccessiveHalvingPruner({
        minResource: 1,
        reductionFactor: 2,
        minEarlyStoppingRate: bracket,
      });
      const decision = hb.prune(ctx);
      expect(decision).toBe(asha.prune(context(trial, same)));
      if (decision) pruned++;
    }
    expect(hb.nBrackets(context(moTrial(40, "RUNNING", []), trials))).toBe(4);
    expect(pruned).toBeGreaterThan(0);
  });
});

describe("pruners without a rule for several objectives", () => {
  it("say so, naming the pruners that have one", () => {
    const ctx = context(atStep2([1, 1]), four);
    expect(() => new ThresholdPruner({ upper: 1 }).prune(ctx)).toThrow(
      /ThresholdPruner: pruning needs a single-objective study; this one has 2 objectives \(MedianPruner/,
    );
    expect(() => new PatientPruner(null, { patience: 1 }).prune(ctx)).toThrow(/PatientPruner/);
  });
});

const pgAvailable = await postgresAvailable();
const schema = freshSchema("tk_mo_prune");
const dir = mkdtempSync(join(tmpdir(), "tunekit-mo-"));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

describe("vector reports through a study", () => {
  const storages: [string, () => string | undefined][] = [
    ["memory", () => undefined],
    ["sqlite", () => `sqlite:${join(dir, "mo.db")}`],
    ...(pgAvailable ? [["postgres", () => postgresUrl(schema)] as [string, () => string]] : []),
  ];

  it.each(storages)("round-trip through %s storage and drive the median rule", async (_, url) => {
    const storage = url();
    const study = await createStudy({
      directions: ["minimize", "maximize"],
      pruner: new MedianPruner({ nStartupTrials: 2 }),
      ...(storage === undefined ? {} : { storage }),
    });
    // Two finished curves, then one that is worse on both objectives at every step.
    const curves = [
      [
        [1, 9],
        [0.5, 9.5],
      ],
      [
        [2, 8],
        [1.5, 8.5],
      ],
      [
        [3, 1],
        [3, 1],
      ],
    ];
    await study.optimize(
      (trial) => {
        const curve = curves[trial.number] as number[][];
        for (const [step, vector] of curve.entries()) {
          trial.report(vector, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return curve.at(-1) as number[];
      },
      { nTrials: 3 },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "COMPLETE", "PRUNED"]);
    expect(intermediateVectors(trials[0] as FrozenTrial)).toEqual({ 0: [1, 9], 1: [0.5, 9.5] });
    expect(intermediateVectors(trials[2] as FrozenTrial)).toEqual({ 0: [3, 1] });
    expect(trials[0]?.intermediateValues).toEqual({});
    await study.storage.close();
  });

  it("checks the shape of a vector report", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    const trial = await study.ask();
    expect(() => trial.report(1, 0)).toThrow(
      "trial.report: this study has 2 objectives; value must be an array of 2 finite numbers, got 1",
    );
    expect(() => trial.report([1, Number.NaN], 0)).toThrow(/got \[1,null\]/);
    expect(() => trial.report([1, 2, 3], 0)).toThrow(/array of 2 finite numbers/);
    trial.report([1, 2], 0);
    trial.report([5, 5], 0); // kept: the first report of a step wins, as with numbers
    expect(intermediateVectors(trial.toFrozen())).toEqual({ 0: [1, 2] });
    const single = await (await createStudy()).ask();
    expect(() => single.report([1], 0)).toThrow("trial.report: value must be a finite number");
  });
});
