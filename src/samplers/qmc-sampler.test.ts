import { describe, expect, it } from "vitest";
import { createStudy, QMCSampler, RandomSampler } from "../index.js";

async function runQmc(sampler: QMCSampler, nTrials: number) {
  const study = await createStudy({ sampler });
  await study.optimize(
    (trial) => {
      const x = trial.suggestFloat("x", 0, 1);
      const y = trial.suggestFloat("y", -4, 4);
      const c = trial.suggestCategorical("c", ["a", "b", "c", "d"]);
      return x + y + c.length;
    },
    { nTrials },
  );
  return study.trials();
}

function maxPerBucket(values: number[], low: number, high: number, buckets: number): number {
  const counts = new Array<number>(buckets).fill(0);
  for (const v of values) {
    const k = Math.min(buckets - 1, Math.floor(((v - low) / (high - low)) * buckets));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return Math.max(...counts);
}

describe("QMCSampler", () => {
  it("puts at most one of the first 64 trials in each 1/64 slice of every dimension", async () => {
    const trials = await runQmc(new QMCSampler({ seed: 3 }), 64);
    // Trial 0 is sampled independently (no COMPLETE trial yet); trials 1–63 are Sobol points 1–63.
    const sobol = trials.slice(1);
    expect(
      maxPerBucket(
        sobol.map((t) => t.params.x as number),
        0,
        1,
        64,
      ),
    ).toBe(1);
    expect(
      maxPerBucket(
        sobol.map((t) => t.params.y as number),
        -4,
        4,
        64,
      ),
    ).toBe(1);
    const counts = new Map<unknown, number>();
    for (const t of sobol) counts.set(t.params.c, (counts.get(t.params.c) ?? 0) + 1);
    // 63 points over 4 equal buckets: each gets 15 or 16.
    for (const count of counts.values()) expect(count).toBeGreaterThanOrEqual(15);
  });

  it("spreads points more evenly than random sampling", async () => {
    const qmc = (await runQmc(new QMCSampler({ seed: 5 }), 128)).slice(1);
    const random = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    await random.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 127 });
    const randomX = (await random.trials()).map((t) => t.params.x as number);
    const qmcX = qmc.map((t) => t.params.x as number);
    expect(maxPerBucket(qmcX, 0, 1, 32)).toBeLessThanOrEqual(5);
    expect(maxPerBucket(randomX, 0, 1, 32)).toBeGreaterThan(maxPerBucket(qmcX, 0, 1, 32));
  });

  it("gives the same trials for the same seed and others for another seed", async () => {
    const a = await runQmc(new QMCSampler({ seed: 11 }), 10);
    const b = await runQmc(new QMCSampler({ seed: 11 }), 10);
    const c = await runQmc(new QMCSampler({ seed: 12 }), 10);
    expect(b.map((t) => t.params)).toEqual(a.map((t) => t.params));
    expect(c.map((t) => t.params)).not.toEqual(a.map((t) => t.params));
  });

  it("follows the unscrambled Sobol sequence when scramble is false", async () => {
    const trials = await runQmc(new QMCSampler({ seed: 1, scramble: false }), 4);
    // Sorted dimensions: c, x, y. Sobol points 1, 2, 3 in dimension 2 (x): 0.5, 0.25, 0.75.
    expect(trials.slice(1).map((t) => t.params.x)).toEqual([0.5, 0.25, 0.75]);
  });

  it("supports Halton and samples parameters outside the first trial's space independently", async () => {
    const study = await createStudy({ sampler: new QMCSampler({ seed: 2, type: "halton" }) });
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat("x", 0, 1);
        return trial.number > 0 ? x + trial.suggestInt("late", 0, 100) : x;
      },
      { nTrials: 20 },
    );
    const trials = await study.trials();
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(new Set(trials.slice(1).map((t) => t.params.late)).size).toBeGreaterThan(5);
  });

  it("rejects a bad type with a message naming the option", () => {
    expect(() => new QMCSampler({ type: "lhs" as never })).toThrow(/QMCSampler: type must be/);
    expect(() => new QMCSampler({ seed: 1.5 })).toThrow(/seed must be a safe integer/);
  });
});
