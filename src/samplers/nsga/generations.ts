/**
 * Generations of a population-based sampler, kept in trial system attributes so that any
 * worker of a concurrent or distributed study continues the same generation (the scheme of
 * Optuna's NSGAIISampler).
 *
 * Each trial records the generation it belongs to when it is prepared. Generation 0 is
 * sampled at random. Generation g is complete once it has `populationSize` COMPLETE trials;
 * its population is then `select(its complete trials, the population of g − 1)`. A new trial
 * belongs to the generation after the last complete one (more trials than `populationSize`
 * may join a generation when workers run concurrently; all of them compete for survival).
 * The chain is recomputed from the snapshot on every ask, so all workers agree on it; a
 * cache keyed by the identity of the trial objects skips generations that did not change.
 */
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialContext } from "../../core/snapshot.js";
import type { Attrs } from "../../core/types.js";

/** A generation's surviving population, with what the selection computed about it. */
export interface Population<T> {
  readonly generation: number;
  readonly members: readonly FrozenTrial[];
  /** Selection data for parent choice (ranks, distances), aligned with `members`. */
  readonly data: T;
}

/** The survivor selection of a sampler: the next population from candidates. */
export type SelectPopulation<T> = (
  candidates: readonly FrozenTrial[],
  generation: number,
  previous: Population<T> | null,
) => { members: readonly FrozenTrial[]; data: T };

/** The generation of the trial being sampled and the population its parents come from. */
export interface Lineage<T> {
  readonly generation: number;
  /** False for a trial that skipped `prepareTrial` (enqueued): its generation is to be saved. */
  readonly recorded: boolean;
  /** The previous generation's population; null in generation 0. */
  readonly parents: Population<T> | null;
}

interface CacheEntry<T> {
  readonly candidates: readonly FrozenTrial[];
  readonly previous: Population<T> | null;
  readonly population: Population<T>;
}

function sameTrials(a: readonly FrozenTrial[], b: readonly FrozenTrial[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Tracks the generations of one sampler through a system attribute. */
export class GenerationTracker<T> {
  readonly attr: string;
  readonly populationSize: number;
  readonly #select: SelectPopulation<T>;
  readonly #cache: CacheEntry<T>[] = [];
  /** The study asks for the space and the sample with one context object: computed once. */
  readonly #lineages = new WeakMap<TrialContext, Lineage<T>>();

  constructor(attr: string, populationSize: number, select: SelectPopulation<T>) {
    this.attr = attr;
    this.populationSize = populationSize;
    this.#select = select;
  }

  /** The generation `trial` belongs to, or null when it has none. */
  generationOf(trial: FrozenTrial): number | null {
    const g = trial.systemAttrs[this.attr];
    return typeof g === "number" && Number.isSafeInteger(g) && g >= 0 ? g : null;
  }

  /** The trials of each generation, by generation. */
  byGeneration(trials: readonly FrozenTrial[]): FrozenTrial[][] {
    const groups: FrozenTrial[][] = [];
    for (const trial of trials) {
      const g = this.generationOf(trial);
      if (g === null || g > trials.length) continue;
      while (groups.length <= g) groups.push([]);
      (groups[g] as FrozenTrial[]).push(trial);
    }
    return groups;
  }

  /**
   * The population of the last complete generation at most `limit` (null when generation 0
   * is not complete yet).
   */
  latest(trials: readonly FrozenTrial[], limit = Number.POSITIVE_INFINITY): Population<T> | null {
    const groups = this.byGeneration(trials);
    let population: Population<T> | null = null;
    for (let g = 0; g < groups.length && g <= limit; g++) {
      const candidates = (groups[g] as FrozenTrial[]).filter(
        (t) => t.state === "COMPLETE" && t.values !== null,
      );
      if (candidates.length < this.populationSize) break;
      const cached = this.#cache[g];
      if (
        cached !== undefined &&
        cached.previous === population &&
        sameTrials(cached.candidates, candidates)
      ) {
        population = cached.population;
        continue;
      }
      const { members, data } = this.#select(candidates, g, population);
      const next: Population<T> = { generation: g, members, data };
      this.#cache[g] = { candidates, previous: population, population: next };
      this.#cache.length = g + 1;
      population = next;
    }
    return population;
  }

  /** The generation a new trial joins: one after the last complete generation. */
  nextGeneration(trials: readonly FrozenTrial[]): number {
    return (this.latest(trials)?.generation ?? -1) + 1;
  }

  /** The generation and parent population of the trial `context` samples for. */
  lineage(context: TrialContext): Lineage<T> {
    let lineage = this.#lineages.get(context);
    if (lineage === undefined) {
      const recordedGeneration = this.generationOf(context.trial);
      const generation = recordedGeneration ?? this.nextGeneration(context.trials);
      const latest = generation > 0 ? this.latest(context.trials, generation - 1) : null;
      lineage = {
        generation,
        recorded: recordedGeneration !== null,
        parents: latest !== null && latest.generation === generation - 1 ? latest : null,
      };
      this.#lineages.set(context, lineage);
    }
    return lineage;
  }

  /** The system attributes that put a new trial in its generation. */
  prepare(trials: readonly FrozenTrial[]): Attrs {
    return { [this.attr]: this.nextGeneration(trials) };
  }
}
