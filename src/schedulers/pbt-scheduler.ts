/**
 * Population-based training (Jaderberg et al., "Population Based Training of Neural
 * Networks", 2017), run as Ray Tune's asynchronous PopulationBasedTraining runs it, over the
 * trials of a study.
 */

import {
  type ArtifactStore,
  isArtifactStore,
  studyArtifactPrefix,
} from "../core/artifact-store.js";
import type { ParamValue } from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import { MemoryArtifactStore } from "../core/memory-artifact-store.js";
import type { Trial } from "../core/trial.js";
import type { StudyDirection } from "../core/types.js";
import { Rng } from "../math/random.js";
import { checkMutations, explore, type HyperparamMutation, type Mutation } from "./pbt-explore.js";
import { type PbtRound, roundsOf } from "./pbt-lineage.js";
import { PbtMember } from "./pbt-member.js";

/** Options of `PBTScheduler`, with Ray Tune's names and defaults. */
export interface PBTSchedulerOptions {
  /**
   * The members PBT expects (run that many trials at once over all workers). No member
   * exploits before this many reached their first perturbation point.
   */
  readonly populationSize: number;
  /** Steps between perturbation points (Ray's `perturbation_interval`, in steps). */
  readonly perturbationInterval: number;
  /** How each hyperparameter may change (see `HyperparamMutation`). */
  readonly hyperparamMutations: Readonly<Record<string, HyperparamMutation>>;
  /** The bottom fraction that copies the top fraction, in [0, 0.5]. Default 0.25. */
  readonly quantileFraction?: number;
  /** Chance of resampling a hyperparameter instead of perturbing it. Default 0.25. */
  readonly resampleProbability?: number;
  /** The factors a perturbation multiplies a range value by, one of the two at random. Default [1.2, 0.8]. */
  readonly perturbationFactors?: readonly [number, number];
  /** The same seed gives the same decisions for the same population. */
  readonly seed?: number;
  /**
   * Where checkpoints go. Default: the study's artifact store (`createStudy({ artifacts })`:
   * beside a SQLite database, in memory for a study in memory); give a `FileArtifactStore` on
   * a shared folder, or an object store, for a PostgreSQL study.
   */
  readonly artifacts?: ArtifactStore;
  /**
   * How many of its own checkpoints each member keeps (its latest ones); older ones are
   * deleted as it saves new ones. Default: all. At least 2, so that the checkpoint a member
   * just decided to copy is still there when it loads it.
   */
  readonly checkpointsToKeep?: number;
}

/** The part of a study PBT reads: its name, direction and trials (a `Study` fits). */
export interface PbtStudy {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** The study's artifact store (see `createStudy({ artifacts })`), if it has one. */
  readonly artifacts?: ArtifactStore | null;
  trials(): Promise<readonly FrozenTrial[]>;
}

/** What a member does at a perturbation point. */
export type PbtDecision =
  | {
      readonly action: "continue";
      /** "population": too few members yet; "kept": not in the bottom quantile. */
      readonly reason: "population" | "kept";
    }
  | {
      readonly action: "exploit";
      /** The top-quantile member copied, and its round whose checkpoint is loaded. */
      readonly source: number;
      readonly sourceStep: number;
      readonly checkpoint: string;
      /** The source's hyperparameters after the explore step. */
      readonly hyperparams: Readonly<Record<string, ParamValue>>;
    };

const OPTION_KEYS = [
  "populationSize",
  "perturbationInterval",
  "hyperparamMutations",
  "quantileFraction",
  "resampleProbability",
  "perturbationFactors",
  "seed",
  "artifacts",
  "checkpointsToKeep",
];

const OWNER = "PBTScheduler";

/**
 * Population-based training over a study's trials: each trial is a member that trains for
 * many steps; every `perturbationInterval` steps it saves a checkpoint and, when its score is
 * in the bottom `quantileFraction` of the running members', copies the checkpoint and
 * hyperparameters of a random member of the top quantile (exploit) and perturbs them
 * (explore: ×1.2 or ×0.8, a neighbouring choice, or with `resampleProbability` a fresh
 * value). As Ray Tune's (asynchronous) PBT:
 *
 * - the population is the RUNNING members, each ranked by the score of its latest
 *   perturbation point (the score of the checkpoint one would copy); with p members, the
 *   quantiles hold ⌈p·q⌉ members, at most ⌊p/2⌋; ties rank the lower trial number higher;
 * - a member is ready when `perturbationInterval` steps passed since its last point (from 0).
 *
 * State lives in the study, so it works with `concurrency` > 1 and across workers: scores
 * are the trials' intermediate values, each member's rounds (`PbtRound`: step, score,
 * hyperparameters before and after, checkpoint key, whom it copied) are its user attr
 * `pbt`, and checkpoints are in `artifacts` under `pbt/<study>/<trial>/<step>` (all of them,
 * or each member's latest `checkpointsToKeep`). Decisions
 * draw from a stream keyed by (seed, trial number, step), so the same population gives the
 * same decision on any worker. Read the schedule back with `pbtLineage` and `pbtSchedule`.
 * @example
 * const pbt = new PBTScheduler({
 *   populationSize: 8,
 *   perturbationInterval: 4,
 *   hyperparamMutations: { lr: { low: 1e-4, high: 1, log: true } },
 *   seed: 1,
 * });
 * await study.optimize(async (trial) => {
 *   const member = pbt.member(study, trial); // suggests lr from its range
 *   let model = newModel();
 *   let accuracy = 0;
 *   for (let epoch = 1; epoch <= 40; epoch++) {
 *     trainEpoch(model, member.hyperparams.lr as number);
 *     accuracy = evaluate(model);
 *     const next = await member.step(accuracy, epoch, () => model.toJSON());
 *     if (next.exploited) model = fromJSON(next.checkpoint);
 *   }
 *   return accuracy;
 * }, { nTrials: 8, concurrency: 8 });
 */
export class PBTScheduler {
  readonly populationSize: number;
  readonly perturbationInterval: number;
  readonly quantileFraction: number;
  readonly resampleProbability: number;
  readonly perturbationFactors: readonly [number, number];
  readonly seed: number;
  /** Each member's own checkpoints kept, or null for all. */
  readonly checkpointsToKeep: number | null;
  /** The store given in the options, or null to use each study's (`study.artifacts`). */
  readonly artifacts: ArtifactStore | null;
  /** For a study without a store of its own (a `PbtStudy` that is not a `Study`). */
  readonly #fallback = new MemoryArtifactStore();
  readonly #mutations: ReadonlyMap<string, Mutation>;
  /** Members running in this process, by study: their latest rounds before storage has them. */
  readonly #live = new Map<string, Map<number, Trial>>();

  constructor(options: PBTSchedulerOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`${OWNER}: options must be an object`);
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) {
        throw new TypeError(
          `${OWNER}: unknown option "${key}"; the options are ${OPTION_KEYS.join(", ")}`,
        );
      }
    }
    this.populationSize = integer("populationSize", options.populationSize, 2);
    this.perturbationInterval = integer("perturbationInterval", options.perturbationInterval, 1);
    this.quantileFraction = fraction("quantileFraction", options.quantileFraction ?? 0.25, 0.5);
    this.resampleProbability = fraction(
      "resampleProbability",
      options.resampleProbability ?? 0.25,
      1,
    );
    const factors = options.perturbationFactors ?? [1.2, 0.8];
    if (
      !Array.isArray(factors) ||
      factors.length !== 2 ||
      !factors.every((f) => typeof f === "number" && Number.isFinite(f) && f > 0)
    ) {
      throw new RangeError(
        `${OWNER}: perturbationFactors must be two positive numbers, got ${JSON.stringify(factors)}`,
      );
    }
    this.perturbationFactors = [factors[0], factors[1]];
    this.checkpointsToKeep =
      options.checkpointsToKeep === undefined
        ? null
        : integer("checkpointsToKeep", options.checkpointsToKeep, 2);
    this.#mutations = checkMutations(OWNER, options.hyperparamMutations);
    const seed = options.seed ?? Rng.randomSeed();
    if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
      throw new TypeError(`${OWNER}: seed must be a safe integer, got ${String(seed)}`);
    }
    this.seed = seed;
    const artifacts = options.artifacts ?? null;
    if (artifacts !== null && !isArtifactStore(artifacts)) {
      throw new TypeError(`${OWNER}: artifacts must be an ArtifactStore (put, get, delete)`);
    }
    this.artifacts = artifacts;
  }

  /** Where the checkpoints of `study`'s members go: `artifacts`, else the study's own store. */
  artifactsFor(study: PbtStudy): ArtifactStore {
    return this.artifacts ?? study.artifacts ?? this.#fallback;
  }

  /**
   * The member a trial is: its hyperparameters start from the trial's params of the same
   * names (suggest them first to choose their distributions), or are suggested from the
   * mutation ranges and choices.
   */
  member(study: PbtStudy, trial: Trial): PbtMember {
    if (study.directions.length !== 1) {
      throw new TypeError(
        `${OWNER}: population-based training needs a single-objective study; this one has ` +
          `${study.directions.length} objectives`,
      );
    }
    const hyperparams: Record<string, ParamValue> = {};
    for (const [name, mutation] of this.#mutations) {
      if (name in trial.params) hyperparams[name] = trial.params[name] as ParamValue;
      else if (mutation.kind === "choices") {
        hyperparams[name] = trial.suggestCategorical(name, mutation.choices);
      } else {
        const options = { log: mutation.log };
        hyperparams[name] = mutation.int
          ? trial.suggestInt(name, mutation.low, mutation.high, options)
          : trial.suggestFloat(name, mutation.low, mutation.high, options);
      }
    }
    let live = this.#live.get(study.studyName);
    if (live === undefined) {
      live = new Map();
      this.#live.set(study.studyName, live);
    }
    live.set(trial.number, trial);
    return new PbtMember(this, study, trial, hyperparams);
  }

  /** The artifact key of a member's checkpoint at a step. */
  checkpointKey(studyName: string, trialNumber: number, step: number): string {
    return `${studyArtifactPrefix("pbt", studyName)}/${trialNumber}/${step}`;
  }

  /**
   * The decision for member `self` at a perturbation point, from a snapshot of the study's
   * trials (pure: the same trials, seed, trial number and step give the same decision).
   * `self.score` is its score now; the other members' come from their latest rounds.
   */
  decide(
    trials: readonly FrozenTrial[],
    self: { readonly number: number; readonly step: number; readonly score: number },
    direction: StudyDirection,
  ): PbtDecision {
    const members = new Set<number>([self.number]);
    const others: { number: number; score: number; round: PbtRound }[] = [];
    for (const trial of trials) {
      if (trial === undefined) continue;
      const rounds = roundsOf(trial);
      if (rounds.length === 0) continue;
      members.add(trial.number);
      if (trial.number === self.number || trial.state !== "RUNNING") continue;
      const round = rounds.at(-1) as PbtRound;
      others.push({ number: trial.number, score: round.score, round });
    }
    if (members.size < this.populationSize || others.length === 0) {
      return { action: "continue", reason: "population" };
    }
    const population = [...others, { number: self.number, score: self.score, round: null }];
    const sign = direction === "maximize" ? 1 : -1;
    // Worst first; among equal scores the higher trial number ranks lower.
    population.sort((a, b) => sign * (a.score - b.score) || b.number - a.number);
    let n = Math.ceil(population.length * this.quantileFraction);
    if (n > population.length / 2) n = Math.floor(population.length / 2);
    const bottom = population.slice(0, n);
    if (!bottom.some((m) => m.number === self.number))
      return { action: "continue", reason: "kept" };
    const top = population.slice(population.length - n);
    const rng = Rng.from(this.seed, "pbt", self.number, self.step);
    const source = top[rng.below(top.length)] as (typeof others)[number];
    const settings = {
      mutations: this.#mutations,
      resampleProbability: this.resampleProbability,
      perturbationFactors: this.perturbationFactors,
    };
    return {
      action: "exploit",
      source: source.number,
      sourceStep: source.round.step,
      checkpoint: source.round.checkpoint,
      hyperparams: explore(settings, source.round.next, rng),
    };
  }

  /** The study's trials with this process's running members as they stand now. @internal */
  async population(study: PbtStudy): Promise<FrozenTrial[]> {
    const trials = [...(await study.trials())];
    const live = this.#live.get(study.studyName);
    if (live === undefined) return trials;
    const index = new Map<number, number>();
    for (const [i, t] of trials.entries()) index.set(t.number, i);
    for (const [number, trial] of live) {
      const at = index.get(number);
      const stored = at === undefined ? undefined : trials[at];
      if (stored !== undefined && stored.state !== "RUNNING") {
        live.delete(number);
        continue;
      }
      if (at === undefined) trials.push(trial.toFrozen());
      else trials[at] = trial.toFrozen();
    }
    return trials;
  }
}

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${OWNER}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function fraction(name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= max)) {
    throw new RangeError(`${OWNER}: ${name} must be a number in [0, ${max}], got ${String(value)}`);
  }
  return value;
}
