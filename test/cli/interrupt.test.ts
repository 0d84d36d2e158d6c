/**
 * Ctrl-C (SIGINT) in the middle of `tunekit run`: it exits with code 130 and leaves a
 * consistent study: no trial RUNNING, the completed trials kept as they were, the running
 * ones failed as interrupted, and no command process left behind.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FrozenTrial, loadStudy } from "../../src/index.js";
import { alive, INDEX, poll, startTunekit, tempFolder } from "./cli-process.js";

const folder = tempFolder({
  "slow.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export async function objective(trial: Trial): Promise<number> {
  const x = trial.suggestFloat("x", 0, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return x;
}
`,
  "space.yaml": "x: { type: float, low: 0, high: 1 }\n",
  // Writes its pid to pids/, then works for 400 ms per trial.
  "work.mjs": `import { writeFileSync } from "node:fs";
writeFileSync("pids/" + process.pid, "");
setTimeout(() => console.log(process.argv[2]), 400);
`,
  "pids/.keep": "",
});
afterAll(() => folder.cleanup());

async function storedTrials(studyName: string): Promise<FrozenTrial[]> {
  const study = await loadStudy({ studyName, storage: `sqlite:${folder.dir}/tunekit.db` });
  const trials = await study.trials();
  await study.storage.close();
  return trials;
}

/**
 * Starts a run, waits for `complete` COMPLETE trials and one RUNNING, sends SIGINT and
 * checks the study.
 */
async function interruptRun(
  args: readonly string[],
  studyName: string,
  complete: number,
  ready: (trials: readonly FrozenTrial[]) => boolean = () => true,
) {
  const run = startTunekit(["run", "--study", studyName, "-n", "1000", ...args], folder.dir);
  let before: FrozenTrial[];
  try {
    before = await poll(async () => {
      const trials = await storedTrials(studyName).catch(() => []);
      const done = trials.filter((t) => t.state === "COMPLETE").length;
      const running = trials.some((t) => t.state === "RUNNING");
      return done >= complete && running && ready(trials) ? trials : undefined;
    }, `${complete} complete trials and a running one`);
  } catch (error) {
    run.child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}; tunekit said:\n${run.stderr()}`);
  }
  run.child.kill("SIGINT");
  const result = await run.done;
  expect(result.status, result.stderr).toBe(130);
  expect(result.stderr).toContain("tunekit: SIGINT: starting no new trial");
  const after = await storedTrials(studyName);
  expect(after.filter((t) => t.state === "RUNNING" || t.state === "WAITING")).toEqual([]);
  // What was complete before Ctrl-C is still there, unchanged.
  for (const trial of before.filter((t) => t.state === "COMPLETE")) {
    expect(after[trial.number]).toEqual(trial);
  }
  const failed = after.filter((t) => t.state === "FAIL");
  for (const trial of failed) {
    expect(trial.systemAttrs.fail_reason).toBe(
      "Interrupted: SIGINT stopped the run before this trial finished",
    );
  }
  expect(after.length).toBeLessThan(1000);
  return { after, failed, result };
}

describe("Ctrl-C during tunekit run", () => {
  it("fails the running trial as interrupted and keeps the complete ones (one process)", async () => {
    const { after, failed, result } = await interruptRun(["slow.ts"], "one", 3);
    expect(failed.length).toBe(1);
    expect(after.length).toBeGreaterThanOrEqual(4);
    expect(result.stdout).toMatch(/trials run \(\d+ complete, 0 pruned, 1 failed\)/);
  }, 90_000);

  it("stops every worker process and leaves no trial running (two workers)", async () => {
    const { after, failed } = await interruptRun(["slow.ts", "--workers", "2"], "two", 4);
    expect(failed.length).toBeLessThanOrEqual(2);
    expect(after.filter((t) => t.state === "COMPLETE").length).toBeGreaterThanOrEqual(4);
  }, 90_000);

  it("stops the running command, leaving no process behind", async () => {
    const pids = () => readdirSync(join(folder.dir, "pids")).filter((name) => name !== ".keep");
    // Interrupt once the running trial's command has started (written its pid).
    const { after, failed } = await interruptRun(
      ["--space", "space.yaml", "--", "node", "work.mjs", "{x}"],
      "command",
      2,
      (trials) => pids().length === trials.length,
    );
    expect(failed.length).toBe(1);
    expect(pids().length).toBe(after.length);
    for (const pid of pids()) expect(alive(Number(pid))).toBe(false);
  }, 90_000);

  it("stops workers that are still loading when Ctrl-C comes as the study opens", async () => {
    const run = startTunekit(
      ["run", "slow.ts", "--study", "early", "-n", "1000", "--workers", "2"],
      folder.dir,
    );
    // Announced once the study is open; the workers, forked before, are loading then.
    await poll(
      async () => (run.stderr().includes("2 worker processes") ? true : undefined),
      "the run's announcement",
    );
    const exited = once(run.child, "exit");
    run.child.kill("SIGINT");
    // The workers share the command's output, so `done` (its close) would wait for them.
    await exited;
    const processes = spawnSync("ps", ["-eww", "-o", "args="], { encoding: "utf8" }).stdout;
    const left = processes
      .split("\n")
      .filter((line) => line.includes("worker-entry") && line.includes('"studyName":"early"'));
    expect(left).toEqual([]);
    const result = await run.done;
    expect(result.status, result.stderr).toBe(130);
    const after = await storedTrials("early");
    expect(after.filter((t) => t.state === "RUNNING" || t.state === "WAITING")).toEqual([]);
  }, 90_000);
});
