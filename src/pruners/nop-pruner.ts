import type { Pruner } from "./pruner.js";

/**
 * A pruner that never prunes: the default.
 * @example
 * await createStudy({ pruner: new NopPruner() });
 */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}
