/**
 * Storage throughput and ask latency, against Optuna's RDBStorage in the same run.
 *
 * 1. Trials per second (ask, 3 suggests, 3 reports, tell) with 1, 2 and 4 worker
 *    processes on one study, on SQLite (a fresh file per configuration, in one folder) and
 *    PostgreSQL (a fresh database per configuration, on one server), for tunekit
 *    (bench/storage/worker.ts) and for Optuna's RDBStorage (bench/storage/optuna_storage.py,
 *    run with /usr/bin/python3) on the same file system and server. Every worker opens the
 *    study and warms up first; then all start at once, and the rate is all their trials
 *    over the time from the first start to the last finish. Goal: tunekit ≥ 10× Optuna at
 *    every worker count.
 * 2. Ask latency of one long single-process study on SQLite, after a warm-up study: the
 *    median ask around trial 100, 1,000, the middle and the last (10,000). Goal: as fast
 *    at 10,000 as at 100 (within 1.25×).
 *
 * Usage: npx tsx bench/storage/run.ts [--trials 2000] [--optuna-trials 200] [--workers 1,2,4]
 *        [--backends sqlite,postgres] [--latency-trials 10000] [--repeats 1] [--no-optuna]
 *        [--report-gap-ms 0] [--python /usr/bin/python3] [--postgres URL] [--dir FOLDER]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { createStudy, loadStudy, RandomSampler, setLogLevel } from "../../src/index.js";
import { oneTrial } from "./trial-loop.js";

const GOAL_RATIO = 10;
const LATENCY_GOAL = 1.25;
const LATENCY_WARMUP = 2000;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const OPTUNA_SCRIPT = fileURLToPath(new URL("./optuna_storage.py", import.meta.url));

const { values: args } = parseArgs({
  options: {
    trials: { type: "string", default: "2000" },
    "optuna-trials": { type: "string", default: "200" },
    workers: { type: "string", default: "1,2,4" },
    backends: { type: "string", default: "sqlite,postgres" },
    warmup: { type: "string", default: "300" },
    "optuna-warmup": { type: "string", default: "20" },
    "latency-trials": { type: "string", default: "10000" },
    repeats: { type: "string", default: "1" },
    "report-gap-ms": { type: "string", default: "0" },
    "no-optuna": { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
    postgres: {
      type: "string",
      default: process.env.TUNEKIT_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
    dir: { type: "string" },
  },
});

function count(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`${flag} must be an integer ≥ ${min}, got ${text}`);
  }
  return n;
}

const nTrials = count(args.trials, "--trials");
const nOptunaTrials = count(args["optuna-trials"], "--optuna-trials");
const workerCounts = args.workers.split(",").map((w) => count(w, "--workers"));
const nWarmup = count(args.warmup, "--warmup", 0);
const nOptunaWarmup = count(args["optuna-warmup"], "--optuna-warmup", 0);
const nLatencyTrials = count(args["latency-trials"], "--latency-trials", 0);
const nRepeats = count(args.repeats, "--repeats");
const reportGapMs = Number(args["report-gap-ms"]);
const backends = args.backends.split(",") as Backend[];
const PYTHON = args.python;

type Backend = "sqlite" | "postgres";
type System = "tunekit" | "optuna";

interface Rate {
  readonly backend: Backend;
  readonly workers: number;
  readonly system: System;
  readonly trialsPerSecond: number;
}

// ---------------------------------------------------------------- processes

interface WorkerResult {
  readonly startMs: number;
  readonly endMs: number;
  readonly nTrials: number;
}

/** A benchmark worker: resolves `ready` once it printed so, `result` with its timing. */
interface BenchWorker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<WorkerResult>;
}

/** A promise with its resolve and reject (Promise.withResolvers needs Node 22). */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function startProcess(command: string, argv: readonly string[], label: string): BenchWorker {
  const child = spawn(command, argv, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  let buffer = "";
  const ready = deferred<void>();
  const result = deferred<WorkerResult>();
  const fail = (error: Error) => {
    ready.reject(error);
    result.reject(error);
  };
  // Either may be left unawaited when the other fails first.
  ready.promise.catch(() => undefined);
  result.promise.catch(() => undefined);
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (buffer + chunk).split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      const message = JSON.parse(line) as { type: string } & WorkerResult;
      if (message.type === "ready") ready.resolve();
      if (message.type === "result") result.resolve(message);
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.on("error", (error) => fail(new Error(`${label}: ${error.message}`)));
  child.on("exit", (code, signal) => {
    if (code !== 0) fail(new Error(`${label} exited with ${code ?? signal}:\n${stderr}`));
  });
  return { child, ready: ready.promise, result: result.promise };
}

function startWorker(system: System, storage: string, studyName: string, n: number, seed: number) {
  if (system === "tunekit") {
    const config = { storage, studyName, nTrials: n, warmup: nWarmup, seed, reportGapMs };
    return startProcess(
      process.execPath,
      ["--import", "tsx", WORKER, JSON.stringify(config)],
      `tunekit worker ${seed}`,
    );
  }
  return startProcess(
    PYTHON,
    [
      OPTUNA_SCRIPT,
      "worker",
      ...["--storage", storage, "--study", studyName, "--trials", String(n)],
      ...["--seed", String(seed), "--warmup", String(nOptunaWarmup)],
      ...["--report-gap-ms", String(reportGapMs)],
    ],
    `Optuna worker ${seed}`,
  );
}

/**
 * Runs `workers` processes on one study: the first alone until it has created the study
 * (and, for Optuna, its tables), then the rest; all start their timed trials together.
 */
async function measure(system: System, storage: string, workers: number, total: number) {
  const studyName = `bench-${workers}`;
  const perWorker = Math.ceil(total / workers);
  const started: BenchWorker[] = [];
  try {
    started.push(startWorker(system, storage, studyName, perWorker, 1));
    await started[0]?.ready;
    for (let i = 1; i < workers; i++) {
      started.push(startWorker(system, storage, studyName, perWorker, i + 1));
    }
    await Promise.all(started.map((w) => w.ready));
    for (const w of started) w.child.stdin?.write("go\n");
    const results = await Promise.all(started.map((w) => w.result));
    const first = Math.min(...results.map((r) => r.startMs));
    const last = Math.max(...results.map((r) => r.endMs));
    const n = results.reduce((sum, r) => sum + r.nTrials, 0);
    return { trialsPerSecond: n / ((last - first) / 1000), studyName, n };
  } finally {
    for (const w of started) if (w.child.exitCode === null) w.child.kill("SIGKILL");
  }
}

// ---------------------------------------------------------------- storages

const folder = args.dir ?? mkdtempSync(join(tmpdir(), "tunekit-bench-storage-"));
const createdDatabases: string[] = [];

async function onServer<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: args.postgres });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty storage for one configuration, as a URL for tunekit or for SQLAlchemy. */
async function freshStorage(backend: Backend, system: System, workers: number): Promise<string> {
  const name = `${system}_bench_w${workers}_${process.pid}`;
  if (backend === "sqlite") {
    const path = join(folder, `${name}.db`);
    for (const suffix of ["", "-wal", "-shm", "-journal"])
      rmSync(`${path}${suffix}`, { force: true });
    return system === "tunekit" ? `sqlite:${path}` : `sqlite:///${path}`;
  }
  await onServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  createdDatabases.push(name);
  const url = new URL(args.postgres);
  url.pathname = `/${name}`;
  url.search = "";
  if (system === "optuna") url.protocol = "postgresql+psycopg2:";
  return url.toString();
}

async function postgresReachable(): Promise<boolean> {
  try {
    await onServer((client) => client.query("SELECT 1"));
    return true;
  } catch (error) {
    console.error(`PostgreSQL at ${args.postgres} is not reachable (${(error as Error).message})`);
    return false;
  }
}

// ---------------------------------------------------------------- Optuna

interface OptunaVersions {
  readonly optuna: string;
  readonly sqlalchemy: string;
  readonly python: string;
}

function runPython(argv: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    child.stderr.resume();
    child.on("error", () => resolve({ code: -1, out: "" }));
    child.on("close", (code) => resolve({ code, out }));
  });
}

async function optunaVersions(): Promise<OptunaVersions | null> {
  const { code, out } = await runPython([OPTUNA_SCRIPT, "versions"]);
  if (code !== 0) {
    console.error(
      `Optuna baseline skipped: no Optuna for ${PYTHON}; install it with ` +
        "`apt-get install -y python3-optuna` (Debian/Ubuntu), then run again.",
    );
    return null;
  }
  return JSON.parse(out) as OptunaVersions;
}

async function hasPsycopg2(): Promise<boolean> {
  const { code } = await runPython(["-c", "import psycopg2"]);
  if (code !== 0) {
    console.error(
      "Optuna on PostgreSQL skipped: psycopg2 is missing; install it with " +
        "`apt-get install -y python3-psycopg2`, then run again.",
    );
  }
  return code === 0;
}

// ---------------------------------------------------------------- latency

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Ask latency (ms) of every trial of one long study on SQLite, in this process, after a
 * warm-up study in the same file (so that trial 100 is not timed before V8 has optimized
 * the code, which would flatter the ratio).
 */
async function askLatencies(n: number): Promise<number[]> {
  const path = join(folder, `latency_${process.pid}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  const open = (studyName: string) =>
    createStudy({ studyName, storage: `sqlite:${path}`, sampler: new RandomSampler({ seed: 7 }) });
  const warm = await open("latency-warmup");
  for (let i = 0; i < LATENCY_WARMUP; i++) await oneTrial(warm, 0);
  await warm.storage.close();
  const study = await open("latency");
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) latencies.push(await oneTrial(study, 0));
  await study.storage.close();
  return latencies;
}

// ---------------------------------------------------------------- report

function rate(x: number | undefined): string {
  return x === undefined ? "-" : Math.round(x).toLocaleString("en-US");
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[], left = 2) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i < left ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
  );
  for (const row of rows) console.log(line(row));
}

function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

async function main(): Promise<void> {
  setLogLevel("error");
  const versions = args["no-optuna"] ? null : await optunaVersions();
  const pgUp = backends.includes("postgres") ? await postgresReachable() : false;
  const optunaPg = versions !== null && pgUp && (await hasPsycopg2());
  const pgVersion = pgUp
    ? await onServer(async (c) =>
        String((await c.query("SHOW server_version")).rows[0]?.server_version),
      )
    : null;

  const rates: Rate[] = [];
  for (const backend of backends) {
    if (backend === "postgres" && !pgUp) continue;
    for (const workers of workerCounts) {
      const systems: System[] = ["tunekit"];
      if (versions !== null && (backend === "sqlite" || optunaPg)) systems.push("optuna");
      for (const system of systems) {
        const runs: number[] = [];
        for (let r = 0; r < nRepeats; r++) {
          const storage = await freshStorage(backend, system, workers);
          const total = system === "tunekit" ? nTrials : nOptunaTrials;
          const measured = await measure(system, storage, workers, total);
          if (system === "tunekit") await checkStudy(storage, measured.studyName, measured.n);
          runs.push(measured.trialsPerSecond);
        }
        const trialsPerSecond = median(runs);
        rates.push({ backend, workers, system, trialsPerSecond });
        console.error(`${backend} ${system} ×${workers}: ${rate(trialsPerSecond)} trials/s`);
      }
    }
  }

  const latencies = nLatencyTrials > 0 ? await askLatencies(nLatencyTrials) : null;

  for (const db of createdDatabases) {
    await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
  if (args.dir === undefined) rmSync(folder, { recursive: true, force: true });

  console.log(
    `\nask + 3 suggests + 3 reports + tell per second, all worker processes together; ` +
      `tunekit ${nTrials} trials per configuration, Optuna ${nOptunaTrials}` +
      (reportGapMs > 0 ? `; ${reportGapMs} ms between reports` : "") +
      `\nnode ${process.version}` +
      (versions
        ? `, Optuna ${versions.optuna} (SQLAlchemy ${versions.sqlalchemy}) on Python ${versions.python}`
        : ", no Optuna baseline") +
      (pgVersion ? `, PostgreSQL ${pgVersion}` : ""),
  );
  const rows = rates
    .filter((r) => r.system === "tunekit")
    .map((ours) => {
      const theirs = rates.find(
        (r) => r.system === "optuna" && r.backend === ours.backend && r.workers === ours.workers,
      );
      const ratio = theirs ? ours.trialsPerSecond / theirs.trialsPerSecond : undefined;
      return [
        ours.backend === "sqlite" ? "SQLite" : "PostgreSQL",
        String(ours.workers),
        rate(ours.trialsPerSecond),
        rate(theirs?.trialsPerSecond),
        ratio === undefined ? "-" : `${ratio.toFixed(1)}×`,
        ratio === undefined ? "n/a" : ratio >= GOAL_RATIO ? "met" : "NOT met",
      ];
    });
  printTable(
    ["storage", "workers", "tunekit trials/s", "Optuna trials/s", "ratio", `goal ≥${GOAL_RATIO}×`],
    rows,
  );

  if (latencies !== null) {
    const around = (center: number) => {
      const from = Math.max(0, Math.min(center - 50, latencies.length - 100));
      return latencies.slice(from, from + 100);
    };
    const early = around(100);
    const late = around(latencies.length);
    const ratio = median(late) / median(early);
    const points = [100, 1000, Math.round(latencies.length / 2), latencies.length].filter(
      (p, i, all) => p <= latencies.length && all.indexOf(p) === i,
    );
    console.log(
      `\nask latency of one study on SQLite, one process, ${nLatencyTrials} trials ` +
        "(100 asks around each point)",
    );
    printTable(
      ["at trial", "median ms", "p90 ms"],
      points.map((p) => {
        const window = around(p);
        return [`~${p}`, median(window).toFixed(3), quantile(window, 0.9).toFixed(3)];
      }),
      1,
    );
    console.log(
      `late/early median: ${ratio.toFixed(2)}× — goal ≤ ${LATENCY_GOAL}×: ` +
        (ratio <= LATENCY_GOAL ? "met" : "NOT met"),
    );
  }
}

/** Fails the benchmark when tunekit lost or duplicated a trial while being timed. */
async function checkStudy(storage: string, studyName: string, n: number): Promise<void> {
  const study = await loadStudy({ studyName, storage });
  const trials = await study.trials();
  await study.storage.close();
  const complete = trials.filter((t) => t.state === "COMPLETE").length;
  if (trials.length !== n || complete !== n) {
    throw new Error(
      `${storage}: expected ${n} COMPLETE trials, found ${complete} of ${trials.length}`,
    );
  }
}

await main();
