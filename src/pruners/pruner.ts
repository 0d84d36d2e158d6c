/** The contract every pruner implements: decide from the trials whether to stop one early. */
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";

/** Decides whether a running trial should stop, from its and the other trials' reports. */
export interface Pruner {
  prune(context: TrialContext): boolean;
  /**
   * Optional: the trials that run under the same rules as trial `trialNumber`, for a pruner
   * that treats trials differently (Hyperband's brackets); null when all are alike. The
   * study passes it to samplers as `TrialContext.peers`.
   */
  samplingPeers?(
    snapshot: StudySnapshot,
    trialNumber: number,
  ): ((other: FrozenTrial) => boolean) | null;
}
