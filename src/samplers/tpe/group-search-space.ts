/**
 * Decomposes a conditional (define-by-run) search space into groups of parameters that always
 * appear together, so that each group can be modelled jointly: Optuna's
 * `_GroupDecomposedSearchSpace`.
 */
import { type Distribution, isSingle, sameDistribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";

/**
 * The finest partition of the parameters seen in finished (COMPLETE or PRUNED) trials such
 * that every trial's parameters are a union of whole groups: two parameters share a group
 * exactly when every finished trial has both or neither. A parameter whose distribution
 * changed between trials is left out (it is sampled independently).
 *
 * Incremental like `IntersectionSearchSpace`: trials below a watermark are folded in once.
 * Groups come sorted by their first name, and names sorted within, so that the result never
 * depends on the order trials finished in.
 * @example
 * const groups = new GroupDecomposedSearchSpace().calculate(trials);
 * // [{ kind: …, }, { lr: …, momentum: … }]
 */
export class GroupDecomposedSearchSpace {
  /** Disjoint groups (name → distribution), in no particular order. */
  #groups: Map<string, Distribution>[] = [];
  readonly #conflicts = new Set<string>();
  #watermark = 0;
  readonly #foldedAbove = new Set<number>();

  /** The current groups, without single-valued parameters; empty groups are dropped. */
  calculate(trials: readonly FrozenTrial[]): SearchSpace[] {
    let advancing = true;
    for (let i = this.#watermark; i < trials.length; i++) {
      const trial = trials[i];
      if (trial === undefined) {
        advancing = false;
        continue;
      }
      const finished = trial.state === "COMPLETE" || trial.state === "PRUNED";
      const done = finished || trial.state === "FAIL";
      if (finished && !this.#foldedAbove.has(trial.number)) this.#fold(trial);
      if (advancing && done) {
        this.#watermark = i + 1;
        this.#foldedAbove.delete(trial.number);
      } else {
        advancing = false;
        if (finished) this.#foldedAbove.add(trial.number);
      }
    }
    const result: SearchSpace[] = [];
    for (const group of this.#groups) {
      const names = [...group.keys()].filter((name) => !isSingle(group.get(name) as Distribution));
      if (names.length === 0) continue;
      names.sort();
      const space: Record<string, Distribution> = {};
      for (const name of names) space[name] = group.get(name) as Distribution;
      result.push(space);
    }
    result.sort((a, b) => {
      const first = Object.keys(a)[0] as string;
      const second = Object.keys(b)[0] as string;
      return first < second ? -1 : first > second ? 1 : 0;
    });
    return result;
  }

  #fold(trial: FrozenTrial): void {
    const incoming = new Map<string, Distribution>();
    for (const [name, distribution] of Object.entries(trial.distributions)) {
      if (!this.#conflicts.has(name)) incoming.set(name, distribution);
    }
    const next: Map<string, Distribution>[] = [];
    for (const group of this.#groups) {
      const inside = new Map<string, Distribution>();
      const outside = new Map<string, Distribution>();
      for (const [name, distribution] of group) {
        const other = incoming.get(name);
        if (other === undefined) {
          outside.set(name, distribution);
        } else if (sameDistribution(distribution, other)) {
          inside.set(name, distribution);
        } else {
          this.#conflicts.add(name);
        }
        incoming.delete(name);
      }
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
    }
    if (incoming.size > 0) next.push(incoming);
    this.#groups = next;
  }
}
