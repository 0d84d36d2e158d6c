/**
 * What NSGA-II and NSGA-III share: options, generations in system attributes, parent
 * tournaments, crossover and mutation. They differ only in survivor selection.
 * @internal
 */
import { totalViolation } from "../../core/constraints.js";
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../../core/snapshot.js";
import type { StudyDirection } from "../../core/types.js";
import { fromUnit } from "../../core/unit-transform.js";
import { Rng } from "../../math/random.js";
import {
  constrainedNonDominatedSort,
  nonDominatedSort,
} from "../../multiobjective/non-dominated-sort.js";
import { checkSeed } from "../random-sampler.js";
import type { RelativeSample, TrialPreparation } from "../sampler.js";
import { CROSSOVER_NAMES, type CrossoverName, parentCount } from "./crossovers.js";
import { GenerationTracker, type Population, type SelectPopulation } from "./generations.js";
import {
  type CrossoverOperator,
  type CrossoverParams,
  crossChild,
  crossoverOperator,
  SpaceCodec,
} from "./offspring.js";
import { booleanOption, choiceOption, integerOption, numberOption } from "./options.js";
import { populationSpace } from "./support.js";

/** Options NSGA-II and NSGA-III share; names and defaults follow Optuna's NSGAIISampler. */
export interface NsgaOptions {
  /** The same seed and the same sequence of asks give the same params. */
  readonly seed?: number;
  /** Trials per generation (default 50). */
  readonly populationSize?: number;
  /** How numeric parameters of parents are combined (default "uniform"). */
  readonly crossover?: CrossoverName;
  /** Parameters of the chosen crossover (BLX-α's alpha, SBX's eta, …). */
  readonly crossoverParams?: CrossoverParams;
  /** Probability that a child is a crossover rather than a copy of one parent (default 0.9). */
  readonly crossoverProb?: number;
  /** Probability that a gene comes from the other parent in uniform crossover (default 0.5). */
  readonly swappingProb?: number;
  /** Probability that a parameter is drawn anew at random (default 1 / number of params). */
  readonly mutationProb?: number;
  /** Use Deb's constrained domination with `trial.setConstraint` values (default true). */
  readonly constraints?: boolean;
}

/** What a survivor selection tells the parent tournament. */
export interface Fitness {
  /** Pareto rank of each member within the population (0 best). */
  readonly ranks: Int32Array;
  /** Tie-breaker within a rank, larger better (crowding distance; zeros for NSGA-III). */
  readonly spread: Float64Array;
}

/** Objective vectors to minimize (maximized objectives negated). */
export function objectivePoints(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
): number[][] {
  return trials.map((t) =>
    (t.values as readonly number[]).map((v, k) => (directions[k] === "maximize" ? -v : v)),
  );
}

/** Pareto ranks of trials, under constrained domination when `constraints`. */
export function trialRanks(
  trials: readonly FrozenTrial[],
  directions: readonly StudyDirection[],
  constraints: boolean,
): Int32Array {
  const points = objectivePoints(trials, directions);
  return constraints
    ? constrainedNonDominatedSort(points, trials.map(totalViolation))
    : nonDominatedSort(points);
}

/** The survivor selection, given the study's directions and the sampler's settings. */
export type Survival = (
  directions: readonly StudyDirection[],
  populationSize: number,
  constraints: boolean,
  seed: number,
) => SelectPopulation<Fitness>;

/** The machinery of an NSGA sampler; the sampler class supplies its survivor selection. */
export class NsgaEngine {
  readonly seed: number;
  readonly populationSize: number;
  readonly crossover: CrossoverName;
  readonly crossoverProb: number;
  readonly swappingProb: number;
  readonly mutationProb: number | null;
  readonly constraints: boolean;
  readonly #name: string;
  readonly #crossoverParams: CrossoverParams;
  readonly #survival: Survival;
  readonly #trackers = new Map<string, GenerationTracker<Fitness>>();
  #operator: { key: string; operator: CrossoverOperator } | null = null;

  constructor(name: string, options: NsgaOptions, survival: Survival) {
    this.#name = name;
    this.seed = checkSeed(options.seed, name);
    this.crossover = choiceOption(options.crossover, name, "crossover", "uniform", CROSSOVER_NAMES);
    const nParents = parentCount(this.crossover);
    this.populationSize = integerOption(options.populationSize, name, "populationSize", 50, 2);
    if (this.populationSize < nParents) {
      throw new RangeError(
        `${name}: populationSize must be at least ${nParents} for the "${this.crossover}" crossover, got ${this.populationSize}`,
      );
    }
    this.crossoverProb = numberOption(options.crossoverProb, name, "crossoverProb", 0.9, 0, 1);
    this.swappingProb = numberOption(options.swappingProb, name, "swappingProb", 0.5, 0, 1);
    this.mutationProb =
      options.mutationProb === undefined
        ? null
        : numberOption(options.mutationProb, name, "mutationProb", 0, 0, 1);
    this.constraints = booleanOption(options.constraints, name, "constraints", true);
    const params = options.crossoverParams ?? {};
    if (params === null || typeof params !== "object") {
      throw new TypeError(`${name}: crossoverParams must be an object, got ${String(params)}`);
    }
    this.#crossoverParams = params;
    // Checks the crossover's parameters now rather than at the first child.
    crossoverOperator(this.crossover, params, this.swappingProb, 2, 1, name);
    this.#survival = survival;
  }

  /** The generation tracker for a study's directions (one per direction signature). */
  tracker(directions: readonly StudyDirection[]): GenerationTracker<Fitness> {
    const key = directions.join(",");
    let tracker = this.#trackers.get(key);
    if (tracker === undefined) {
      tracker = new GenerationTracker(
        "nsga:generation",
        this.populationSize,
        this.#survival(directions, this.populationSize, this.constraints, this.seed),
      );
      this.#trackers.set(key, tracker);
    }
    return tracker;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation {
    return { systemAttrs: this.tracker(snapshot.directions).prepare(snapshot.trials) };
  }

  /** The parameters the parents share (Optuna: all finished trials); empty in generation 0. */
  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    const { parents } = this.tracker(context.directions).lineage(context);
    return parents === null ? {} : populationSpace(parents.members);
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    const tracker = this.tracker(context.directions);
    const { generation, recorded, parents } = tracker.lineage(context);
    // An enqueued trial skipped prepareTrial: it joins the current generation now.
    const attrs = recorded ? {} : { systemAttrs: { [tracker.attr]: generation } };
    if (parents === null) return { params: {}, ...attrs };
    const rng = Rng.from(this.seed, context.trial.number, "nsga");
    const codec = SpaceCodec.for(space);
    let child: Record<string, ParamValue>;
    if (rng.uniform() < this.crossoverProb) {
      const operator = this.#operatorFor(codec.numeric.length, context.directions.length);
      const nParents = parentCount(this.crossover);
      child = crossChild(
        codec,
        () => this.#chooseParents(parents, nParents, rng),
        operator,
        this.swappingProb,
        rng,
      );
    } else {
      const parent = parents.members[rng.below(parents.members.length)] as FrozenTrial;
      child = {};
      for (const name of Object.keys(space)) child[name] = parent.params[name] ?? null;
    }
    const names = Object.keys(child);
    const mutationProb = this.mutationProb ?? 1 / Math.max(1, names.length);
    const params: Record<string, ParamValue> = {};
    // A mutated parameter is left out, so that it is drawn at random in sampleIndependent.
    for (const name of names) if (rng.uniform() >= mutationProb) params[name] = child[name] ?? null;
    return { params, ...attrs };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return fromUnit(distribution, Rng.from(this.seed, context.trial.number, name).uniform());
  }

  #operatorFor(d: number, nObjectives: number): CrossoverOperator {
    const key = `${d}:${nObjectives}`;
    if (this.#operator?.key !== key) {
      this.#operator = {
        key,
        operator: crossoverOperator(
          this.crossover,
          this.#crossoverParams,
          this.swappingProb,
          nObjectives,
          d,
          this.#name,
        ),
      };
    }
    return this.#operator.operator;
  }

  /**
   * `count` distinct parents, each the winner of a binary tournament (lower rank, then larger
   * spread; the first drawn on a full tie) among the members not chosen yet.
   */
  #chooseParents(population: Population<Fitness>, count: number, rng: Rng): FrozenTrial[] {
    const { ranks, spread } = population.data;
    const n = population.members.length;
    const chosen: number[] = [];
    for (let k = 0; k < count; k++) {
      const draw = (): number => {
        let i = rng.below(n - chosen.length);
        // Skips chosen members: the i-th member not chosen yet.
        for (const c of [...chosen].sort((a, b) => a - b)) if (i >= c) i++;
        return i;
      };
      const a = draw();
      const b = draw();
      const ra = ranks[a] as number;
      const rb = ranks[b] as number;
      const better = ra < rb || (ra === rb && (spread[a] as number) >= (spread[b] as number));
      chosen.push(better ? a : b);
    }
    return chosen.map((i) => population.members[i] as FrozenTrial);
  }
}
