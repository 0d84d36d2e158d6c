/**
 * The behaviour every Storage back end must show, as plain async cases that any test
 * runner can run: memory, SQLite and PostgreSQL all run this one suite.
 *
 * @example
 * for (const c of storageConformanceCases()) it(c.name, () => c.run(() => new MemoryStorage()));
 */
import { DuplicatedStudyError, StudyNotFoundError, TrialFinishedError } from "../core/errors.js";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { Storage } from "../storages/storage.js";

/** One conformance case: a name stating the behaviour, and a check that throws on failure. */
export interface StorageConformanceCase {
  readonly name: string;
  run(makeStorage: () => Storage | Promise<Storage>): Promise<void>;
}

class ConformanceError extends Error {
  override name = "ConformanceError";
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ConformanceError(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

async function rejects(
  promise: Promise<unknown>,
  kind: new (...args: never[]) => Error,
  what: string,
) {
  try {
    await promise;
  } catch (error) {
    check(error instanceof kind, `${what}: expected ${kind.name}, got ${String(error)}`);
    return;
  }
  throw new ConformanceError(`${what}: expected ${kind.name}, nothing was thrown`);
}

async function withStorage(
  makeStorage: () => Storage | Promise<Storage>,
  body: (storage: Storage, studyId: number) => Promise<void>,
): Promise<void> {
  const storage = await makeStorage();
  const name = `conformance-${Math.random().toString(36).slice(2)}`;
  try {
    const study = await storage.createStudy(name, ["minimize"]);
    await body(storage, study.studyId);
  } finally {
    await storage.deleteStudy(name).catch(() => undefined);
    await storage.close();
  }
}

const NOW = "2026-01-02T03:04:05.000Z";
const LATER = "2026-01-02T03:04:07.500Z";

/** The conformance cases, in a stable order. */
export function storageConformanceCases(): StorageConformanceCase[] {
  return [
    {
      name: "creates, finds, lists and deletes studies with their directions",
      async run(makeStorage) {
        const storage = await makeStorage();
        const name = `conformance-studies-${Math.random().toString(36).slice(2)}`;
        try {
          const created = await storage.createStudy(name, ["minimize", "maximize"]);
          same(created.directions, ["minimize", "maximize"], "directions");
          check(!Number.isNaN(Date.parse(created.datetimeCreated)), "datetimeCreated is a date");
          same((await storage.getStudy(name)).studyId, created.studyId, "getStudy finds it");
          check(
            (await storage.listStudies()).some((s) => s.studyName === name),
            "listed",
          );
          await rejects(storage.createStudy(name, ["minimize"]), DuplicatedStudyError, "duplicate");
          await storage.deleteStudy(name);
          await rejects(storage.getStudy(name), StudyNotFoundError, "getStudy after delete");
          await rejects(storage.deleteStudy(name), StudyNotFoundError, "deleteStudy twice");
        } finally {
          await storage.close();
        }
      },
    },
    {
      name: "merges study attributes",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          await storage.setStudyAttrs(studyId, { userAttrs: { a: 1 }, systemAttrs: { s: "x" } });
          await storage.setStudyAttrs(studyId, { userAttrs: { b: [1, 2] } });
          const studies = await storage.listStudies();
          const study = studies.find((s) => s.studyId === studyId);
          same(study?.userAttrs, { a: 1, b: [1, 2] }, "userAttrs");
          same(study?.systemAttrs, { s: "x" }, "systemAttrs");
        }),
    },
    {
      name: "numbers trials 0, 1, 2, … without gaps or repeats under concurrent creation",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          const batches = await Promise.all(
            Array.from({ length: 8 }, () =>
              storage.createTrials(
                studyId,
                Array.from({ length: 5 }, () => ({ state: "RUNNING" as const })),
              ),
            ),
          );
          const numbers = batches.flat().map((t) => (t as FrozenTrial).number);
          same(
            [...numbers].sort((a, b) => a - b),
            [...Array(40).keys()],
            "numbers",
          );
          for (const batch of batches) {
            const ns = batch.map((t) => (t as FrozenTrial).number);
            same(
              ns,
              [...ns].sort((a, b) => a - b),
              "a batch is numbered in order",
            );
          }
        }),
    },
    {
      name: "lets exactly one trial hold a claim until its holder fails",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          const results = await Promise.all(
            Array.from({ length: 6 }, () =>
              storage.createTrials(studyId, [{ state: "RUNNING", claim: "grid:3" }]),
            ),
          );
          const winners = results.flat().filter((t): t is FrozenTrial => t !== null);
          same(winners.length, 1, "trials created with the same claim");
          const holder = winners[0] as FrozenTrial;
          same(holder.systemAttrs.claim, "grid:3", "the claim is kept as a system attr");
          await storage.updateTrials(studyId, [
            { number: holder.number, patch: { state: "FAIL" } },
          ]);
          const [again] = await storage.createTrials(studyId, [
            { state: "RUNNING", claim: "grid:3" },
          ]);
          check(again !== null && again !== undefined, "a failed holder releases its claim");
        }),
    },
    {
      name: "gives each WAITING trial to exactly one of many concurrent claimers, oldest first",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          await storage.createTrials(studyId, [{ state: "RUNNING" }]);
          const waiting = Array.from({ length: 20 }, (_, i) => ({
            state: "WAITING" as const,
            systemAttrs: { fixed_params: { i } },
          }));
          await storage.createTrials(studyId, waiting);
          const claims = await Promise.all(
            Array.from({ length: 10 }, () => storage.claimWaitingTrials(studyId, 3, NOW)),
          );
          const claimed = claims.flat();
          same(claimed.length, 20, "claimed trials");
          same(new Set(claimed.map((t) => t.number)).size, 20, "distinct claimed trials");
          check(
            claimed.every((t) => t.state === "RUNNING" && t.datetimeStart === NOW),
            "RUNNING",
          );
          same((await storage.claimWaitingTrials(studyId, 5, NOW)).length, 0, "none left");
          for (const batch of claims) {
            const ns = batch.map((t) => t.number);
            same(
              ns,
              [...ns].sort((a, b) => a - b),
              "claims come oldest first",
            );
          }
        }),
    },
    {
      name: "merges params, reports and attributes, and computes the duration",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          const dist = { type: "float", low: 0, high: 1, log: false, step: null } as const;
          const [t] = await storage.createTrials(studyId, [
            { state: "RUNNING", datetimeStart: NOW },
          ]);
          const number = (t as FrozenTrial).number;
          await storage.updateTrials(studyId, [
            {
              number,
              patch: {
                params: { x: 0.5 },
                distributions: { x: dist },
                intermediateValues: { 0: 3 },
              },
            },
          ]);
          await storage.updateTrials(studyId, [
            {
              number,
              patch: {
                params: { y: 0.25 },
                distributions: { y: dist },
                intermediateValues: { 1: 2 },
                userAttrs: { u: "v" },
                systemAttrs: { s: [1] },
              },
            },
          ]);
          await storage.updateTrials(studyId, [
            { number, patch: { state: "COMPLETE", values: [1.5], datetimeComplete: LATER } },
          ]);
          const { trials } = await storage.readTrials(studyId, 0);
          const stored = trials.find((x) => x.number === number) as FrozenTrial;
          same(stored.params, { x: 0.5, y: 0.25 }, "params");
          same(stored.distributions, { x: dist, y: dist }, "distributions");
          same(stored.intermediateValues, { 0: 3, 1: 2 }, "intermediate values");
          same(stored.userAttrs, { u: "v" }, "userAttrs");
          same(stored.systemAttrs, { s: [1] }, "systemAttrs");
          same(stored.values, [1.5], "values");
          same(stored.state, "COMPLETE", "state");
          same(stored.durationMs, 2500, "durationMs");
          same(JSON.parse(JSON.stringify(stored)), stored, "JSON round trip");
        }),
    },
    {
      name: "refuses to finish a trial twice and applies a failing batch not at all",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          const [a, b] = await storage.createTrials(studyId, [
            { state: "RUNNING" },
            { state: "RUNNING" },
          ]);
          const na = (a as FrozenTrial).number;
          const nb = (b as FrozenTrial).number;
          await storage.updateTrials(studyId, [
            { number: na, patch: { state: "COMPLETE", values: [1] } },
          ]);
          await rejects(
            storage.updateTrials(studyId, [{ number: na, patch: { state: "FAIL" } }]),
            TrialFinishedError,
            "second finish",
          );
          await rejects(
            storage.updateTrials(studyId, [
              { number: nb, patch: { userAttrs: { touched: true } } },
              { number: na, patch: { state: "PRUNED" } },
            ]),
            TrialFinishedError,
            "batch with a finished trial",
          );
          const { trials } = await storage.readTrials(studyId, 0);
          same(trials[nb]?.userAttrs, {}, "the batch's other update was not applied");
          same(trials[na]?.state, "COMPLETE", "the finished trial kept its state");
        }),
    },
    {
      name: "reads only the trials changed since a cursor",
      run: (make) =>
        withStorage(make, async (storage, studyId) => {
          await storage.createTrials(
            studyId,
            Array.from({ length: 5 }, () => ({ state: "RUNNING" as const })),
          );
          const first = await storage.readTrials(studyId, 0);
          same(first.trials.length, 5, "first read");
          const unchanged = await storage.readTrials(studyId, first.cursor);
          same(unchanged.trials.length, 0, "nothing changed");
          await storage.updateTrials(studyId, [{ number: 3, patch: { userAttrs: { k: 1 } } }]);
          await storage.createTrials(studyId, [{ state: "WAITING" }]);
          const next = await storage.readTrials(studyId, unchanged.cursor);
          same(
            next.trials.map((t) => t.number),
            [3, 5],
            "changed trials, in number order",
          );
          same(next.trials[0]?.userAttrs, { k: 1 }, "the change itself");
        }),
    },
    {
      name: "keeps the trials of different studies apart",
      async run(makeStorage) {
        const storage = await makeStorage();
        const names = ["a", "b"].map(
          (s) => `conformance-${s}-${Math.random().toString(36).slice(2)}`,
        );
        try {
          const [a, b] = await Promise.all(names.map((n) => storage.createStudy(n, ["minimize"])));
          await storage.createTrials((a as { studyId: number }).studyId, [{ state: "RUNNING" }]);
          const [tb] = await storage.createTrials((b as { studyId: number }).studyId, [
            { state: "RUNNING" },
          ]);
          same(tb?.number, 0, "numbering is per study");
          same(
            (await storage.readTrials((b as { studyId: number }).studyId, 0)).trials.length,
            1,
            "b's trials",
          );
        } finally {
          for (const n of names) await storage.deleteStudy(n).catch(() => undefined);
          await storage.close();
        }
      },
    },
  ];
}
