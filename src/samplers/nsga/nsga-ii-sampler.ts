/** NSGA-II: elitist non-dominated sorting with crowding distance. */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../../core/snapshot.js";
import type { StudyDirection } from "../../core/types.js";
import { crowdingDistance } from "../../multiobjective/crowding-distance.js";
import { frontsOf } from "../../multiobjective/non-dominated-sort.js";
import type { RelativeSample, Sampler, TrialPreparation } from "../sampler.js";
import type { CrossoverName } from "./crossovers.js";
import type { SelectPopulation } from "./generations.js";
import {
  type Fitness,
  NsgaEngine,
  type NsgaOptions,
  objectivePoints,
  trialRanks,
} from "./nsga-engine.js";

/** Options of `NSGAIISampler`; names and defaults follow Optuna's `NSGAIISampler`. */
export type NSGAIISamplerOptions = NsgaOptions;

/**
 * NSGA-II's survivor selection: the previous population and the new generation's complete
 * trials are ranked by (constrained) non-dominated sorting; whole fronts are kept while they
 * fit, and the last front is cut by crowding distance, largest first (trial number on ties).
 */
export function crowdingSurvival(
  directions: readonly StudyDirection[],
  populationSize: number,
  constraints: boolean,
): SelectPopulation<Fitness> {
  return (candidates, _generation, previous) => {
    const pool = previous === null ? [...candidates] : [...candidates, ...previous.members];
    const ranks = trialRanks(pool, directions, constraints);
    const points = objectivePoints(pool, directions);
    const members: FrozenTrial[] = [];
    const memberRanks: number[] = [];
    const spread: number[] = [];
    for (const [rank, front] of frontsOf(ranks).entries()) {
      if (members.length >= populationSize) break;
      const distance = crowdingDistance(front.map((i) => points[i] as number[]));
      const order = front.map((_, k) => k);
      if (members.length + front.length > populationSize) {
        order.sort(
          (a, b) =>
            (distance[b] as number) - (distance[a] as number) ||
            // Both infinite: the subtraction is NaN, so compare by trial number.
            (pool[front[a] as number] as FrozenTrial).number -
              (pool[front[b] as number] as FrozenTrial).number,
        );
        order.length = populationSize - members.length;
      }
      for (const k of order) {
        members.push(pool[front[k] as number] as FrozenTrial);
        memberRanks.push(rank);
        spread.push(distance[k] as number);
      }
    }
    return {
      members,
      data: { ranks: Int32Array.from(memberRanks), spread: Float64Array.from(spread) },
    };
  };
}

/**
 * Multi-objective search by NSGA-II (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist
 * multiobjective genetic algorithm: NSGA-II", IEEE TEC 2002), as Optuna's `NSGAIISampler`
 * runs it over trials.
 *
 * Trials are grouped in generations of `populationSize`, recorded in each trial's system
 * attributes when it is created, so that concurrent and distributed workers continue the
 * same generation. Generation 0 is random; each later trial is a child of the previous
 * generation's population: two (three for SPX and UNDX) parents won binary tournaments
 * (lower Pareto rank, then larger crowding distance), are crossed with probability
 * `crossoverProb` (else one parent is copied), and each parameter is then drawn anew at
 * random with probability `mutationProb`. Numeric parameters cross in the unit box of the
 * search-space transform (log scale for log parameters, integers rounded); a child outside
 * the box is made again from new parents. Categorical parameters get uniform crossover.
 * The population of a generation is the best `populationSize` of its complete trials and
 * the previous population, by non-dominated sorting then crowding distance.
 * With `constraints` (default), trials compare by Deb's constrained domination over the
 * values recorded with `trial.setConstraint` (a trial that recorded none is feasible). A
 * single objective works too: the ranks are then the order of the values.
 *
 * Deviations from Optuna 3.1: tournaments use the crowded comparison of the paper (Optuna
 * compares by domination only); children are bred over the parameters the parent population
 * shares (Optuna: those all finished trials share), so a define-by-run space that changed
 * long ago does not shrink it; crossovers work in the unit box rather than in the raw
 * (log-transformed) ranges, which changes only SBX's bounds and UNDX's isotropy; UNDX draws
 * ξ and η with standard deviations σξ and ση, as the paper does; random numbers come from
 * streams keyed by seed and trial number, so a seeded study is reproducible. An enqueued
 * trial joins the generation being bred, except in generation 0, where it is not counted.
 * @example
 * const study = await createStudy({
 *   directions: ["minimize", "minimize"],
 *   sampler: new NSGAIISampler({ seed: 1, populationSize: 50, crossover: "sbx" }),
 * });
 */
export class NSGAIISampler implements Sampler {
  readonly #engine: NsgaEngine;

  constructor(options: NSGAIISamplerOptions = {}) {
    this.#engine = new NsgaEngine("NSGAIISampler", options, crowdingSurvival);
  }

  get seed(): number {
    return this.#engine.seed;
  }
  get populationSize(): number {
    return this.#engine.populationSize;
  }
  get crossover(): CrossoverName {
    return this.#engine.crossover;
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation {
    return this.#engine.prepareTrial(snapshot);
  }

  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    return this.#engine.inferRelativeSearchSpace(context);
  }

  sampleRelative(context: TrialContext, space: SearchSpace): RelativeSample {
    return this.#engine.sampleRelative(context, space);
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    return this.#engine.sampleIndependent(context, name, distribution);
  }
}
