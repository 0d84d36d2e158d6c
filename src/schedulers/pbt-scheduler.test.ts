import { describe, expect, it } from "vitest";
import type { ParamValue } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { TrialState } from "../core/types.js";
import { Rng } from "../math/random.js";
import { PBT_ATTR, type PbtRound, pbtLineage, pbtSchedule } from "./pbt-lineage.js";
import { PBTScheduler, type PBTSchedulerOptions } from "./pbt-scheduler.js";

/** A member trial with these rounds (plain data, as storage returns it). */
function memberTrial(
  number: number,
  rounds: readonly PbtRound[],
  state: TrialState = "RUNNING",
  lastReported?: number,
): FrozenTrial {
  const intermediateValues: Record<number, number> = {};
  for (const r of rounds) intermediateValues[r.step] = r.score;
  if (lastReported !== undefined) intermediateValues[lastReported] = 0;
  return {
    number,
    state,
    values: state === "COMPLETE" ? [0] : null,
    params: rounds[0]?.hyperparams ?? {},
    distributions: {},
    intermediateValues,
    userAttrs: { [PBT_ATTR]: rounds as never },
    systemAttrs: {},
    datetimeStart: "2024-01-01T00:00:00.000Z",
    datetimeComplete: null,
    durationMs: null,
  };
}

function ownRound(step: number, score: number, lr: number, number: number): PbtRound {
  return {
    step,
    score,
    hyperparams: { lr },
    next: { lr },
    checkpoint: `pbt/toy/${number}/${step}`,
    exploited: null,
  };
}

const OPTIONS: PBTSchedulerOptions = {
  populationSize: 8,
  perturbationInterval: 5,
  hyperparamMutations: { lr: { low: 1e-3, high: 1, log: true } },
  seed: 42,
};

/** Eight running members at step 5: member i scored (i + 1) / 10 with lr 0.01·(i + 1). */
const toy = Array.from({ length: 8 }, (_, i) =>
  memberTrial(i, [ownRound(5, (i + 1) / 10, 0.01 * (i + 1), i)]),
);

describe("PBTScheduler.decide on a toy population (seed 42)", () => {
  const pbt = new PBTScheduler(OPTIONS);
  const self = (i: number) => ({ number: i, step: 5, score: (i + 1) / 10 });

  it("the bottom quarter (2 of 8) exploits a member of the top quarter; the others keep going", () => {
    const decisions = toy.map((t) => pbt.decide(toy, self(t.number), "maximize").action);
    expect(decisions).toEqual([
      "exploit",
      "exploit",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
    ]);
  });

  it("draws the source, then resample-or-perturb, then the factor, from (seed, trial, step)", () => {
    for (const number of [0, 1]) {
      const decision = pbt.decide(toy, self(number), "maximize");
      // The same draws, made here in the documented order.
      const rng = Rng.from(42, "pbt", number, 5);
      const source = [6, 7][rng.below(2)] as number;
      const sourceLr = 0.01 * (source + 1);
      const resample = rng.uniform() < 0.25;
      const u = rng.uniform();
      const expectedLr = resample
        ? Math.exp(Math.log(1e-3) + u * (Math.log(1) - Math.log(1e-3)))
        : sourceLr * ([1.2, 0.8][Math.min(1, Math.floor(u * 2))] as number);
      expect(decision).toEqual({
        action: "exploit",
        source,
        sourceStep: 5,
        checkpoint: `pbt/toy/${source}/5`,
        hyperparams: { lr: expectedLr },
      });
    }
    // Pinned: what seed 42 decides here on every machine. Member 0 copies member 6 and
    // perturbs its lr 0.07 by ×1.2; member 1 copies member 7 and perturbs 0.08 by ×0.8.
    const pinned = [0, 1].map((i) => pbt.decide(toy, self(i), "maximize"));
    expect(pinned.map((d) => (d.action === "exploit" ? d.source : null))).toEqual([6, 7]);
    const lrs = pinned.map((d) => (d.action === "exploit" ? (d.hyperparams.lr as number) : 0));
    expect(lrs[0]).toBeCloseTo(0.07 * 1.2, 15);
    expect(lrs[1]).toBeCloseTo(0.08 * 0.8, 15);
  });

  it("ranks the other way when minimizing", () => {
    const actions = toy.map((t) => pbt.decide(toy, self(t.number), "minimize"));
    expect(actions.map((d) => d.action)).toEqual([
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
      "continue",
      "exploit",
      "exploit",
    ]);
    for (const d of actions) if (d.action === "exploit") expect([0, 1]).toContain(d.source);
  });

  it("ranks a member by its score now and the others by their latest round", () => {
    // Member 7 (0.8 in its round) now scores 0.05: it is the worst of the population.
    const decision = pbt.decide(toy, { number: 7, step: 10, score: 0.05 }, "maximize");
    expect(decision.action).toBe("exploit");
    if (decision.action === "exploit") expect([5, 6]).toContain(decision.source);
  });

  it("waits until populationSize members reached a perturbation point", () => {
    const seven = toy.slice(0, 7);
    expect(pbt.decide(seven, self(0), "maximize")).toEqual({
      action: "continue",
      reason: "population",
    });
    // A finished member still counts as having been part of the population…
    const withFinished = [...seven, memberTrial(7, [ownRound(5, 0.8, 0.08, 7)], "COMPLETE")];
    const decision = pbt.decide(withFinished, self(0), "maximize");
    expect(decision.action).toBe("exploit");
    // … but only RUNNING members are ranked and copied (7 left: quantiles of ⌈7/4⌉ = 2).
    if (decision.action === "exploit") expect([5, 6]).toContain(decision.source);
  });

  it("sizes the quantiles as Ray Tune: ⌈p·q⌉, at most ⌊p/2⌋", () => {
    const half = new PBTScheduler({ ...OPTIONS, populationSize: 2, quantileFraction: 0.5 });
    const five = toy.slice(0, 5);
    // p = 5, q = 0.5: ⌈2.5⌉ = 3 > 2.5, so 2: members 0 and 1 exploit, member 2 does not.
    const actions = five.map((t) => half.decide(five, self(t.number), "maximize").action);
    expect(actions).toEqual(["exploit", "exploit", "continue", "continue", "continue"]);
    const none = new PBTScheduler({ ...OPTIONS, quantileFraction: 0 });
    expect(none.decide(toy, self(0), "maximize").action).toBe("continue");
  });
});

describe("PBTScheduler options", () => {
  it.each([
    [{ populationSize: 1 }, "PBTScheduler: populationSize must be an integer >= 2, got 1"],
    [{ perturbationInterval: 0 }, "PBTScheduler: perturbationInterval must be an integer >= 1"],
    [{ quantileFraction: 0.6 }, "PBTScheduler: quantileFraction must be a number in [0, 0.5]"],
    [{ resampleProbability: -1 }, "PBTScheduler: resampleProbability must be a number in [0, 1]"],
    [{ perturbationFactors: [1.2] }, "PBTScheduler: perturbationFactors must be two positive"],
    [{ hyperparamMutations: {} }, "hyperparamMutations must name at least one hyperparameter"],
    [
      { hyperparamMutations: { lr: { low: 0, high: 1, log: true } } },
      "PBTScheduler: hyperparamMutations.lr: a log range needs low > 0, got 0",
    ],
    [{ hyperparamMutations: { opt: [] } }, "hyperparamMutations.opt must list at least one choice"],
    [{ seed: 1.5 }, "PBTScheduler: seed must be a safe integer, got 1.5"],
    [{ artifacts: {} }, "PBTScheduler: artifacts must be an ArtifactStore (put, get, delete)"],
    [{ quantile: 0.2 }, 'PBTScheduler: unknown option "quantile"'],
  ] as const)("rejects %j", (patch, message) => {
    expect(() => new PBTScheduler({ ...OPTIONS, ...(patch as object) })).toThrow(message);
  });
});

describe("pbtLineage and pbtSchedule", () => {
  // Trial 1 copied trial 0 at step 5; trial 2 copied trial 1 at step 10; trial 3 copied
  // trial 2's round at 10, which was itself a copy (of trial 1 at 10).
  const copied = (
    step: number,
    score: number,
    before: number,
    after: number,
    from: number,
  ): PbtRound => ({
    step,
    score,
    hyperparams: { lr: before },
    next: { lr: after },
    checkpoint: `pbt/toy/${from}/${step}`,
    exploited: { trial: from, step },
  });
  const trials = [
    memberTrial(0, [ownRound(5, 0.9, 0.1, 0), ownRound(10, 0.95, 0.1, 0)], "RUNNING", 15),
    memberTrial(1, [copied(5, 0.2, 0.5, 0.12, 0), ownRound(10, 0.97, 0.12, 1)], "RUNNING", 15),
    memberTrial(2, [ownRound(5, 0.5, 0.3, 2), copied(10, 0.4, 0.3, 0.096, 1)], "COMPLETE", 15),
    memberTrial(3, [ownRound(5, 0.45, 0.2, 3), copied(10, 0.3, 0.2, 0.15, 2)], "RUNNING", 12),
    { ...memberTrial(4, []), userAttrs: {} },
  ];

  it("lists the members with their rounds", () => {
    const lineage = pbtLineage(trials);
    expect(lineage.map((m) => [m.trial, m.state, m.initial, m.rounds.length])).toEqual([
      [0, "RUNNING", { lr: 0.1 }, 2],
      [1, "RUNNING", { lr: 0.5 }, 2],
      [2, "COMPLETE", { lr: 0.3 }, 2],
      [3, "RUNNING", { lr: 0.2 }, 2],
    ]);
    expect(lineage[1]?.rounds[0]?.exploited).toEqual({ trial: 0, step: 5 });
  });

  it("follows copied checkpoints back to step 0", () => {
    const lr = (segments: ReturnType<typeof pbtSchedule>) =>
      segments.map((s) => [s.trial, s.fromStep, s.toStep, s.hyperparams.lr as ParamValue]);
    expect(lr(pbtSchedule(trials, 0))).toEqual([[0, 0, 15, 0.1]]);
    expect(lr(pbtSchedule(trials, 1))).toEqual([
      [0, 0, 5, 0.1],
      [1, 5, 15, 0.12],
    ]);
    expect(lr(pbtSchedule(trials, 2))).toEqual([
      [0, 0, 5, 0.1],
      [1, 5, 10, 0.12],
      [2, 10, 15, 0.096],
    ]);
    // Trial 2's model at 10 was trial 1's: the walk goes straight to trial 1.
    expect(lr(pbtSchedule(trials, 3))).toEqual([
      [0, 0, 5, 0.1],
      [1, 5, 10, 0.12],
      [3, 10, 12, 0.15],
    ]);
    expect(() => pbtSchedule(trials, 9)).toThrow("pbtSchedule: there is no trial 9");
  });
});
