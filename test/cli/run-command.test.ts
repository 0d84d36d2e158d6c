/**
 * `tunekit run --space FILE -- COMMAND`: a small Node program tuned through the real
 * command, with intermediate reports, a conditional parameter, failures and worker processes.
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { type FrozenTrial, loadStudy } from "../../src/index.js";
import { startTunekit, tempFolder, tunekit } from "./cli-process.js";

const folder = tempFolder({
  "space.yaml": `# A conditional space: momentum only for sgd.
x: { type: float, low: -3, high: 3 }
optimizer: { type: categorical, choices: [sgd, adam, broken] }
momentum: { type: float, low: 0, high: 0.9, step: 0.1, when: { optimizer: sgd } }
`,
  // Reports three epochs, then prints the loss; "broken" fails like a crashing program.
  "train.mjs": `const [x, optimizer, momentum] = process.argv.slice(2);
if (optimizer !== process.env.TUNEKIT_PARAM_optimizer) throw new Error("argv and env disagree");
if ((momentum === "") !== (optimizer !== "sgd")) throw new Error("momentum without sgd");
const loss = (Number(x) - 1) ** 2 + Number(momentum || 0);
for (let epoch = 0; epoch < 3; epoch++) console.log("tunekit:report " + epoch + " " + (loss + 3 - epoch));
if (optimizer === "broken") {
  console.error("Traceback: something broke");
  process.exit(4);
}
console.log("final loss " + loss);
console.log("finished in 12ms");
`,
  "pid.yaml": "x: { type: float, low: 0, high: 1 }\n",
  // Five epochs of 150 ms; the loss at each is x² plus what is left to learn.
  "epochs.mjs": `const x = Number(process.argv[2]);
for (let epoch = 0; epoch < 5; epoch++) {
  await new Promise((resolve) => setTimeout(resolve, 150));
  console.log("tunekit:report " + epoch + " " + (x * x + 5 - epoch));
}
console.log(x * x);
`,
  "x.yaml": "x: { type: float, low: -3, high: 3 }\n",
});
afterAll(() => folder.cleanup());

async function storedTrials(studyName: string): Promise<FrozenTrial[]> {
  const study = await loadStudy({ studyName, storage: `sqlite:${folder.dir}/tunekit.db` });
  const trials = await study.trials();
  await study.storage.close();
  return trials;
}

describe("tunekit run with a command per trial", () => {
  it("substitutes params, records reports and takes the last number printed", async () => {
    const run = await tunekit(
      [
        "run",
        "--space",
        "space.yaml",
        "-n",
        "12",
        "--seed",
        "3",
        "--",
        "node",
        "train.mjs",
        "{x}",
        "{optimizer}",
        "{momentum}",
      ],
      folder.dir,
    );
    expect(run.status).toBe(0);
    const trials = await storedTrials("space");
    expect(trials).toHaveLength(12);
    const states = new Set(trials.map((t) => t.params.optimizer));
    expect(states).toEqual(new Set(["sgd", "adam", "broken"]));
    for (const trial of trials) {
      const { x, optimizer, momentum } = trial.params as {
        x: number;
        optimizer: string;
        momentum?: number;
      };
      expect("momentum" in trial.params).toBe(optimizer === "sgd");
      const loss = (x - 1) ** 2 + (momentum ?? 0);
      expect(Object.keys(trial.intermediateValues)).toEqual(["0", "1", "2"]);
      expect(trial.intermediateValues[2]).toBeCloseTo(loss + 1, 10);
      if (optimizer === "broken") {
        expect(trial.state).toBe("FAIL");
        expect(trial.systemAttrs.fail_reason).toBe(
          "CommandFailed: the command exited with code 4: Traceback: something broke",
        );
        expect(trial.userAttrs.exit_code).toBe(4);
        expect(trial.userAttrs.stderr_tail).toBe("Traceback: something broke\n");
      } else {
        expect(trial.state).toBe("COMPLETE");
        expect(trial.values?.[0]).toBeCloseTo(loss, 10);
      }
    }
    const failed = trials.filter((t) => t.state === "FAIL").length;
    expect(run.stdout).toContain(
      `12 trials run (${12 - failed} complete, 0 pruned, ${failed} failed)`,
    );
  }, 120_000);

  it("reads the objective from a JSON field and runs one string through the shell", async () => {
    const command = `node -e 'console.log(JSON.stringify({ acc: 1 - Math.abs(Number(process.argv[1])) }))' {x} | cat`;
    const run = await tunekit(
      [
        "run",
        "--space",
        "pid.yaml",
        "--study",
        "json",
        "-n",
        "4",
        "--direction",
        "maximize",
        "--objective-field",
        "acc",
        "--",
        command,
      ],
      folder.dir,
    );
    expect(run.status).toBe(0);
    for (const trial of await storedTrials("json")) {
      expect(trial.values?.[0]).toBeCloseTo(1 - Math.abs(trial.params.x as number), 10);
    }
  }, 60_000);

  it("fails trials past --trial-timeout and keeps going", async () => {
    const run = await tunekit(
      [
        "run",
        "--space",
        "pid.yaml",
        "--study",
        "slow",
        "-n",
        "2",
        "--trial-timeout",
        "300ms",
        "--",
        "node",
        "-e",
        "setTimeout(() => {}, 30000)",
      ],
      folder.dir,
    );
    expect(run.status).toBe(0);
    const trials = await storedTrials("slow");
    expect(trials.map((t) => t.systemAttrs.fail_reason)).toEqual([
      "CommandFailed: the command timed out after 0.3s",
      "CommandFailed: the command timed out after 0.3s",
    ]);
    expect(trials.every((t) => (t.durationMs as number) < 10_000)).toBe(true);
  }, 60_000);

  it("stops with code 1 when the command cannot be started at all", async () => {
    const run = await tunekit(
      [
        "run",
        "--space",
        "pid.yaml",
        "--study",
        "enoent",
        "-n",
        "5",
        "--",
        "no-such-program-xyz",
        "{x}",
      ],
      folder.dir,
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /error: cannot run "no-such-program-xyz [0-9.e-]+": spawn no-such-program-xyz ENOENT/,
    );
    expect((await storedTrials("enoent")).map((t) => t.state)).toEqual(["FAIL"]);
  }, 60_000);

  it("runs commands from two worker processes, exactly --trials of them", async () => {
    // The objective is the parent's pid: the worker process that ran the command.
    const run = await tunekit(
      [
        "run",
        "--space",
        "pid.yaml",
        "--study",
        "workers",
        "-n",
        "8",
        "--workers",
        "2",
        "--",
        "node",
        "-e",
        "setTimeout(() => console.log(process.ppid), 200)",
      ],
      folder.dir,
    );
    expect(run.status).toBe(0);
    const trials = await storedTrials("workers");
    expect(trials).toHaveLength(8);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(new Set(trials.map((t) => t.values?.[0])).size).toBe(2);
  }, 90_000);

  it("lets `tunekit worker` join a run from another folder with the stored spec", async () => {
    const args = ["--space", "pid.yaml", "--study", "joined", "--sampler", "qmc", "--seed", "4"];
    const command = [
      "--",
      "node",
      "-e",
      "console.log(process.cwd().length + Number(process.argv[1]))",
      "{x}",
    ];
    const first = await tunekit(["run", ...args, "-n", "2", ...command], folder.dir);
    expect(first.status).toBe(0);
    const joined = await tunekit(
      ["worker", "--study", "joined", "--storage", `sqlite:${folder.dir}/tunekit.db`, "-n", "3"],
      "/",
    );
    expect(joined.stderr).toContain(`tunekit: joining the run of ${folder.dir}`);
    expect(joined.stderr).toContain("sampler qmc (seed 4)");
    expect(joined.status).toBe(0);
    const trials = await storedTrials("joined");
    expect(trials).toHaveLength(5);
    // Every command ran in the run's folder, as the run stored it.
    for (const trial of trials) {
      expect(trial.values?.[0]).toBeCloseTo(folder.dir.length + (trial.params.x as number), 10);
    }
  }, 90_000);

  it("refuses to join a study no run started", async () => {
    const run = await tunekit(
      ["ask", "--study", "manual", "--storage", "sqlite:./tunekit.db"],
      folder.dir,
    );
    expect(run.status).toBe(0);
    const joined = await tunekit(["worker", "--study", "manual"], folder.dir);
    expect(joined.status).toBe(2);
    expect(joined.stderr).toContain('study "manual" was not started by `tunekit run`');
  }, 60_000);

  it("prunes commands with --pruner median: stopped early, PRUNED at their last report", async () => {
    const run = await tunekit(
      [
        "run",
        "--space",
        "x.yaml",
        "--study",
        "pruned",
        "-n",
        "16",
        "--seed",
        "2",
        "--pruner",
        "median",
        "--",
        "node",
        "epochs.mjs",
        "{x}",
      ],
      folder.dir,
    );
    expect(run.status, run.stderr).toBe(0);
    const trials = await storedTrials("pruned");
    const pruned = trials.filter((t) => t.state === "PRUNED");
    const complete = trials.filter((t) => t.state === "COMPLETE");
    expect(pruned.length).toBeGreaterThan(0);
    expect(run.stdout).toContain(
      `(${complete.length} complete, ${pruned.length} pruned, 0 failed)`,
    );
    for (const trial of complete) expect(Object.keys(trial.intermediateValues)).toHaveLength(5);
    for (const trial of pruned) {
      const steps = Object.keys(trial.intermediateValues).map(Number);
      // Stopped before its last epoch, valued at its last report (as Optuna does).
      expect(steps.length).toBeLessThan(5);
      expect(trial.values).toEqual([trial.intermediateValues[Math.max(...steps)]]);
      expect(trial.number).toBeGreaterThanOrEqual(5);
    }
  }, 120_000);

  it("runs exactly one trial with a budget of one and two workers", async () => {
    // Workers keep tickets in hand and the first to load may not take the last ticket
    // while another still loads: neither may run a second trial, nor wait forever.
    const run = await tunekit(
      [
        "run",
        "--space",
        "pid.yaml",
        "--study",
        "one-of-two",
        "-n",
        "1",
        "--workers",
        "2",
        "--",
        "node",
        "-e",
        "console.log(process.ppid)",
      ],
      folder.dir,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("1 trial run (1 complete, 0 pruned, 0 failed)");
    expect((await storedTrials("one-of-two")).map((t) => t.state)).toEqual(["COMPLETE"]);
  }, 90_000);

  it("stops the workers it forked when the study cannot be opened (code 2)", async () => {
    const args = ["--space", "pid.yaml", "--study", "dir-w", "--", "node", "-e", "console.log(1)"];
    const first = await tunekit(["run", "-n", "1", "--direction", "maximize", ...args], folder.dir);
    expect(first.status, first.stderr).toBe(0);
    // Workers are forked before the study is opened; the refused direction must not leave
    // them running once the command has exited. (Its output closes only when the workers,
    // which share it, have exited too: hence the exit event, not `done`.)
    const run = startTunekit(
      ["run", "-n", "4", "--workers", "2", "--direction", "minimize", ...args],
      folder.dir,
    );
    await once(run.child, "exit");
    const processes = spawnSync("ps", ["-eww", "-o", "args="], { encoding: "utf8" }).stdout;
    const left = processes
      .split("\n")
      .filter((line) => line.includes("worker-entry") && line.includes('"studyName":"dir-w"'));
    expect(left).toEqual([]);
    const result = await run.done;
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--direction: .*exists with directions \[maximize\]/);
    expect(await storedTrials("dir-w")).toHaveLength(1);
  }, 90_000);
});
