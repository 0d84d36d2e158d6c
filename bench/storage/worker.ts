/**
 * One tunekit worker process of the storage benchmark (started by run.ts):
 *
 *   node --import tsx bench/storage/worker.ts '{"storage": URL, "studyName": …, "nTrials": …}'
 *
 * Opens the study (createStudy with loadIfExists), runs an untimed warm-up on a study of
 * its own in the same storage, prints `{"type":"ready"}`, waits for a line on stdin, then
 * runs `nTrials` trials of ask, 3 suggests, 3 reports, tell and prints
 * `{"type":"result","startMs":…,"endMs":…,"nTrials":…}` (epoch milliseconds, so that the
 * runner can time several processes on one clock).
 */
import { createInterface } from "node:readline";
import { createStudy, RandomSampler } from "../../src/index.js";
import { oneTrial } from "./trial-loop.js";

/** What run.ts passes in argv[2]. */
interface WorkerArgs {
  readonly storage: string;
  readonly studyName: string;
  readonly nTrials: number;
  readonly warmup: number;
  readonly seed: number;
  /** Milliseconds to sleep between reports (a stand-in for an epoch of training); 0 = none. */
  readonly reportGapMs: number;
}

async function main(args: WorkerArgs): Promise<void> {
  const open = (studyName: string) =>
    createStudy({
      studyName,
      storage: args.storage,
      loadIfExists: true,
      sampler: new RandomSampler({ seed: args.seed }),
    });
  if (args.warmup > 0) {
    const warm = await open(`${args.studyName}-warmup-${args.seed}`);
    for (let i = 0; i < args.warmup; i++) await oneTrial(warm, args.reportGapMs);
    await warm.storage.close();
  }
  const study = await open(args.studyName);
  process.stdout.write(`${JSON.stringify({ type: "ready" })}\n`);
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();
  const startMs = performance.timeOrigin + performance.now();
  for (let i = 0; i < args.nTrials; i++) await oneTrial(study, args.reportGapMs);
  const endMs = performance.timeOrigin + performance.now();
  await study.storage.close();
  process.stdout.write(
    `${JSON.stringify({ type: "result", startMs, endMs, nTrials: args.nTrials })}\n`,
  );
}

main(JSON.parse(process.argv[2] ?? "null") as WorkerArgs).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
