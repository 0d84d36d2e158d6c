/**
 * A running trial, as the objective sees it: define-by-run suggestions, reports, attributes.
 *
 * Suggestions are synchronous. Values come from (in order) what this trial already has,
 * the params an enqueued trial fixed, the sampler's joint sample taken when the trial
 * started, or the sampler's independent sample. Writes are collected and flushed to storage
 * by the study in batches, and always before the trial is told.
 */
import { type ArtifactStore, studyArtifactPrefix } from "./artifact-store.js";
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { CONSTRAINTS_ATTR } from "./constraints.js";
import {
  type CategoricalChoice,
  categoricalDistribution,
  contains,
  type Distribution,
  floatDistribution,
  incompatibility,
  intDistribution,
  isSingle,
  type NumericOptions,
  type ParamValue,
  sameDistribution,
} from "./distributions.js";
import { TrialFinishedError } from "./errors.js";
import type { FrozenTrial } from "./frozen-trial.js";
import { RetryAttr } from "./heartbeat.js";
import { jsonProblem } from "./json-check.js";
import { logger } from "./logger.js";
import type { SearchSpace } from "./search-space.js";
import type { StudySnapshot, TrialContext } from "./snapshot.js";
import type { Attrs, JsonValue, StudyDirection } from "./types.js";

/** What a trial needs from its study. @internal */
export interface TrialHost {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  /** Where checkpoints go; null when the study has none. */
  readonly artifacts: ArtifactStore | null;
  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue;
  prune(context: TrialContext): boolean;
  /** The freshest trials this process has read, for pruning decisions. */
  latestTrials(): readonly FrozenTrial[];
  /** Asks the study to write this trial's pending changes soon. */
  markDirty(trial: Trial): void;
}

/** Changes not yet written to storage. @internal */
export interface PendingWrites {
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Record<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  empty: boolean;
}

function emptyWrites(): PendingWrites {
  return {
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    empty: true,
  };
}

/** A trial of a study, handed to the objective. */
export class Trial {
  /** 0, 1, 2, … per study, assigned by the storage. */
  readonly number: number;
  readonly #host: TrialHost;
  readonly #snapshot: StudySnapshot;
  readonly #datetimeStart: string | null;
  readonly #params: Record<string, ParamValue>;
  readonly #distributions: Record<string, Distribution>;
  readonly #intermediateValues: Record<number, number>;
  readonly #userAttrs: Record<string, JsonValue>;
  readonly #systemAttrs: Record<string, JsonValue>;
  readonly #fixedParams: Readonly<Record<string, ParamValue>>;
  #relativeSpace: SearchSpace = {};
  #relativeParams: Readonly<Record<string, ParamValue>> = {};
  #pending: PendingWrites = emptyWrites();
  #finished = false;

  /** @internal Made by the study's `ask`. */
  constructor(
    host: TrialHost,
    stored: FrozenTrial,
    snapshot: StudySnapshot,
    fixedParams: Readonly<Record<string, ParamValue>>,
  ) {
    this.number = stored.number;
    this.#host = host;
    this.#snapshot = snapshot;
    this.#datetimeStart = stored.datetimeStart;
    this.#params = { ...stored.params };
    this.#distributions = { ...stored.distributions };
    this.#intermediateValues = { ...stored.intermediateValues };
    this.#userAttrs = { ...stored.userAttrs };
    this.#systemAttrs = { ...stored.systemAttrs };
    this.#fixedParams = fixedParams;
  }

  /** The params suggested so far, by name. */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.#params };
  }

  /** The distributions of the params suggested so far, by name. */
  get distributions(): Readonly<Record<string, Distribution>> {
    return { ...this.#distributions };
  }

  /** The user attributes set so far. */
  get userAttrs(): Attrs {
    return { ...this.#userAttrs };
  }

  /** The system attributes (fail reasons, sampler state) known to this trial. */
  get systemAttrs(): Attrs {
    return { ...this.#systemAttrs };
  }

  /**
   * A real number in [low, high], on a log scale or a grid of `step` when asked.
   * @example
   * const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
   * const dropout = trial.suggestFloat("dropout", 0, 0.5, { step: 0.1 });
   */
  suggestFloat(name: string, low: number, high: number, options?: NumericOptions): number {
    return this.#suggest(name, () => floatDistribution(name, low, high, options)) as number;
  }

  /**
   * An integer in [low, high], on a log scale or a grid of `step` when asked.
   * @example
   * const depth = trial.suggestInt("depth", 2, 12);
   */
  suggestInt(name: string, low: number, high: number, options?: NumericOptions): number {
    return this.#suggest(name, () => intDistribution(name, low, high, options)) as number;
  }

  /**
   * One of `choices` (strings, numbers, booleans or null); the result is typed as the
   * union of the choices.
   * @example
   * const kind = trial.suggestCategorical("kind", ["gini", "entropy"] as const); // "gini" | "entropy"
   */
  suggestCategorical<const T extends readonly CategoricalChoice[]>(
    name: string,
    choices: T,
  ): T[number] {
    return this.#suggest(name, () => categoricalDistribution(name, choices)) as T[number];
  }

  /**
   * Records an intermediate value (a validation score after an epoch, say) at `step`: a
   * number, or in a study with several objectives one number per objective. A step reported
   * twice keeps its first value, as in Optuna.
   *
   * Vectors are kept as the system attr `intermediate_vectors` ({ step: [v1, v2, …] }, see
   * `intermediateVectors`), so that `intermediateValues` stays a map of numbers for every
   * reader and the storages need no new column; the median, percentile, successive-halving
   * and Hyperband pruners decide from them.
   * @example
   * trial.report(accuracy, epoch);
   * trial.report([error, latencyMs], epoch); // directions: ["minimize", "minimize"]
   */
  report(value: number | readonly number[], step: number): void {
    this.#checkRunning();
    const m = this.#host.directions.length;
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new TypeError(`trial.report: step must be a non-negative integer, got ${String(step)}`);
    }
    if (m > 1) {
      this.#reportVector(value, step, m);
      return;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new TypeError(
        `trial.report: value must be a finite number, got ${describeReported(value)}`,
      );
    }
    if (step in this.#intermediateValues) {
      logger.warn(
        `trial ${this.number}: step ${step} was already reported; the new value is ignored`,
      );
      return;
    }
    this.#intermediateValues[step] = value;
    this.#pending.intermediateValues[step] = value;
    this.#changed();
  }

  #reportVector(value: number | readonly number[], step: number, m: number): void {
    if (
      !Array.isArray(value) ||
      value.length !== m ||
      !value.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      throw new TypeError(
        `trial.report: this study has ${m} objectives; value must be an array of ${m} finite ` +
          `numbers, got ${describeReported(value)}`,
      );
    }
    const known = intermediateVectors(this.liveView());
    if (step in known) {
      logger.warn(
        `trial ${this.number}: step ${step} was already reported; the new value is ignored`,
      );
      return;
    }
    // A new object each time: trials handed out by toFrozen() keep what they saw.
    this.setSystemAttrs({ [INTERMEDIATE_VECTORS_ATTR]: { ...known, [step]: [...value] } });
  }

  /**
   * Whether the study's pruner says this trial should stop now, judged from its reports
   * and those of the other trials. In a study with several objectives, only pruners that
   * define a rule for them (median, percentile, successive halving, Hyperband, nop) accept it.
   * @example
   * if (trial.shouldPrune()) throw new TrialPruned();
   */
  shouldPrune(): boolean {
    this.#checkRunning();
    return this.#host.prune({
      studyName: this.#host.studyName,
      directions: this.#host.directions,
      trials: this.#host.latestTrials(),
      trial: this.liveView(),
    });
  }

  /**
   * Attaches a JSON value to the trial, kept with it in storage.
   * @example
   * trial.setUserAttr("accuracyPerFold", [0.91, 0.93, 0.9]);
   */
  setUserAttr(key: string, value: JsonValue): void {
    this.#checkRunning();
    const problem = jsonProblem(value, `user attr "${key}"`);
    if (problem !== null) throw new TypeError(`trial.setUserAttr: ${problem}`);
    this.#userAttrs[key] = value;
    this.#pending.userAttrs[key] = value;
    this.#changed();
  }

  /**
   * Records a constraint: the trial is feasible when every constraint value is <= 0.
   * Samplers that handle constraints (TPE, GP, NSGA-II) prefer feasible trials.
   * @example
   * trial.setConstraint("latencyMs", latencyMs - 20); // feasible when latency <= 20 ms
   */
  setConstraint(name: string, value: number): void {
    this.#checkRunning();
    if (typeof name !== "string" || name.length === 0) {
      throw new TypeError("trial.setConstraint: name must be a non-empty string");
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new TypeError(
        `trial.setConstraint: "${name}" must be a finite number, got ${String(value)}`,
      );
    }
    const current = this.#systemAttrs[CONSTRAINTS_ATTR];
    const constraints = { ...(current as Record<string, number> | undefined), [name]: value };
    this.setSystemAttrs({ [CONSTRAINTS_ATTR]: constraints });
  }

  /**
   * Saves a checkpoint of the model this trial trains (JSON data, such as weights as number
   * arrays, or bytes) in the study's artifact store (`createStudy({ artifacts })`), replacing
   * the one saved before. A trial retried after its worker died (`retryFailedTrials`) shares
   * the checkpoint of the trial it repeats, so it resumes where that one stopped.
   * @example
   * for (let epoch = start; epoch < 100; epoch++) {
   *   train(model);
   *   await trial.saveCheckpoint({ epoch, weights: [...model.weights] });
   * }
   */
  async saveCheckpoint(data: Checkpoint): Promise<void> {
    this.#checkRunning();
    await saveCheckpoint(this.#artifacts("saveCheckpoint"), this.#checkpointKey(), data);
  }

  /**
   * The checkpoint this trial (or the trial it retries) saved last, or null when there is none.
   * @example
   * const saved = (await trial.loadCheckpoint()) as { epoch: number; weights: number[] } | null;
   * const start = saved === null ? 0 : saved.epoch + 1;
   */
  async loadCheckpoint(): Promise<Checkpoint | null> {
    return loadCheckpoint(this.#artifacts("loadCheckpoint"), this.#checkpointKey());
  }

  #artifacts(method: string): ArtifactStore {
    const store = this.#host.artifacts;
    if (store === null) {
      throw new TypeError(
        `trial.${method}: study "${this.#host.studyName}" has no artifact store; pass ` +
          "`artifacts` to createStudy or loadStudy (a FileArtifactStore on a folder every " +
          "worker shares, or your own ArtifactStore). A PostgreSQL study has no default: a " +
          "folder on one machine is not shared with workers on others.",
      );
    }
    return store;
  }

  /** One key per chain of retries: the first trial's number. */
  #checkpointKey(): string {
    const origin = this.#systemAttrs[RetryAttr.retriedFrom] ?? this.number;
    return `${studyArtifactPrefix("trials", this.#host.studyName)}/${String(origin)}/checkpoint`;
  }

  /** @internal Sets state that samplers or the study keep on the trial. */
  setSystemAttrs(attrs: Attrs): void {
    Object.assign(this.#systemAttrs, attrs);
    Object.assign(this.#pending.systemAttrs, attrs);
    this.#changed();
  }

  /** @internal The sampler's joint sample, taken when the trial started. */
  setRelative(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): void {
    this.#relativeSpace = space;
    this.#relativeParams = params;
  }

  /** @internal Suggests with a ready-made distribution (ask with fixed distributions). */
  suggestDistribution(name: string, distribution: Distribution): ParamValue {
    return this.#suggest(name, () => distribution);
  }

  /** @internal Takes the changes not yet written, leaving none pending. */
  takePendingWrites(): PendingWrites | null {
    if (this.#pending.empty) return null;
    const pending = this.#pending;
    this.#pending = emptyWrites();
    return pending;
  }

  /** @internal Marks the trial finished: no more suggests, reports or attributes. */
  markFinished(): void {
    this.#finished = true;
  }

  /** @internal Undoes `markFinished` when writing the end of the trial failed. */
  markUnfinished(): void {
    this.#finished = false;
  }

  /** @internal Whether the trial was told. */
  get finished(): boolean {
    return this.#finished;
  }

  /** The trial as plain data, as it stands now (RUNNING). */
  toFrozen(): FrozenTrial {
    return {
      number: this.number,
      state: "RUNNING",
      values: null,
      params: { ...this.#params },
      distributions: { ...this.#distributions },
      intermediateValues: { ...this.#intermediateValues },
      userAttrs: { ...this.#userAttrs },
      systemAttrs: { ...this.#systemAttrs },
      datetimeStart: this.#datetimeStart,
      datetimeComplete: null,
      durationMs: null,
    };
  }

  /**
   * @internal The trial as plain data without copies, for a sampler, pruner or the study
   * to read during one synchronous call (cheaper than `toFrozen` on every suggest).
   */
  liveView(): FrozenTrial {
    return {
      number: this.number,
      state: "RUNNING",
      values: null,
      params: this.#params,
      distributions: this.#distributions,
      intermediateValues: this.#intermediateValues,
      userAttrs: this.#userAttrs,
      systemAttrs: this.#systemAttrs,
      datetimeStart: this.#datetimeStart,
      datetimeComplete: null,
      durationMs: null,
    };
  }

  #suggest(name: string, makeDistribution: () => Distribution): ParamValue {
    if (typeof name !== "string" || name.length === 0) {
      throw new TypeError(
        `suggest: the parameter name must be a non-empty string, got ${String(name)}`,
      );
    }
    this.#checkRunning();
    const distribution = makeDistribution();
    const first = this.#distributions[name];
    if (first !== undefined) {
      const problem = incompatibility(first, distribution);
      if (problem !== null) throw new TypeError(`parameter "${name}": ${problem}`);
      return this.#params[name] as ParamValue;
    }
    const value = this.#choose(name, distribution);
    this.#params[name] = value;
    this.#distributions[name] = distribution;
    this.#pending.params[name] = value;
    this.#pending.distributions[name] = distribution;
    this.#changed();
    return value;
  }

  #choose(name: string, distribution: Distribution): ParamValue {
    if (name in this.#fixedParams) {
      const fixed = this.#fixedParams[name] as ParamValue;
      if (!contains(distribution, fixed)) {
        logger.warn(
          `trial ${this.number}: the enqueued value ${JSON.stringify(fixed)} of "${name}" ` +
            `lies outside ${JSON.stringify(distribution)}; it is used as given`,
        );
      }
      return fixed;
    }
    if (isSingle(distribution)) {
      return distribution.type === "categorical"
        ? (distribution.choices[0] as ParamValue)
        : distribution.low;
    }
    const relative = this.#relativeSpace[name];
    if (
      relative !== undefined &&
      name in this.#relativeParams &&
      sameDistribution(relative, distribution)
    ) {
      return this.#relativeParams[name] as ParamValue;
    }
    const context: TrialContext = {
      studyName: this.#host.studyName,
      directions: this.#snapshot.directions,
      trials: this.#snapshot.trials,
      trial: this.liveView(),
    };
    const value = this.#host.sampleIndependent(context, name, distribution);
    if (!contains(distribution, value)) {
      throw new Error(
        `the sampler returned ${JSON.stringify(value)} for "${name}", outside ${JSON.stringify(distribution)}`,
      );
    }
    return value;
  }

  #checkRunning(): void {
    if (this.#finished) throw new TrialFinishedError(this.number, "told");
  }

  #changed(): void {
    if (this.#pending.empty) {
      this.#pending.empty = false;
      this.#host.markDirty(this);
    }
  }
}

/** The system attr that keeps the reports of a study with several objectives. */
export const INTERMEDIATE_VECTORS_ATTR = "intermediate_vectors";

const NO_VECTORS: Readonly<Record<number, readonly number[]>> = Object.freeze({});

/**
 * The reports of a trial of a study with several objectives, by step (one number per
 * objective); empty for a single-objective trial, whose reports are `intermediateValues`.
 * @example
 * intermediateVectors(trial)[3]; // [0.12, 35] when the trial reported [0.12, 35] at step 3
 */
export function intermediateVectors(
  trial: FrozenTrial,
): Readonly<Record<number, readonly number[]>> {
  const stored = trial.systemAttrs[INTERMEDIATE_VECTORS_ATTR];
  if (stored === undefined || stored === null || typeof stored !== "object") return NO_VECTORS;
  return stored as unknown as Readonly<Record<number, readonly number[]>>;
}

function describeReported(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}
