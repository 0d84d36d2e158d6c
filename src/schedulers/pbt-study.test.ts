/**
 * PBT through the public API: members are trials of `study.optimize` running at once, in
 * one process and in two "workers" (two studies on one SQLite file, sharing a folder of
 * checkpoints), with the schedule read back from the trials.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ArtifactStore } from "../core/artifact-store.js";
import type { Study } from "../core/study.js";
import type { Trial } from "../core/trial.js";
import { createStudy, loadStudy, MemoryArtifactStore, NopPruner, RandomSampler } from "../index.js";
import { FileArtifactStore } from "../integrations/file-artifact-store.js";
import { Rng } from "../math/random.js";
import { type PbtRound, pbtLineage, pbtSchedule } from "./pbt-lineage.js";
import { PBTScheduler } from "./pbt-scheduler.js";

const dir = mkdtempSync(join(tmpdir(), "tunekit-pbt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STEPS = 20;
const INTERVAL = 5;

interface Loaded {
  trial: number;
  step: number;
  from: { trial: number; step: number };
  theta: number;
}

/**
 * A toy member: θ moves toward 10 by lr·(10 − θ) per step; the score −(θ − 10)² is
 * maximized, so larger learning rates lead. The checkpoint is { theta }.
 */
function objective(pbt: PBTScheduler, study: Study, saved: Map<string, number>, loaded: Loaded[]) {
  return async (trial: Trial) => {
    const member = pbt.member(study, trial);
    let theta = 0;
    let score = 0;
    for (let step = 1; step <= STEPS; step++) {
      theta += (member.hyperparams.lr as number) * (10 - theta);
      score = -((theta - 10) ** 2);
      const snapshot = theta;
      const next = await member.step(score, step, () => {
        saved.set(`${trial.number}/${step}`, snapshot);
        return { theta: snapshot };
      });
      if (next.exploited) {
        theta = (next.checkpoint as { theta: number }).theta;
        loaded.push({ trial: trial.number, step, from: next.from, theta });
      }
    }
    return score;
  };
}

function pbtOptions() {
  return {
    populationSize: 4,
    perturbationInterval: INTERVAL,
    hyperparamMutations: { lr: { low: 0.01, high: 0.5 } },
    seed: 7,
  };
}

function scheduler(artifacts?: ArtifactStore): PBTScheduler {
  return new PBTScheduler({ ...pbtOptions(), ...(artifacts === undefined ? {} : { artifacts }) });
}

describe("PBT in one process (concurrency 4, memory storage)", () => {
  it("records every round; at each point the lowest-scoring member copies the best", async () => {
    const study = await createStudy({
      direction: "maximize",
      sampler: new RandomSampler({ seed: 3 }),
      pruner: new NopPruner(),
    });
    const pbt = scheduler();
    const saved = new Map<string, number>();
    const loaded: Loaded[] = [];
    await study.optimize(objective(pbt, study, saved, loaded), { nTrials: 4, concurrency: 4 });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "COMPLETE", "COMPLETE", "COMPLETE"]);
    const lineage = pbtLineage(trials);
    expect(lineage.map((m) => m.rounds.map((r) => r.step))).toEqual(
      Array.from({ length: 4 }, () => [5, 10, 15, 20]),
    );
    // At the last step (20) members finish and leave the population one by one, so only
    // the points before it are checked exactly.
    for (const step of [5, 10, 15]) {
      const rounds = lineage.map((m) => ({
        trial: m.trial,
        round: m.rounds.find((r) => r.step === step) as PbtRound,
      }));
      const worst = rounds.reduce((a, b) => (a.round.score <= b.round.score ? a : b));
      const best = rounds.reduce((a, b) => (a.round.score >= b.round.score ? a : b));
      // One member per point (⌈4·0.25⌉ = 1) is in each quantile: the worst copies the best.
      for (const { trial, round } of rounds) {
        expect(round.exploited).toEqual(trial === worst.trial ? { trial: best.trial, step } : null);
      }
      expect(worst.round.checkpoint).toBe(pbt.checkpointKey(study.studyName, best.trial, step));
      // The explore step, replayed from the stream (seed 7, trial, step): source, resample?, draw.
      const rng = Rng.from(7, "pbt", worst.trial, step);
      expect(rng.below(1)).toBe(0);
      const resample = rng.uniform() < 0.25;
      const u = rng.uniform();
      const sourceLr = best.round.next.lr as number;
      const expected = resample
        ? 0.01 + u * (0.5 - 0.01)
        : Math.min(0.5, Math.max(0.01, sourceLr * (u < 0.5 ? 1.2 : 0.8)));
      expect(worst.round.next.lr).toBeCloseTo(expected, 14);
    }
    // Each exploit loaded exactly the model the source had saved at that round.
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const { from, theta } of loaded)
      expect(theta).toBe(saved.get(`${from.trial}/${from.step}`));
    // The intermediate values are the scores; the schedule covers steps 0–20 without gaps.
    expect(Object.keys(trials[0]?.intermediateValues ?? {})).toHaveLength(STEPS);
    for (const trial of trials) {
      const schedule = pbtSchedule(trials, trial.number);
      expect(schedule[0]?.fromStep).toBe(0);
      expect(schedule.at(-1)?.toStep).toBe(STEPS);
      for (let i = 1; i < schedule.length; i++) {
        expect(schedule[i]?.fromStep).toBe(schedule[i - 1]?.toStep);
      }
    }
  });
});

describe("PBT with checkpointsToKeep", () => {
  it("keeps each member's latest checkpoints only, and still exploits", async () => {
    const artifacts = new MemoryArtifactStore();
    const study = await createStudy({
      direction: "maximize",
      sampler: new RandomSampler({ seed: 3 }),
      artifacts,
    });
    const pbt = new PBTScheduler({ ...pbtOptions(), checkpointsToKeep: 2 });
    const saved = new Map<string, number>();
    const loaded: Loaded[] = [];
    await study.optimize(objective(pbt, study, saved, loaded), { nTrials: 4, concurrency: 4 });
    // 4 rounds each (steps 5, 10, 15, 20): only the last 2 of each member remain.
    expect(artifacts.size).toBe(8);
    for (const trial of await study.trials()) {
      for (const step of [5, 10]) {
        expect(
          await artifacts.get(pbt.checkpointKey(study.studyName, trial.number, step)),
        ).toBeNull();
      }
      for (const step of [15, 20]) {
        expect(
          await artifacts.get(pbt.checkpointKey(study.studyName, trial.number, step)),
        ).not.toBeNull();
      }
    }
    expect(loaded.length).toBeGreaterThanOrEqual(3);
    for (const { from, theta } of loaded)
      expect(theta).toBe(saved.get(`${from.trial}/${from.step}`));
    expect(() => new PBTScheduler({ ...pbtOptions(), checkpointsToKeep: 1 })).toThrow(
      /checkpointsToKeep/,
    );
  });
});

describe("PBT over two workers (two studies on one SQLite file)", () => {
  /** Runs 2 + 2 members in two studies on one SQLite file and checks what they shared. */
  async function twoWorkers(studyName: string, shared: () => PBTScheduler): Promise<void> {
    const storage = `sqlite:${join(dir, `${studyName}.db`)}`;
    const first = await createStudy({
      studyName,
      storage,
      direction: "maximize",
      sampler: new RandomSampler({ seed: 5 }),
    });
    const second = await loadStudy({
      studyName,
      storage,
      sampler: new RandomSampler({ seed: 5 }),
    });
    const saved = new Map<string, number>();
    const loaded: Loaded[] = [];
    // Separate schedulers, as separate processes would have: no shared in-process state.
    const a = shared();
    const b = shared();
    await Promise.all([
      first.optimize(objective(a, first, saved, loaded), { nTrials: 2, concurrency: 2 }),
      second.optimize(objective(b, second, saved, loaded), { nTrials: 2, concurrency: 2 }),
    ]);
    const trials = await first.trials();
    expect(trials).toHaveLength(4);
    const lineage = pbtLineage(trials);
    expect(lineage.map((m) => m.rounds.length)).toEqual([4, 4, 4, 4]);
    // Each worker alone has 2 members, fewer than populationSize 4: any exploit proves that
    // the other worker's members were read from storage.
    expect(loaded.length).toBeGreaterThan(0);
    for (const { from, theta } of loaded)
      expect(theta).toBe(saved.get(`${from.trial}/${from.step}`));
    await first.storage.close();
    await second.storage.close();
  }

  it("judges and copies members of the other worker through storage and shared checkpoints", async () => {
    const artifacts = join(dir, "checkpoints");
    await twoWorkers("pbt-workers", () => scheduler(new FileArtifactStore(artifacts)));
    expect(existsSync(join(artifacts, "pbt"))).toBe(true);
  });

  it("keeps checkpoints in the study's store when given none (beside the SQLite file)", async () => {
    await twoWorkers("pbt-default", () => scheduler());
    expect(existsSync(join(dir, "pbt-default.db.artifacts", "pbt"))).toBe(true);
  });
});
