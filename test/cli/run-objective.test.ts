/**
 * `tunekit run objective.ts`: a TypeScript objective loaded without a build step, in this
 * process or in worker processes sharing an exact trial budget, and what happens when the
 * objective throws.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FrozenTrial, loadStudy } from "../../src/index.js";
import { INDEX, tempFolder, tunekit } from "./cli-process.js";

const folder = tempFolder({
  // TypeScript only: type imports, annotations, `as const`, an import of a .ts helper by .js.
  "helper.ts": "export const shift = (k: string): number => (k === 'a' ? 0 : 1);\n",
  "objective.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
import { shift } from "./helper.js";
export function objective(trial: Trial): number {
  const x: number = trial.suggestFloat("x", -4, 4);
  const k = trial.suggestCategorical("k", ["a", "b"] as const);
  return -((x - 1) ** 2) - shift(k);
}
`,
  "slow.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export async function objective(trial: Trial): Promise<number> {
  trial.setUserAttr("pid", process.pid);
  const x = trial.suggestFloat("x", 0, 1);
  await new Promise((resolve) => setTimeout(resolve, 150));
  return x;
}
`,
  "throws.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", 0, 1);
  if (trial.number === 1) throw new RangeError("x is cursed");
  return x;
}
`,
  "prunable.ts": `import { type Trial, TrialPruned } from ${JSON.stringify(INDEX)};
export async function objective(trial: Trial): Promise<number> {
  const x = trial.suggestFloat("x", -3, 3);
  for (let step = 0; step < 4; step++) {
    trial.report(x * x + 4 - step, step);
    if (trial.shouldPrune()) throw new TrialPruned();
  }
  return x * x;
}
`,
  "checkpointing.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export async function objective(trial: Trial): Promise<number> {
  const x = trial.suggestFloat("x", 0, 1);
  for (let epoch = 0; epoch < 3; epoch++) await trial.saveCheckpoint({ epoch, x, pid: process.pid });
  const back = (await trial.loadCheckpoint()) as { epoch: number; x: number };
  if (back.epoch !== 2 || back.x !== x) throw new Error("checkpoint did not round-trip");
  return x;
}
`,
  "default.mjs": "export default (trial) => trial.suggestInt('n', 1, 5) * 2;\n",
  "grid.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export const grid = { k: ["a", "b", "c"] };
export function objective(trial: Trial): number {
  return trial.suggestCategorical("k", ["a", "b", "c"]) === "b" ? 0 : 1;
}
`,
});
afterAll(() => folder.cleanup());

const STORAGE = "sqlite:./tunekit.db";

async function storedTrials(studyName: string): Promise<FrozenTrial[]> {
  const study = await loadStudy({ studyName, storage: `sqlite:${folder.dir}/tunekit.db` });
  const trials = await study.trials();
  await study.storage.close();
  return trials;
}

describe("tunekit run with a module objective", () => {
  it("runs a TypeScript objective and stores every trial with the value it returned", async () => {
    const run = await tunekit(
      ["run", "objective.ts", "--trials", "12", "--seed", "5", "--direction", "maximize"],
      folder.dir,
    );
    expect(run.stderr).toContain('tunekit: study "objective" (maximize) in sqlite:./tunekit.db');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("12 trials run (12 complete, 0 pruned, 0 failed)");
    const trials = await storedTrials("objective");
    expect(trials).toHaveLength(12);
    for (const trial of trials) {
      const { x, k } = trial.params as { x: number; k: string };
      expect(trial.state).toBe("COMPLETE");
      expect(trial.values).toEqual([-((x - 1) ** 2) - (k === "a" ? 0 : 1)]);
    }
    const best = Math.max(...trials.map((t) => t.values?.[0] as number));
    const bestTrial = trials.find((t) => t.values?.[0] === best) as FrozenTrial;
    expect(run.stdout).toMatch(new RegExp(`best: trial ${bestTrial.number}, value `));
  }, 60_000);

  it("continues the study when run again, with the stored direction", async () => {
    const run = await tunekit(["run", "objective.ts", "-n", "3", "--no-progress"], folder.dir);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('study "objective" (maximize)');
    expect(await storedTrials("objective")).toHaveLength(15);
  }, 60_000);

  it("refuses a direction that contradicts the stored study's, with code 2", async () => {
    const run = await tunekit(
      ["run", "objective.ts", "-n", "1", "--direction", "minimize"],
      folder.dir,
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--direction: .*exists with directions \[maximize\], not \[minimize\]/,
    );
  }, 60_000);

  it("runs exactly --trials trials over two worker processes with distinct PIDs", async () => {
    const run = await tunekit(
      ["run", "slow.ts", "--trials", "9", "--workers", "2", "--storage", STORAGE, "--study", "w2"],
      folder.dir,
    );
    expect(run.stderr).toContain("2 worker processes");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("9 trials run (9 complete, 0 pruned, 0 failed)");
    const trials = await storedTrials("w2");
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    const pids = new Set(trials.map((t) => t.userAttrs.pid));
    expect(pids.size).toBe(2);
  }, 90_000);

  it("keeps trial checkpoints beside the SQLite file, from every worker; delete removes them", async () => {
    const run = await tunekit(
      ["run", "checkpointing.ts", "-n", "4", "--workers", "2", "--study", "ckpt"],
      folder.dir,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("4 trials run (4 complete, 0 pruned, 0 failed)");
    const root = join(folder.dir, "tunekit.db.artifacts", "trials", "ckpt");
    const trials = await storedTrials("ckpt");
    const pids = new Set<number>();
    for (const trial of trials) {
      const saved = JSON.parse(
        readFileSync(join(root, String(trial.number), "checkpoint"), "utf8"),
      );
      expect(saved).toMatchObject({ epoch: 2, x: trial.params.x });
      pids.add(saved.pid);
    }
    expect(pids.size).toBe(2);
    const removed = await tunekit(["delete", "ckpt"], folder.dir);
    expect(removed.status, removed.stderr).toBe(0);
    expect(existsSync(root)).toBe(false);
  }, 90_000);

  it("stops at the first objective error, keeping that trial as FAIL, with code 1", async () => {
    const run = await tunekit(["run", "throws.ts", "--trials", "5", "--study", "t1"], folder.dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: the objective threw RangeError: x is cursed");
    expect(run.stderr).toContain("throws.ts");
    expect(run.stderr).toContain("pass --catch to keep going");
    const trials = await storedTrials("t1");
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "FAIL"]);
    expect(trials[1]?.systemAttrs.fail_reason).toBe("RangeError: x is cursed");
  }, 60_000);

  it("keeps going after objective errors with --catch", async () => {
    const run = await tunekit(
      ["run", "throws.ts", "-n", "4", "--study", "t2", "--catch"],
      folder.dir,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("4 trials run (3 complete, 0 pruned, 1 failed)");
    expect((await storedTrials("t2")).map((t) => t.state)).toEqual([
      "COMPLETE",
      "FAIL",
      "COMPLETE",
      "COMPLETE",
    ]);
  }, 60_000);

  it("takes a JavaScript module's default export as the objective", async () => {
    const run = await tunekit(["run", "default.mjs", "-n", "3", "--storage", "memory"], folder.dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('study "default" (memory): 3 trials run (3 complete');
  }, 60_000);

  it("runs the grid a module exports with --sampler grid, each point once", async () => {
    const run = await tunekit(["run", "grid.ts", "-n", "10", "--sampler", "grid"], folder.dir);
    expect(run.status).toBe(0);
    const trials = await storedTrials("grid");
    expect(trials.map((t) => t.params.k).sort()).toEqual(["a", "b", "c"]);
    expect(run.stdout).toContain("best: trial");
    expect(run.stdout).toContain("k=b");
  }, 60_000);

  it("prunes with --pruner median when the objective throws TrialPruned", async () => {
    const run = await tunekit(
      ["run", "prunable.ts", "-n", "30", "--seed", "3", "--pruner", "median", "--study", "p"],
      folder.dir,
    );
    expect(run.status, run.stderr).toBe(0);
    const trials = await storedTrials("p");
    const pruned = trials.filter((t) => t.state === "PRUNED");
    expect(pruned.length).toBeGreaterThan(0);
    expect(trials.filter((t) => t.state === "FAIL")).toEqual([]);
    for (const t of pruned) expect(Object.keys(t.intermediateValues).length).toBeLessThan(4);
  }, 60_000);
});
