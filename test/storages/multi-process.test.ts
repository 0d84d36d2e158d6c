/**
 * Real worker processes on one study, on SQLite (a temporary file) and on PostgreSQL (a
 * fresh schema): trial numbers are assigned once each, nothing a worker wrote is lost, and
 * a worker killed with SIGKILL mid-trial loses only that trial, which a live worker then
 * fails by heartbeat (and retries, with `retryFailedTrials`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEARTBEAT_LOST, RetryAttr } from "../../src/core/heartbeat.js";
import { type FrozenTrial, loadStudy, type Study } from "../../src/index.js";
import { openPostgresStorage } from "../../src/storages/postgres/open-postgres.js";
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from "../support/services.js";
import {
  finishedNumbers,
  isDone,
  isHang,
  isReady,
  killAll,
  poll,
  startWorker,
  type WorkerProcess,
} from "../support/worker-process.js";
import { reportedValue, type WorkerConfig } from "../support/worker-protocol.js";

const pgAvailable = await postgresAvailable();
const folder = mkdtempSync(join(tmpdir(), "tunekit-multi-"));
const schema = freshSchema("tk_multi");

beforeAll(async () => {
  // Made here, not by the workers: concurrent first opens of a new ?schema= race (see
  // schema-version.test.ts), which is not what these tests are about.
  if (pgAvailable) await (await openPostgresStorage(postgresUrl(schema))).close();
});

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (pgAvailable) await dropSchema(schema);
});

const N_WORKERS = 4;
const N_TRIALS = 250;
/** Trials of each worker in the kill scenario: enough to outlive the grace period 3 times. */
const N_SURVIVOR_TRIALS = 150;
/** Runs are much slower on a loaded machine (CI runs every test file at once). */
const TIMEOUT_MS = 90_000;

/** Every trial of the study as stored, in number order (straight from the storage). */
async function storedTrials(study: Study): Promise<FrozenTrial[]> {
  const record = await study.storage.getStudy(study.studyName);
  return [...(await study.storage.readTrials(record.studyId, 0)).trials];
}

/** Starts the workers, waits until each has opened the study, then starts them together. */
async function startTogether(configs: readonly WorkerConfig[]): Promise<WorkerProcess[]> {
  const workers = configs.map(startWorker);
  try {
    await Promise.all(workers.map((w) => w.waitFor(isReady)));
  } catch (error) {
    killAll(workers);
    throw error;
  }
  for (const w of workers) w.go();
  return workers;
}

async function expectCleanExit(worker: WorkerProcess): Promise<void> {
  const exit = await worker.exited;
  expect(exit, `worker ${worker.child.pid} stderr:\n${worker.stderr()}`).toEqual({
    code: 0,
    signal: null,
  });
}

/** A trial as the worker's objective leaves it: params x, y, z and reports at steps 0..n-1. */
function expectWorkerTrial(trial: FrozenTrial, nReports: number): void {
  expect(Object.keys(trial.params).sort()).toEqual(["x", "y", "z"]);
  expect(Object.keys(trial.distributions).sort()).toEqual(["x", "y", "z"]);
  const { x, y, z } = trial.params as { x: number; y: number; z: string };
  const expected: Record<number, number> = {};
  for (let step = 0; step < nReports; step++) expected[step] = reportedValue(x, y, z, step);
  expect(trial.intermediateValues).toEqual(expected);
}

function countStates(trials: readonly FrozenTrial[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trials) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return counts;
}

const backends = [
  { name: "SQLite", skip: false, url: (study: string) => `sqlite:${join(folder, `${study}.db`)}` },
  { name: "PostgreSQL", skip: !pgAvailable, url: () => postgresUrl(schema) },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`${backend.name}: several worker processes on one study`, () => {
    it(
      "4 processes × 250 trials give 1000 COMPLETE trials numbered 0..999, none lost",
      async () => {
        const studyName = `four-workers-${Date.now()}`;
        const storage = backend.url(studyName);
        const workers = await startTogether(
          Array.from({ length: N_WORKERS }, (_, i) => ({
            storage,
            studyName,
            nTrials: N_TRIALS,
            seed: 100 + i,
            heartbeatIntervalMs: 500,
            gracePeriodMs: 10_000,
            waitForGo: true,
          })),
        );
        try {
          for (const w of workers) await expectCleanExit(w);
        } finally {
          killAll(workers);
        }
        for (const w of workers) {
          expect((await w.waitFor(isDone)).finished).toBe(N_TRIALS);
        }
        // No two workers were handed the same number.
        const told = workers.flatMap((w) => finishedNumbers(w));
        expect(told).toHaveLength(N_WORKERS * N_TRIALS);
        expect(new Set(told).size).toBe(N_WORKERS * N_TRIALS);

        const study = await loadStudy({ studyName, storage });
        try {
          const trials = await storedTrials(study);
          expect(trials.map((t) => t.number)).toEqual(
            Array.from({ length: N_WORKERS * N_TRIALS }, (_, i) => i),
          );
          expect(countStates(trials)).toEqual({ COMPLETE: N_WORKERS * N_TRIALS });
          for (const trial of trials) {
            expectWorkerTrial(trial, 3);
            const { x, y, z } = trial.params as { x: number; y: number; z: string };
            expect(trial.values).toEqual([reportedValue(x, y, z, 2)]);
          }
        } finally {
          await study.storage.close();
        }
      },
      TIMEOUT_MS,
    );

    it(
      "a worker SIGKILLed mid-trial loses only that trial: failed by heartbeat, reports kept, the rest finish",
      async () => {
        const studyName = `killed-worker-${Date.now()}`;
        const storage = backend.url(studyName);
        const common = {
          storage,
          studyName,
          nTrials: N_SURVIVOR_TRIALS,
          heartbeatIntervalMs: 200,
          gracePeriodMs: 1000,
          retryFailedTrials: 1,
          waitForGo: true,
        };
        const HANG_ON = 3;
        const REPORTS_BEFORE_KILL = 2;
        // The survivors sleep 20 ms a trial, so they run for several grace periods after the
        // kill: one of them must notice the dead worker's trial.
        const workers = await startTogether([
          { ...common, seed: 1, hangOnTrial: HANG_ON, hangAfterReports: REPORTS_BEFORE_KILL },
          { ...common, seed: 2, trialDelayMs: 20 },
          { ...common, seed: 3, trialDelayMs: 20 },
          { ...common, seed: 4, trialDelayMs: 20 },
        ]);
        const [victim, ...survivors] = workers as [WorkerProcess, ...WorkerProcess[]];
        const study = await loadStudy({ studyName, storage });
        try {
          const hang = await victim.waitFor(isHang);
          // Reports reach storage within a tick; kill only once they are there.
          await poll(async () => {
            const trial = (await study.trials())[hang.number];
            return trial?.state === "RUNNING" &&
              Object.keys(trial.intermediateValues).length === REPORTS_BEFORE_KILL
              ? trial
              : undefined;
          }, `trial ${hang.number}'s reports in storage`);
          victim.child.kill("SIGKILL");
          expect(await victim.exited).toEqual({ code: null, signal: "SIGKILL" });
          for (const w of survivors) await expectCleanExit(w);
          for (const w of survivors) {
            expect((await w.waitFor(isDone)).finished).toBe(N_SURVIVOR_TRIALS);
          }

          const victimDone = finishedNumbers(victim);
          expect(victimDone).toHaveLength(HANG_ON);
          const trials = await storedTrials(study);
          const total = HANG_ON + 1 + survivors.length * N_SURVIVOR_TRIALS;
          expect(trials.map((t) => t.number)).toEqual(Array.from({ length: total }, (_, i) => i));
          expect(countStates(trials)).toEqual({ COMPLETE: total - 1, FAIL: 1 });

          const killed = trials[hang.number] as FrozenTrial;
          expect(killed.state).toBe("FAIL");
          expect(killed.systemAttrs.fail_reason).toBe(HEARTBEAT_LOST);
          expect(killed.params).toEqual(hang.params);
          expect(killed.intermediateValues).toEqual(hang.reported);
          expectWorkerTrial(killed, REPORTS_BEFORE_KILL);

          // Every trial the victim finished before the kill is kept, whole.
          for (const number of victimDone) {
            const trial = trials[number] as FrozenTrial;
            expect(trial.state).toBe("COMPLETE");
            expectWorkerTrial(trial, 3);
          }
          for (const trial of trials) if (trial.state === "COMPLETE") expectWorkerTrial(trial, 3);

          // retryFailedTrials: 1 ran the killed trial's params again, once, linked to it.
          const retries = trials.filter((t) => t.systemAttrs[RetryAttr.retriedFrom] !== undefined);
          expect(retries).toHaveLength(1);
          const [retry] = retries as [FrozenTrial];
          expect(retry.state).toBe("COMPLETE");
          expect(retry.systemAttrs[RetryAttr.retriedFrom]).toBe(hang.number);
          expect(retry.systemAttrs[RetryAttr.retryCount]).toBe(1);
          expect(retry.params).toEqual(killed.params);
        } finally {
          killAll(workers);
          await study.storage.close();
        }
      },
      TIMEOUT_MS,
    );
  });
}
