/** The read-only view of a study that samplers and pruners decide from. */
import type { FrozenTrial } from "./frozen-trial.js";
import type { StudyDirection } from "./types.js";

/** The study's directions and trials (index = trial number), as read at one moment. */
export interface StudySnapshot {
  /** The study's name (some pruners, like Hyperband, hash it with trial numbers). */
  readonly studyName?: string;
  readonly directions: readonly StudyDirection[];
  readonly trials: readonly FrozenTrial[];
}

/** The snapshot plus the trial being decided on, with its params and reports so far. */
export interface TrialContext extends StudySnapshot {
  readonly trial: FrozenTrial;
  /**
   * Set when the study's pruner runs trials under different rules (Hyperband's brackets):
   * true for the trials that ran under the same rules as `trial`. A model-based sampler may
   * learn from those only, since a trial cut short by a harsher bracket reads worse than it
   * is. Absent: all trials are alike.
   */
  readonly peers?: (other: FrozenTrial) => boolean;
}
