/**
 * What the population samplers (NSGA, GA, DE) share: comparing trials, their
 * search space, and random draws.
 * @internal
 */
import { totalViolation } from "../../core/constraints.js";
import { type Distribution, type ParamValue, sameDistribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { SearchSpace } from "../../core/search-space.js";
import type { StudyDirection } from "../../core/types.js";

/**
 * Orders trials best first: feasible before infeasible (by total violation, when
 * `constraints`), then by value in the study's direction, then by trial number.
 */
export function compareTrials(
  direction: StudyDirection,
  constraints: boolean,
): (a: FrozenTrial, b: FrozenTrial) => number {
  const sign = direction === "maximize" ? -1 : 1;
  return (a, b) => {
    if (constraints) {
      const va = totalViolation(a);
      const vb = totalViolation(b);
      if (va !== vb) return va - vb;
    }
    const d = sign * ((a.values?.[0] as number) - (b.values?.[0] as number));
    return d !== 0 && !Number.isNaN(d) ? d : a.number - b.number;
  };
}

/** Throws unless the study has one objective. */
export function checkSingleObjective(directions: readonly StudyDirection[], sampler: string): void {
  if (directions.length !== 1) {
    throw new RangeError(
      `${sampler}: optimizes a single objective, the study has ${directions.length}; use NSGAIISampler for several`,
    );
  }
}

const spaces = new WeakMap<readonly FrozenTrial[], SearchSpace>();

/**
 * The parameters all `members` of a population share with the same distribution, by name,
 * single-valued ones left out: the space their children are bred in. Cached per members
 * array, so a generation computes it once.
 */
export function populationSpace(members: readonly FrozenTrial[]): SearchSpace {
  let space = spaces.get(members);
  if (space === undefined) {
    const first = members[0];
    const shared: Record<string, Distribution> = {};
    for (const name of Object.keys(first?.distributions ?? {}).sort()) {
      const distribution = first?.distributions[name] as Distribution;
      const single =
        distribution.type === "categorical"
          ? distribution.choices.length === 1
          : distribution.low === distribution.high;
      if (single) continue;
      if (
        members.every((m) => {
          const other = m.distributions[name];
          return other !== undefined && sameDistribution(other, distribution);
        })
      ) {
        shared[name] = distribution;
      }
    }
    space = shared;
    spaces.set(members, space);
  }
  return space;
}

/** A uniformly random choice of a categorical distribution. */
export function randomChoice(distribution: Distribution, u: number): ParamValue {
  if (distribution.type !== "categorical") throw new TypeError("randomChoice: not categorical");
  const n = distribution.choices.length;
  return distribution.choices[Math.min(n - 1, Math.floor(u * n))] ?? null;
}
