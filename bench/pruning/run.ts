/**
 * Pruning benchmark: compute saved and quality kept by each pruner, against no pruning and
 * against Optuna 3.1's same pruners, on the two families of learning curves of curves.ts
 * (curves that keep their order, and curves that cross).
 *
 * Each run is a study of TRIALS trials (default 100) with TPE (`TPESampler({ seed })`, Optuna's
 * `TPESampler(seed=seed)`) over `lr` and `reg`; a trial reports its noisy loss at each of the
 * 100 steps, asks `shouldPrune()` after each report and throws `TrialPruned` when told to.
 * Per pruner, family and seed it records:
 *
 * - steps: the reports made, over all trials (the compute spent; no pruning spends 100 per trial);
 * - pick: the noise-free final loss L(·, 99) of the trial the study picks as best (the COMPLETE
 *   trial with the best noisy final value);
 * - no-pruning pick at equal steps: the pick of the same library's no-pruning run of the same
 *   seed after ⌊steps/100⌋ trials, i.e. what spending the same compute without pruning gives.
 *
 * Printed per family and pruner, as means over the seeds: steps (and the share of no
 * pruning's), pick, no-pruning pick at equal steps, and the ratios pick / no-pruning pick at
 * equal steps (below 1: pruning pays) and tunekit pick / Optuna pick (below 1: tunekit picks
 * better). Optuna runs in optuna_pruning.py with /usr/bin/python3, in parallel with tunekit.
 *
 * Both libraries name each study `pruner-family-seed`: Hyperband hashes the name to put each
 * trial in a bracket, so both put the same trial numbers in the same brackets and a run is
 * reproducible (without a name, tunekit's generated one changed the brackets at every run).
 * Rows with a suffix are tunekit's opt-in options, which Optuna 3.1 lacks, compared with
 * Optuna's pruner of the base name at its defaults: `-ra` is `reference: "runningAverage"`,
 * `-s5` is `rungSmoothing: 5` (see bench/README.md).
 *
 * Usage: npx tsx bench/pruning/run.ts [--seeds 10] [--trials 100] [--quick] [--no-optuna]
 *        [--pruners none,median,median-ra,percentile25,percentile25-ra,asha,asha-s5,
 *                   hyperband,hyperband-s5,patient,wilcoxon]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createStudy, NopPruner, type Pruner, setLogLevel, TrialPruned } from "../../src/index.js";
// The pruner files directly, until src/public.ts exports them.
import { HyperbandPruner } from "../../src/pruners/hyperband-pruner.js";
import { MedianPruner } from "../../src/pruners/median-pruner.js";
import { PatientPruner } from "../../src/pruners/patient-pruner.js";
import { PercentilePruner } from "../../src/pruners/percentile-pruner.js";
import { SuccessiveHalvingPruner } from "../../src/pruners/successive-halving-pruner.js";
import { WilcoxonPruner } from "../../src/pruners/wilcoxon-pruner.js";
import { TPESampler } from "../../src/samplers/tpe/index.js";
import { rankSumPValue } from "../support/rank-sum.js";
import { FAMILIES, type Family, loss, noise, optimum, SIGMA, STEPS } from "./curves.js";

interface TrialRecord {
  readonly state: "COMPLETE" | "PRUNED";
  readonly steps: number;
  /** The noisy final value of a COMPLETE trial. */
  readonly final: number | null;
  /** L(lr, reg, 99). */
  readonly trueFinal: number;
}

interface RunRecord {
  readonly pruner: string;
  readonly family: Family;
  readonly seed: number;
  readonly trials: readonly TrialRecord[];
}

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string" },
    trials: { type: "string", default: "100" },
    quick: { type: "boolean", default: false },
    pruners: {
      type: "string",
      default:
        "none,median,median-ra,percentile25,percentile25-ra,asha,asha-s5,hyperband,hyperband-s5," +
        "patient,wilcoxon",
    },
    "no-optuna": { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const nSeeds = Number(args.seeds ?? (args.quick ? 3 : 10));
const nTrials = Number(args.trials);
const prunerNames = args.pruners.split(",").filter((name) => name.length > 0);
if (!prunerNames.includes("none")) prunerNames.unshift("none");

/** The tunekit pruner of each name, with the same settings as optuna_pruning.py. */
const PRUNERS: Record<string, () => Pruner> = {
  none: () => new NopPruner(),
  median: () => new MedianPruner(),
  percentile25: () => new PercentilePruner(25),
  asha: () => new SuccessiveHalvingPruner(),
  hyperband: () => new HyperbandPruner(),
  patient: () => new PatientPruner(new MedianPruner(), { patience: 3 }),
  wilcoxon: () => new WilcoxonPruner(),
  // tunekit's opt-in options, which Optuna 3.1 does not have: compared with Optuna's pruner
  // of the name before the "-" (see VARIANT_OF), run with its defaults.
  "median-ra": () => new MedianPruner({ reference: "runningAverage" }),
  "percentile25-ra": () => new PercentilePruner(25, { reference: "runningAverage" }),
  "asha-s5": () => new SuccessiveHalvingPruner({ rungSmoothing: 5 }),
  "hyperband-s5": () => new HyperbandPruner({ rungSmoothing: 5 }),
};
/** The Optuna pruner each tunekit variant is compared with. */
const VARIANT_OF: Record<string, string> = {
  "median-ra": "median",
  "percentile25-ra": "percentile25",
  "asha-s5": "asha",
  "hyperband-s5": "hyperband",
};
for (const name of prunerNames) {
  if (!(name in PRUNERS)) throw new Error(`unknown pruner ${name}; known: ${Object.keys(PRUNERS)}`);
}
/** The pruners Optuna runs: the base of each variant, once. */
const optunaNames = [...new Set(prunerNames.map((name) => VARIANT_OF[name] ?? name))];

setLogLevel("error");

async function runTunekit(pruner: string, family: Family, seed: number): Promise<RunRecord> {
  const make = PRUNERS[pruner] as () => Pruner;
  // The study name Optuna's side uses: Hyperband hashes it to pick each trial's bracket, so
  // both libraries put the same trials in the same brackets, and a run is reproducible.
  const study = await createStudy({
    studyName: `${pruner}-${family}-${seed}`,
    sampler: new TPESampler({ seed }),
    pruner: make(),
  });
  const trials: TrialRecord[] = [];
  await study.optimize(
    (trial) => {
      const lr = trial.suggestFloat("lr", 1e-3, 1, { log: true });
      const reg = trial.suggestFloat("reg", 0, 1);
      const trueFinal = loss(family, lr, reg, STEPS - 1);
      let value = 0;
      for (let t = 0; t < STEPS; t++) {
        value = loss(family, lr, reg, t) + SIGMA * noise(seed, trial.number, t);
        trial.report(value, t);
        if (trial.shouldPrune()) {
          trials[trial.number] = { state: "PRUNED", steps: t + 1, final: null, trueFinal };
          throw new TrialPruned();
        }
      }
      trials[trial.number] = { state: "COMPLETE", steps: STEPS, final: value, trueFinal };
      return value;
    },
    { nTrials },
  );
  return { pruner, family, seed, trials };
}

function runOptuna(): Promise<{ version: string; runs: RunRecord[] } | null> {
  if (args["no-optuna"]) return Promise.resolve(null);
  const script = fileURLToPath(new URL("./optuna_pruning.py", import.meta.url));
  const child = spawn(
    args.python,
    ["-W", "ignore", script, String(nSeeds), String(nTrials), optunaNames.join(",")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  return new Promise((resolve) => {
    child.on("error", () => {
      console.error(`could not run ${args.python}: apt-get install -y python3-optuna`);
      resolve(null);
    });
    child.on("close", (code) => {
      if (code !== 0) {
        console.error(`Optuna's side failed (exit ${code}):\n${err.slice(-2000)}`);
        console.error("Optuna comes from Debian: apt-get install -y python3-optuna");
        resolve(null);
        return;
      }
      const parsed = JSON.parse(out) as { optuna: string; runs: RunRecord[] };
      resolve({ version: parsed.optuna, runs: parsed.runs });
    });
  });
}

/** The true final loss of the pick among the first `k` trials, or NaN without a COMPLETE one. */
function pickAmong(trials: readonly TrialRecord[], k = trials.length): number {
  let best: TrialRecord | null = null;
  for (const trial of trials.slice(0, k)) {
    if (trial.state !== "COMPLETE" || trial.final === null) continue;
    if (best === null || trial.final < (best.final as number)) best = trial;
  }
  return best === null ? Number.NaN : best.trueFinal;
}

interface Summary {
  readonly steps: number;
  readonly pick: number;
  readonly baseline: number;
  /** Each seed's pick, for the rank-sum test between the libraries. */
  readonly picks: readonly number[];
}

/** Means over the seeds of one library's runs of a pruner on a family. */
function summarize(runs: readonly RunRecord[], pruner: string, family: Family): Summary | null {
  const mine = runs.filter((r) => r.pruner === pruner && r.family === family);
  if (mine.length === 0) return null;
  let steps = 0;
  let pick = 0;
  let baseline = 0;
  const picks: number[] = [];
  for (const run of mine) {
    const spent = run.trials.reduce((s, t) => s + t.steps, 0);
    const none = runs.find(
      (r) => r.pruner === "none" && r.family === family && r.seed === run.seed,
    );
    steps += spent;
    picks.push(pickAmong(run.trials));
    pick += picks.at(-1) as number;
    baseline += none === undefined ? Number.NaN : pickAmong(none.trials, Math.floor(spent / STEPS));
  }
  return {
    steps: steps / mine.length,
    pick: pick / mine.length,
    baseline: baseline / mine.length,
    picks,
  };
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
const pad = (s: string, n: number) => s.padStart(n);

async function main(): Promise<void> {
  console.log(
    `pruning benchmark: ${nSeeds} seeds × ${nTrials} trials × ${STEPS} steps, σ = ${SIGMA}, ` +
      `pruners ${prunerNames.join(", ")}`,
  );
  const started = Date.now();
  const optunaPromise = runOptuna();
  const mine: RunRecord[] = [];
  for (const pruner of prunerNames) {
    for (const family of FAMILIES) {
      for (let seed = 0; seed < nSeeds; seed++) mine.push(await runTunekit(pruner, family, seed));
    }
  }
  console.log(`tunekit done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const optuna = await optunaPromise;
  console.log(
    optuna === null
      ? "Optuna: not run"
      : `Optuna ${optuna.version} done in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const family of FAMILIES) {
    const full = nTrials * STEPS;
    console.log(
      `\n${family} curves (optimum L = ${fmt(optimum(family))}; no pruning spends ${full} steps)`,
    );
    console.log(
      [
        "pruner".padEnd(13),
        pad("library", 8),
        pad("steps", 8),
        pad("share", 6),
        pad("pick", 7),
        pad("no-prune@same", 14),
        pad("pick/np@same", 13),
        pad("tk/optuna", 10),
        pad("p", 6),
      ].join(" "),
    );
    for (const pruner of prunerNames) {
      const ours = summarize(mine, pruner, family);
      const base = VARIANT_OF[pruner] ?? pruner;
      const theirs = optuna === null ? null : summarize(optuna.runs, base, family);
      for (const [library, s] of [
        ["tunekit", ours],
        ["optuna", base === pruner ? theirs : null],
      ] as const) {
        if (s === null) {
          if (library === "optuna" && optuna !== null && base === pruner) {
            console.log(
              `${pruner.padEnd(13)} ${pad("optuna", 8)}  (not in Optuna ${optuna.version})`,
            );
          }
          continue;
        }
        const compared = library === "tunekit" && theirs !== null;
        const versus = compared ? fmt(s.pick / theirs.pick, 3) : "";
        const p = compared ? fmt(rankSumPValue(s.picks, theirs.picks), 3) : "";
        console.log(
          [
            pruner.padEnd(13),
            pad(library, 8),
            pad(s.steps.toFixed(0), 8),
            pad(fmt(s.steps / full, 2), 6),
            pad(fmt(s.pick), 7),
            pad(fmt(s.baseline), 14),
            pad(fmt(s.pick / s.baseline, 3), 13),
            pad(versus, 10),
            pad(p, 6),
          ].join(" "),
        );
      }
    }
  }
}

await main();
