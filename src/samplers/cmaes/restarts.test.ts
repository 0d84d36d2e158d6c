import { describe, expect, it } from "vitest";
import { planRestart, type RestartBudget } from "./restarts.js";

const base = { seed: 3, n: 4, popsize0: 8, sigma0: 0.2, incPopsize: 2 };

describe("planRestart (IPOP and BIPOP schedules)", () => {
  it("IPOP doubles the population at each restart and keeps σ0", () => {
    const budget: RestartBudget = { large: 0, small: 0, largeRestarts: 0 };
    const plans = [1, 2, 3].map((run) => planRestart("ipop", run, base, budget));
    expect(plans.map((p) => p.popsize)).toEqual([16, 32, 64]);
    expect(plans.every((p) => p.sigma === 0.2 && p.regime === "large")).toBe(true);
    for (const p of plans) {
      expect(p.mean).toHaveLength(4);
      for (const m of p.mean) expect(m >= 0 && m < 1).toBe(true);
    }
    // A restart's mean depends on the seed and the run only: every worker draws the same.
    expect(planRestart("ipop", 2, base, budget).mean).toEqual(plans[1]?.mean);
    expect(planRestart("ipop", 2, { ...base, seed: 4 }, budget).mean).not.toEqual(plans[1]?.mean);
  });

  it("BIPOP goes to the regime that used fewer evaluations, with Hansen's small settings", () => {
    // After the first run (large, 800 evaluations) the small regime is behind: small runs.
    const budget: RestartBudget = { large: 800, small: 0, largeRestarts: 0 };
    for (let run = 1; run <= 20; run++) {
      const plan = planRestart("bipop", run, base, budget);
      expect(plan.regime).toBe("small");
      // λ_s = ⌊λ0·(½·λ_l⁺/λ0)^{U²}⌋ with λ_l⁺ = 16 gives λ0 = 8; σ = σ0·10^{−2U}.
      expect(plan.popsize).toBe(8);
      expect(plan.sigma).toBeLessThanOrEqual(0.2);
      expect(plan.sigma).toBeGreaterThan(0.2 / 100);
    }
    budget.small = 900;
    const large = planRestart("bipop", 21, base, budget);
    expect(large).toMatchObject({ regime: "large", popsize: 16, sigma: 0.2 });
    expect(budget.largeRestarts).toBe(1);
    budget.small = 500;
    budget.large = 2000;
    const sizes = new Set<number>();
    for (let run = 22; run < 60; run++) sizes.add(planRestart("bipop", run, base, budget).popsize);
    // With λ_l⁺ = 32 the small populations spread over [8, 16].
    expect(Math.min(...sizes)).toBe(8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    expect(sizes.size).toBeGreaterThan(3);
  });
});
