/**
 * A worker process for the multi-process storage tests: joins one study (createStudy with
 * loadIfExists) and runs `nTrials` trials of an objective that suggests three params and
 * reports three intermediate values. Run as
 *
 *   node --import tsx test/support/storage-worker.ts '<WorkerConfig as JSON>'
 *
 * It speaks JSON lines on stdout (`WorkerEvent`): "ready" once the study is open, one
 * "finished" per trial it told (written to storage by then), "hang" when it stops inside a
 * trial on purpose (so that a test can kill it there), and "done" at the end. With
 * `waitForGo`, it waits for a line on stdin after "ready", so that a test can start every
 * worker at the same moment; with `waitForGoBeforeOpen`, it prints "started" and waits for
 * a line before it opens the study, so that several processes open one database at once.
 */
import { createInterface } from "node:readline";
import { createStudy, RandomSampler, setLogLevel, type Trial } from "../../src/index.js";
import { reportedValue, type WorkerConfig, type WorkerEvent } from "./worker-protocol.js";

function emit(event: WorkerEvent): void {
  // Writes to a pipe are synchronous on Linux: the line is out before a SIGKILL can land.
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitForLine(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
}

async function main(config: WorkerConfig): Promise<void> {
  setLogLevel("error");
  if (config.waitForGoBeforeOpen) {
    emit({ type: "started", pid: process.pid });
    await waitForLine();
  }
  const study = await createStudy({
    studyName: config.studyName,
    storage: config.storage,
    loadIfExists: true,
    sampler: new RandomSampler({ seed: config.seed }),
    ...(config.heartbeatIntervalMs === undefined
      ? {}
      : { heartbeatIntervalMs: config.heartbeatIntervalMs }),
    ...(config.gracePeriodMs === undefined ? {} : { gracePeriodMs: config.gracePeriodMs }),
    ...(config.retryFailedTrials === undefined
      ? {}
      : { retryFailedTrials: config.retryFailedTrials }),
  });
  emit({ type: "ready", pid: process.pid });
  if (config.waitForGo) await waitForLine();

  let index = 0;
  let finished = 0;
  const objective = async (trial: Trial): Promise<number> => {
    const mine = index++;
    const x = trial.suggestFloat("x", -10, 10);
    const y = trial.suggestInt("y", 0, 100);
    const z = trial.suggestCategorical("z", ["a", "b", "c"] as const);
    let value = 0;
    for (let step = 0; step < 3; step++) {
      if (mine === config.hangOnTrial && step === (config.hangAfterReports ?? 0)) {
        emit({
          type: "hang",
          number: trial.number,
          params: { x, y, z },
          reported: reportedSoFar(trial),
        });
        await sleep(10 * 60_000);
      }
      value = reportedValue(x, y, z, step);
      trial.report(value, step);
    }
    if (config.trialDelayMs !== undefined) await sleep(config.trialDelayMs);
    return value;
  };
  await study.optimize(objective, {
    nTrials: config.nTrials,
    callbacks: [
      (_study, trial) => {
        finished++;
        emit({ type: "finished", number: trial.number, state: trial.state });
      },
    ],
  });
  await study.storage.close();
  emit({ type: "done", finished });
}

function reportedSoFar(trial: Trial): Record<number, number> {
  return { ...trial.toFrozen().intermediateValues };
}

if (process.argv[2] === undefined) {
  console.error("usage: node --import tsx test/support/storage-worker.ts '<WorkerConfig JSON>'");
  process.exit(2);
}
main(JSON.parse(process.argv[2]) as WorkerConfig).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
