/**
 * A study: a named optimization over one storage, with a sampler and a pruner.
 * Made by `createStudy` or `loadStudy`.
 */
import type { Pruner } from "../pruners/pruner.js";
import type { Sampler } from "../samplers/sampler.js";
import type { Storage, StudyRecord, TrialTemplate } from "../storages/storage.js";
import type { ArtifactStore } from "./artifact-store.js";
import { bestCompleteTrial, paretoFront } from "./best-trials.js";
import { type Distribution, type ParamValue, parseDistribution } from "./distributions.js";
import { SamplerExhaustedError, TrialFinishedError } from "./errors.js";
import { type FrozenTrial, lastIntermediate, SystemAttr } from "./frozen-trial.js";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.js";
import { jsonProblem } from "./json-check.js";
import { logger } from "./logger.js";
import { checkObjectiveResult } from "./objective-result.js";
import {
  type Objective,
  type OptimizeOptions,
  type ProgressReporter,
  runOptimize,
} from "./optimize.js";
import type { StudySnapshot, TrialContext } from "./snapshot.js";
import { Trial, type TrialHost } from "./trial.js";
import { TrialCache } from "./trial-cache.js";
import { checkTrialToAdd, type TrialToAdd } from "./trial-import.js";
import type { Attrs, JsonValue, StudyDirection, TrialState } from "./types.js";
import { WriteQueue } from "./write-queue.js";

/** How a trial ended, as the study records it. @internal */
export interface TrialOutcome {
  readonly trial: Trial | number;
  readonly state: "COMPLETE" | "PRUNED" | "FAIL";
  readonly values: readonly number[] | null;
  readonly failReason?: string;
}

/** What `tell` accepts: the objective's value(s), or the state a trial ended in. */
export type TellResult = number | readonly number[] | "PRUNED" | "FAIL";

/** Options of `tell`. */
export interface TellOptions {
  /** Why the trial failed, kept as its fail reason; only with "FAIL". */
  readonly failReason?: string;
}

/** Options of `enqueueTrial`. */
export interface EnqueueOptions {
  readonly userAttrs?: Readonly<Record<string, JsonValue>>;
  /** Do nothing when a trial with exactly these params already exists. */
  readonly skipIfExists?: boolean;
}

/** How a study behaves in this process (not stored with it). @internal */
export interface StudyRuntime extends HeartbeatOptions {
  readonly progress?: (total: number | null) => ProgressReporter;
  /** Where trials keep checkpoints; null: none (saveCheckpoint explains). */
  readonly artifacts?: ArtifactStore | null;
}

/** How many claim clashes an ask survives before giving up (another worker keeps winning). */
const MAX_CLAIM_RETRIES = 1000;

/** A named optimization: ask for trials, tell their results, read the best. */
export class Study {
  readonly studyName: string;
  readonly directions: readonly StudyDirection[];
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly storage: Storage;
  /** Where this study's trials keep checkpoints (`trial.saveCheckpoint`), or null for none. */
  readonly artifacts: ArtifactStore | null;
  readonly #studyId: number;
  readonly #cache = new TrialCache();
  readonly #writes: WriteQueue;
  #askChain: Promise<unknown> = Promise.resolve();
  #stopRequested = false;
  /** Trials this process started and has not told yet. */
  readonly #live = new Map<number, Trial>();
  readonly #host: TrialHost;
  readonly #progress: ((total: number | null) => ProgressReporter) | undefined;
  readonly #heartbeat: Heartbeat | null = null;

  /** @internal Use `createStudy` or `loadStudy`. */
  constructor(
    record: StudyRecord,
    storage: Storage,
    sampler: Sampler,
    pruner: Pruner,
    runtime: StudyRuntime = {},
  ) {
    this.#progress = runtime.progress;
    if (runtime.heartbeatIntervalMs !== undefined) {
      this.#heartbeat = new Heartbeat(storage, record.studyId, {
        ...runtime,
        heartbeatIntervalMs: runtime.heartbeatIntervalMs,
      });
    }
    this.studyName = record.studyName;
    this.directions = record.directions;
    this.storage = storage;
    this.sampler = sampler;
    this.pruner = pruner;
    this.artifacts = runtime.artifacts ?? null;
    this.#studyId = record.studyId;
    // After a running trial's reports land, read what other workers reported meanwhile, so
    // that pruning decisions (synchronous) see the whole study.
    this.#writes = new WriteQueue(storage, record.studyId, () =>
      this.#cache.refresh(storage, record.studyId),
    );
    this.#host = {
      studyName: this.studyName,
      directions: this.directions,
      artifacts: this.artifacts,
      sampleIndependent: (context, name, distribution) =>
        sampler.sampleIndependent(withPeers(context, pruner), name, distribution),
      prune: (context) => pruner.prune(context),
      latestTrials: () => this.#latestTrials(),
      markDirty: (trial) => this.#writes.markDirty(trial),
    };
  }

  /**
   * The trials as this process last read them, with the trials it is running shown as they
   * stand now (their latest reports), for pruning decisions.
   */
  #latestTrials(): readonly FrozenTrial[] {
    if (this.#live.size === 0) return this.#cache.trials;
    const trials = this.#cache.trials.slice();
    for (const [number, trial] of this.#live) trials[number] = trial.liveView();
    return trials;
  }

  /** The direction of a single-objective study. */
  get direction(): StudyDirection {
    if (this.directions.length !== 1) {
      throw new TypeError("study.direction: this study has several objectives; read directions");
    }
    return this.directions[0] as StudyDirection;
  }

  /**
   * Runs the objective on new trials until `nTrials` ran, `timeoutMs` passed, the sampler
   * ran out of points, or `stop()` was called.
   * @example
   * await study.optimize((trial) => (trial.suggestFloat("x", -10, 10) - 2) ** 2, { nTrials: 100 });
   */
  optimize(objective: Objective, options: OptimizeOptions = {}): Promise<void> {
    const progress = options.progress ?? this.#progress;
    return runOptimize(this, objective, progress ? { ...options, progress } : options);
  }

  /**
   * Writes what the running trials of this process changed (params, reports, attrs) to the
   * storage now, instead of a tick later; resolves when it is stored. Call it before closing
   * a storage you opened yourself while trials are running.
   * @example
   * const trial = await study.ask();
   * trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
   * await study.flush(); // other workers now see the running trial's lr
   */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /** Ends `optimize` after the running trials finish; no new trial starts. */
  stop(): void {
    this.#stopRequested = true;
  }

  /** @internal */
  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** @internal */
  resetStop(): void {
    this.#stopRequested = false;
  }

  /**
   * Starts a trial for an ask-and-tell loop; with `fixedDistributions`, those params are
   * suggested at once.
   * @example
   * const trial = await study.ask({ x: { type: "float", low: 0, high: 1, log: false, step: null } });
   * await study.tell(trial, (trial.params.x as number) ** 2);
   */
  async ask(fixedDistributions?: Readonly<Record<string, Distribution>>): Promise<Trial> {
    const checked = Object.entries(fixedDistributions ?? {}).map(
      ([name, raw]) => [name, parseDistribution(name, raw)] as const,
    );
    const [trial] = await this.askMany(1);
    if (trial === undefined) {
      throw new SamplerExhaustedError("the sampler has no point left to try in this study");
    }
    for (const [name, distribution] of checked) trial.suggestDistribution(name, distribution);
    return trial;
  }

  /**
   * Starts up to `n` trials in one storage round trip (fewer when the sampler's space runs
   * out). Enqueued trials come first.
   */
  askMany(n: number): Promise<Trial[]> {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`askMany: n must be a positive integer, got ${String(n)}`);
    }
    // Asks run one at a time in this process, so claims and snapshots never interleave.
    const next = this.#askChain.then(() => this.#askBatch(n));
    this.#askChain = next.catch(() => undefined);
    return next;
  }

  async #askBatch(n: number): Promise<Trial[]> {
    await this.#heartbeat?.reap();
    const now = new Date().toISOString();
    let snapshot = await this.#cache.sync(this.storage, this.#studyId);
    // Enqueued trials show in the read just made; one enqueued since is claimed next ask.
    const started =
      this.#cache.waitingCount > 0
        ? await this.storage.claimWaitingTrials(this.#studyId, n, now)
        : [];
    for (let attempt = 0; started.length < n; attempt++) {
      if (attempt > MAX_CLAIM_RETRIES) {
        throw new Error(`ask: gave up after ${MAX_CLAIM_RETRIES} clashing claims of the sampler`);
      }
      const templates = this.#prepare(snapshot, n - started.length, now);
      if (templates.length === 0) break;
      const created = await this.storage.createTrials(this.#studyId, templates);
      for (const trial of created) if (trial !== null) started.push(trial);
      if (created.includes(null)) snapshot = await this.#cache.sync(this.storage, this.#studyId);
      else break;
    }
    this.#cache.remember(started);
    // Other workers created trials numbered below ours since the read: samplers see them all.
    if (!this.#cache.dense) await this.#cache.sync(this.storage, this.#studyId);
    await this.#heartbeat?.start(started.map((t) => t.number));
    snapshot = this.#cache.trials;
    return started.map((stored) =>
      this.#begin(stored, {
        studyName: this.studyName,
        directions: this.directions,
        trials: snapshot,
      }),
    );
  }

  #prepare(trials: readonly FrozenTrial[], count: number, now: string): TrialTemplate[] {
    const templates: TrialTemplate[] = [];
    const prepareTrial = this.sampler.prepareTrial?.bind(this.sampler);
    if (prepareTrial === undefined) {
      for (let i = 0; i < count; i++) templates.push({ state: "RUNNING", datetimeStart: now });
      return templates;
    }
    const seen = [...trials];
    for (let i = 0; i < count; i++) {
      const preparation = prepareTrial({
        studyName: this.studyName,
        directions: this.directions,
        trials: seen,
      });
      if (preparation === "exhausted") break;
      const template: TrialTemplate = {
        state: "RUNNING",
        datetimeStart: now,
        ...(preparation.systemAttrs ? { systemAttrs: preparation.systemAttrs } : {}),
        ...(preparation.claim !== undefined ? { claim: preparation.claim } : {}),
      };
      templates.push(template);
      // Later preparations in this batch must see the claims of earlier ones.
      seen.push({
        number: seen.length,
        state: "RUNNING",
        values: null,
        params: {},
        distributions: {},
        intermediateValues: {},
        userAttrs: {},
        systemAttrs: {
          ...preparation.systemAttrs,
          ...(preparation.claim !== undefined ? { [SystemAttr.claim]: preparation.claim } : {}),
        },
        datetimeStart: now,
        datetimeComplete: null,
        durationMs: null,
      });
    }
    return templates;
  }

  #begin(stored: FrozenTrial, snapshot: StudySnapshot): Trial {
    const fixed = stored.systemAttrs[SystemAttr.fixedParams];
    const fixedParams = (fixed ?? {}) as Readonly<Record<string, ParamValue>>;
    const trial = new Trial(this.#host, stored, snapshot, fixedParams);
    this.#live.set(trial.number, trial);
    const { sampler } = this;
    if (sampler.inferRelativeSearchSpace && sampler.sampleRelative) {
      const context = withPeers(
        {
          ...(snapshot.studyName !== undefined ? { studyName: snapshot.studyName } : {}),
          directions: snapshot.directions,
          trials: snapshot.trials,
          trial: stored,
        },
        this.pruner,
      );
      const space = sampler.inferRelativeSearchSpace(context);
      if (Object.keys(space).length > 0) {
        const sample = sampler.sampleRelative(context, space);
        trial.setRelative(space, sample.params);
        if (sample.systemAttrs) trial.setSystemAttrs(sample.systemAttrs);
      }
    }
    return trial;
  }

  /**
   * Finishes a trial: with its value(s) it is COMPLETE, or give "PRUNED" or "FAIL".
   * Values that are not finite numbers, one per direction, fail the trial (logged).
   * A failed trial may say why: `tell(trial, "FAIL", { failReason })` keeps the reason as
   * its `fail_reason` system attr, as the trials an objective's error fails do.
   * @example
   * const trial = await study.ask();
   * await study.tell(trial, trial.suggestFloat("x", 0, 1) ** 2);
   * await study.tell(await study.ask(), "FAIL", { failReason: "out of memory" });
   */
  async tell(
    trial: Trial | number,
    result: TellResult,
    options: TellOptions = {},
  ): Promise<FrozenTrial> {
    const { failReason } = options;
    if (failReason === undefined) {
      const [told] = await this.tellMany([{ trial, result }]);
      return told as FrozenTrial;
    }
    if (result !== "FAIL") {
      throw new TypeError(`tell: failReason goes with "FAIL" only, got ${JSON.stringify(result)}`);
    }
    if (typeof failReason !== "string") {
      throw new TypeError(`tell: failReason must be a string, got ${typeof failReason}`);
    }
    const [told] = await this.finishTrials([{ trial, state: "FAIL", values: null, failReason }]);
    return told as FrozenTrial;
  }

  /** Finishes several trials in one storage round trip. */
  tellMany(
    items: readonly { readonly trial: Trial | number; readonly result: TellResult }[],
  ): Promise<FrozenTrial[]> {
    return this.finishTrials(items.map(({ trial, result }) => this.#outcomeOf(trial, result)));
  }

  #outcomeOf(trial: Trial | number, result: TellResult): TrialOutcome {
    if (result === "PRUNED" || result === "FAIL") return { trial, state: result, values: null };
    const checked = checkObjectiveResult(result, this.directions.length);
    return checked.ok
      ? { trial, state: "COMPLETE", values: checked.values }
      : { trial, state: "FAIL", values: null, failReason: checked.reason };
  }

  /** @internal Records how trials ended: the sampler's after-trial hook, then one write. */
  async finishTrials(outcomes: readonly TrialOutcome[]): Promise<FrozenTrial[]> {
    const numbers = outcomes.map(({ trial }) => (typeof trial === "number" ? trial : trial.number));
    if (new Set(numbers).size !== numbers.length) {
      throw new RangeError(`tell: a trial appears twice in one batch (${numbers.join(", ")})`);
    }
    const live = outcomes.map(({ trial }) =>
      typeof trial === "number" ? (this.#live.get(trial) ?? null) : trial,
    );
    // Trials this process runs are known here; others must be read (storage checks states).
    const snapshot = live.every((trial) => trial !== null && !trial.finished)
      ? this.#cache.trials
      : await this.#cache.sync(this.storage, this.#studyId);
    const now = new Date().toISOString();
    const finals = outcomes.map((outcome, i) =>
      this.#finalTrial({ ...outcome, trial: live[i] ?? outcome.trial }, snapshot, now),
    );
    for (const trial of live) trial?.markFinished();
    try {
      await this.#writes.finish(finals.map((final, i) => ({ final, trial: live[i] ?? null })));
    } catch (error) {
      for (const trial of live) trial?.markUnfinished();
      throw error;
    }
    for (const final of finals) {
      this.#live.delete(final.number);
      this.#heartbeat?.stop(final.number);
      this.#log(final);
    }
    return finals;
  }

  #finalTrial(outcome: TrialOutcome, snapshot: readonly FrozenTrial[], now: string): FrozenTrial {
    const { trial } = outcome;
    const number = typeof trial === "number" ? trial : trial.number;
    if (typeof trial !== "number" && trial.finished) throw new TrialFinishedError(number, "told");
    const stored = snapshot[number];
    if (typeof trial === "number") {
      if (stored === undefined) {
        throw new RangeError(`tell: study "${this.studyName}" has no trial ${number}`);
      }
      if (stored.state !== "RUNNING" && stored.state !== "WAITING") {
        throw new TrialFinishedError(number, stored.state);
      }
    }
    // The live view needs no copy: the storage copies what it keeps.
    const current = typeof trial === "number" ? (stored as FrozenTrial) : trial.liveView();
    let values = outcome.values;
    if (outcome.state === "PRUNED" && values === null && this.directions.length === 1) {
      const last = lastIntermediate(current);
      values = last === null ? null : [last.value];
    }
    const systemAttrs: Attrs =
      outcome.failReason === undefined
        ? current.systemAttrs
        : { ...current.systemAttrs, [SystemAttr.failReason]: outcome.failReason };
    const start = current.datetimeStart ?? now;
    const final: FrozenTrial = {
      ...current,
      state: outcome.state,
      values,
      systemAttrs,
      datetimeStart: start,
      datetimeComplete: now,
      durationMs: Date.parse(now) - Date.parse(start),
    };
    const after = this.sampler.afterTrial?.(
      { studyName: this.studyName, directions: this.directions, trials: snapshot, trial: final },
      outcome.state,
      values,
    );
    if (after?.stopStudy) this.#stopRequested = true;
    return final;
  }

  #log(trial: FrozenTrial): void {
    if (trial.state === "FAIL") {
      logger.warn(
        `trial ${trial.number} failed: ${String(trial.systemAttrs[SystemAttr.failReason] ?? "")}`,
      );
    } else if (logger.enabled("info")) {
      logger.info(
        `trial ${trial.number} ${trial.state === "COMPLETE" ? "finished" : "pruned"} with values ` +
          `${JSON.stringify(trial.values)} and params ${JSON.stringify(trial.params)}`,
      );
    }
  }

  /**
   * Adds a trial that runs before any newly sampled one, with these params fixed (params
   * it does not fix are sampled).
   * @example
   * await study.enqueueTrial({ lr: 1e-3, depth: 6 });
   */
  async enqueueTrial(
    params: Readonly<Record<string, ParamValue>>,
    options: EnqueueOptions = {},
  ): Promise<void> {
    const problem = jsonProblem(params, "params");
    if (
      problem !== null ||
      params === null ||
      typeof params !== "object" ||
      Array.isArray(params)
    ) {
      throw new TypeError(`enqueueTrial: ${problem ?? "params must be an object of name → value"}`);
    }
    if (options.skipIfExists) {
      const trials = await this.#cache.sync(this.storage, this.#studyId);
      const same = (other: Readonly<Record<string, unknown>>) =>
        Object.keys(other).length === Object.keys(params).length &&
        Object.entries(params).every(([k, v]) => other[k] === v);
      const exists = trials.some((t) => {
        const fixed = t.systemAttrs[SystemAttr.fixedParams];
        return same(t.params) || (fixed !== undefined && same(fixed as Record<string, unknown>));
      });
      if (exists) return;
    }
    await this.storage.createTrials(this.#studyId, [
      {
        state: "WAITING",
        systemAttrs: { [SystemAttr.fixedParams]: { ...params } },
        ...(options.userAttrs ? { userAttrs: options.userAttrs } : {}),
      },
    ]);
  }

  /**
   * Imports finished trials (from another study, a file, a paper) so samplers learn from them.
   * @example
   * await study.addTrials([{ state: "COMPLETE", values: [0.9], params: { x: 1 },
   *   distributions: { x: { type: "int", low: 0, high: 4, log: false, step: 1 } } }]);
   */
  async addTrials(trials: readonly TrialToAdd[]): Promise<FrozenTrial[]> {
    const templates = trials.map((trial, i) => checkTrialToAdd(trial, this.directions.length, i));
    const created = await this.storage.createTrials(this.#studyId, templates);
    return created as FrozenTrial[];
  }

  /** Imports one finished trial; see `addTrials`. */
  async addTrial(trial: TrialToAdd): Promise<FrozenTrial> {
    const [created] = await this.addTrials([trial]);
    return created as FrozenTrial;
  }

  /**
   * The study's trials in number order, optionally only those in `states`. The objects are
   * shared and frozen: copy before changing.
   */
  async trials(options: { states?: readonly TrialState[] } = {}): Promise<FrozenTrial[]> {
    const trials = await this.#cache.sync(this.storage, this.#studyId);
    const { states } = options;
    return states === undefined ? [...trials] : trials.filter((t) => states.includes(t.state));
  }

  /** The best COMPLETE trial of a single-objective study. */
  async bestTrial(): Promise<FrozenTrial> {
    if (this.directions.length !== 1) {
      throw new TypeError(
        "bestTrial: this study has several objectives; bestTrials() gives its Pareto front",
      );
    }
    const best = bestCompleteTrial(await this.trials(), this.direction);
    if (best === null) throw new Error(`study "${this.studyName}" has no COMPLETE trial yet`);
    return best;
  }

  /** The value of the best trial of a single-objective study. */
  async bestValue(): Promise<number> {
    return ((await this.bestTrial()).values as readonly number[])[0] as number;
  }

  /** The params of the best trial of a single-objective study. */
  async bestParams(): Promise<Readonly<Record<string, ParamValue>>> {
    return (await this.bestTrial()).params;
  }

  /** The COMPLETE trials no other COMPLETE trial dominates (the Pareto front). */
  async bestTrials(): Promise<FrozenTrial[]> {
    return paretoFront(await this.trials(), this.directions);
  }

  /** Sets a study-level user attribute. */
  async setUserAttr(key: string, value: JsonValue): Promise<void> {
    const problem = jsonProblem(value, `user attr "${key}"`);
    if (problem !== null) throw new TypeError(`study.setUserAttr: ${problem}`);
    await this.storage.setStudyAttrs(this.#studyId, { userAttrs: { [key]: value } });
  }

  /** The study-level user attributes. */
  async userAttrs(): Promise<Attrs> {
    return (await this.storage.getStudy(this.studyName)).userAttrs;
  }
}

/** A sampler's context with the trials the pruner says ran under the same rules (if it says). */
function withPeers(context: TrialContext, pruner: Pruner): TrialContext {
  const peers = pruner.samplingPeers?.(context, context.trial.number) ?? null;
  return peers === null ? context : { ...context, peers };
}
