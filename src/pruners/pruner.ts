/** The contract every pruner implements: decide from the trials whether to stop one early. */
import type { TrialContext } from "../core/snapshot.js";

/** Decides whether a running trial should stop, from its and the other trials' reports. */
export interface Pruner {
  prune(context: TrialContext): boolean;
}
