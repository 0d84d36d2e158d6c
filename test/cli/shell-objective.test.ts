/**
 * shellObjective on its own, on in-memory studies: placeholders and quoting, reading the
 * objective from stdout, and stopping commands (pruning, Ctrl-C) so that no process is left.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  type FrozenTrial,
  type Pruner,
  type StudyDirection,
} from "../../src/index.js";
import { CommandFailedError } from "../../src/integrations/command-failed-error.js";
import { InterruptedError } from "../../src/integrations/interrupted-error.js";
import {
  placeholderNames,
  type ShellObjectiveOptions,
  shellObjective,
  shellQuote,
} from "../../src/integrations/shell-objective.js";
import { alive, tempFolder } from "./cli-process.js";

const folder = tempFolder({
  // Reports steps 0..4 every 150 ms, writing its pid first; prints 7 at the end.
  "epochs.mjs": `import { writeFileSync } from "node:fs";
writeFileSync(process.argv[2], String(process.pid));
if (process.argv[3] === "stubborn") process.on("SIGTERM", () => {});
for (let step = 0; step < 5; step++) {
  console.log("tunekit:report " + step + " " + (10 - step));
  await new Promise((resolve) => setTimeout(resolve, 150));
}
console.log("7");
`,
});
afterAll(() => folder.cleanup());

/** Prunes a trial once it reported step 1. */
const pruneAfterStep1: Pruner = {
  prune: ({ trial }) => 1 in trial.intermediateValues,
};

async function runOne(
  options: Omit<ShellObjectiveOptions, "params"> & { params?: ShellObjectiveOptions["params"] },
  study: { pruner?: Pruner; directions?: StudyDirection[] } = {},
): Promise<FrozenTrial> {
  const s = await createStudy(study);
  await s.optimize(
    shellObjective({ params: (trial) => ({ x: trial.suggestFloat("x", 0, 1) }), ...options }),
    { nTrials: 1, catch: [CommandFailedError, InterruptedError] },
  );
  return (await s.trials())[0] as FrozenTrial;
}

describe("placeholders", () => {
  it("finds {name} placeholders but not the shell's $\u007bNAME}", () => {
    const shellVariable = "$\u007bHOME}";
    expect(
      placeholderNames(["python", "t.py", "--lr={lr}", "{layers}x{lr}", shellVariable]),
    ).toEqual(["lr", "layers"]);
  });

  it("quotes values for a POSIX shell only when needed", () => {
    expect(shellQuote("0.001")).toBe("0.001");
    expect(shellQuote("-1e-7")).toBe("-1e-7");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("$(rm -rf /)")).toBe("'$(rm -rf /)'");
  });
});

describe("shellObjective", () => {
  it("passes params as words, variables and JSON, and takes the last number printed", async () => {
    const script =
      "const [v] = process.argv.slice(1); const e = process.env;" +
      "console.log('x', v, e.TUNEKIT_PARAM_x, JSON.parse(e.TUNEKIT_PARAMS).x, e.TUNEKIT_TRIAL_NUMBER);" +
      "console.log(v === e.TUNEKIT_PARAM_x ? 'value: ' + (Number(v) * 2) : 'mismatch'); console.log('took 3ms')";
    const trial = await runOne({ command: ["node", "-e", script, "{x}"] });
    expect(trial.state).toBe("COMPLETE");
    expect(trial.values).toEqual([(trial.params.x as number) * 2]);
  });

  it("runs one string through the shell with values shell-quoted", async () => {
    const trial = await runOne({
      command: [
        "node -e 'console.log(process.argv[1] === process.env.TUNEKIT_PARAM_k ? 1 : 0)' {k} | cat",
      ],
      params: (t) => ({ k: t.suggestCategorical("k", ["it's a {k} $HOME `id`"]) }),
    });
    expect(trial.values).toEqual([1]);
  });

  it("reads fields of the last JSON line, one per objective", async () => {
    const lines = ['{"acc": 0.1, "ms": 1}', "noise 99", '{"acc": 0.9, "m": {"ms": "12"}}'];
    const trial = await runOne(
      {
        command: ["node", "-e", lines.map((l) => `console.log(${JSON.stringify(l)})`).join(";")],
        objectiveFields: ["acc", "m.ms"],
      },
      { directions: ["maximize", "minimize"] },
    );
    expect(trial.values).toEqual([0.9, 12]);
  });

  it("fails the trial with exit code, stderr tail and command when the command fails", async () => {
    const trial = await runOne({
      command: [
        "node",
        "-e",
        "console.error('loading'); console.error('CUDA out of memory'); process.exit(3)",
      ],
    });
    expect(trial.state).toBe("FAIL");
    expect(trial.systemAttrs.fail_reason).toBe(
      "CommandFailed: the command exited with code 3: CUDA out of memory",
    );
    expect(trial.userAttrs).toMatchObject({
      exit_code: 3,
      stderr_tail: "loading\nCUDA out of memory\n",
    });
    expect(trial.userAttrs.command).toMatch(/^node -e /);
  });

  it("fails a command that prints no number, keeping its stdout tail", async () => {
    const trial = await runOne({ command: ["node", "-e", "console.log('all good')"] });
    expect(trial.systemAttrs.fail_reason).toBe(
      "CommandFailed: the command printed no number on stdout (the objective is the last number printed)",
    );
    expect(trial.userAttrs.stdout_tail).toBe("all good\n");
  });

  it("stops a command past its timeout and fails the trial", async () => {
    const started = Date.now();
    const trial = await runOne({
      command: ["node", "-e", "setTimeout(() => console.log(1), 20000)"],
      trialTimeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(trial.state).toBe("FAIL");
    expect(trial.systemAttrs.fail_reason).toBe("CommandFailed: the command timed out after 0.3s");
    expect(trial.userAttrs.timed_out).toBe(true);
  });

  it("records reports as intermediate values, and stops a pruned command with SIGTERM", async () => {
    const pidFile = join(folder.dir, "pruned.pid");
    const trial = await runOne(
      { command: ["node", join(folder.dir, "epochs.mjs"), pidFile] },
      { pruner: pruneAfterStep1 },
    );
    expect(trial.state).toBe("PRUNED");
    expect(trial.intermediateValues).toEqual({ 0: 10, 1: 9 });
    expect(trial.values).toEqual([9]);
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("kills a pruned command that ignores SIGTERM after the grace period", async () => {
    const pidFile = join(folder.dir, "stubborn.pid");
    const started = Date.now();
    const trial = await runOne(
      { command: ["node", join(folder.dir, "epochs.mjs"), pidFile, "stubborn"], killGraceMs: 200 },
      { pruner: pruneAfterStep1 },
    );
    expect(trial.state).toBe("PRUNED");
    expect(trial.intermediateValues).toEqual({ 0: 10, 1: 9 });
    // Without SIGKILL it would run to step 4 and print its value.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("stops the command and fails the trial as interrupted when the signal aborts", async () => {
    const pidFile = join(folder.dir, "interrupted.pid");
    const controller = new AbortController();
    // Abort once the command runs (it wrote its pid).
    const timer = setInterval(() => {
      if (!existsSync(pidFile)) return;
      clearInterval(timer);
      controller.abort(new InterruptedError("test stopped the run"));
    }, 20);
    const trial = await runOne({
      command: ["node", join(folder.dir, "epochs.mjs"), pidFile],
      signal: controller.signal,
    });
    expect(trial.state).toBe("FAIL");
    expect(trial.systemAttrs.fail_reason).toBe("Interrupted: test stopped the run");
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});
