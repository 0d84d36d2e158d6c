/**
 * Framework overhead: ask + 3 suggests + tell per second, in memory, against Optuna.
 *
 * For each sampler (RandomSampler, and QMCSampler once src/index.ts exports it) and each
 * loop (a manual ask/tell loop and `study.optimize`), runs `--trials` trials of an objective
 * that suggests x ∈ [0, 1], y ∈ [1e-3, 1] (log) and z ∈ {0, …, 9}, after an untimed warm-up
 * round; then runs Optuna's equivalent (bench/overhead/optuna_overhead.py) with
 * /usr/bin/python3 in the same run and prints the ratio. The goal is tunekit ≥ 50× Optuna.
 *
 * Each figure is the median of `--repeats` timed runs, each on a fresh study.
 *
 * Usage: npx tsx bench/overhead/run.ts [--trials 10000] [--warmup 2000] [--repeats 3]
 *        [--no-optuna] [--python /usr/bin/python3]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as tunekit from "../../src/index.js";
import { createStudy, RandomSampler, type Sampler, type Trial } from "../../src/index.js";

const GOAL_RATIO = 50;
const SEED = 42;

type SamplerKind = "random" | "qmc";
type LoopKind = "ask-tell" | "optimize";

interface Measurement {
  readonly sampler: SamplerKind;
  readonly loop: LoopKind;
  readonly trialsPerSecond: number;
}

interface OptunaReport {
  readonly optuna: string;
  readonly python: string;
  readonly nTrials: number;
  readonly results: readonly Measurement[];
}

const { values: args } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    warmup: { type: "string", default: "2000" },
    repeats: { type: "string", default: "3" },
    "no-optuna": { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const nTrials = positiveInt(args.trials, "--trials");
const nWarmup = positiveInt(args.warmup, "--warmup");
const nRepeats = positiveInt(args.repeats, "--repeats");
const PYTHON = args.python;

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${flag} must be a positive integer, got ${text}`);
  }
  return n;
}

/** QMCSampler joins the benchmark as soon as the public API exports it. */
function qmcSamplerClass(): (new (options: { seed: number }) => Sampler) | null {
  const exported = (tunekit as Record<string, unknown>).QMCSampler;
  return typeof exported === "function"
    ? (exported as new (options: {
        seed: number;
      }) => Sampler)
    : null;
}

function makeSampler(kind: SamplerKind): Sampler {
  if (kind === "random") return new RandomSampler({ seed: SEED });
  const QMCSampler = qmcSamplerClass();
  if (QMCSampler === null) throw new Error("QMCSampler is not exported by src/index.ts");
  return new QMCSampler({ seed: SEED });
}

function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", 0, 1);
  const y = trial.suggestFloat("y", 1e-3, 1, { log: true });
  const z = trial.suggestInt("z", 0, 9);
  return x + y + z;
}

/** Seconds for `n` trials of one loop on a fresh in-memory study. */
async function timeLoop(sampler: SamplerKind, loop: LoopKind, n: number): Promise<number> {
  const study = await createStudy({ sampler: makeSampler(sampler) });
  const start = performance.now();
  if (loop === "ask-tell") {
    for (let i = 0; i < n; i++) {
      const trial = await study.ask();
      await study.tell(trial, objective(trial));
    }
  } else {
    await study.optimize(objective, { nTrials: n });
  }
  const seconds = (performance.now() - start) / 1000;
  const told = (await study.trials()).filter((t) => t.state === "COMPLETE").length;
  if (told !== n) throw new Error(`${sampler}/${loop}: ${told} of ${n} trials completed`);
  return seconds;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function runTunekit(samplers: readonly SamplerKind[]): Promise<Measurement[]> {
  const loops: LoopKind[] = ["ask-tell", "optimize"];
  // Warm-up: let V8 optimize the hot paths before anything is timed.
  for (const sampler of samplers) for (const loop of loops) await timeLoop(sampler, loop, nWarmup);
  const results: Measurement[] = [];
  for (const sampler of samplers) {
    for (const loop of loops) {
      const runs: number[] = [];
      for (let r = 0; r < nRepeats; r++) runs.push(await timeLoop(sampler, loop, nTrials));
      const seconds = median(runs);
      results.push({ sampler, loop, trialsPerSecond: nTrials / seconds });
      console.error(`tunekit ${sampler} ${loop}: ${(nTrials / seconds).toFixed(0)} trials/s`);
    }
  }
  return results;
}

/** Runs the Optuna script; null (and a message saying why) when Python or Optuna is missing. */
function runOptuna(samplers: readonly SamplerKind[]): Promise<OptunaReport | null> {
  const script = fileURLToPath(new URL("./optuna_overhead.py", import.meta.url));
  const child = spawn(
    PYTHON,
    [
      script,
      ...["--trials", String(nTrials), "--repeats", String(nRepeats)],
      ...["--samplers", samplers.join(",")],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  const install =
    "install it with `apt-get install -y python3-optuna` (Debian/Ubuntu), then run again";
  return new Promise((resolve) => {
    // A failed spawn emits "error" and may also emit "close"; only the first one reports.
    let settled = false;
    const settle = (report: OptunaReport | null, message?: string) => {
      if (settled) return;
      settled = true;
      if (message !== undefined) console.error(`\n${message}`);
      resolve(report);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "ENOENT" ? `${PYTHON} not found` : error.message;
      settle(null, `Optuna baseline skipped: ${why}; ${install}.`);
    });
    child.on("close", (code) => {
      if (code === 0) {
        settle(JSON.parse(stdout) as OptunaReport);
      } else if (/No module named '?optuna/.test(stderr)) {
        settle(null, `Optuna baseline skipped: Optuna is not installed for ${PYTHON}; ${install}.`);
      } else {
        // Let a pending "error" event (a spawn that never started) explain itself first.
        setImmediate(() =>
          settle(null, `Optuna baseline failed (exit code ${String(code)}); see its output above.`),
        );
      }
    });
  });
}

function formatRate(rate: number | undefined): string {
  return rate === undefined ? "-" : Math.round(rate).toLocaleString("en-US");
}

function printTable(tunekitResults: readonly Measurement[], optuna: OptunaReport | null): void {
  const header = ["sampler", "loop", "tunekit trials/s", "Optuna trials/s", "ratio", "goal ≥50×"];
  const rows = tunekitResults.map((ours) => {
    const theirs = optuna?.results.find((r) => r.sampler === ours.sampler && r.loop === ours.loop);
    const ratio = theirs === undefined ? undefined : ours.trialsPerSecond / theirs.trialsPerSecond;
    return [
      ours.sampler,
      ours.loop,
      formatRate(ours.trialsPerSecond),
      formatRate(theirs?.trialsPerSecond),
      ratio === undefined ? "-" : `${ratio.toFixed(1)}×`,
      ratio === undefined ? "n/a" : ratio >= GOAL_RATIO ? "met" : "NOT met",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i < 2 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
  );
  for (const row of rows) console.log(line(row));
}

const samplers: SamplerKind[] = qmcSamplerClass() === null ? ["random"] : ["random", "qmc"];
if (!samplers.includes("qmc")) {
  console.error("QMCSampler is not exported by src/index.ts yet: benchmarking RandomSampler only.");
}
console.error(`framework overhead: ${nTrials} trials per loop, in memory, node ${process.version}`);
const ours = await runTunekit(samplers);
const optuna = args["no-optuna"] ? null : await runOptuna(samplers);
console.log(
  `\nask + 3 suggests + tell, ${nTrials} trials, in memory, median of ${nRepeats} runs; ` +
    `node ${process.version}` +
    (optuna ? `, Optuna ${optuna.optuna} on Python ${optuna.python}` : ", no Optuna baseline"),
);
printTable(ours, optuna);
