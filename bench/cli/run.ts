/**
 * The tunekit command's parallelism and per-trial overhead.
 *
 * 1. Workers: `tunekit run bench/cli/cpu-objective.ts -n 100` with `--workers 1` and
 *    `--workers 2` on one SQLite file; the objective does about 50 ms of arithmetic per
 *    trial (calibrated here first). Prints the wall time of each command, split into the
 *    start-up (the command's start to the first trial's start: Node, tsx, the library, the
 *    objective, the study; for 2 workers also forking them), the span from the first
 *    trial's start to the last trial's end, and the end (the last trial's end to the
 *    command's exit); and the speed-up of 2 workers over 1. Goal: ≥ 1.8× on a 2-core machine.
 *    Baseline, in the same rounds: the same arithmetic in 1 and in 2 bare Node processes
 *    (no tunekit), i.e. the speed-up this machine gives right now; tunekit's efficiency is
 *    its speed-up over the machine's (1.0 = no loss). On a machine other work also loads,
 *    the machine's speed-up drops below 2× and tunekit's with it.
 * 2. Command trials: `tunekit run --space … -n N -- CMD {x}` against spawning the same
 *    command N times from this process and waiting for it (the baseline a shell loop would
 *    pay). The overhead per trial is the median period of tunekit's trial loop (one trial's
 *    start to the next's: ask, spawn, read stdout, tell, SQLite writes) minus the median
 *    bare spawn. Goal: < 20 ms.
 *
 * The command runs as users run it: compiled (the runner builds src/ into a temporary
 * folder first; dist/ is left alone), loading the TypeScript objective through tsx's
 * register API. `--from source` runs `node --import tsx src/cli/main.ts` instead, whose
 * start-up (compiling src/ on the fly in every process) weighs on the wall times.
 * Each figure is the median of `--repeats` runs. A loaded machine lowers the speed-up: the
 * runner prints the load average so the reader can judge.
 *
 * Usage: npx tsx bench/cli/run.ts [--trials 100] [--trial-ms 50] [--command-trials 50]
 *        [--repeats 3] [--from build|source]
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type FrozenTrial, loadStudy } from "../../src/index.js";

const GOAL_SPEEDUP = 1.8;
const GOAL_OVERHEAD_MS = 20;

const { values: args } = parseArgs({
  options: {
    trials: { type: "string", default: "100" },
    "trial-ms": { type: "string", default: "50" },
    "command-trials": { type: "string", default: "50" },
    repeats: { type: "string", default: "3" },
    from: { type: "string", default: "build" },
  },
});
if (args.from !== "build" && args.from !== "source") {
  throw new RangeError(`--from must be build or source, got ${args.from}`);
}
const nTrials = Number(args.trials);
const trialMs = Number(args["trial-ms"]);
const nCommandTrials = Number(args["command-trials"]);
const nRepeats = Number(args.repeats);

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = createRequire(import.meta.url).resolve("tsx");
const OBJECTIVE = fileURLToPath(new URL("./cpu-objective.ts", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "tunekit-bench-cli-"));
const STORAGE = `sqlite:${join(folder, "bench.db")}`;

/**
 * The node arguments that start the CLI. A build goes to `folder/package`, laid out like
 * the installed package (dist/, package.json, node_modules).
 */
function cliCommand(): string[] {
  if (args.from === "source") return ["--import", TSX, join(ROOT, "src/cli/main.ts")];
  const pkg = join(folder, "package");
  mkdirSync(pkg);
  copyFileSync(join(ROOT, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const build = spawnSync(
    process.execPath,
    [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(pkg, "dist")],
    { encoding: "utf8" },
  );
  if (build.status !== 0)
    throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
  return [join(pkg, "dist/cli/main.js")];
}
let CLI: string[] = [];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Iterations of `work` that take `ms` milliseconds in a fresh process that loads the
 * objective as a trial's process does (V8 optimizes it differently in a long-lived one).
 */
function calibrate(ms: number): number {
  const script = `
const { work } = await import(process.argv[1]);
const ms = Number(process.argv[2]);
work(0.5, 1e6);
let iterations = 1e6;
for (let round = 0; round < 6; round++) {
  const start = performance.now();
  work(round - 2.5, iterations);
  iterations = Math.round((iterations * ms) / Math.max(performance.now() - start, 1));
}
console.log(iterations);`;
  const run = spawnSync(
    process.execPath,
    ["--import", TSX, "--input-type=module", "-e", script, OBJECTIVE, String(ms)],
    { encoding: "utf8" },
  );
  const iterations = Number(run.stdout.trim());
  if (run.status !== 0 || !Number.isSafeInteger(iterations)) {
    throw new Error(`calibration failed:\n${run.stdout}${run.stderr}`);
  }
  return iterations;
}

/** How a command ran: its wall time, and when it started (epoch ms). */
interface CommandRun {
  readonly wallMs: number;
  readonly startedAt: number;
}

/** Runs the command to its end. */
function tunekit(
  cliArgs: readonly string[],
  env: Record<string, string> = {},
): Promise<CommandRun> {
  const startedAt = Date.now();
  const start = performance.now();
  const child = spawn(process.execPath, [...CLI, ...cliArgs], {
    cwd: folder,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      if (code === 0) resolve({ wallMs: performance.now() - start, startedAt });
      else reject(new Error(`tunekit ${cliArgs.join(" ")} exited with ${code}:\n${stderr}`));
    });
  });
}

async function trialsOf(studyName: string): Promise<FrozenTrial[]> {
  const study = await loadStudy({ studyName, storage: STORAGE });
  const trials = await study.trials();
  await study.storage.close();
  return trials;
}

/** The first trial's start and the last trial's end, epoch ms. */
function extent(trials: readonly FrozenTrial[]): { first: number; last: number } {
  const starts = trials.map((t) => Date.parse(t.datetimeStart ?? ""));
  const ends = trials.map((t) => Date.parse(t.datetimeComplete ?? ""));
  return { first: Math.min(...starts), last: Math.max(...ends) };
}

interface WorkersResult {
  readonly wallMs: number;
  /** From the command's start to the first trial's start. */
  readonly startupMs: number;
  /** From the first trial's start to the last trial's end. */
  readonly spanMs: number;
  /** From the last trial's end to the command's exit. */
  readonly endMs: number;
  readonly trialMs: number;
  readonly pids: number;
}

let runs = 0;

async function runWorkers(workers: number, iterations: number): Promise<WorkersResult> {
  const study = `cpu-w${workers}-${runs++}`;
  const { wallMs, startedAt } = await tunekit(
    [
      "run",
      OBJECTIVE,
      "-n",
      String(nTrials),
      "--workers",
      String(workers),
      "--storage",
      STORAGE,
      "--study",
      study,
      "--seed",
      "1",
      "--no-progress",
      "--log-level",
      "error",
    ],
    { TUNEKIT_BENCH_ITERATIONS: String(iterations) },
  );
  const trials = await trialsOf(study);
  if (trials.length !== nTrials || trials.some((t) => t.state !== "COMPLETE")) {
    throw new Error(`study ${study}: expected ${nTrials} COMPLETE trials`);
  }
  const { first, last } = extent(trials);
  return {
    wallMs,
    startupMs: first - startedAt,
    spanMs: last - first,
    endMs: startedAt + wallMs - last,
    trialMs: median(trials.map((t) => t.durationMs ?? 0)),
    pids: workers,
  };
}

/** Wall ms of `processes` bare Node processes sharing nTrials × work(iterations). */
async function bareParallel(processes: number, iterations: number): Promise<number> {
  const workFile = fileURLToPath(new URL("./cpu-objective.ts", import.meta.url));
  const script =
    "const { work } = await import(process.argv[1]); " +
    "for (let i = 0; i < Number(process.argv[2]); i++) work(0.5 + i, Number(process.argv[3]));";
  const start = performance.now();
  await Promise.all(
    Array.from({ length: processes }, (_, p) => {
      const count = Math.floor(nTrials / processes) + (p < nTrials % processes ? 1 : 0);
      const child = spawn(
        process.execPath,
        [
          "--import",
          TSX,
          "--input-type=module",
          "-e",
          script,
          workFile,
          String(count),
          String(iterations),
        ],
        { stdio: "inherit" },
      );
      return new Promise<void>((resolve, reject) =>
        child.on("close", (code) =>
          code === 0 ? resolve() : reject(new Error(`baseline exited ${code}`)),
        ),
      );
    }),
  );
  return performance.now() - start;
}

/**
 * Spawns `command` n times in a row, reading its stdout; the median ms per spawn (a
 * median, as a busy machine's spikes would swamp a mean).
 */
async function bareSpawns(command: readonly string[], n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      const [file = "", ...rest] = command.map((word) =>
        word.replace("{x}", String(Math.random())),
      );
      const child = spawn(file, rest, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
      });
      child.on("error", reject);
      child.on("close", () =>
        Number.isFinite(Number.parseFloat(out)) ? resolve() : reject(new Error(out)),
      );
    });
    times.push(performance.now() - start);
  }
  return median(times);
}

async function commandTrials(command: readonly string[]): Promise<number> {
  const study = `cmd-${runs++}`;
  await tunekit([
    "run",
    "--space",
    "space.yaml",
    "-n",
    String(nCommandTrials),
    "--storage",
    STORAGE,
    "--study",
    study,
    "--no-progress",
    "--log-level",
    "error",
    "--",
    ...command,
  ]);
  const trials = await trialsOf(study);
  if (trials.some((t) => t.state !== "COMPLETE")) throw new Error(`study ${study}: a trial failed`);
  // The loop's period: from one trial's start to the next's (ask, spawn, read, tell).
  const starts = trials.map((t) => Date.parse(t.datetimeStart ?? "")).sort((a, b) => a - b);
  return median(starts.slice(1).map((start, i) => start - (starts[i] as number)));
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  CLI = cliCommand();
  console.log(
    `tunekit CLI benchmark (${args.from === "build" ? "compiled CLI" : "CLI from source"}) — load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  const iterations = calibrate(trialMs);
  console.log(
    `objective: ${iterations} iterations ≈ ${trialMs} ms here; ${nTrials} trials; median of ${nRepeats}\n`,
  );

  const results = new Map<number, WorkersResult[]>([
    [1, []],
    [2, []],
  ]);
  const bare = new Map<number, number[]>([
    [1, []],
    [2, []],
  ]);
  // Each round runs every configuration, so that they share the machine's conditions.
  for (let repeat = 0; repeat < nRepeats; repeat++) {
    for (const workers of [1, 2]) {
      results.get(workers)?.push(await runWorkers(workers, iterations));
      bare.get(workers)?.push(await bareParallel(workers, iterations));
    }
  }
  const summary = [1, 2].map((workers) => {
    const list = results.get(workers) ?? [];
    return {
      workers,
      wallMs: median(list.map((r) => r.wallMs)),
      startupMs: median(list.map((r) => r.startupMs)),
      spanMs: median(list.map((r) => r.spanMs)),
      endMs: median(list.map((r) => r.endMs)),
      trialMs: median(list.map((r) => r.trialMs)),
    };
  });
  console.log("workers   wall (with start-up)   start-up   trial span   end   median trial");
  for (const s of summary) {
    console.log(
      `${String(s.workers).padStart(7)}   ${fmt(s.wallMs).padStart(20)}   ${fmt(s.startupMs).padStart(8)}   ` +
        `${fmt(s.spanMs).padStart(10)}   ${fmt(s.endMs).padStart(8)}   ${fmt(s.trialMs).padStart(12)}`,
    );
  }
  const [one, two] = summary as [(typeof summary)[0], (typeof summary)[0]];
  const bare1 = median(bare.get(1) ?? []);
  const bare2 = median(bare.get(2) ?? []);
  console.log(
    `baseline: the same arithmetic in bare Node processes: 1 → ${fmt(bare1)}, 2 → ${fmt(bare2)}`,
  );
  const machineSpeedup = bare1 / bare2;
  const wallSpeedup = one.wallMs / two.wallMs;
  const spanSpeedup = one.spanMs / two.spanMs;
  console.log(
    `machine speed-up with 2 processes: ${machineSpeedup.toFixed(2)}×; tunekit's efficiency: ` +
      `${(spanSpeedup / machineSpeedup).toFixed(2)} (span), ${(wallSpeedup / machineSpeedup).toFixed(2)} (wall)`,
  );
  console.log(
    `speed-up of 2 workers: ${wallSpeedup.toFixed(2)}× wall, ${spanSpeedup.toFixed(2)}× trial span ` +
      `(goal ≥ ${GOAL_SPEEDUP}×: ${spanSpeedup >= GOAL_SPEEDUP ? "met" : "NOT met"} on the span, ` +
      `${wallSpeedup >= GOAL_SPEEDUP ? "met" : "not met"} on the wall time)\n`,
  );

  writeFileSync(join(folder, "space.yaml"), "x: { type: float, low: 0, high: 1 }\n");
  const commands: (readonly string[])[] = [
    ["/bin/echo", "{x}"],
    ["node", "-e", "console.log(process.argv[1])", "{x}"],
  ];
  console.log(`command trials (${nCommandTrials} per run): per trial vs a bare spawn`);
  for (const command of commands) {
    const tunekitMs: number[] = [];
    const bareMs: number[] = [];
    for (let repeat = 0; repeat < nRepeats; repeat++) {
      bareMs.push(await bareSpawns(command, nCommandTrials));
      tunekitMs.push(await commandTrials(command));
    }
    const t = median(tunekitMs);
    const b = median(bareMs);
    console.log(
      `  ${command.join(" ").padEnd(44)} tunekit ${fmt(t).padStart(9)}  bare ${fmt(b).padStart(9)}  ` +
        `overhead ${fmt(t - b).padStart(8)} (goal < ${GOAL_OVERHEAD_MS} ms: ${t - b < GOAL_OVERHEAD_MS ? "met" : "NOT met"})`,
    );
  }
}

try {
  await main();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
