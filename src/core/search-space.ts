/** Search spaces: the parameters and distributions that trials have in common. */
import { type Distribution, sameDistribution } from "./distributions.js";
import type { FrozenTrial } from "./frozen-trial.js";

/** Parameter name → distribution. */
export type SearchSpace = Readonly<Record<string, Distribution>>;

/**
 * The parameters that every finished (COMPLETE or PRUNED) trial has, with the same
 * distribution; relative samplers model these jointly and sample the rest independently.
 *
 * Incremental: trials below a watermark are folded in once, so calling it on every ask of
 * a long study costs the number of new or still running trials, not the study's length.
 * Expects `trials` indexed by trial number, as samplers receive them.
 */
export class IntersectionSearchSpace {
  #space: Record<string, Distribution> | null = null;
  /** Every trial with a number below this has been folded in or can never be. */
  #watermark = 0;
  #foldedAbove = new Set<number>();

  /**
   * The current intersection, sorted by name so that its order never depends on the
   * order of suggests. Empty until a trial finishes.
   * @example
   * const space = new IntersectionSearchSpace();
   * space.calculate(trials); // { depth: {type: "int", …}, lr: {type: "float", …} }
   */
  calculate(trials: readonly FrozenTrial[]): SearchSpace {
    let advancing = true;
    for (let i = this.#watermark; i < trials.length; i++) {
      const trial = trials[i];
      // A trial not read yet (another worker's, numbered below this one's) is still to come.
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
    const sorted: Record<string, Distribution> = {};
    const space = this.#space ?? {};
    for (const name of Object.keys(space).sort()) sorted[name] = space[name] as Distribution;
    return sorted;
  }

  #fold(trial: FrozenTrial): void {
    if (this.#space === null) {
      this.#space = { ...trial.distributions };
      return;
    }
    for (const name of Object.keys(this.#space)) {
      const other = trial.distributions[name];
      if (other === undefined || !sameDistribution(this.#space[name] as Distribution, other)) {
        delete this.#space[name];
      }
    }
  }
}

/**
 * The intersection search space of `trials`, computed from scratch.
 * @example
 * intersectionSearchSpace(await study.trials());
 */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): SearchSpace {
  return new IntersectionSearchSpace().calculate(trials);
}
