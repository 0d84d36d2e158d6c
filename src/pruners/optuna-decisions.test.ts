/**
 * tunekit's pruners against Optuna 3.1's decisions on the same curves and schedules
 * (fixtures/optuna-decisions.py writes the fixture by running Optuna itself).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { frozenTrial } from "../../test/support/frozen-trials.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { StudyDirection } from "../core/types.js";
import { HyperbandPruner } from "./hyperband-pruner.js";
import { MedianPruner } from "./median-pruner.js";
import { PatientPruner } from "./patient-pruner.js";
import { PercentilePruner } from "./percentile-pruner.js";
import type { Pruner } from "./pruner.js";
import { SuccessiveHalvingPruner } from "./successive-halving-pruner.js";
import { ThresholdPruner } from "./threshold-pruner.js";

interface Scenario {
  studyName: string;
  pruner: string;
  options: Record<string, unknown>;
  direction: StudyDirection;
  concurrency: number;
  curveSet: string;
  prunedAt: (number | null)[];
  /** For "auto" options: Optuna's decisions with the value "auto" resolves to, given. */
  prunedAtResolved: (number | null)[] | null;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/optuna-decisions.fixture.json", import.meta.url), "utf8"),
) as { optuna: string; curveSets: Record<string, number[][]>; scenarios: Scenario[] };

function makePruner(kind: string, options: Record<string, unknown>): Pruner {
  switch (kind) {
    case "MedianPruner":
      return new MedianPruner(options);
    case "PercentilePruner": {
      const { percentile, ...rest } = options;
      return new PercentilePruner(percentile as number, rest);
    }
    case "SuccessiveHalvingPruner":
      return new SuccessiveHalvingPruner(options);
    case "HyperbandPruner":
      return new HyperbandPruner(options);
    case "ThresholdPruner":
      return new ThresholdPruner(options);
    case "PatientPruner": {
      const { wrapped, ...rest } = options;
      const inner = wrapped === null ? null : new MedianPruner(wrapped as Record<string, number>);
      return new PatientPruner(inner, rest as { patience: number; minDelta: number });
    }
    default:
      throw new Error(`unknown pruner ${kind}`);
  }
}

/** Replays Optuna's schedule: slots filled in order, one report per running trial per round. */
function replay(scenario: Scenario, curves: readonly (readonly number[])[]): (number | null)[] {
  const pruner = makePruner(scenario.pruner, scenario.options);
  const nSteps = (curves[0] as readonly number[]).length;
  const trials: FrozenTrial[] = [];
  const slots: ({ number: number; step: number } | null)[] = Array.from(
    { length: scenario.concurrency },
    () => null,
  );
  const prunedAt: (number | null)[] = [];
  let next = 0;
  const running = () => slots.some((s) => s !== null);
  while (next < curves.length || running()) {
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === null && next < curves.length) {
        trials.push(frozenTrial(next, "RUNNING", []));
        slots[i] = { number: next, step: 0 };
        next++;
      }
    }
    for (const slot of slots) {
      if (slot === null) continue;
      const curve = curves[slot.number] as readonly number[];
      const reported = curve.slice(0, slot.step + 1);
      const trial = frozenTrial(slot.number, "RUNNING", reported);
      trials[slot.number] = trial;
      const context = {
        directions: [scenario.direction],
        trials,
        trial,
        studyName: scenario.studyName,
      };
      const index = slots.indexOf(slot);
      if (pruner.prune(context)) {
        trials[slot.number] = frozenTrial(slot.number, "PRUNED", reported);
        prunedAt[slot.number] = slot.step;
        slots[index] = null;
      } else if (slot.step === nSteps - 1) {
        trials[slot.number] = frozenTrial(slot.number, "COMPLETE", reported);
        prunedAt[slot.number] = null;
        slots[index] = null;
      } else {
        slot.step++;
      }
    }
  }
  return prunedAt;
}

describe(`pruning decisions match Optuna ${fixture.optuna} on seeded learning curves`, () => {
  const byPruner = new Map<string, Scenario[]>();
  for (const scenario of fixture.scenarios) {
    const key = `${scenario.pruner} ${JSON.stringify(scenario.options)}`;
    byPruner.set(key, [...(byPruner.get(key) ?? []), scenario]);
  }
  for (const [key, scenarios] of byPruner) {
    it(`${key}: both directions, ordered and crossing curves, 1 and 3 trials at once`, () => {
      for (const scenario of scenarios) {
        const curves = fixture.curveSets[scenario.curveSet] as number[][];
        // tunekit derives rungs from intermediate values, so with "auto" the trials that ran
        // before the first COMPLETE one compete too: Optuna's decisions when given the value.
        const expected = scenario.prunedAtResolved ?? scenario.prunedAt;
        expect(replay(scenario, curves), scenario.studyName).toEqual(expected);
      }
    });
  }
});
