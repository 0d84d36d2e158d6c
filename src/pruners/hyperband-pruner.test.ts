import { describe, expect, it } from "vitest";
import { contextOf, frozenTrial } from "../../test/support/frozen-trials.js";
import { TrialPruned } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";
import { createStudy } from "../index.js";
import { crc32 } from "./crc32.js";
import { HyperbandPruner } from "./hyperband-pruner.js";

function flat(number: number, state: FrozenTrial["state"], value: number, last: number) {
  return frozenTrial(
    number,
    state,
    Array.from({ length: last + 1 }, () => value),
  );
}

const named = (studyName: string, trials: readonly FrozenTrial[] = []) =>
  ({ directions: ["minimize"], trials, studyName }) as StudySnapshot;

describe("crc32", () => {
  it("matches Python's binascii.crc32 of the UTF-8 bytes", () => {
    expect(crc32("")).toBe(0);
    expect(crc32("a")).toBe(3904355907);
    expect(crc32("hello world")).toBe(222957957);
    expect(crc32("rf-iris_17")).toBe(4031825656);
    expect(crc32("ñé_3")).toBe(1002171287);
  });
});

describe("HyperbandPruner brackets", () => {
  it("has ⌊log_η(R/r)⌋ + 1 brackets, counted in integers", () => {
    const count = (minResource: number, maxResource: number, reductionFactor: number) =>
      new HyperbandPruner({ minResource, maxResource, reductionFactor }).nBrackets(named("s"));
    expect(count(1, 20, 3)).toBe(3);
    expect(count(1, 81, 3)).toBe(5);
    // 243 = 3^5: six brackets (Optuna's floating-point log gives 4.999… and five).
    expect(count(1, 243, 3)).toBe(6);
    expect(count(2, 20, 2)).toBe(4);
    expect(count(5, 5, 3)).toBe(1);
  });

  it("assigns each trial to a bracket by CRC-32 of studyName_number, as Optuna does", () => {
    // Budgets for R = 20, r = 1, η = 3: ⌈3·9/3⌉ = 9, ⌈3·3/2⌉ = 5, ⌈3/1⌉ = 3 (of 17).
    const pruner = new HyperbandPruner({ maxResource: 20 });
    const brackets = (name: string) =>
      Array.from({ length: 20 }, (_, n) => pruner.bracketOf(named(name), n));
    // Pinned with Python's binascii.crc32 and Optuna's walk over the budgets.
    expect(brackets("hb-study")).toEqual([
      1, 0, 0, 2, 0, 2, 0, 0, 2, 2, 0, 0, 1, 2, 1, 2, 2, 1, 2, 1,
    ]);
    // Without a study name in the snapshot the hash is of "_n".
    const unnamed = { directions: ["minimize"], trials: [] } as StudySnapshot;
    expect(Array.from({ length: 10 }, (_, n) => pruner.bracketOf(unnamed, n))).toEqual([
      2, 0, 1, 1, 0, 2, 2, 0, 0, 0,
    ]);
  });

  it("tells samplers the trials of a trial's bracket, once the brackets are known", () => {
    const pruner = new HyperbandPruner({ maxResource: 20 });
    const snapshot = named("hb-study");
    const peers = pruner.samplingPeers(snapshot, 1);
    // Trial 1 is in bracket 0 with 2, 4, 6, 7, 10, 11 (pinned above).
    const numbers = Array.from({ length: 12 }, (_, n) => n).filter((n) =>
      peers?.(frozenTrial(n, "COMPLETE", [1])),
    );
    expect(numbers).toEqual([1, 2, 4, 6, 7, 10, 11]);
    expect(new HyperbandPruner().samplingPeers(named("s", []), 0)).toBeNull();
    // One bracket (R < r·η): every trial is a peer, said as null.
    expect(new HyperbandPruner({ maxResource: 2 }).samplingPeers(snapshot, 0)).toBeNull();
  });

  it("fills the brackets in proportion to their budgets", () => {
    const pruner = new HyperbandPruner({ maxResource: 81 });
    const counts = [0, 0, 0, 0, 0];
    for (let n = 0; n < 20_000; n++) {
      const b = pruner.bracketOf(named("big"), n) as number;
      counts[b] = (counts[b] as number) + 1;
    }
    // Budgets 81, 34, 15, 8, 5 of 143.
    const shares = counts.map((c) => c / 20_000);
    [81, 34, 15, 8, 5].forEach((budget, b) => {
      expect(shares[b]).toBeCloseTo(budget / 143, 1);
    });
  });

  it('with maxResource "auto" knows no bracket before a COMPLETE trial, then uses its last step + 1', () => {
    const pruner = new HyperbandPruner();
    const running = named("s", [flat(0, "RUNNING", 1, 99)]);
    expect(pruner.nBrackets(running)).toBeNull();
    expect(pruner.bracketOf(running, 0)).toBeNull();
    // Last step 80 → R = 81 → 5 brackets.
    expect(pruner.nBrackets(named("s", [flat(0, "COMPLETE", 1, 80)]))).toBe(5);
    const trial = frozenTrial(1, "RUNNING", [9, 9, 9, 9]);
    expect(pruner.prune(contextOf(trial, [flat(0, "RUNNING", 0, 99)], "minimize", "s"))).toBe(
      false,
    );
  });
});

describe("HyperbandPruner decisions", () => {
  // R = 20, r = 1, η = 3 in study "hb-study": trials 1, 2, 4, 6, 7, 10, 11 are in bracket 0
  // (rungs 1, 3, 9); 0, 12, 14, 17, 19 in bracket 1 (rungs 3, 9); 3, 5, 8, 9, 13 in 2 (rung 9).
  const pruner = new HyperbandPruner({ maxResource: 20 });
  const decide = (trial: FrozenTrial, others: readonly FrozenTrial[]) =>
    pruner.prune(contextOf(trial, others, "minimize", "hb-study"));

  it("starts bracket b's rungs at r·η^b steps", () => {
    const better = [flat(20, "COMPLETE", 0, 19), flat(21, "COMPLETE", 0, 19)];
    // Bracket 0 (trial 1) and bracket 1 (trial 0): better trials of their own brackets…
    const bracket0 = [flat(2, "COMPLETE", 0, 19), flat(4, "COMPLETE", 0, 19)];
    const bracket1 = [flat(12, "COMPLETE", 0, 19), flat(14, "COMPLETE", 0, 19)];
    const worse = (n: number, steps: number) => frozenTrial(n, "RUNNING", Array(steps).fill(5));
    // …prune a worse bracket-0 trial at step 1, a worse bracket-1 trial only at step 3.
    expect(decide(worse(1, 2), [...bracket0, ...better])).toBe(true);
    expect(decide(worse(0, 2), [...bracket1, ...better])).toBe(false);
    expect(decide(worse(0, 4), [...bracket1, ...better])).toBe(true);
    // A bracket-2 trial is judged at step 9 only.
    const bracket2 = [flat(5, "COMPLETE", 0, 19), flat(8, "COMPLETE", 0, 19)];
    expect(decide(worse(3, 9), bracket2)).toBe(false);
    expect(decide(worse(3, 10), bracket2)).toBe(true);
  });

  it("compares a trial only with the trials of its bracket", () => {
    // Trials 0, 3, 5 are far better but in brackets 1 and 2; trial 2 (bracket 0) leads its own.
    const others = [
      flat(0, "COMPLETE", 0, 19),
      flat(3, "COMPLETE", 0, 19),
      flat(5, "COMPLETE", 0, 19),
    ];
    expect(decide(frozenTrial(2, "RUNNING", [5, 5]), [...others, flat(1, "COMPLETE", 6, 19)])).toBe(
      false,
    );
    expect(decide(frozenTrial(2, "RUNNING", [5, 5]), [...others, flat(1, "COMPLETE", 4, 19)])).toBe(
      true,
    );
  });

  it("names the option and the expected value in errors", () => {
    expect(() => new HyperbandPruner({ minResource: 0 })).toThrow(
      "HyperbandPruner: minResource must be an integer >= 1, got 0",
    );
    expect(() => new HyperbandPruner({ minResource: 4, maxResource: 3 })).toThrow(
      'HyperbandPruner: maxResource (or "auto") must be an integer >= 4, got 3',
    );
    expect(() => new HyperbandPruner({ reductionFactor: 1 })).toThrow(
      "HyperbandPruner: reductionFactor must be an integer >= 2, got 1",
    );
    expect(() => new HyperbandPruner({ bootstrapCount: 1 })).toThrow(
      'HyperbandPruner: bootstrapCount > 0 needs a numeric maxResource, not "auto"',
    );
    expect(() => new HyperbandPruner({ rungSmoothing: 1.5 })).toThrow(
      "HyperbandPruner: rungSmoothing must be an integer >= 1, got 1.5",
    );
    expect(() => new HyperbandPruner({ maxResources: 9 } as never)).toThrow(
      'HyperbandPruner: unknown option "maxResources"',
    );
  });
});

describe("HyperbandPruner in a study", () => {
  it("prunes at the rungs of each trial's bracket and keeps the last values", async () => {
    const pruner = new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3 });
    // The brackets hash the study name when the study puts it in the snapshot: read what it gives.
    let seenName: string | undefined;
    const spy = {
      prune: (context: TrialContext) => {
        seenName = (context as { studyName?: string }).studyName;
        return pruner.prune(context);
      },
    };
    const study = await createStudy({ studyName: "hyperband-e2e", pruner: spy });
    await study.optimize(
      (trial) => {
        // A level from the trial number, scrambled: no trial order is favoured.
        const level = (trial.number * 7919) % 31;
        let value = 0;
        for (let step = 0; step < 27; step++) {
          value = level + 10 / (step + 1);
          trial.report(value, step);
          if (trial.shouldPrune()) throw new TrialPruned();
        }
        return value;
      },
      { nTrials: 40 },
    );
    const trials = await study.trials();
    const snapshot = {
      directions: study.directions,
      trials,
      ...(seenName === undefined ? {} : { studyName: seenName }),
    };
    expect(pruner.nBrackets(snapshot)).toBe(4);
    let pruned = 0;
    for (const trial of trials) {
      if (trial.state !== "PRUNED") continue;
      pruned++;
      const bracket = pruner.bracketOf(snapshot, trial.number) as number;
      const last = Math.max(...Object.keys(trial.intermediateValues).map(Number));
      // Bracket b's rungs: 3^b, 3^(b+1), … below 27.
      const rungs = [1, 3, 9, 27].filter((s) => s >= 3 ** bracket && s < 27);
      expect(rungs).toContain(last);
      expect(trial.values).toEqual([trial.intermediateValues[last]]);
    }
    expect(pruned).toBeGreaterThan(10);
  });
});
