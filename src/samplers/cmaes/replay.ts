/**
 * The state of a CMA-ES study, re-derived from its trials: any worker, in any process,
 * replays the same completed generations and reaches the same distribution.
 *
 * Each trial that CMA-ES sampled carries, in its system attrs, the search space's
 * signature, its run (restart) and generation, and the raw point x it was sampled at
 * (`AttrKey`). Generation g of run r is told to CMA-ES as soon as λ of its trials have
 * completed: the first λ in order of completion (`datetimeComplete`, then trial number).
 * Trials of an older generation that complete later are ignored; trials of a later one
 * (another worker was ahead) wait in their bucket. A restart's parameters follow from the
 * seed and the told history (`restarts.ts`), so they too are the same on every worker.
 *
 * The replay is incremental: one instance per study and space keeps a watermark of trials
 * that can no longer change, so an ask costs the trials finished since the last ask, not
 * the study's length. A fresh sampler (another worker) replays from the start once.
 */
import type { Distribution } from "../../core/distributions.js";
import { type FrozenTrial, lastIntermediate, SystemAttr } from "../../core/frozen-trial.js";
import type { StudyDirection } from "../../core/types.js";
import { toUnit } from "../../core/unit-transform.js";
import { CmaEngine, type RunStart } from "./engine.js";
import type { DiscreteCoordinate } from "./margin.js";
import { planRestart, type RestartBudget, type RestartStrategy } from "./restarts.js";
import { strategyParameters } from "./strategy.js";

/** System attribute keys of trials sampled by CMA-ES. */
export const AttrKey = {
  space: "cmaes:space",
  run: "cmaes:run",
  generation: "cmaes:generation",
  popsize: "cmaes:popsize",
  x: "cmaes:x",
} as const;

/** What a replay needs to know that does not come from the trials. */
export interface ReplayConfig {
  readonly seed: number;
  readonly signature: string;
  readonly names: readonly string[];
  readonly distributions: readonly Distribution[];
  readonly separable: boolean;
  readonly lrAdapt: boolean;
  readonly discrete: readonly DiscreteCoordinate[];
  readonly popsize0: number;
  readonly sigma0: number;
  readonly start: RunStart;
  readonly restartStrategy: RestartStrategy;
  readonly incPopsize: number;
  readonly considerPrunedTrials: boolean;
}

interface Entry {
  readonly number: number;
  readonly x: Float64Array;
  readonly value: number;
  readonly completed: string;
}

/** The replayed state of one study over one search space. */
export class GenerationReplay {
  readonly config: ReplayConfig;
  run = 0;
  popsize: number;
  engine: CmaEngine;
  /** Why each finished run stopped, oldest first. */
  readonly stops: string[] = [];
  /** Told trials, in the order they were told (for tests and debugging). */
  told = 0;
  readonly #budget: RestartBudget = { large: 0, small: 0, largeRestarts: 0 };
  #regime: "large" | "small" = "large";
  readonly #buckets = new Map<string, Entry[]>();
  #watermark = 0;
  readonly #seenAbove = new Set<number>();

  constructor(config: ReplayConfig) {
    this.config = config;
    this.popsize = config.popsize0;
    this.engine = this.#engine(config.popsize0, config.start);
  }

  #engine(popsize: number, start: RunStart): CmaEngine {
    const c = this.config;
    const params = strategyParameters(c.names.length, popsize, c.separable);
    return new CmaEngine({ params, discrete: c.discrete, lrAdapt: c.lrAdapt }, start);
  }

  /** Folds in the trials finished since the last call and tells every complete generation. */
  update(trials: readonly FrozenTrial[], direction: StudyDirection): void {
    const fresh: Entry[] = [];
    let advancing = true;
    for (let i = this.#watermark; i < trials.length; i++) {
      const trial = trials[i] as FrozenTrial;
      const done = trial.state === "COMPLETE" || trial.state === "PRUNED" || trial.state === "FAIL";
      if (done && !this.#seenAbove.has(trial.number)) {
        const entry = this.#entry(trial, direction);
        if (entry !== null) fresh.push(entry);
      }
      if (advancing && done) {
        this.#watermark = i + 1;
        this.#seenAbove.delete(trial.number);
      } else {
        advancing = false;
        if (done) this.#seenAbove.add(trial.number);
      }
    }
    if (fresh.length === 0) return;
    fresh.sort((p, q) =>
      p.completed < q.completed ? -1 : p.completed > q.completed ? 1 : p.number - q.number,
    );
    for (const entry of fresh) {
      const trial = trials[entry.number] as FrozenTrial;
      const run = trial.systemAttrs[AttrKey.run] as number;
      const generation = trial.systemAttrs[AttrKey.generation] as number;
      if (run < this.run || (run === this.run && generation < this.engine.generation)) continue;
      const key = `${run}:${generation}`;
      const bucket = this.#buckets.get(key);
      if (bucket === undefined) this.#buckets.set(key, [entry]);
      else bucket.push(entry);
    }
    this.#tellReady();
  }

  #tellReady(): void {
    for (;;) {
      const key = `${this.run}:${this.engine.generation}`;
      const bucket = this.#buckets.get(key);
      if (bucket === undefined || bucket.length < this.popsize) return;
      this.#buckets.delete(key);
      const chosen = bucket.slice(0, this.popsize);
      this.engine.tell(
        chosen.map((e) => e.x),
        chosen.map((e) => e.value),
      );
      this.told += this.popsize;
      if (this.config.restartStrategy !== "none") {
        const reason = this.engine.stopReason();
        if (reason !== null) this.#restart(reason);
      }
    }
  }

  #restart(reason: string): void {
    const c = this.config;
    const strategy = c.restartStrategy;
    if (strategy === "none") return;
    this.stops.push(reason);
    const used = this.engine.generation * this.popsize;
    if (this.#regime === "large") this.#budget.large += used;
    else this.#budget.small += used;
    for (const key of this.#buckets.keys()) {
      if (Number(key.split(":")[0]) <= this.run) this.#buckets.delete(key);
    }
    this.run++;
    const plan = planRestart(
      strategy,
      this.run,
      {
        seed: c.seed,
        n: c.names.length,
        popsize0: c.popsize0,
        sigma0: c.sigma0,
        incPopsize: c.incPopsize,
      },
      this.#budget,
    );
    this.#regime = plan.regime;
    this.popsize = plan.popsize;
    this.engine = this.#engine(plan.popsize, { mean: plan.mean, sigma: plan.sigma });
  }

  /** The trial as a told solution, or null when it does not belong to this replay. */
  #entry(trial: FrozenTrial, direction: StudyDirection): Entry | null {
    const c = this.config;
    const attrs = trial.systemAttrs;
    if (attrs[AttrKey.space] !== c.signature) return null;
    if (typeof attrs[AttrKey.run] !== "number" || typeof attrs[AttrKey.generation] !== "number") {
      return null;
    }
    let value: number | undefined;
    if (trial.state === "COMPLETE") value = trial.values?.[0];
    else if (trial.state === "PRUNED" && c.considerPrunedTrials) {
      value = lastIntermediate(trial)?.value;
    }
    if (value === undefined || !Number.isFinite(value)) return null;
    const n = c.names.length;
    const raw = attrs[AttrKey.x];
    const x = new Float64Array(n);
    if (Array.isArray(raw) && raw.length === n) for (let i = 0; i < n; i++) x[i] = Number(raw[i]);
    else for (let i = 0; i < n; i++) x[i] = Number.NaN;
    // Params fixed by enqueueTrial were evaluated instead of the sampled ones.
    const fixed = (attrs[SystemAttr.fixedParams] ?? {}) as Readonly<Record<string, unknown>>;
    for (let i = 0; i < n; i++) {
      const name = c.names[i] as string;
      if (!(name in trial.params)) return null;
      if (name in fixed || !Number.isFinite(x[i] as number)) {
        x[i] = toUnit(c.distributions[i] as Distribution, trial.params[name]);
      }
    }
    return {
      number: trial.number,
      x,
      value: direction === "maximize" ? -value : value,
      completed: trial.datetimeComplete ?? "",
    };
  }
}
