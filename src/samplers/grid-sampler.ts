/** Exhaustive search over a grid: every combination exactly once, across all workers. */
import {
  type CategoricalChoice,
  categoricalDistribution,
  contains,
  type Distribution,
  type ParamValue,
} from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";
import { Rng } from "../math/random.js";
import { checkSeed } from "./random-sampler.js";
import type { AfterTrialResult, Sampler, TrialPreparation } from "./sampler.js";

/** Options of `GridSampler`. */
export interface GridSamplerOptions {
  /** Seeds the order in which grid points are visited. */
  readonly seed?: number;
}

/** The system attribute that holds a trial's grid point. */
const GRID_ID = "grid_id";

/**
 * Tries every combination of the grid's values once, in a seeded random order, then stops
 * the study. Each trial claims its grid point in storage (unique among trials that did not
 * fail), so many workers never evaluate a point twice; a failed point is tried again.
 * Asking a parameter that is not in the grid is an error.
 * @example
 * const sampler = new GridSampler({ depth: [2, 4, 8], kind: ["gini", "entropy"] });
 * await createStudy({ sampler }); // optimize runs exactly 6 trials
 */
export class GridSampler implements Sampler {
  readonly seed: number;
  /** Parameter names, sorted, and their values. */
  readonly #names: string[];
  readonly #values: (readonly CategoricalChoice[])[];
  readonly #size: number;

  constructor(
    grid: Readonly<Record<string, readonly CategoricalChoice[]>>,
    options: GridSamplerOptions = {},
  ) {
    if (grid === null || typeof grid !== "object" || Array.isArray(grid)) {
      throw new TypeError(
        "GridSampler: grid must be an object of parameter name → array of values",
      );
    }
    this.seed = checkSeed(options.seed, "GridSampler");
    this.#names = Object.keys(grid).sort();
    if (this.#names.length === 0)
      throw new TypeError("GridSampler: grid must have at least one parameter");
    this.#values = this.#names.map((name) => {
      const values = grid[name];
      // The same rules as categorical choices: JSON primitives, non-empty, distinct.
      return categoricalDistribution(`GridSampler grid ${name}`, values as CategoricalChoice[])
        .choices;
    });
    this.#size = this.#values.reduce((n, values) => n * values.length, 1);
  }

  /** The number of grid points. */
  get size(): number {
    return this.#size;
  }

  /** The grid point with this id, by parameter name. */
  point(id: number): Record<string, CategoricalChoice> {
    const point: Record<string, CategoricalChoice> = {};
    let rest = id;
    for (let i = this.#names.length - 1; i >= 0; i--) {
      const values = this.#values[i] as readonly CategoricalChoice[];
      point[this.#names[i] as string] = values[rest % values.length] as CategoricalChoice;
      rest = Math.floor(rest / values.length);
    }
    return point;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation | "exhausted" {
    const free = this.#freeIds(snapshot.trials);
    if (free.length === 0) return "exhausted";
    const id = free[
      Rng.from(this.seed, "grid", snapshot.trials.length).below(free.length)
    ] as number;
    return { claim: `grid:${id}`, systemAttrs: { [GRID_ID]: id } };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    const index = this.#names.indexOf(name);
    if (index < 0) {
      throw new RangeError(
        `GridSampler: parameter "${name}" is not in the grid (the grid has ${this.#names.join(", ")})`,
      );
    }
    const id = context.trial.systemAttrs[GRID_ID];
    const value =
      typeof id === "number"
        ? (this.point(id)[name] as CategoricalChoice)
        : // An enqueued trial skipped the claim: draw from the grid's values for this name.
          ((this.#values[index] as readonly CategoricalChoice[])[
            Rng.from(this.seed, context.trial.number, name).below(
              (this.#values[index] as []).length,
            )
          ] as CategoricalChoice);
    if (!contains(distribution, value)) {
      throw new RangeError(
        `GridSampler: grid value ${JSON.stringify(value)} of "${name}" lies outside the ` +
          `distribution the objective asked for (${JSON.stringify(distribution)})`,
      );
    }
    return value;
  }

  afterTrial(context: TrialContext): AfterTrialResult {
    const others = context.trials.filter((t) => t.number !== context.trial.number);
    return { stopStudy: this.#freeIds([...others, context.trial]).length === 0 };
  }

  #freeIds(trials: readonly FrozenTrial[]): number[] {
    const taken = new Set<number>();
    for (const trial of trials) {
      const id = trial.systemAttrs[GRID_ID];
      if (typeof id === "number" && trial.state !== "FAIL") taken.add(id);
    }
    const free: number[] = [];
    for (let id = 0; id < this.#size; id++) if (!taken.has(id)) free.push(id);
    return free;
  }
}
