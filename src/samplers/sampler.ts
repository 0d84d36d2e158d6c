/**
 * The contract every sampler implements.
 *
 * Samplers are pure and synchronous over a snapshot of the study's trials, read once per
 * ask: they never touch storage. State that other workers need (a grid point, a CMA-ES
 * generation) is returned as system attributes, which the study saves on the trial.
 *
 * The life of a trial, as the study drives it:
 * 1. `prepareTrial` (optional), before the trial exists: may claim a unique key (a grid
 *    point) and attach system attributes, or say the space is exhausted;
 * 2. `inferRelativeSearchSpace` + `sampleRelative` (optional), once the trial exists: a
 *    joint sample of the parameters all finished trials share;
 * 3. `sampleIndependent`, for each parameter the objective asks that step 2 did not cover;
 * 4. `afterTrial` (optional), when the trial ends: may ask the study to stop.
 */
import type { Distribution, ParamValue } from "../core/distributions.js";
import type { SearchSpace } from "../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";
import type { Attrs, JsonValue, TrialState } from "../core/types.js";

/** What `prepareTrial` may attach to a trial before it is created. */
export interface TrialPreparation {
  /** Unique among the study's trials that did not fail; the study retries on a clash. */
  readonly claim?: string;
  readonly systemAttrs?: Readonly<Record<string, JsonValue>>;
}

/** A joint sample, and state to save with the trial. */
export interface RelativeSample {
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly systemAttrs?: Attrs;
}

/** What `afterTrial` may ask of the study. */
export interface AfterTrialResult {
  readonly stopStudy?: boolean;
}

/** A search strategy. Construct with `{ seed }` for reproducible studies. */
export interface Sampler {
  /** Called before a new trial is created; "exhausted" ends the study's loop. */
  prepareTrial?(snapshot: StudySnapshot): TrialPreparation | "exhausted";
  /** The parameters to sample jointly for this trial. */
  inferRelativeSearchSpace?(context: TrialContext): SearchSpace;
  /** A joint sample over `space`: a value for some or all of its parameters. */
  sampleRelative?(context: TrialContext, space: SearchSpace): RelativeSample;
  /** A value for one parameter, drawn on its own. */
  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue;
  /** Called when a trial ends, before its state is saved. */
  afterTrial?(
    context: TrialContext,
    state: TrialState,
    values: readonly number[] | null,
  ): AfterTrialResult | undefined;
}
