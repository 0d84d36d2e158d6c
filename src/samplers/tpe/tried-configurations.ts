/**
 * The configurations a study has already tried, so that TPE can avoid suggesting one of them
 * again in a finite space.
 */
import { cardinality, type ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";

/** What the tried trials say about the configurations that extend one partial configuration. */
interface Extensions {
  /** Some trial has exactly the partial configuration, and no other param. */
  exact: boolean;
  /** The names (sorted, joined) of the params the extending trials add; null before the first. */
  extraNames: string | null;
  /** Every extending trial adds the same params. */
  consistent: boolean;
  /** How many value combinations those params have (Infinity when one is continuous). */
  completions: number;
  /** The distinct combinations tried. */
  readonly tried: Set<string>;
}

/**
 * The partial configurations, over a fixed set of parameter names, that tried trials have
 * exhausted: a trial has exactly that configuration, or trials have tried every completion
 * of it. The second case matters to define-by-run sampling, which chooses one parameter at a
 * time: once x = 3 has been tried with each of y's three choices, choosing x = 3 again can
 * only lead to a repeat. Completions are counted from the params the extending trials have
 * (all the same, all finite); in a conditional space where they differ, only exact repeats
 * are detected.
 *
 * Tried trials are COMPLETE, PRUNED and RUNNING ones (a running one is being evaluated, so
 * repeating it is as wasteful); FAIL trials may have failed for reasons that do not repeat.
 * @example
 * const index = new TriedConfigurations(trials, trial.number, ["x", "y"]);
 * index.exhausted({ x: 3, y: "a" }); // true when some trial had x = 3, y = "a"
 */
export class TriedConfigurations {
  readonly #names: readonly string[];
  readonly #byValues = new Map<string, Extensions>();

  constructor(trials: readonly FrozenTrial[], exclude: number, names: readonly string[]) {
    this.#names = [...names].sort();
    const inConfiguration = new Set(this.#names);
    for (const trial of trials) {
      if (trial === undefined || trial.number === exclude) continue;
      if (trial.state !== "COMPLETE" && trial.state !== "PRUNED" && trial.state !== "RUNNING") {
        continue;
      }
      if (!this.#names.every((name) => name in trial.params)) continue;
      const key = this.#valuesKey(trial.params);
      let entry = this.#byValues.get(key);
      if (entry === undefined) {
        entry = {
          exact: false,
          extraNames: null,
          consistent: true,
          completions: 0,
          tried: new Set(),
        };
        this.#byValues.set(key, entry);
      }
      const extra = Object.keys(trial.params)
        .filter((name) => !inConfiguration.has(name))
        .sort();
      if (extra.length === 0) {
        entry.exact = true;
        continue;
      }
      const extraNames = extra.join("\u0000");
      if (entry.extraNames === null) {
        entry.extraNames = extraNames;
        entry.completions = extra.reduce((product, name) => {
          const distribution = trial.distributions[name];
          return (
            product *
            (distribution === undefined ? Number.POSITIVE_INFINITY : cardinality(distribution))
          );
        }, 1);
      } else if (entry.extraNames !== extraNames) {
        entry.consistent = false;
      }
      entry.tried.add(JSON.stringify(extra.map((name) => trial.params[name])));
    }
  }

  /** True when `params` (over exactly the names given at construction) leads only to repeats. */
  exhausted(params: Readonly<Record<string, ParamValue>>): boolean {
    const entry = this.#byValues.get(this.#valuesKey(params));
    if (entry === undefined) return false;
    return entry.exact || (entry.consistent && entry.tried.size >= entry.completions);
  }

  #valuesKey(params: Readonly<Record<string, ParamValue>>): string {
    return JSON.stringify(this.#names.map((name) => params[name]));
  }
}
