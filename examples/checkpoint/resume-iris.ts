/**
 * A trial that resumes after its worker died. Worker processes share a SQLite study: each
 * trial trains the iris perceptron of examples/pbt/mlp.ts for 30 epochs at a suggested
 * learning rate, saving a checkpoint (the epoch and the weights) after each epoch. The first
 * worker is killed with SIGKILL in the middle of its first trial, as an out-of-memory killer
 * would kill it; the second, started afterwards with `retryFailedTrials: 1`, sees that
 * trial's heartbeat stop, fails it and runs its retry, which loads the checkpoint and trains
 * only the epochs left, at the same learning rate.
 *
 * Run with `npx tsx examples/checkpoint/resume-iris.ts`. The study and its checkpoints go to
 * a temporary folder, removed at the end.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createStudy,
  type FrozenTrial,
  loadStudy,
  RandomSampler,
  type Trial,
} from "../../src/index.js";
import { stratifiedKFold } from "../iris/cross-validation.js";
import { loadIris } from "../iris/data.js";
import { createUniform } from "../iris/random.js";
import { standardize } from "../iris/standardize.js";
import { createMlp, evaluate, fromBytes, type MlpShape, trainEpoch } from "../pbt/mlp.js";

const SHAPE: MlpShape = { nInputs: 4, nHidden: 8, nClasses: 3 };
const EPOCHS = 30;
const BATCH_SIZE = 16;
const STUDY = "resume-iris";
/** Beats every 100 ms; a trial whose worker was silent for 1 s is failed and retried. */
const HEARTBEAT = { heartbeatIntervalMs: 100, gracePeriodMs: 1000, retryFailedTrials: 1 };

/** What a checkpoint holds: the last finished epoch and the weights after it. */
interface Saved {
  readonly epoch: number;
  readonly weights: number[];
}

/** What the objective records on each trial, to show where it started. */
export interface TrialStart {
  readonly number: number;
  readonly lr: number;
  readonly retriedFrom: number | null;
  readonly firstEpoch: number;
  readonly accuracy: number | null;
}

/** 120 flowers to train on, 30 to validate (the objective), standardized on the training rows. */
function splits() {
  const iris = loadIris();
  const validation = (stratifiedKFold(iris.y, 5, 0)[0] as { test: Uint32Array }).test;
  const held = new Set(validation);
  const train = Uint32Array.from(iris.y.keys()).filter((i) => !held.has(i));
  return { data: standardize(iris, train), train, validation };
}

/**
 * The objective: trains from the trial's checkpoint if it has one (a retry), else from new
 * weights, saving a checkpoint after every epoch. `crashAt`: this process kills itself
 * after that epoch of trial 0 (the simulated crash).
 */
function objective(crashAt: number | null, flush: () => Promise<void>) {
  const { data, train, validation } = splits();
  return async (trial: Trial): Promise<number> => {
    const lr = trial.suggestFloat("lr", 0.01, 1, { log: true });
    const saved = (await trial.loadCheckpoint()) as Saved | null;
    const next = createUniform(1000 + trial.number);
    const net =
      saved === null
        ? createMlp(SHAPE, next)
        : fromBytes(SHAPE, new Uint8Array(Float64Array.from(saved.weights).buffer));
    const firstEpoch = saved === null ? 1 : saved.epoch + 1;
    trial.setUserAttr("firstEpoch", firstEpoch);
    for (let epoch = firstEpoch; epoch <= EPOCHS; epoch++) {
      trainEpoch(net, data, train, lr, BATCH_SIZE, next);
      await trial.saveCheckpoint({ epoch, weights: Array.from(net.params) });
      if (crashAt !== null && trial.number === 0 && epoch === crashAt) {
        await flush(); // only so that the printout can show where trial 0 started
        process.kill(process.pid, "SIGKILL");
        await new Promise(() => {}); // SIGKILL is not instant: stop here until it lands
      }
    }
    const { accuracy } = evaluate(net, data, validation);
    trial.setUserAttr("accuracy", accuracy);
    return accuracy;
  };
}

/** A worker process: runs `nTrials` trials of the study (see `objective` for `crashAt`). */
async function worker(storage: string, nTrials: number, crashAt: number | null): Promise<void> {
  const study = await createStudy({
    studyName: STUDY,
    storage,
    direction: "maximize",
    loadIfExists: true,
    sampler: new RandomSampler({ seed: 3 }),
    ...HEARTBEAT,
  });
  await study.optimize(
    objective(crashAt, () => study.flush()),
    { nTrials },
  );
  await study.storage.close();
}

const TSX = createRequire(import.meta.url).resolve("tsx");
const THIS_FILE = fileURLToPath(import.meta.url);

/** Runs this file as a worker process; resolves with how it ended. */
function startWorker(env: Record<string, string>): Promise<NodeJS.Signals | number | null> {
  const child = spawn(process.execPath, ["--import", TSX, THIS_FILE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
}

/**
 * Runs the scenario in `folder`: worker A dies in trial 0 after `crashAt` epochs; worker B,
 * after the grace period, runs 3 trials, the first of them trial 0's retry.
 * @example
 * const { starts } = await runResumeIris(mkdtempSync(join(tmpdir(), "resume-")));
 */
export async function runResumeIris(
  folder: string,
  crashAt = 12,
): Promise<{ crashedWith: NodeJS.Signals | number | null; starts: TrialStart[] }> {
  const storage = `sqlite:${join(folder, "study.db")}`;
  const crashedWith = await startWorker({
    RESUME_IRIS_STORAGE: storage,
    RESUME_IRIS_TRIALS: "1",
    RESUME_IRIS_CRASH_AT: String(crashAt),
  });
  // Let the dead worker's trial go stale, so that the next worker fails and retries it.
  await new Promise((resolve) => setTimeout(resolve, HEARTBEAT.gracePeriodMs + 200));
  await startWorker({ RESUME_IRIS_STORAGE: storage, RESUME_IRIS_TRIALS: "3" });
  const study = await loadStudy({ studyName: STUDY, storage });
  const trials = await study.trials();
  await study.storage.close();
  return { crashedWith, starts: trials.map(startOf) };
}

function startOf(trial: FrozenTrial): TrialStart {
  const retried = trial.systemAttrs.retried_from;
  return {
    number: trial.number,
    lr: trial.params.lr as number,
    retriedFrom: typeof retried === "number" ? retried : null,
    firstEpoch: Number(trial.userAttrs.firstEpoch),
    accuracy: trial.state === "COMPLETE" ? (trial.values?.[0] ?? null) : null,
  };
}

const storageOfWorker = process.env.RESUME_IRIS_STORAGE;
if (storageOfWorker !== undefined) {
  const crashAt = process.env.RESUME_IRIS_CRASH_AT;
  await worker(
    storageOfWorker,
    Number(process.env.RESUME_IRIS_TRIALS),
    crashAt === undefined ? null : Number(crashAt),
  );
} else if (process.argv[1] === THIS_FILE) {
  const folder = mkdtempSync(join(tmpdir(), "tunekit-resume-"));
  try {
    const { crashedWith, starts } = await runResumeIris(folder);
    console.log(`worker A ended with ${String(crashedWith)} in the middle of trial 0`);
    for (const start of starts) {
      const origin = start.retriedFrom === null ? "" : ` (retry of trial ${start.retriedFrom})`;
      const result =
        start.accuracy === null
          ? "failed: its worker died"
          : `accuracy ${start.accuracy.toFixed(3)}`;
      console.log(
        `trial ${start.number}${origin}: trained from epoch ${start.firstEpoch}, ${result}`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
