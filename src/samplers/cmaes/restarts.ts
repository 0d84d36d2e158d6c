/**
 * Restart schedules of CMA-ES: IPOP (Auger & Hansen 2005, "A restart CMA evolution strategy
 * with increasing population size", CEC) and BIPOP (Hansen 2009, "Benchmarking a
 * BI-population CMA-ES on the BBOB-2009 function testbed", GECCO workshop).
 *
 * - IPOP: run r has population λ₀·k^r (k = `incPopsize`, 2 by default), σ₀, and a mean
 *   drawn uniformly in the box.
 * - BIPOP: after the first run (default λ₀, counted in the large regime), each restart goes
 *   to the regime that has used fewer evaluations so far. Large: λ_l = λ₀·k^i for the i-th
 *   large restart, σ₀. Small: λ_s = ⌊λ₀·(½·λ_l⁺/λ₀)^{U²}⌋ with U uniform in [0, 1) and λ_l⁺
 *   the population the next large restart would use (so λ_s ≥ λ₀ when k ≥ 2), and
 *   σ = σ₀·10^{−2U}. Both draw a uniform mean.
 * Evaluations are counted as told trials (λ per completed generation), which every worker
 * derives identically from the study's history.
 */
import { Rng } from "../../math/random.js";

/** Which schedule. */
export type RestartStrategy = "none" | "ipop" | "bipop";

/** The evaluations each BIPOP regime used, and the large restarts made. */
export interface RestartBudget {
  large: number;
  small: number;
  largeRestarts: number;
}

/** The population, step size and mean of a restart. */
export interface RestartPlan {
  readonly popsize: number;
  readonly sigma: number;
  readonly mean: Float64Array;
  readonly regime: "large" | "small";
}

/**
 * The plan of run `run` (≥ 1) under `strategy`, after the runs counted in `budget` (which
 * this updates for a large restart).
 * @example
 * planRestart("ipop", 2, { seed: 1, n: 10, popsize0: 10, sigma0: 1 / 6, incPopsize: 2 }, budget);
 */
export function planRestart(
  strategy: Exclude<RestartStrategy, "none">,
  run: number,
  base: {
    readonly seed: number;
    readonly n: number;
    readonly popsize0: number;
    readonly sigma0: number;
    readonly incPopsize: number;
  },
  budget: RestartBudget,
): RestartPlan {
  const rng = Rng.from(base.seed, "cmaes-restart", run);
  const mean = new Float64Array(base.n);
  for (let i = 0; i < base.n; i++) mean[i] = rng.uniform();
  if (strategy === "bipop" && budget.small < budget.large) {
    const u = rng.uniform();
    const nextLarge = base.popsize0 * base.incPopsize ** (budget.largeRestarts + 1);
    const popsize = Math.max(
      base.popsize0,
      Math.floor(base.popsize0 * (0.5 * (nextLarge / base.popsize0)) ** (u * u)),
    );
    return { popsize, sigma: base.sigma0 * 10 ** (-2 * u), mean, regime: "small" };
  }
  const exponent = strategy === "ipop" ? run : budget.largeRestarts + 1;
  if (strategy === "bipop") budget.largeRestarts++;
  const popsize = Math.round(base.popsize0 * base.incPopsize ** exponent);
  return { popsize, sigma: base.sigma0, mean, regime: "large" };
}
