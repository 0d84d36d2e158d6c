/** Differential evolution for a single objective. */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../../core/snapshot.js";
import type { StudyDirection } from "../../core/types.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";
import { Rng } from "../../math/random.js";
import { GenerationTracker } from "../nsga/generations.js";
import { choiceOption, integerOption, numberOption } from "../nsga/options.js";
import { checkSingleObjective, compareTrials, populationSpace } from "../nsga/support.js";
import { checkSeed } from "../random-sampler.js";
import type { RelativeSample, Sampler, TrialPreparation } from "../sampler.js";

/** The mutation strategies of `DESampler`, in Storn & Price's notation. */
export type DEStrategy = "rand/1/bin" | "current-to-best/1/bin";

/** Options of `DESampler`. */
export interface DESamplerOptions {
  /** The same seed and the same sequence of asks give the same params. */
  readonly seed?: number;
  /** Target vectors per generation, at least 4 (default 20). */
  readonly populationSize?: number;
  /** How the mutant vector is made (default "rand/1/bin"). */
  readonly strategy?: DEStrategy;
  /** Differential weight F in [0, 2] (default 0.8). */
  readonly F?: number;
  /** Crossover rate CR in [0, 1] (default 0.9). */
  readonly CR?: number;
  /** Rank trials that violate `trial.setConstraint` values after feasible ones (default true). */
  readonly constraints?: boolean;
}

const STRATEGIES: readonly DEStrategy[] = ["rand/1/bin", "current-to-best/1/bin"];
const SLOT_ATTR = "de:slot";

/**
 * Differential evolution (Storn & Price, "Differential evolution — a simple and efficient
 * heuristic for global optimization over continuous spaces", J. Global Optim. 1997) for a
 * single objective, over mixed spaces.
 *
 * The population is `populationSize` target vectors, one per slot. Generation 0 is random;
 * in each later generation, the trial of slot i is a trial vector: a mutant v
 * (rand/1: x_r1 + F(x_r2 − x_r3); current-to-best/1: x_i + F(x_best − x_i) + F(x_r1 − x_r2),
 * r's distinct and ≠ i) crossed binomially with the target x_i (each gene from v with
 * probability CR, and at least one). The slot keeps whichever of the target and the trial
 * is better. Numeric genes live in the unit box of the search-space transform (integers
 * rounded, log parameters on a log scale); a mutant gene outside the box is set halfway
 * between the target's gene and the bound it crossed. A categorical gene of the mutant is
 * x_r1's when x_r2 and x_r3 agree on it, else a random choice (the "difference" of two
 * categories is a jump).
 * Generations and slots live in trial system attributes, so concurrent and distributed
 * workers continue one generation; a slot whose trial failed keeps its target.
 * @example
 * const study = await createStudy({ sampler: new DESampler({ seed: 1, strategy: "rand/1/bin" }) });
 */
export class DESampler implements Sampler {
  readonly seed: number;
  readonly populationSize: number;
  readonly strategy: DEStrategy;
  readonly F: number;
  readonly CR: number;
  readonly constraints: boolean;
  readonly #trackers = new Map<StudyDirection, GenerationTracker<null>>();

  constructor(options: DESamplerOptions = {}) {
    const name = "DESampler";
    this.seed = checkSeed(options.seed, name);
    this.populationSize = integerOption(options.populationSize, name, "populationSize", 20, 4);
    this.strategy = choiceOption(options.strategy, name, "strategy", "rand/1/bin", STRATEGIES);
    this.F = numberOption(options.F, name, "F", 0.8, 0, 2);
    this.CR = numberOption(options.CR, name, "CR", 0.9, 0, 1);
    if (options.constraints !== undefined && typeof options.constraints !== "boolean") {
      throw new TypeError(
        `${name}: constraints must be a boolean, got ${String(options.constraints)}`,
      );
    }
    this.constraints = options.constraints ?? true;
  }

  #tracker(directions: readonly StudyDirection[]): GenerationTracker<null> {
    checkSingleObjective(directions, "DESampler");
    const direction = directions[0] as StudyDirection;
    let tracker = this.#trackers.get(direction);
    if (tracker === undefined) {
      const compare = compareTrials(direction, this.constraints);
      const size = this.populationSize;
      tracker = new GenerationTracker("de:generation", size, (candidates, _g, previous) => {
        const members: (FrozenTrial | undefined)[] = previous
          ? [...previous.members]
          : new Array(size);
        const spare: FrozenTrial[] = [];
        for (const trial of [...candidates].sort(compare)) {
          const slot = slotOf(trial);
          const current = slot === null ? undefined : members[slot];
          if (slot !== null && slot < size && current === undefined) members[slot] = trial;
          else if (slot !== null && slot < size && compare(trial, current as FrozenTrial) < 0) {
            members[slot] = trial;
          } else if (previous === null) spare.push(trial);
        }
        // Generation 0 may miss a slot (its trial failed while another slot ran twice).
        for (let i = 0; i < size; i++) if (members[i] === undefined) members[i] = spare.shift();
        return { members: members as FrozenTrial[], data: null };
      });
      this.#trackers.set(direction, tracker);
    }
    return tracker;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation {
    const tracker = this.#tracker(snapshot.directions);
    const generation = tracker.nextGeneration(snapshot.trials);
    // The first slot of the generation with no trial running or complete, else round robin.
    const taken = new Set<number>();
    let count = 0;
    for (const trial of snapshot.trials) {
      if (tracker.generationOf(trial) !== generation) continue;
      count++;
      const slot = slotOf(trial);
      if (slot !== null && trial.state !== "FAIL" && trial.state !== "PRUNED") taken.add(slot);
    }
    let slot = count % this.populationSize;
    for (let i = 0; i < this.populationSize; i++) {
      if (!taken.has(i)) {
        slot = i;
        break;
      }
    }
    return { systemAttrs: { [tracker.attr]: generation, [SLOT_ATTR]: slot } };
  }

  /** The parameters the population shares; empty in generation 0 and for enqueued trials. */
  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    if (slotOf(context.trial) === null) return {};
    const { parents } = this.#tracker(context.directions).lineage(context);
    return parents === null ? {} : populationSpace(parents.members);
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    const slot = slotOf(context.trial);
    const { parents: population } = this.#tracker(context.directions).lineage(context);
    // An enqueued trial has no slot: it is not part of the evolution.
    if (slot === null || population === null) return { params: {} };
    const members = population.members;
    const n = members.length;
    const rng = Rng.from(this.seed, context.trial.number, "de");
    const i = slot % n;
    const picks: number[] = [];
    while (picks.length < 3) {
      const r = rng.below(n);
      if (r !== i && !picks.includes(r)) picks.push(r);
    }
    const [r1, r2, r3] = picks.map((r) => members[r] as FrozenTrial) as [
      FrozenTrial,
      FrozenTrial,
      FrozenTrial,
    ];
    const target = members[i] as FrozenTrial;
    const best = members.reduce((a, b) =>
      compareTrials(context.directions[0] as StudyDirection, this.constraints)(a, b) <= 0 ? a : b,
    );
    const names = Object.keys(space);
    const forced = rng.below(names.length);
    const params: Record<string, ParamValue> = {};
    names.forEach((name, j) => {
      const distribution = space[name] as Distribution;
      const cross = j === forced || rng.uniform() < this.CR;
      if (distribution.type === "categorical") {
        const source = this.strategy === "rand/1/bin" ? r1 : target;
        const same = r2.params[name] === r3.params[name];
        const mutant = same
          ? (source.params[name] ?? null)
          : (distribution.choices[rng.below(distribution.choices.length)] ?? null);
        params[name] = cross ? mutant : (target.params[name] ?? null);
        return;
      }
      const u = (t: FrozenTrial): number => toUnit(distribution, t.params[name]);
      const x = u(target);
      if (!cross) {
        params[name] = target.params[name] ?? null;
        return;
      }
      let v =
        this.strategy === "rand/1/bin"
          ? u(r1) + this.F * (u(r2) - u(r3))
          : x + this.F * (u(best) - x) + this.F * (u(r1) - u(r2));
      if (v < 0) v = x / 2;
      else if (v > 1) v = (x + 1) / 2;
      params[name] = fromUnit(distribution, Math.min(v, 1 - Number.EPSILON));
    });
    return { params };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return fromUnit(distribution, Rng.from(this.seed, context.trial.number, name).uniform());
  }
}

function slotOf(trial: FrozenTrial): number | null {
  const slot = trial.systemAttrs[SLOT_ATTR];
  return typeof slot === "number" && Number.isSafeInteger(slot) && slot >= 0 ? slot : null;
}
