/** Enumerates a finite search space, conditional branches included, then stops the study. */
import {
  cardinality,
  type Distribution,
  nthValue,
  type ParamValue,
} from "../core/distributions.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { StudySnapshot, TrialContext } from "../core/snapshot.js";
import { Rng } from "../math/random.js";
import { checkSeed } from "./random-sampler.js";
import type { AfterTrialResult, Sampler, TrialPreparation } from "./sampler.js";

/**
 * A node of the tree of paths that trials took through the space: the parameter asked at
 * this point and one child per value tried. A trial that ended here makes it a leaf.
 */
interface PathNode {
  name: string | null;
  distribution: Distribution | null;
  children: Map<ParamValue, PathNode>;
  leaf: boolean;
}

function newNode(): PathNode {
  return { name: null, distribution: null, children: new Map(), leaf: false };
}

/**
 * Folds one trial's params, in the order they were suggested, into the tree. Only a
 * finished trial ends its path with a leaf: a running one may still go deeper.
 */
function addPath(root: PathNode, trial: FrozenTrial, finished: boolean): void {
  let node = root;
  for (const [name, value] of Object.entries(trial.params)) {
    node.name ??= name;
    node.distribution ??= trial.distributions[name] ?? null;
    if (node.name !== name) return; // The objective is not deterministic here: ignore the rest.
    let child = node.children.get(value);
    if (child === undefined) {
      child = newNode();
      node.children.set(value, child);
    }
    node = child;
  }
  if (finished) node.leaf = true;
}

/** True when every value under this node was tried down to the end of its branch. */
function exhausted(node: PathNode): boolean {
  if (node.leaf) return true;
  if (node.distribution === null) return false;
  if (node.children.size < cardinality(node.distribution)) return false;
  for (const child of node.children.values()) if (!exhausted(child)) return false;
  return true;
}

/**
 * Tries every configuration of a finite space once: each int, stepped float and categorical
 * value, following conditional branches as the objective takes them (Optuna's
 * BruteForceSampler). Within a branch, untried values are picked in a seeded random order.
 * The study stops once every branch is exhausted. A continuous float is an error.
 *
 * Concurrent trials avoid the values running trials took where untried ones remain.
 * @example
 * await createStudy({ sampler: new BruteForceSampler({ seed: 0 }) });
 */
export class BruteForceSampler implements Sampler {
  readonly seed: number;

  constructor(options: { seed?: number } = {}) {
    this.seed = checkSeed(options.seed, "BruteForceSampler");
  }

  prepareTrial(snapshot: StudySnapshot): TrialPreparation | "exhausted" {
    return exhausted(this.#tree(snapshot.trials, -1)) ? "exhausted" : {};
  }

  sampleIndependent(context: TrialContext, name: string, distribution: Distribution): ParamValue {
    const size = cardinality(distribution);
    if (!Number.isFinite(size)) {
      throw new RangeError(
        `BruteForceSampler: parameter "${name}" is a continuous float; give it a step or use another sampler`,
      );
    }
    const { trial } = context;
    let node: PathNode | undefined = this.#tree(context.trials, trial.number);
    for (const [prior, value] of Object.entries(trial.params)) {
      node = node?.name === prior ? node.children.get(value) : undefined;
      if (node === undefined) break;
    }
    const open: ParamValue[] = [];
    for (let k = 0; k < size; k++) {
      const value = nthValue(distribution, k);
      const child = node?.name === name ? node.children.get(value) : undefined;
      if (child === undefined || !exhausted(child)) open.push(value);
    }
    const rng = Rng.from(this.seed, trial.number, name);
    if (open.length === 0) return nthValue(distribution, rng.below(size));
    // Untried values first: a value seen in a running trial is only "open" if its branch is.
    const untried = open.filter((v) => node?.name !== name || !node.children.has(v));
    const pool = untried.length > 0 ? untried : open;
    return pool[rng.below(pool.length)] as ParamValue;
  }

  afterTrial(context: TrialContext): AfterTrialResult {
    const root = this.#tree(context.trials, context.trial.number);
    addPath(root, context.trial, true);
    return { stopStudy: exhausted(root) };
  }

  #tree(trials: readonly FrozenTrial[], exclude: number): PathNode {
    const root = newNode();
    for (const trial of trials) {
      if (trial.number === exclude || trial.state === "FAIL" || trial.state === "WAITING") continue;
      addPath(root, trial, trial.state !== "RUNNING");
    }
    return root;
  }
}
