/**
 * Sample efficiency and sampler time of tunekit's samplers against Optuna 3.1's, in one run.
 *
 * Quality: the functions of ../shared/bench/README.md (bench/samplers/functions.ts), for each
 * sampler of `--samplers` (names in samplers.ts: tpe, tpe-mv, …) and each Optuna sampler of
 * `--optuna-samplers` (default: the twins of the tunekit ones, and tpe), over the same seeds
 * and budgets; prints per function and budget the median [25th, 75th percentile] of the best
 * value (hypervolume for zdt1) and the ratio of median regrets, tunekit / Optuna (below 1:
 * tunekit is better), against the Optuna sampler of the same algorithm or, for an algorithm
 * Optuna 3.1 lacks, against the best of the Optuna samplers run.
 * Optuna runs in bench/samplers/optuna_samplers.py with /usr/bin/python3, in parallel with the
 * tunekit runs (their results do not depend on timing).
 *
 * `--concurrency N` runs N of tunekit's trials at once, each objective taking a few ms of wall
 * time, so each ask sees the others running with their params, as with N workers (results
 * then depend on timing); Optuna's side stays sequential.
 *
 * Time: sampler milliseconds per trial around trial N (`--at`, default 1000) of Rosenbrock in
 * `--dims` dimensions (default 10), for
 * each sampler and its Optuna twin: random COMPLETE trials are imported, 10 trials run untimed (warm-up), then
 * each timed trial is one call of optimize; only the sampler's calls are timed, in both
 * libraries (the median of wall and of CPU time is printed; the speed-up compares CPU times,
 * which other processes on a shared machine do not inflate). Runs alone, after quality.
 *
 * Usage: npx tsx bench/samplers/run.ts [--quick] [--seeds 10] [--functions branin,mixed]
 *        [--samplers tpe,tpe-mv] [--optuna-samplers tpe,cmaes] [--concurrency 1] [--no-optuna] [--no-timing] [--no-quality] [--at 1000]
 *        [--save results.json] [--optuna-from results.json]
 * `--save` writes every run; `--optuna-from` reuses the Optuna runs of such a file (or the
 * output of `optuna_samplers.py quality`) instead of running Optuna again (when iterating on
 * tunekit; the default runs both in the same run); `--tunekit-from` reuses tunekit's runs of
 * such a file, running only those it lacks.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createStudy,
  type Distribution,
  type FrozenTrial,
  floatDistribution,
  type Sampler,
  type SearchSpace,
  type StudySnapshot,
  setLogLevel,
  type Trial,
  type TrialContext,
  type TrialState,
} from "../../src/index.js";
import { hypervolume } from "../../src/multiobjective/hypervolume.js";
import { rankSumPValue } from "../support/rank-sum.js";
import { type BenchFunction, FUNCTIONS, rosenbrock, ZDT1_REFERENCE } from "./functions.js";
import { type BenchSampler, benchSampler, OPTUNA_SAMPLERS, runsOn } from "./samplers.js";

interface Run {
  readonly function: string;
  /** A name of samplers.ts (tunekit) or of optuna_samplers.py (Optuna). */
  readonly sampler: string;
  readonly seed: number;
  /** Best value (hypervolume for zdt1) by budget. */
  readonly best: Readonly<Record<string, number>>;
}

interface Timing {
  readonly sampler: string;
  readonly trial: number;
  readonly ms: readonly number[];
  /** CPU milliseconds of this process in the same calls (tunekit only): load-independent. */
  readonly cpuMs?: readonly number[];
}

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seeds: { type: "string" },
    functions: { type: "string" },
    samplers: { type: "string", default: "tpe,tpe-mv" },
    concurrency: { type: "string", default: "1" },
    "optuna-samplers": { type: "string" },
    "no-optuna": { type: "boolean", default: false },
    "no-timing": { type: "boolean", default: false },
    "no-quality": { type: "boolean", default: false },
    at: { type: "string", default: "1000" },
    dims: { type: "string", default: "10" },
    python: { type: "string", default: "/usr/bin/python3" },
    save: { type: "string" },
    "optuna-from": { type: "string" },
    "tunekit-from": { type: "string" },
  },
});
const QUICK = args.quick;
const nSeeds = Number(args.seeds ?? (QUICK ? 3 : 10));
const BUDGETS = QUICK ? [50, 100] : [50, 100, 200];
const ZDT1_BUDGETS = QUICK ? [50, 100] : [50, 100, 200, 300];
const functionNames = (
  args.functions ?? (QUICK ? "branin,mixed,rosenbrock10,ackley10,rastrigin10" : "")
)
  .split(",")
  .filter((s) => s.length > 0);
const functions =
  functionNames.length === 0 ? FUNCTIONS : FUNCTIONS.filter((f) => functionNames.includes(f.name));
const samplers = args.samplers.split(",").map(benchSampler);
const optunaSamplers = (
  args["optuna-samplers"] ??
  [
    ...new Set([...samplers.flatMap((s) => (s.optunaTwin === null ? [] : [s.optunaTwin])), "tpe"]),
  ].join(",")
).split(",");
for (const name of optunaSamplers) {
  if (!(OPTUNA_SAMPLERS as readonly string[]).includes(name)) {
    throw new RangeError(
      `--optuna-samplers: unknown sampler "${name}" (known: ${OPTUNA_SAMPLERS.join(", ")})`,
    );
  }
}

const TIMING_AT = Number(args.at);
const TIMING_DIMS = Number(args.dims);
/** Trials run at once, as that many workers would: each ask sees the others running. */
const CONCURRENCY = Number(args.concurrency);
const TIMING_REPEATS = QUICK ? 8 : 20;
/** A ratio cell is marked when the two samples of regrets differ at this level. */
const SIGNIFICANCE = 0.05;
const seeds = Array.from({ length: nSeeds }, (_, i) => i);

setLogLevel("error");

function budgetsOf(fn: BenchFunction): number[] {
  return fn.nObjectives === 1 ? BUDGETS : ZDT1_BUDGETS;
}

/**
 * The objective, taking 2–6 ms of wall time after its suggests, so that concurrent trials
 * overlap as a real (slow) objective's would and their params reach the other asks.
 */
function slowed(
  objective: BenchFunction["objective"],
): (trial: Trial) => Promise<number | number[]> {
  return async (trial) => {
    const value = objective(trial);
    await new Promise((resolve) => setTimeout(resolve, 2 + ((trial.number * 7919) % 5)));
    return value;
  };
}

async function tunekitRun(fn: BenchFunction, bench: BenchSampler, seed: number): Promise<Run> {
  const sampler = bench.make(seed);
  const study = await createStudy(
    fn.nObjectives === 1
      ? { direction: "minimize", sampler }
      : { directions: ["minimize", "minimize"], sampler },
  );
  const best: Record<string, number> = {};
  let done = 0;
  for (const budget of budgetsOf(fn)) {
    await study.optimize(CONCURRENCY > 1 ? slowed(fn.objective) : fn.objective, {
      nTrials: budget - done,
      concurrency: CONCURRENCY,
    });
    done = budget;
    const values = (await study.trials())
      .filter((t) => t.state === "COMPLETE")
      .map((t) => t.values as number[]);
    best[String(budget)] =
      fn.nObjectives === 1
        ? Math.min(...values.map((v) => v[0] as number))
        : hypervolume(values, ZDT1_REFERENCE);
  }
  return { function: fn.name, sampler: bench.name, seed, best };
}

/** Runs the Optuna script in `mode`; null (with the reason on stderr) when it cannot run. */
function runOptuna(mode: "quality" | "timing", extra: string[]): Promise<unknown> {
  const script = fileURLToPath(new URL("./optuna_samplers.py", import.meta.url));
  const child = spawn(args.python, [script, mode, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on("error", (error) => {
      console.error(`Optuna baseline skipped: ${error.message}`);
      resolve(null);
    });
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else {
        console.error(`Optuna baseline failed (exit ${String(code)}):\n${stderr.slice(-2000)}`);
        resolve(null);
      }
    });
  });
}

/** A sampler that adds up the milliseconds spent in another. */
class TimedSampler implements Sampler {
  ms = 0;
  cpuMs = 0;
  readonly #inner: Sampler;
  constructor(inner: Sampler) {
    this.#inner = inner;
  }
  #timed<T>(fn: () => T): T {
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      return fn();
    } finally {
      this.ms += performance.now() - start;
      const used = process.cpuUsage(cpu);
      this.cpuMs += (used.user + used.system) / 1000;
    }
  }
  prepareTrial(snapshot: StudySnapshot) {
    return this.#timed(() => this.#inner.prepareTrial?.(snapshot) ?? {});
  }
  inferRelativeSearchSpace(context: TrialContext): SearchSpace {
    return this.#timed(() => this.#inner.inferRelativeSearchSpace?.(context) ?? {});
  }
  sampleRelative(context: TrialContext, space: SearchSpace) {
    return this.#timed(() => this.#inner.sampleRelative?.(context, space) ?? { params: {} });
  }
  afterTrial(context: TrialContext, state: TrialState, values: readonly number[] | null) {
    return this.#timed(() => this.#inner.afterTrial?.(context, state, values));
  }
  sampleIndependent(context: TrialContext, name: string, distribution: Distribution) {
    return this.#timed(() => this.#inner.sampleIndependent(context, name, distribution));
  }
}

/** Untimed trials run just before the timed ones, so that V8 has compiled the hot paths. */
const TIMING_WARMUP = 10;

/**
 * Sampler ms per trial around trial `at` of Rosenbrock on [−5, 10]^d: random COMPLETE
 * trials are imported, `TIMING_WARMUP` trials run untimed, then `repeats` trials are timed.
 */
async function tunekitTiming(bench: BenchSampler, at: number, repeats: number): Promise<Timing> {
  const distributions: Record<string, Distribution> = {};
  const d = TIMING_DIMS;
  for (let i = 0; i < d; i++) distributions[`x${i}`] = floatDistribution(`x${i}`, -5, 10);
  let state = 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const trials = Array.from({ length: at - 1 - TIMING_WARMUP }, () => {
    const x = Array.from({ length: d }, () => -5 + 15 * uniform());
    const params = Object.fromEntries(x.map((v, i) => [`x${i}`, v]));
    return { state: "COMPLETE" as const, values: [rosenbrock(x)], params, distributions };
  });
  const sampler = new TimedSampler(bench.make(0));
  const study = await createStudy({ sampler });
  await study.addTrials(trials);
  const objective = (trial: Trial) =>
    rosenbrock(Array.from({ length: d }, (_, i) => trial.suggestFloat(`x${i}`, -5, 10)));
  await study.optimize(objective, { nTrials: TIMING_WARMUP });
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    sampler.ms = 0;
    sampler.cpuMs = 0;
    await study.optimize(objective, { nTrials: 1 });
    ms.push(sampler.ms);
    cpuMs.push(sampler.cpuMs);
  }
  return { sampler: bench.name, trial: at, ms, cpuMs };
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (position - lo);
}

function summary(values: readonly number[]): { median: number; q1: number; q3: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), q1: quantile(sorted, 0.25), q3: quantile(sorted, 0.75) };
}

function fmt(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString("en-US");
  if (abs >= 100) return x.toFixed(1);
  if (abs >= 10) return x.toFixed(2);
  return x.toFixed(3);
}

function cell(values: readonly number[]): string {
  const s = summary(values);
  return s === null ? "-" : `${fmt(s.median)} [${fmt(s.q1)}, ${fmt(s.q3)}]`;
}

function regret(fn: BenchFunction, value: number): number {
  return fn.nObjectives === 1 ? value - fn.optimum : fn.optimum - value;
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** The Optuna runs a tunekit sampler is compared with, and how the column says so. */
function baselineOf(
  bench: BenchSampler,
  fn: BenchFunction,
  budget: number,
  theirs: readonly Run[],
): { name: string; regrets: number[] } | null {
  const regretsOf = (name: string) =>
    theirs
      .filter((r) => r.function === fn.name && r.sampler === name)
      .map((r) => regret(fn, r.best[String(budget)] as number));
  if (bench.optunaTwin !== null && optunaSamplers.includes(bench.optunaTwin)) {
    return { name: bench.optunaTwin, regrets: regretsOf(bench.optunaTwin) };
  }
  let best: { name: string; regrets: number[]; median: number } | null = null;
  for (const name of optunaSamplers) {
    const regrets = regretsOf(name);
    const s = summary(regrets);
    if (s !== null && (best === null || s.median < best.median)) {
      best = { name, regrets, median: s.median };
    }
  }
  return best;
}

function qualityTable(ours: readonly Run[], theirs: readonly Run[]): void {
  const header = ["function", "budget"];
  for (const s of samplers) header.push(`tunekit ${s.name}`);
  for (const name of optunaSamplers) header.push(`Optuna ${name}`);
  for (const s of samplers) header.push(`ratio ${s.name}`);
  const rows: string[][] = [];
  const tally = new Map<string, { wins: number; losses: number; significant: number }>();
  for (const fn of functions) {
    for (const budget of budgetsOf(fn)) {
      const row = [fn.name, String(budget)];
      const pick = (runs: readonly Run[], name: string) =>
        runs
          .filter((r) => r.function === fn.name && r.sampler === name)
          .map((r) => r.best[String(budget)] as number);
      for (const s of samplers) row.push(cell(pick(ours, s.name)));
      for (const name of optunaSamplers) row.push(cell(pick(theirs, name)));
      for (const s of samplers) {
        const ra = summary(pick(ours, s.name).map((v) => regret(fn, v)));
        const baseline = baselineOf(s, fn, budget, theirs);
        const rb = baseline === null ? null : summary(baseline.regrets);
        const ratio = ra !== null && rb !== null && rb.median > 0 ? ra.median / rb.median : null;
        const oursRegrets = pick(ours, s.name).map((v) => regret(fn, v));
        const significant =
          baseline !== null && rankSumPValue(oursRegrets, baseline.regrets) < SIGNIFICANCE;
        const count = tally.get(s.name) ?? { wins: 0, losses: 0, significant: 0 };
        if (ratio !== null && ratio < 1) count.wins++;
        if (ratio !== null && ratio > 1) count.losses++;
        if (ratio !== null && ratio > 1 && significant) count.significant++;
        tally.set(s.name, count);
        const against =
          baseline !== null && baseline.name !== s.optunaTwin ? ` (${baseline.name})` : "";
        const mark = significant ? "*" : "";
        row.push(ratio === null ? "-" : `${ratio.toFixed(2)}${mark}${against}`);
      }
      rows.push(row);
    }
  }
  printTable(header, rows);
  console.log(
    "\nratio = median regret of tunekit / median regret of the Optuna sampler of the same " +
      "algorithm, or of the best Optuna sampler run (named) where Optuna 3.1 has none (< 1: " +
      `tunekit better). zdt1 shows hypervolume (max ${fmt(120 + 2 / 3)}). * = the regrets ` +
      `differ at p < ${SIGNIFICANCE} (two-sided Mann–Whitney U over the seeds): without *, the ` +
      "difference is within what the seeds' spread explains.",
  );
  for (const [name, { wins, losses, significant }] of tally) {
    console.log(
      `tunekit ${name}: better in ${wins}, worse in ${losses} cells ` +
        `(significantly worse in ${significant})`,
    );
  }
}

function timingTable(ours: readonly Timing[], theirs: readonly Timing[]): void {
  const rows = ours.map((timing) => {
    const bench = benchSampler(timing.sampler);
    const twin = bench.optunaTwin ?? "tpe";
    const theirTiming = theirs.find((t) => t.sampler === twin);
    const wall = summary(timing.ms);
    const cpu = summary(timing.cpuMs ?? []);
    const theirWall = summary(theirTiming?.ms ?? []);
    const theirCpu = summary(theirTiming?.cpuMs ?? []);
    // CPU time, where both sides have it, is what other processes on the machine do not inflate.
    const [a, b] = cpu !== null && theirCpu !== null ? [cpu, theirCpu] : [wall, theirWall];
    const ratio = a !== null && b !== null ? b.median / a.median : null;
    const ms = (s: { median: number } | null, digits: number) =>
      s === null ? "-" : `${s.median.toFixed(digits)} ms`;
    return [
      timing.sampler,
      ms(wall, 2),
      ms(cpu, 2),
      `${ms(theirWall, 1)} (${twin})`,
      ms(theirCpu, 1),
      ratio === null ? "-" : `${ratio.toFixed(0)}×`,
      ratio === null ? "n/a" : ratio >= 10 ? "met" : "NOT met",
    ];
  });
  printTable(
    [
      "sampler",
      "tunekit wall",
      "tunekit CPU",
      "Optuna wall",
      "Optuna CPU",
      "speed-up (CPU)",
      "goal ≥10×",
    ],
    rows,
  );
}

/** Optuna's runs from a file of `--save`, or the output of `optuna_samplers.py quality`. */
function savedOptunaRuns(path: string): Run[] {
  const saved = JSON.parse(readFileSync(path, "utf8")) as { optuna: unknown; runs?: Run[] };
  return Array.isArray(saved.optuna) ? (saved.optuna as Run[]) : (saved.runs ?? []);
}

async function quality(started: number): Promise<void> {
  const saved = args["optuna-from"];
  const optunaQuality = args["no-optuna"]
    ? Promise.resolve(null)
    : saved !== undefined
      ? Promise.resolve({
          runs: savedOptunaRuns(saved).filter((r) => r.seed < nSeeds),
        })
      : runOptuna("quality", [
          ...["--functions", functions.map((f) => f.name).join(",")],
          ...["--samplers", optunaSamplers.join(",")],
          ...["--seeds", `0-${nSeeds - 1}`],
          ...["--budgets", BUDGETS.join(",")],
          ...["--zdt1-budgets", ZDT1_BUDGETS.join(",")],
        ]);
  const ours: Run[] = [];
  const reused = args["tunekit-from"];
  const savedOurs =
    reused === undefined
      ? null
      : (JSON.parse(readFileSync(reused, "utf8")) as { tunekit: Run[] }).tunekit;
  for (const fn of functions) {
    for (const bench of samplers) {
      if (!runsOn(bench.objectives, fn.nObjectives)) continue;
      for (const seed of seeds) {
        const found = savedOurs?.find(
          (r) => r.function === fn.name && r.sampler === bench.name && r.seed === seed,
        );
        ours.push(found ?? (await tunekitRun(fn, bench, seed)));
      }
    }
    console.error(
      `tunekit ${fn.name} done (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  const theirs = ((await optunaQuality) as { runs: Run[] } | null)?.runs ?? [];
  console.error(`Optuna done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  console.log(
    `\n## Best value after N trials: median [25th, 75th percentile] over ${nSeeds} seeds\n`,
  );
  qualityTable(ours, theirs);
  if (args.save !== undefined) {
    writeFileSync(args.save, `${JSON.stringify({ tunekit: ours, optuna: theirs })}\n`);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  if (!args["no-quality"]) await quality(started);
  if (!args["no-timing"]) {
    const timed = samplers.filter((s) => runsOn(s.objectives, 1));
    const oursTiming: Timing[] = [];
    for (const bench of timed) {
      oursTiming.push(await tunekitTiming(bench, TIMING_AT, TIMING_REPEATS));
    }
    const twins = [...new Set(timed.map((s) => s.optunaTwin ?? "tpe"))];
    const theirsTiming = args["no-optuna"]
      ? null
      : ((await runOptuna("timing", [
          ...["--at", String(TIMING_AT)],
          ...["--dims", String(TIMING_DIMS)],
          ...["--repeats", String(TIMING_REPEATS)],
          ...["--samplers", twins.join(",")],
        ])) as { timing: Timing[] } | null);
    console.log(
      `\n## Sampler time per trial at trial ${TIMING_AT} of ${TIMING_DIMS}-D Rosenbrock ` +
        `(median of ${TIMING_REPEATS} trials)\n`,
    );
    timingTable(oursTiming, theirsTiming?.timing ?? []);
  }
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
}

await main();

export type { FrozenTrial };
