/** NSGA-III: non-dominated sorting with reference-point niching, for many objectives. */
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudySnapshot, TrialContext } from "../../core/snapshot.js";
import type { StudyDirection } from "../../core/types.js";
import { Rng } from "../../math/random.js";
import { dasDennisPoints, referencePointSelection } from "../../multiobjective/reference-points.js";
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
import { integerOption } from "./options.js";

/** Options of `NSGAIIISampler`: those of NSGA-II and the reference points. */
export interface NSGAIIISamplerOptions extends NsgaOptions {
  /**
   * Reference points, one array per point with one coordinate per objective (normalized
   * objective space, usually on the unit simplex). Default: Das–Dennis points with
   * `dividingParameter` divisions.
   */
  readonly referencePoints?: readonly (readonly number[])[];
  /** Divisions of each axis for the default Das–Dennis points (default 3, as Optuna). */
  readonly dividingParameter?: number;
}

/**
 * Multi-objective search by NSGA-III (Deb & Jain, "An evolutionary many-objective
 * optimization algorithm using reference-point-based nondominated sorting approach, part
 * I", IEEE TEC 2014), over trials as `NSGAIISampler` runs NSGA-II: the same generations in
 * system attributes, crossovers, mutation and constrained domination; only the survivor
 * selection differs. The last front that does not fit is cut by niche preservation around
 * reference points (`referencePointSelection`) instead of crowding distance, which keeps a
 * spread front with 4 or more objectives, where crowding distance fails. Parents are chosen
 * by binary tournaments on Pareto rank (random on ties).
 * @example
 * const study = await createStudy({
 *   directions: ["minimize", "minimize", "minimize", "minimize"],
 *   sampler: new NSGAIIISampler({ seed: 1, populationSize: 40, dividingParameter: 4 }),
 * });
 */
export class NSGAIIISampler implements Sampler {
  readonly #engine: NsgaEngine;
  readonly #referencePoints: readonly (readonly number[])[] | null;
  readonly dividingParameter: number;

  constructor(options: NSGAIIISamplerOptions = {}) {
    this.dividingParameter = integerOption(
      options.dividingParameter,
      "NSGAIIISampler",
      "dividingParameter",
      3,
      1,
    );
    this.#referencePoints = checkReferencePoints(options.referencePoints);
    this.#engine = new NsgaEngine(
      "NSGAIIISampler",
      options,
      (directions, size, constraints, seed) => this.#survival(directions, size, constraints, seed),
    );
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

  /** The reference points used for a study with `nObjectives` objectives. */
  referencePoints(nObjectives: number): (readonly number[])[] {
    if (this.#referencePoints === null) return dasDennisPoints(nObjectives, this.dividingParameter);
    for (const p of this.#referencePoints) {
      if (p.length !== nObjectives) {
        throw new RangeError(
          `NSGAIIISampler: a reference point has ${p.length} coordinates, the study ${nObjectives} objectives`,
        );
      }
    }
    return [...this.#referencePoints];
  }

  #survival(
    directions: readonly StudyDirection[],
    populationSize: number,
    constraints: boolean,
    seed: number,
  ): SelectPopulation<Fitness> {
    const references = this.referencePoints(directions.length);
    return (candidates, generation, previous) => {
      const pool: FrozenTrial[] =
        previous === null ? [...candidates] : [...candidates, ...previous.members];
      const ranks = trialRanks(pool, directions, constraints);
      const rng = Rng.from(seed, "nsga3-niching", generation);
      const chosen = referencePointSelection(
        objectivePoints(pool, directions),
        ranks,
        populationSize,
        references,
        () => rng.uniform(),
      );
      return {
        members: chosen.map((i) => pool[i] as FrozenTrial),
        data: {
          ranks: Int32Array.from(chosen, (i) => ranks[i] as number),
          spread: new Float64Array(chosen.length),
        },
      };
    };
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

function checkReferencePoints(
  points: readonly (readonly number[])[] | undefined,
): readonly (readonly number[])[] | null {
  if (points === undefined) return null;
  if (!Array.isArray(points) || points.length === 0) {
    throw new TypeError("NSGAIIISampler: referencePoints must be a non-empty array of points");
  }
  const m = (points[0] as readonly number[]).length;
  for (const p of points) {
    if (
      !Array.isArray(p) ||
      p.length !== m ||
      m === 0 ||
      !p.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      throw new TypeError(
        `NSGAIIISampler: referencePoints must be arrays of ${m} finite numbers each, got ${JSON.stringify(p)}`,
      );
    }
  }
  return points.map((p) => [...p]);
}
