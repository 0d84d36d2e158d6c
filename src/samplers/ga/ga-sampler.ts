/** A generational genetic algorithm for a single objective. */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../../core/snapshot.js";
import type { StudyDirection } from "../../core/types.js";
import { fromUnit, toUnit } from "../../core/unit-transform.js";
import { Rng } from "../../math/random.js";
import { CROSSOVER_NAMES, type CrossoverName, parentCount } from "../nsga/crossovers.js";
import { GenerationTracker, type Population } from "../nsga/generations.js";
import {
  type CrossoverOperator,
  type CrossoverParams,
  crossChild,
  crossoverOperator,
  SpaceCodec,
} from "../nsga/offspring.js";
import {
  booleanOption,
  choiceOption,
  integerOption,
  numberOption,
  positiveOption,
} from "../nsga/options.js";
import {
  checkSingleObjective,
  compareTrials,
  populationSpace,
  randomChoice,
} from "../nsga/support.js";
import { checkSeed } from "../random-sampler.js";
import type { RelativeSample, Sampler, TrialPreparation } from "../sampler.js";

/** Options of `GASampler`. */
export interface GASamplerOptions {
  /** The same seed and the same sequence of asks give the same params. */
  readonly seed?: number;
  /** Trials per generation (default 50). */
  readonly populationSize?: number;
  /** Members drawn for each selection tournament; the best wins (default 2). */
  readonly tournamentSize?: number;
  /** How numeric genes of parents are combined (default "sbx"). */
  readonly crossover?: CrossoverName;
  /** Parameters of the chosen crossover (BLX-α's alpha, SBX's eta, …). */
  readonly crossoverParams?: CrossoverParams;
  /** Probability that a child is a crossover rather than a copy of one parent (default 0.9). */
  readonly crossoverProb?: number;
  /** Probability that a gene mutates (default 1 / number of params). */
  readonly mutationProb?: number;
  /** Standard deviation of a numeric mutation, in the unit box (default 0.1). */
  readonly mutationScale?: number;
  /** The best members of a population that join the next one's selection pool (default 1). */
  readonly elitism?: number;
  /** Rank trials that violate `trial.setConstraint` values after feasible ones (default true). */
  readonly constraints?: boolean;
}

/**
 * A generational genetic algorithm (Holland 1975; Goldberg, "Genetic algorithms in search,
 * optimization and machine learning", 1989) for a single objective, over mixed spaces.
 *
 * Generations live in trial system attributes as in `NSGAIISampler`, so concurrent and
 * distributed workers continue one generation. Generation 0 is random. Each later trial is
 * a child of the previous population: parents won tournaments of `tournamentSize` members
 * drawn at random, are crossed with probability `crossoverProb` (numeric genes in the unit
 * box of the search-space transform, so integers are rounded and log parameters cross in log
 * space; categorical genes by uniform crossover of the parents' choices), then each gene
 * mutates with probability `mutationProb`: a numeric gene moves by a normal step of
 * `mutationScale` (reflected into the box), a categorical one is drawn anew.
 * Selection: a generation's population is its complete trials, where the `elitism` best
 * members of the previous population replace its worst (the elites survive until beaten).
 * @example
 * const study = await createStudy({ sampler: new GASampler({ seed: 1, populationSize: 30 }) });
 */
export class GASampler implements Sampler {
  readonly seed: number;
  readonly populationSize: number;
  readonly tournamentSize: number;
  readonly crossover: CrossoverName;
  readonly crossoverProb: number;
  readonly mutationProb: number | null;
  readonly mutationScale: number;
  readonly elitism: number;
  readonly constraints: boolean;
  readonly #crossoverParams: CrossoverParams;
  readonly #trackers = new Map<StudyDirection, GenerationTracker<null>>();
  #operator: { d: number; operator: CrossoverOperator } | null = null;

  constructor(options: GASamplerOptions = {}) {
    const name = "GASampler";
    this.seed = checkSeed(options.seed, name);
    this.crossover = choiceOption(options.crossover, name, "crossover", "sbx", CROSSOVER_NAMES);
    const nParents = parentCount(this.crossover);
    this.populationSize = integerOption(options.populationSize, name, "populationSize", 50, 2);
    if (this.populationSize < nParents) {
      throw new RangeError(
        `${name}: populationSize must be at least ${nParents} for the "${this.crossover}" crossover, got ${this.populationSize}`,
      );
    }
    this.tournamentSize = integerOption(options.tournamentSize, name, "tournamentSize", 2, 1);
    this.crossoverProb = numberOption(options.crossoverProb, name, "crossoverProb", 0.9, 0, 1);
    this.mutationProb =
      options.mutationProb === undefined
        ? null
        : numberOption(options.mutationProb, name, "mutationProb", 0, 0, 1);
    this.mutationScale = positiveOption(options.mutationScale, name, "mutationScale", 0.1);
    this.elitism = integerOption(options.elitism, name, "elitism", 1, 0);
    if (this.elitism >= this.populationSize) {
      throw new RangeError(
        `${name}: elitism must be less than populationSize (${this.populationSize}), got ${this.elitism}`,
      );
    }
    this.constraints = booleanOption(options.constraints, name, "constraints", true);
    this.#crossoverParams = options.crossoverParams ?? {};
    crossoverOperator(this.crossover, this.#crossoverParams, 0.5, 1, 1, name);
  }

  #tracker(directions: readonly StudyDirection[]): GenerationTracker<null> {
    checkSingleObjective(directions, "GASampler");
    const direction = directions[0] as StudyDirection;
    let tracker = this.#trackers.get(direction);
    if (tracker === undefined) {
      const compare = compareTrials(direction, this.constraints);
      tracker = new GenerationTracker(
        "ga:generation",
        this.populationSize,
        (candidates, _g, previous) => {
          const offspring = [...candidates].sort(compare);
          const elites = previous === null ? [] : previous.members.slice(0, this.elitism);
          const members = [...elites, ...offspring.slice(0, this.populationSize - elites.length)];
          return { members: members.sort(compare), data: null };
        },
      );
      this.#trackers.set(direction, tracker);
    }
    return tracker;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation {
    return { systemAttrs: this.#tracker(snapshot.directions).prepare(snapshot.trials) };
  }

  /** The parameters the parents share; empty in generation 0. */
  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    const { parents } = this.#tracker(context.directions).lineage(context);
    return parents === null ? {} : populationSpace(parents.members);
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    const tracker = this.#tracker(context.directions);
    const { generation, recorded, parents: population } = tracker.lineage(context);
    const attrs = recorded ? {} : { systemAttrs: { [tracker.attr]: generation } };
    if (population === null) return { params: {}, ...attrs };
    const rng = Rng.from(this.seed, context.trial.number, "ga");
    const codec = SpaceCodec.for(space);
    const nParents = parentCount(this.crossover);
    let params: Record<string, ParamValue>;
    if (rng.uniform() < this.crossoverProb) {
      params = crossChild(
        codec,
        () => this.#chooseParents(population, nParents, rng),
        this.#operatorFor(codec.numeric.length),
        0.5,
        rng,
      );
    } else {
      const parent = this.#tournament(population, rng);
      params = {};
      for (const name of Object.keys(space)) params[name] = parent.params[name] ?? null;
    }
    const mutationProb = this.mutationProb ?? 1 / Math.max(1, Object.keys(space).length);
    for (const [name, distribution] of Object.entries(space)) {
      if (rng.uniform() >= mutationProb) continue;
      params[name] = this.#mutate(distribution, params[name] ?? null, rng);
    }
    return { params, ...attrs };
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return fromUnit(distribution, Rng.from(this.seed, context.trial.number, name).uniform());
  }

  #mutate(distribution: Distribution, value: ParamValue, rng: Rng): ParamValue {
    if (distribution.type === "categorical") return randomChoice(distribution, rng.uniform());
    let u = toUnit(distribution, value) + this.mutationScale * rng.normal();
    // Reflect into [0, 1] so that the ends are not over-sampled.
    u = Math.abs(u) % 2;
    if (u > 1) u = 2 - u;
    return fromUnit(distribution, Math.min(u, 1 - Number.EPSILON));
  }

  #operatorFor(d: number): CrossoverOperator {
    if (this.#operator?.d !== d) {
      this.#operator = {
        d,
        operator: crossoverOperator(this.crossover, this.#crossoverParams, 0.5, 1, d, "GASampler"),
      };
    }
    return this.#operator.operator;
  }

  /** Members are sorted best first, so the lowest index drawn wins. */
  #tournament(population: Population<null>, rng: Rng): FrozenTrial {
    const n = population.members.length;
    let best = n;
    for (let k = 0; k < this.tournamentSize; k++) best = Math.min(best, rng.below(n));
    return population.members[best] as FrozenTrial;
  }

  #chooseParents(population: Population<null>, count: number, rng: Rng): FrozenTrial[] {
    const parents: FrozenTrial[] = [];
    for (let k = 0; k < count; k++) {
      let parent = this.#tournament(population, rng);
      // Distinct parents when the population allows it (a few redraws suffice).
      for (let retry = 0; retry < 8 && parents.includes(parent); retry++) {
        parent = this.#tournament(population, rng);
      }
      parents.push(parent);
    }
    return parents;
  }
}
