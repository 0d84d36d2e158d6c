/** A trial as plain data: what storages keep and samplers read. */
import type { Distribution, ParamValue } from "./distributions.js";
import type { Attrs, TrialState } from "./types.js";

/**
 * A snapshot of one trial. Plain data: `JSON.parse(JSON.stringify(t))` equals `t`.
 * Dates are ISO 8601 strings so that the round trip loses nothing.
 */
export interface FrozenTrial {
  /** 0, 1, 2, … in the order the storage created the trials of a study. */
  readonly number: number;
  readonly state: TrialState;
  /** One value per direction for a COMPLETE trial (and a PRUNED one that reported); else null. */
  readonly values: readonly number[] | null;
  /** Parameter values as the objective saw them. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Reported values by step. */
  readonly intermediateValues: Readonly<Record<number, number>>;
  readonly userAttrs: Attrs;
  /** Attributes that tunekit, its samplers and pruners keep (fail reasons, grid ids, …). */
  readonly systemAttrs: Attrs;
  readonly datetimeStart: string | null;
  readonly datetimeComplete: string | null;
  readonly durationMs: number | null;
}

/** System attribute keys written by the study itself. */
export const SystemAttr = {
  /** Why a trial failed: the error message, or what was wrong with the objective's result. */
  failReason: "fail_reason",
  /** Params fixed by `enqueueTrial`, used instead of sampling. */
  fixedParams: "fixed_params",
  /** The key a sampler claimed for this trial (a grid point): unique among live trials. */
  claim: "claim",
} as const;

/** The last reported step and value of a trial, or null when it reported nothing. */
export function lastIntermediate(trial: FrozenTrial): { step: number; value: number } | null {
  let best: { step: number; value: number } | null = null;
  for (const key in trial.intermediateValues) {
    const step = Number(key);
    if (best === null || step > best.step) {
      best = { step, value: trial.intermediateValues[step] as number };
    }
  }
  return best;
}
