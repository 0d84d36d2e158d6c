import { describe, expect, it } from "vitest";
import { DuplicatedStudyError, StudyNotFoundError, TrialFinishedError } from "../../core/errors.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import type { TrialTemplate } from "../storage.js";
import { MemoryStorage } from "./memory-storage.js";

const NOW = "2024-01-02T03:04:05.000Z";
const LATER = "2024-01-02T03:04:06.500Z";

const running: TrialTemplate = { state: "RUNNING", datetimeStart: NOW };
const floatX = { type: "float", low: 0, high: 1, log: false, step: null } as const;

async function newStudy(name = "s") {
  const storage = new MemoryStorage();
  const { studyId } = await storage.createStudy(name, ["minimize"]);
  return { storage, studyId };
}

/** Mutates a returned object, tolerating frozen ones (both designs keep the store intact). */
function tryMutate(mutate: () => void): void {
  try {
    mutate();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
  }
}

describe("MemoryStorage studies", () => {
  it("creates, gets, lists and deletes studies", async () => {
    const storage = new MemoryStorage();
    const a = await storage.createStudy("a", ["minimize"]);
    const b = await storage.createStudy("b", ["maximize", "minimize"]);
    expect(a.studyId).not.toBe(b.studyId);
    expect(await storage.getStudy("b")).toEqual(b);
    expect(b).toMatchObject({
      studyName: "b",
      directions: ["maximize", "minimize"],
      userAttrs: {},
    });
    expect((await storage.listStudies()).map((s) => s.studyName).sort()).toEqual(["a", "b"]);
    await storage.deleteStudy("a");
    expect((await storage.listStudies()).map((s) => s.studyName)).toEqual(["b"]);
    await expect(storage.getStudy("a")).rejects.toBeInstanceOf(StudyNotFoundError);
    await expect(storage.deleteStudy("a")).rejects.toThrow('no study named "a" in memory');
  });

  it("refuses a duplicate study name", async () => {
    const storage = new MemoryStorage();
    await storage.createStudy("a", ["minimize"]);
    await expect(storage.createStudy("a", ["maximize"])).rejects.toBeInstanceOf(
      DuplicatedStudyError,
    );
  });

  it("merges study attributes", async () => {
    const { storage, studyId } = await newStudy();
    await storage.setStudyAttrs(studyId, { userAttrs: { a: 1 } });
    await storage.setStudyAttrs(studyId, { userAttrs: { b: [2] }, systemAttrs: { c: "x" } });
    const record = await storage.getStudy("s");
    expect(record.userAttrs).toEqual({ a: 1, b: [2] });
    expect(record.systemAttrs).toEqual({ c: "x" });
  });
});

describe("MemoryStorage trials", () => {
  it("numbers trials 0..n-1 per study, also under concurrent createTrials calls", async () => {
    const { storage, studyId } = await newStudy();
    const other = await storage.createStudy("other", ["minimize"]);
    const batches = await Promise.all(
      Array.from({ length: 10 }, () => storage.createTrials(studyId, [running, running, running])),
    );
    const numbers = batches.flat().map((t) => t?.number);
    expect([...numbers].sort((a, b) => (a as number) - (b as number))).toEqual([
      ...Array(30).keys(),
    ]);
    // Each batch got consecutive numbers, in template order.
    for (const batch of batches) {
      const [first, second, third] = batch.map((t) => t?.number as number);
      expect([second, third]).toEqual([(first as number) + 1, (first as number) + 2]);
    }
    const [otherFirst] = await storage.createTrials(other.studyId, [running]);
    expect(otherFirst?.number).toBe(0);
  });

  it("creates trials from templates, filling dates and duration", async () => {
    const { storage, studyId } = await newStudy();
    const [waiting, done] = await storage.createTrials(studyId, [
      { state: "WAITING" },
      {
        state: "COMPLETE",
        values: [1.5],
        params: { x: 0.5 },
        distributions: { x: floatX },
        intermediateValues: { 0: 2 },
        userAttrs: { u: true },
        datetimeStart: NOW,
        datetimeComplete: LATER,
      },
    ]);
    expect(waiting).toMatchObject({
      number: 0,
      state: "WAITING",
      values: null,
      params: {},
      datetimeStart: null,
      datetimeComplete: null,
      durationMs: null,
    });
    expect(done).toEqual({
      number: 1,
      state: "COMPLETE",
      values: [1.5],
      params: { x: 0.5 },
      distributions: { x: floatX },
      intermediateValues: { 0: 2 },
      userAttrs: { u: true },
      systemAttrs: {},
      datetimeStart: NOW,
      datetimeComplete: LATER,
      durationMs: 1500,
    });
  });

  it("gives each WAITING trial to exactly one of many concurrent claimers, lowest numbers first", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [running]);
    await storage.createTrials(
      studyId,
      Array.from({ length: 20 }, (_, i) => ({
        state: "WAITING" as const,
        systemAttrs: { fixed_params: { i } },
      })),
    );
    const claims = await Promise.all(
      Array.from({ length: 12 }, () => storage.claimWaitingTrials(studyId, 3, NOW)),
    );
    const claimed = claims.flat();
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed.map((t) => t.number)).size).toBe(20);
    expect(claimed.map((t) => t.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(claims[0]?.map((t) => t.number)).toEqual([1, 2, 3]);
    for (const t of claimed) {
      expect(t.state).toBe("RUNNING");
      expect(t.datetimeStart).toBe(NOW);
      expect(t.systemAttrs.fixed_params).toEqual({ i: t.number - 1 });
    }
    expect(await storage.claimWaitingTrials(studyId, 5, NOW)).toEqual([]);
    const { trials } = await storage.readTrials(studyId, 0);
    expect(trials.filter((t) => t.state === "WAITING")).toEqual([]);
  });

  it("does not claim a WAITING trial that another writer already finished", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [{ state: "WAITING" }, { state: "WAITING" }]);
    await storage.updateTrials(studyId, [{ number: 0, patch: { state: "FAIL" } }]);
    const claimed = await storage.claimWaitingTrials(studyId, 5, NOW);
    expect(claimed.map((t) => t.number)).toEqual([1]);
  });

  it("readTrials(cursor) returns only the trials changed since the cursor, in number order", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [running, running, running, running]);
    const first = await storage.readTrials(studyId, 0);
    expect(first.trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);

    const nothing = await storage.readTrials(studyId, first.cursor);
    expect(nothing.trials).toEqual([]);
    expect(nothing.cursor).toBe(first.cursor);

    await storage.updateTrials(studyId, [
      { number: 3, patch: { params: { x: 0.1 }, distributions: { x: floatX } } },
      { number: 1, patch: { userAttrs: { a: 1 } } },
    ]);
    await storage.updateTrials(studyId, [{ number: 3, patch: { intermediateValues: { 0: 5 } } }]);
    await storage.createTrials(studyId, [running]);
    const changed = await storage.readTrials(studyId, first.cursor);
    expect(changed.trials.map((t) => t.number)).toEqual([1, 3, 4]);
    expect(changed.trials[1]).toMatchObject({ params: { x: 0.1 }, intermediateValues: { 0: 5 } });
    expect((await storage.readTrials(studyId, changed.cursor)).trials).toEqual([]);
  });

  it("merges patches: params, reports and attributes are added, state replaced", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [
      { ...running, userAttrs: { a: 1 }, systemAttrs: { s: 1 } },
    ]);
    await storage.updateTrials(studyId, [
      {
        number: 0,
        patch: { params: { x: 0.5 }, distributions: { x: floatX }, userAttrs: { b: 2 } },
      },
    ]);
    await storage.updateTrials(studyId, [
      { number: 0, patch: { intermediateValues: { 1: 0.3 }, systemAttrs: { t: 2 } } },
    ]);
    await storage.updateTrials(studyId, [
      { number: 0, patch: { state: "COMPLETE", values: [0.25], datetimeComplete: LATER } },
    ]);
    const [trial] = (await storage.readTrials(studyId, 0)).trials;
    expect(trial).toEqual({
      number: 0,
      state: "COMPLETE",
      values: [0.25],
      params: { x: 0.5 },
      distributions: { x: floatX },
      intermediateValues: { 1: 0.3 },
      userAttrs: { a: 1, b: 2 },
      systemAttrs: { s: 1, t: 2 },
      datetimeStart: NOW,
      datetimeComplete: LATER,
      durationMs: 1500,
    });
  });

  it("applies an updateTrials batch all or nothing when one update targets a finished trial", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [running, running]);
    await storage.updateTrials(studyId, [{ number: 1, patch: { state: "COMPLETE", values: [1] } }]);
    const before = await storage.readTrials(studyId, 0);
    const attempt = storage.updateTrials(studyId, [
      { number: 0, patch: { state: "COMPLETE", values: [7], userAttrs: { touched: true } } },
      { number: 1, patch: { state: "FAIL" } },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(TrialFinishedError);
    const after = await storage.readTrials(studyId, 0);
    expect(after.trials).toEqual(before.trials);
    expect(after.trials[0]?.state).toBe("RUNNING");
    expect((await storage.readTrials(studyId, before.cursor)).trials).toEqual([]);
  });

  it("refuses a second finish and an update of a missing trial", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [running]);
    await storage.updateTrials(studyId, [{ number: 0, patch: { state: "PRUNED" } }]);
    await expect(
      storage.updateTrials(studyId, [{ number: 0, patch: { state: "COMPLETE", values: [1] } }]),
    ).rejects.toThrow("trial 0 has already finished (state PRUNED)");
    await expect(
      storage.updateTrials(studyId, [{ number: 5, patch: { userAttrs: { a: 1 } } }]),
    ).rejects.toThrow('study "s" has no trial 5');
  });

  it("keeps claims unique among trials that did not fail", async () => {
    const { storage, studyId } = await newStudy();
    const [a, b, c] = await storage.createTrials(studyId, [
      { ...running, claim: "grid:1" },
      { ...running, claim: "grid:1" },
      { ...running, claim: "grid:2" },
    ]);
    expect(a?.number).toBe(0);
    expect(a?.systemAttrs.claim).toBe("grid:1");
    expect(b).toBeNull();
    expect(c?.number).toBe(1);
    // Concurrent claimers of one key: exactly one wins.
    const racing = await Promise.all(
      Array.from({ length: 8 }, () =>
        storage.createTrials(studyId, [{ ...running, claim: "grid:3" }]),
      ),
    );
    expect(racing.flat().filter((t) => t !== null)).toHaveLength(1);
    // A COMPLETE or PRUNED holder keeps its claim.
    await storage.updateTrials(studyId, [{ number: 0, patch: { state: "COMPLETE", values: [1] } }]);
    expect(await storage.createTrials(studyId, [{ ...running, claim: "grid:1" }])).toEqual([null]);
    // A FAIL holder releases it.
    await storage.updateTrials(studyId, [{ number: 1, patch: { state: "FAIL" } }]);
    const [retry] = await storage.createTrials(studyId, [{ ...running, claim: "grid:2" }]);
    expect(retry?.systemAttrs.claim).toBe("grid:2");
    expect(await storage.createTrials(studyId, [{ ...running, claim: "grid:2" }])).toEqual([null]);
  });

  it("is not affected by mutating returned trials", async () => {
    const { storage, studyId } = await newStudy();
    await storage.createTrials(studyId, [
      {
        state: "COMPLETE",
        values: [1],
        params: { x: 0.5 },
        distributions: { x: floatX },
        userAttrs: { list: [1, 2] },
        intermediateValues: { 0: 3 },
      },
    ]);
    const snapshot = structuredClone((await storage.readTrials(studyId, 0)).trials);
    const [returned] = (await storage.readTrials(studyId, 0)).trials as FrozenTrial[];
    const loose = returned as unknown as {
      params: Record<string, unknown>;
      values: number[];
      userAttrs: { list: number[] };
      intermediateValues: Record<number, number>;
      state: string;
    };
    tryMutate(() => {
      loose.params.x = 99;
    });
    tryMutate(() => {
      loose.values[0] = 99;
    });
    tryMutate(() => {
      loose.userAttrs.list.push(3);
    });
    tryMutate(() => {
      loose.intermediateValues[1] = 4;
    });
    tryMutate(() => {
      loose.state = "RUNNING";
    });
    expect((await storage.readTrials(studyId, 0)).trials).toEqual(snapshot);
  });

  it("is not affected by mutating the templates and patches it was given", async () => {
    const { storage, studyId } = await newStudy();
    const params: Record<string, number> = { x: 0.5 };
    const userAttrs = { list: [1, 2] };
    const values = [1];
    await storage.createTrials(studyId, [
      { state: "COMPLETE", values, params, distributions: { x: floatX }, userAttrs },
      running,
    ]);
    const patch = { userAttrs: { nested: { a: 1 } }, intermediateValues: { 0: 1 } };
    await storage.updateTrials(studyId, [{ number: 1, patch }]);
    const snapshot = structuredClone((await storage.readTrials(studyId, 0)).trials);
    params.x = 99;
    values[0] = 99;
    userAttrs.list.push(3);
    patch.userAttrs.nested.a = 99;
    patch.intermediateValues[0] = 99;
    expect((await storage.readTrials(studyId, 0)).trials).toEqual(snapshot);
  });

  it("refuses an unknown study id, naming the storage", async () => {
    const storage = new MemoryStorage();
    await expect(storage.readTrials(42, 0)).rejects.toThrow("no study with id 42 in memory");
  });
});
