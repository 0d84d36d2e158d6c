import { describe, expect, it } from "vitest";
import { type Distribution, floatDistribution } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { setLogLevel } from "../../index.js";
import { CmaEsSampler, type CmaEsSamplerOptions } from "./index.js";

/**
 * Drives a sampler over plain trials, as a study would (one worker, no storage), which is
 * ten times faster than a study for the statistical tests below.
 */
function drive(
  options: CmaEsSamplerOptions,
  space: Record<string, Distribution>,
  f: (params: Record<string, number>) => number,
  budget: number,
): number {
  const sampler = new CmaEsSampler(options);
  const trials: FrozenTrial[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < budget; i++) {
    const running: FrozenTrial = {
      number: i,
      state: "RUNNING",
      values: null,
      params: {},
      distributions: {},
      intermediateValues: {},
      userAttrs: {},
      systemAttrs: {},
      datetimeStart: null,
      datetimeComplete: null,
      durationMs: null,
    };
    trials.push(running);
    const context = { directions: ["minimize" as const], trials, trial: running };
    const relative = sampler.inferRelativeSearchSpace(context);
    const sample =
      Object.keys(relative).length > 0 ? sampler.sampleRelative(context, relative) : null;
    const params: Record<string, number> = {};
    for (const [name, d] of Object.entries(space)) {
      params[name] = (sample?.params[name] ??
        sampler.sampleIndependent(context, name, d)) as number;
    }
    const value = f(params);
    best = Math.min(best, value);
    trials[i] = {
      ...running,
      state: "COMPLETE",
      values: [value],
      params,
      distributions: space,
      systemAttrs: sample?.systemAttrs ?? {},
      datetimeComplete: String(i).padStart(9, "0"),
    };
  }
  return best;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};

setLogLevel("error");

describe("CmaEsSampler restarts over many runs", () => {
  it("IPOP escapes the local minima of 5-D Rastrigin more often than one run (10 seeds)", () => {
    const space: Record<string, Distribution> = {};
    for (let k = 0; k < 5; k++) space[`x${k}`] = floatDistribution(`x${k}`, -5.12, 5.12);
    const rastrigin = (p: Record<string, number>) => {
      let s = 50;
      for (let k = 0; k < 5; k++) {
        const x = p[`x${k}`] as number;
        s += x * x - 10 * Math.cos(2 * Math.PI * x);
      }
      return s;
    };
    const results = (restartStrategy: "none" | "ipop") =>
      Array.from({ length: 10 }, (_, seed) =>
        drive({ seed: seed + 1, restartStrategy }, space, rastrigin, 4000),
      );
    const none = results("none");
    const ipop = results("ipop");
    // Measured: within 3.5 of the optimum (at most 3 cells off) in 3/10 runs without
    // restarts and 7/10 with IPOP (BIPOP: 7/10 too); medians 5.97 and 2.98.
    const near = (values: number[]) => values.filter((v) => v < 3.5).length;
    expect(near(ipop)).toBeGreaterThanOrEqual(near(none) + 3);
    expect(median(ipop)).toBeLessThan(median(none) - 1);
  });
});
