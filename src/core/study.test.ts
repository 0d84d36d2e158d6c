import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import {
  createStudy,
  DuplicatedStudyError,
  deleteStudy,
  type FrozenTrial,
  fromUnit,
  listStudies,
  loadStudy,
  MemoryStorage,
  RandomSampler,
  type Sampler,
  type Study,
  StudyNotFoundError,
  TrialFinishedError,
  TrialPruned,
  type TrialToAdd,
} from "../index.js";
import type { TrialTemplate, TrialUpdate } from "../storages/storage.js";
import type { JsonValue } from "./types.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let nameCounter = 0;
/** A study name no other test of this file uses (the "memory" storage is process-wide). */
const uniqueName = (label: string) => `study-test-${label}-${nameCounter++}-${Date.now()}`;

const intX = { type: "int", low: 0, high: 10, log: false, step: 1 } as const;

function complete(value: number | number[], x = 0): TrialToAdd {
  return {
    state: "COMPLETE",
    values: Array.isArray(value) ? value : [value],
    params: { x },
    distributions: { x: intX },
  };
}

/** A memory storage that counts round trips. */
class CountingStorage extends MemoryStorage {
  createCalls = 0;
  updateCalls = 0;

  override async createTrials(studyId: number, templates: readonly TrialTemplate[]) {
    this.createCalls++;
    return super.createTrials(studyId, templates);
  }

  override async updateTrials(studyId: number, updates: readonly TrialUpdate[]) {
    this.updateCalls++;
    return super.updateTrials(studyId, updates);
  }
}

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe("createStudy, loadStudy, deleteStudy, listStudies", () => {
  it('creates a study in storage "memory" and loads it again by name, with its trials', async () => {
    const studyName = uniqueName("memory-url");
    const study = await createStudy({ studyName, storage: "memory", direction: "maximize" });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    const again = await loadStudy({ studyName, storage: "memory" });
    expect(again.studyName).toBe(studyName);
    expect(again.directions).toEqual(["maximize"]);
    expect(again.direction).toBe("maximize");
    const trials = await again.trials();
    expect(trials.map((t) => [t.number, t.state])).toEqual([
      [0, "COMPLETE"],
      [1, "COMPLETE"],
    ]);
    expect(trials).toEqual(await study.trials());
  });

  it("creates a study in a MemoryStorage instance and loads it from that instance only", async () => {
    const storage = new MemoryStorage();
    const study = await createStudy({
      studyName: "s",
      storage,
      directions: ["minimize", "maximize"],
    });
    await study.optimize(() => [1, 2], { nTrials: 3 });
    const again = await loadStudy({ studyName: "s", storage });
    expect(again.directions).toEqual(["minimize", "maximize"]);
    expect(await again.trials()).toHaveLength(3);
    await expect(loadStudy({ studyName: "s", storage: new MemoryStorage() })).rejects.toThrow(
      StudyNotFoundError,
    );
  });

  it("generates distinct names when studyName is absent and minimizes by default", async () => {
    const a = await createStudy();
    const b = await createStudy();
    expect(a.studyName).toMatch(/^study-/);
    expect(a.studyName).not.toBe(b.studyName);
    expect(a.directions).toEqual(["minimize"]);
  });

  it("refuses a duplicate name with DuplicatedStudyError naming the study and loadIfExists", async () => {
    const storage = new MemoryStorage();
    await createStudy({ studyName: "dup", storage });
    const attempt = createStudy({ studyName: "dup", storage });
    await expect(attempt).rejects.toBeInstanceOf(DuplicatedStudyError);
    await expect(createStudy({ studyName: "dup", storage })).rejects.toThrow(
      'a study named "dup" already exists in memory; pass loadIfExists: true',
    );
  });

  it("loadIfExists continues the existing study with its trials", async () => {
    const storage = new MemoryStorage();
    const first = await createStudy({ studyName: "cont", storage, direction: "maximize" });
    await first.addTrial(complete(5));
    const second = await createStudy({
      studyName: "cont",
      storage,
      direction: "maximize",
      loadIfExists: true,
    });
    expect(await second.bestValue()).toBe(5);
    await second.optimize(() => 1, { nTrials: 1 });
    expect((await first.trials()).map((t) => t.number)).toEqual([0, 1]);
  });

  it("loadIfExists with other directions than the stored ones is an error naming both", async () => {
    const storage = new MemoryStorage();
    await createStudy({ studyName: "dirs", storage, direction: "maximize" });
    await expect(
      createStudy({ studyName: "dirs", storage, direction: "minimize", loadIfExists: true }),
    ).rejects.toThrow(/exists with directions \[maximize\], not \[minimize\]/);
  });

  it("loading a missing study is a StudyNotFoundError naming the study and the storage", async () => {
    const attempt = loadStudy({ studyName: "no-such-study", storage: new MemoryStorage() });
    await expect(attempt).rejects.toBeInstanceOf(StudyNotFoundError);
    await expect(loadStudy({ studyName: "no-such-study", storage: "memory" })).rejects.toThrow(
      'no study named "no-such-study" in memory',
    );
  });

  it("refuses direction and directions together", async () => {
    await expect(
      createStudy({ direction: "minimize", directions: ["minimize", "maximize"] }),
    ).rejects.toThrow("createStudy: give direction or directions, not both");
  });

  it("refuses an unknown direction and empty directions", async () => {
    await expect(createStudy({ direction: "up" as unknown as "minimize" })).rejects.toThrow(
      /a direction must be "minimize" or "maximize", got "up"/,
    );
    await expect(createStudy({ directions: [] })).rejects.toThrow(
      /directions must be a non-empty array/,
    );
  });

  it("loadStudy requires a storage", async () => {
    await expect(loadStudy({ studyName: "x" } as never)).rejects.toThrow(
      /loadStudy: storage is required/,
    );
  });

  it("refuses an empty study name and an unknown storage URL", async () => {
    await expect(createStudy({ studyName: " " })).rejects.toThrow(
      /studyName must be a non-empty string/,
    );
    await expect(createStudy({ storage: "ftp://example.org/db" })).rejects.toThrow(
      /storage ftp:\/\/example\.org\/db: unknown URL/,
    );
  });

  it("deleteStudy removes the study; a second delete or a load is StudyNotFoundError", async () => {
    const storage = new MemoryStorage();
    await createStudy({ studyName: "gone", storage });
    await deleteStudy({ studyName: "gone", storage });
    await expect(loadStudy({ studyName: "gone", storage })).rejects.toThrow(StudyNotFoundError);
    await expect(deleteStudy({ studyName: "gone", storage })).rejects.toThrow(
      'no study named "gone" in memory',
    );
    // The name is free again.
    const again = await createStudy({ studyName: "gone", storage });
    expect(await again.trials()).toEqual([]);
  });

  it("listStudies gives names, directions, counts per state and the best value", async () => {
    const storage = new MemoryStorage();
    const min = await createStudy({ studyName: "min", storage });
    await min.addTrials([
      complete(3),
      complete(1),
      complete(2),
      { state: "FAIL" },
      { state: "PRUNED", values: [0] },
    ]);
    await min.enqueueTrial({ x: 4 });
    const max = await createStudy({ studyName: "max", storage, direction: "maximize" });
    await max.addTrials([complete(3), complete(7), complete(-1)]);
    const multi = await createStudy({
      studyName: "multi",
      storage,
      directions: ["minimize", "maximize"],
    });
    await multi.addTrial(complete([1, 2]));
    await createStudy({ studyName: "empty", storage });

    const summaries = await listStudies({ storage });
    const byName = new Map(summaries.map((s) => [s.studyName, s]));
    expect([...byName.keys()].sort()).toEqual(["empty", "max", "min", "multi"]);
    expect(byName.get("min")).toMatchObject({
      directions: ["minimize"],
      nTrials: 6,
      trialCounts: { WAITING: 1, RUNNING: 0, COMPLETE: 3, PRUNED: 1, FAIL: 1 },
      bestValue: 1,
    });
    expect(byName.get("max")).toMatchObject({ nTrials: 3, bestValue: 7 });
    expect(byName.get("multi")).toMatchObject({
      directions: ["minimize", "maximize"],
      nTrials: 1,
      bestValue: null,
    });
    expect(byName.get("empty")).toMatchObject({
      nTrials: 0,
      trialCounts: { WAITING: 0, RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAIL: 0 },
      bestValue: null,
    });
    const created = byName.get("min")?.datetimeCreated as string;
    expect(new Date(created).toISOString()).toBe(created);
  });
});

describe("optimize", () => {
  it("runs exactly nTrials trials numbered from 0, and numbering continues on a second call", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }) });
    await study.optimize((t) => t.suggestFloat("x", -1, 1) ** 2, { nTrials: 5 });
    await study.optimize((t) => t.suggestFloat("x", -1, 1) ** 2, { nTrials: 3 });
    const trials = await study.trials();
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    for (const t of trials) expect(t.values).toEqual([(t.params.x as number) ** 2]);
  });

  it("runs nothing with nTrials 0", async () => {
    const study = await createStudy();
    await study.optimize(() => 1, { nTrials: 0 });
    expect(await study.trials()).toEqual([]);
  });

  it("refuses bad options with errors naming the option", async () => {
    const study = await createStudy();
    await expect(study.optimize(() => 1, { nTrials: -1 })).rejects.toThrow(
      "optimize: nTrials must be a non-negative integer, got -1",
    );
    await expect(study.optimize(() => 1, { nTrials: 1.5 })).rejects.toThrow(/nTrials/);
    await expect(study.optimize(() => 1, { concurrency: 0 })).rejects.toThrow(
      "optimize: concurrency must be a positive integer, got 0",
    );
    await expect(study.optimize(() => 1, { timeoutMs: -5 })).rejects.toThrow(/timeoutMs/);
    await expect(study.optimize(42 as never, { nTrials: 1 })).rejects.toThrow(
      "optimize: objective must be a function",
    );
    expect(await study.trials()).toEqual([]);
  });

  it("stops asking for trials once timeoutMs has passed, letting the running one finish", async () => {
    const study = await createStudy();
    const begin = Date.now();
    await study.optimize(
      async () => {
        await sleep(25);
        return 1;
      },
      { timeoutMs: 120 },
    );
    const elapsed = Date.now() - begin;
    const trials = await study.trials();
    expect(trials.length).toBeGreaterThanOrEqual(1);
    expect(trials.length).toBeLessThanOrEqual(5);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(1000);
  });

  it("runs `concurrency` async objectives at once (4 in flight at the peak)", async () => {
    const study = await createStudy();
    let inFlight = 0;
    let peak = 0;
    await study.optimize(
      async (t) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(20);
        inFlight--;
        return t.number;
      },
      { nTrials: 12, concurrency: 4 },
    );
    expect(peak).toBe(4);
    const trials = await study.trials();
    expect(trials.map((t) => t.number)).toEqual([...Array(12).keys()]);
    expect(trials.every((t) => t.state === "COMPLETE" && t.values?.[0] === t.number)).toBe(true);
  });

  it("runs one objective at a time by default", async () => {
    const study = await createStudy();
    let inFlight = 0;
    let peak = 0;
    await study.optimize(
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(5);
        inFlight--;
        return 0;
      },
      { nTrials: 4 },
    );
    expect(peak).toBe(1);
  });

  it("stop() from a callback ends the loop after the current trial", async () => {
    const study = await createStudy();
    await study.optimize(() => 0, {
      nTrials: 100,
      callbacks: [
        (s, trial) => {
          if (trial.number === 2) s.stop();
        },
      ],
    });
    expect(await study.trials()).toHaveLength(3);
    // A later optimize call starts afresh.
    await study.optimize(() => 0, { nTrials: 2 });
    expect(await study.trials()).toHaveLength(5);
  });

  it("stop() with concurrency lets running trials finish and leaves none RUNNING", async () => {
    const study = await createStudy();
    await study.optimize(
      async () => {
        await sleep(5);
        return 0;
      },
      {
        nTrials: 100,
        concurrency: 3,
        callbacks: [(s, trial) => (trial.number >= 4 ? s.stop() : undefined)],
      },
    );
    const trials = await study.trials();
    expect(trials.length).toBeGreaterThanOrEqual(5);
    expect(trials.length).toBeLessThanOrEqual(8);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
  });

  it("passes each finished trial to the callbacks as plain FrozenTrial data, in order", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 5 }) });
    const seen: FrozenTrial[] = [];
    const studies: Study[] = [];
    await study.optimize(
      (t) => {
        t.setUserAttr("tag", `t${t.number}`);
        return t.suggestInt("n", 0, 9);
      },
      {
        nTrials: 3,
        callbacks: [
          (s, trial) => {
            studies.push(s);
            seen.push(trial);
          },
        ],
      },
    );
    expect(studies.every((s) => s === study)).toBe(true);
    expect(seen.map((t) => t.number)).toEqual([0, 1, 2]);
    for (const trial of seen) {
      expect(trial.state).toBe("COMPLETE");
      expect(trial.values).toEqual([trial.params.n]);
      expect(trial.userAttrs).toEqual({ tag: `t${trial.number}` });
      expect(trial.distributions.n).toEqual({ type: "int", low: 0, high: 9, log: false, step: 1 });
      expect(typeof trial.datetimeComplete).toBe("string");
      expect(trial.durationMs).toBeGreaterThanOrEqual(0);
      expect(JSON.parse(JSON.stringify(trial))).toEqual(trial);
    }
    expect(await study.trials()).toEqual(seen);
  });

  it("fails a trial with a listed error class and goes on", async () => {
    const study = await createStudy();
    const states: string[] = [];
    await study.optimize(
      (t) => {
        if (t.number % 2 === 0) throw new RangeError(`bad trial ${t.number}`);
        return t.number;
      },
      { nTrials: 4, catch: [RangeError], callbacks: [(_, t) => void states.push(t.state)] },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "COMPLETE", "FAIL", "COMPLETE"]);
    expect(states).toEqual(["FAIL", "COMPLETE", "FAIL", "COMPLETE"]);
    expect(trials[0]?.systemAttrs.fail_reason).toBe("RangeError: bad trial 0");
    expect(trials[2]?.systemAttrs.fail_reason).toBe("RangeError: bad trial 2");
    expect(trials[0]?.values).toBeNull();
  });

  it("catch: true catches every error", async () => {
    const study = await createStudy();
    await study.optimize(
      () => {
        throw new Error("always");
      },
      { nTrials: 3, catch: true },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "FAIL", "FAIL"]);
    expect(trials[1]?.systemAttrs.fail_reason).toBe("Error: always");
  });

  it("stores an unlisted error as FAIL, then re-throws it and starts no more trials", async () => {
    const study = await createStudy();
    const boom = new TypeError("boom");
    const run = study.optimize(
      () => {
        throw boom;
      },
      { nTrials: 5, catch: [RangeError] },
    );
    await expect(run).rejects.toBe(boom);
    const trials = await study.trials();
    expect(trials).toHaveLength(1);
    expect(trials[0]?.state).toBe("FAIL");
    expect(trials[0]?.systemAttrs.fail_reason).toBe("TypeError: boom");
  });

  it("with concurrency, an unlisted error waits for the running trials, which are all stored", async () => {
    const study = await createStudy();
    const boom = new TypeError("boom");
    const run = study.optimize(
      async (t) => {
        if (t.number === 1) throw boom;
        await sleep(30);
        return t.number;
      },
      { nTrials: 50, concurrency: 4 },
    );
    await expect(run).rejects.toBe(boom);
    const trials = await study.trials();
    expect(trials.filter((t) => t.state === "RUNNING")).toEqual([]);
    expect(trials.filter((t) => t.state === "FAIL").map((t) => t.number)).toEqual([1]);
    expect(trials.filter((t) => t.state === "COMPLETE").length).toBeGreaterThanOrEqual(3);
    expect(trials.length).toBeLessThan(50);
  });

  it("a throwing callback ends optimize with its error, after the trial was stored", async () => {
    const study = await createStudy();
    const oops = new Error("callback failed");
    await expect(
      study.optimize(() => 1, {
        nTrials: 10,
        callbacks: [
          () => {
            throw oops;
          },
        ],
      }),
    ).rejects.toBe(oops);
    const trials = await study.trials();
    expect(trials.map((t) => [t.number, t.state])).toEqual([[0, "COMPLETE"]]);
  });

  it("stores a thrown non-Error as FAIL with its text, and re-throws it", async () => {
    const study = await createStudy();
    await expect(
      study.optimize(
        () => {
          throw "oops";
        },
        { nTrials: 2 },
      ),
    ).rejects.toBe("oops");
    const [trial] = await study.trials();
    expect(trial?.state).toBe("FAIL");
    expect(trial?.systemAttrs.fail_reason).toBe("oops");
  });

  it("fails trials that return NaN, ±Infinity, a non-number or the wrong count, logs why, and goes on", async () => {
    const study = await createStudy();
    const results: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      "1",
      undefined,
      [1, 2],
      null,
      0.5,
    ];
    await study.optimize((t) => results[t.number] as number, { nTrials: results.length });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual([
      "FAIL",
      "FAIL",
      "FAIL",
      "FAIL",
      "FAIL",
      "FAIL",
      "FAIL",
      "COMPLETE",
    ]);
    const reasons = trials.map((t) => t.systemAttrs.fail_reason);
    expect(reasons[0]).toBe("the objective returned NaN, expected a finite number");
    expect(reasons[1]).toBe("the objective returned Infinity, expected a finite number");
    expect(reasons[2]).toBe("the objective returned -Infinity, expected a finite number");
    expect(reasons[3]).toBe('the objective returned string "1", expected a number');
    expect(reasons[4]).toMatch(/returned undefined \(did the objective forget to return\?\)/);
    expect(reasons[5]).toBe("the objective returned 2 values, expected 1 (one per direction)");
    expect(reasons[6]).toMatch(/returned object null, expected a number/);
    expect(reasons[7]).toBeUndefined();
    expect(trials[7]?.values).toEqual([0.5]);
    expect(trials.slice(0, 7).every((t) => t.values === null)).toBe(true);
    const logged = warn.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain("trial 0 failed: the objective returned NaN");
    expect(logged).toContain('trial 3 failed: the objective returned string "1"');
  });

  it("checks the number of values against the directions of a multi-objective study", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    const results: unknown[] = [1, [1], [1, Number.NaN], [1, 2, 3], [3, 4]];
    await study.optimize((t) => results[t.number] as number[], { nTrials: results.length });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["FAIL", "FAIL", "FAIL", "FAIL", "COMPLETE"]);
    expect(trials[0]?.systemAttrs.fail_reason).toBe(
      "the objective returned 1, expected an array of 2 numbers (one per direction)",
    );
    expect(trials[1]?.systemAttrs.fail_reason).toBe(
      "the objective returned 1 values, expected 2 (one per direction)",
    );
    expect(trials[2]?.systemAttrs.fail_reason).toMatch(/NaN, expected a finite number/);
    expect(trials[3]?.systemAttrs.fail_reason).toMatch(/returned 3 values, expected 2/);
    expect(trials[4]?.values).toEqual([3, 4]);
  });

  it("marks a trial that throws TrialPruned PRUNED, keeping its last reported value", async () => {
    const study = await createStudy();
    await study.optimize(
      (t) => {
        if (t.number === 1) throw new TrialPruned();
        t.report(0.9, 0);
        t.report(0.5, 1);
        t.report(0.7, 3);
        if (t.number === 0) throw new TrialPruned("too slow");
        return 0.1;
      },
      { nTrials: 3 },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["PRUNED", "PRUNED", "COMPLETE"]);
    expect(trials[0]?.values).toEqual([0.7]);
    expect(trials[0]?.intermediateValues).toEqual({ 0: 0.9, 1: 0.5, 3: 0.7 });
    expect(trials[1]?.values).toBeNull();
    expect(trials[2]?.values).toEqual([0.1]);
    expect(trials[0]?.systemAttrs.fail_reason).toBeUndefined();
  });

  it("supports define-by-run conditional parameters", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 3 }) });
    await study.optimize(
      (t) => {
        const kind = t.suggestCategorical("kind", ["svm", "tree"]);
        if (kind === "svm") return t.suggestFloat("c", 1e-3, 1e3, { log: true });
        return t.suggestInt("depth", 1, 8);
      },
      { nTrials: 30 },
    );
    const trials = await study.trials();
    const svm = trials.filter((t) => t.params.kind === "svm");
    const tree = trials.filter((t) => t.params.kind === "tree");
    expect(svm.length).toBeGreaterThan(0);
    expect(tree.length).toBeGreaterThan(0);
    expect(svm.length + tree.length).toBe(30);
    for (const t of svm) {
      expect(Object.keys(t.params).sort()).toEqual(["c", "kind"]);
      expect(Object.keys(t.distributions).sort()).toEqual(["c", "kind"]);
      expect(t.distributions.c).toMatchObject({ type: "float", log: true });
      expect(t.values).toEqual([t.params.c]);
    }
    for (const t of tree) {
      expect(Object.keys(t.params).sort()).toEqual(["depth", "kind"]);
      expect(t.distributions.depth).toMatchObject({ type: "int", low: 1, high: 8 });
    }
  });
});

describe("trial suggestions", () => {
  it("returns the first value when the same name is asked twice, even with another range", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const a = trial.suggestFloat("x", 0, 1);
    expect(trial.suggestFloat("x", 0, 1)).toBe(a);
    expect(trial.suggestFloat("x", 5, 6)).toBe(a);
    expect(trial.distributions.x).toEqual({
      type: "float",
      low: 0,
      high: 1,
      log: false,
      step: null,
    });
    const k = trial.suggestCategorical("k", ["a", "b"]);
    expect(trial.suggestCategorical("k", ["a", "b"])).toBe(k);
  });

  it("refuses the same name with another kind, with a TypeError naming the parameter", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    expect(() => trial.suggestInt("x", 0, 1)).toThrow(TypeError);
    expect(() => trial.suggestInt("x", 0, 1)).toThrow(
      'parameter "x": it was first suggested as float and now as int',
    );
    trial.suggestCategorical("k", ["a", "b"]);
    expect(() => trial.suggestCategorical("k", ["a", "c"])).toThrow(
      'parameter "k": it was first suggested with choices ["a","b"]',
    );
    expect(trial.params.x).toBe(x);
    const told = await study.tell(trial, 1);
    expect(told.distributions.x?.type).toBe("float");
  });

  it("refuses an invalid distribution or an empty name when suggesting", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    expect(() => trial.suggestInt("depth", 5, 1)).toThrow(/parameter "depth": low \(5\)/);
    expect(() => trial.suggestFloat("", 0, 1)).toThrow(/parameter name must be a non-empty string/);
    expect(trial.params).toEqual({});
  });

  it("gives a single-valued distribution its only value", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    expect(trial.suggestInt("n", 7, 7)).toBe(7);
    expect(trial.suggestFloat("x", 0.5, 0.5)).toBe(0.5);
    expect(trial.suggestCategorical("k", [null])).toBeNull();
  });
});

describe("ask and tell", () => {
  it("ask starts a RUNNING trial; tell completes it with its values", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    expect(trial.number).toBe(0);
    const x = trial.suggestFloat("x", 0, 1);
    expect((await study.trials())[0]?.state).toBe("RUNNING");
    const told = await study.tell(trial, x * 2);
    expect(told).toMatchObject({ number: 0, state: "COMPLETE", values: [x * 2], params: { x } });
    expect(await study.trials()).toEqual([told]);
  });

  it("telling a finished trial again is a TrialFinishedError and changes nothing", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    await study.tell(trial, 1);
    await expect(study.tell(trial, 2)).rejects.toBeInstanceOf(TrialFinishedError);
    await expect(study.tell(trial, "FAIL")).rejects.toThrow(/trial 0 has already finished/);
    await expect(study.tell(0, 3)).rejects.toThrow(
      "trial 0 has already finished (state COMPLETE); it cannot change again",
    );
    const [stored] = await study.trials();
    expect(stored?.state).toBe("COMPLETE");
    expect(stored?.values).toEqual([1]);
  });

  it("a told trial refuses suggests, reports and attributes", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    await study.tell(trial, 1);
    expect(() => trial.suggestFloat("x", 0, 1)).toThrow(TrialFinishedError);
    expect(() => trial.report(1, 0)).toThrow(TrialFinishedError);
    expect(() => trial.setUserAttr("k", 1)).toThrow(TrialFinishedError);
  });

  it("tells by trial number, from this study object or another one on the same storage", async () => {
    const storage = new MemoryStorage();
    const study = await createStudy({ studyName: "by-number", storage });
    const other = await loadStudy({ studyName: "by-number", storage });
    const a = await study.ask();
    const b = await study.ask();
    const x = b.suggestFloat("x", 0, 1);
    await study.tell(a.number, 4);
    await sleep(10); // let b's suggest reach the storage
    const told = await other.tell(b.number, 5);
    expect(told).toMatchObject({ number: 1, state: "COMPLETE", values: [5] });
    const trials = await study.trials();
    expect(trials.map((t) => [t.state, t.values])).toEqual([
      ["COMPLETE", [4]],
      ["COMPLETE", [5]],
    ]);
    expect(trials[1]?.params).toEqual({ x });
    await expect(other.tell(99, 1)).rejects.toThrow(/has no trial 99/);
  });

  it('tell accepts "PRUNED" and "FAIL", and fails a trial told a non-finite value', async () => {
    const study = await createStudy();
    const [a, b, c] = await study.askMany(3);
    a?.report(0.25, 2);
    await study.tell(a as never, "PRUNED");
    await study.tell(b as never, "FAIL");
    const told = await study.tell(c as never, Number.NaN);
    expect(told.state).toBe("FAIL");
    expect(told.systemAttrs.fail_reason).toBe(
      "the objective returned NaN, expected a finite number",
    );
    const trials = await study.trials();
    expect(trials.map((t) => [t.state, t.values])).toEqual([
      ["PRUNED", [0.25]],
      ["FAIL", null],
      ["FAIL", null],
    ]);
  });

  it("askMany(n) starts n trials in one createTrials call; tellMany finishes them in one update", async () => {
    const storage = new CountingStorage();
    const study = await createStudy({ storage, sampler: new RandomSampler({ seed: 2 }) });
    const trials = await study.askMany(5);
    expect(storage.createCalls).toBe(1);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    for (const t of trials) t.suggestFloat("x", 0, 1);
    await sleep(10);
    storage.updateCalls = 0;
    const told = await study.tellMany(
      trials.map((trial) => ({ trial, result: trial.params.x as number })),
    );
    expect(storage.updateCalls).toBe(1);
    expect(told.map((t) => t.state)).toEqual(Array(5).fill("COMPLETE"));
    expect(told.map((t) => t.values?.[0])).toEqual(trials.map((t) => t.params.x));
  });

  it("askMany refuses a count that is not a positive integer", async () => {
    const study = await createStudy();
    expect(() => study.askMany(0)).toThrow("askMany: n must be a positive integer, got 0");
    expect(() => study.askMany(1.5)).toThrow(RangeError);
  });

  it("ask(fixedDistributions) suggests those params at once", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 4 }) });
    const trial = await study.ask({
      x: { type: "float", low: 0, high: 1, log: false, step: null },
      k: { type: "categorical", choices: ["a", "b"] },
    });
    expect(Object.keys(trial.params).sort()).toEqual(["k", "x"]);
    expect(trial.params.x).toBeGreaterThanOrEqual(0);
    expect(trial.params.x).toBeLessThanOrEqual(1);
    expect(["a", "b"]).toContain(trial.params.k);
    expect(trial.distributions.k).toEqual({ type: "categorical", choices: ["a", "b"] });
    expect(trial.suggestFloat("x", 0, 1)).toBe(trial.params.x);
  });

  it("ask(fixedDistributions) refuses an invalid distribution, naming it, before creating a trial", async () => {
    const study = await createStudy();
    await expect(
      study.ask({ lr: { type: "float", low: 1, high: 0, log: false, step: null } }),
    ).rejects.toThrow(/parameter "lr": low \(1\) must not be greater than high \(0\)/);
    expect(await study.trials()).toEqual([]);
  });
});

describe("enqueueTrial", () => {
  it("runs WAITING trials first with their fixed params and samples the others", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 11 }) });
    await study.enqueueTrial({ x: 0.25 });
    await study.enqueueTrial({ x: 0.75, n: 3 });
    expect((await study.trials()).map((t) => t.state)).toEqual(["WAITING", "WAITING"]);
    await study.optimize((t) => t.suggestFloat("x", 0, 1) + t.suggestInt("n", 0, 100), {
      nTrials: 4,
    });
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(Array(4).fill("COMPLETE"));
    expect(trials[0]?.params.x).toBe(0.25);
    expect(trials[1]?.params).toEqual({ x: 0.75, n: 3 });
    const n0 = trials[0]?.params.n as number;
    expect(Number.isInteger(n0) && n0 >= 0 && n0 <= 100).toBe(true);
    for (const t of trials.slice(2)) expect([0.25, 0.75]).not.toContain(t.params.x);
    expect(trials[0]?.systemAttrs.fixed_params).toEqual({ x: 0.25 });
  });

  it("runs a trial enqueued after others before any newly sampled one", async () => {
    const study = await createStudy();
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    await study.enqueueTrial({ x: 0.5 });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1 });
    const trials = await study.trials();
    expect(trials).toHaveLength(3);
    expect(trials[2]?.params.x).toBe(0.5);
    expect(trials[2]?.state).toBe("COMPLETE");
  });

  it("ask() claims an enqueued trial, and keeps its user attrs", async () => {
    const study = await createStudy();
    await study.enqueueTrial({ k: "b" }, { userAttrs: { source: "manual" } });
    const trial = await study.ask();
    expect(trial.suggestCategorical("k", ["a", "b", "c"])).toBe("b");
    expect(trial.userAttrs).toEqual({ source: "manual" });
    const told = await study.tell(trial, 1);
    expect(told.userAttrs).toEqual({ source: "manual" });
  });

  it("skipIfExists skips params already enqueued or already run", async () => {
    const study = await createStudy();
    await study.enqueueTrial({ x: 0.5 }, { skipIfExists: true });
    await study.enqueueTrial({ x: 0.5 }, { skipIfExists: true });
    expect(await study.trials()).toHaveLength(1);
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1 });
    await study.enqueueTrial({ x: 0.5 }, { skipIfExists: true });
    expect(await study.trials()).toHaveLength(1);
    await study.enqueueTrial({ x: 0.6 }, { skipIfExists: true });
    await study.enqueueTrial({ x: 0.5 });
    expect((await study.trials()).map((t) => t.state)).toEqual(["COMPLETE", "WAITING", "WAITING"]);
  });

  it("uses an enqueued value outside the asked distribution as given, with a warning", async () => {
    const study = await createStudy();
    await study.enqueueTrial({ x: 5 });
    await study.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 1 });
    const [trial] = await study.trials();
    expect(trial?.params.x).toBe(5);
    expect(trial?.state).toBe("COMPLETE");
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(
      /the enqueued value 5 of "x" lies outside/,
    );
  });

  it("refuses params that are not an object of JSON values", async () => {
    const study = await createStudy();
    await expect(study.enqueueTrial({ x: Number.NaN })).rejects.toThrow(
      /enqueueTrial: params\.x is NaN, which JSON cannot hold/,
    );
    await expect(study.enqueueTrial([1] as never)).rejects.toThrow(TypeError);
    expect(await study.trials()).toEqual([]);
  });
});

describe("addTrial and addTrials", () => {
  it("imports finished trials with numbers, params and values", async () => {
    const study = await createStudy();
    const added = await study.addTrials([
      complete(2, 4),
      { ...complete(1, 7), userAttrs: { from: "paper" }, intermediateValues: { 0: 3, 5: 1.5 } },
      { state: "FAIL" },
    ]);
    expect(added.map((t) => t.number)).toEqual([0, 1, 2]);
    expect(added[1]).toMatchObject({
      state: "COMPLETE",
      values: [1],
      params: { x: 7 },
      userAttrs: { from: "paper" },
      intermediateValues: { 0: 3, 5: 1.5 },
    });
    expect(await study.bestParams()).toEqual({ x: 7 });
    const one = await study.addTrial({ state: "PRUNED", values: [0] });
    expect(one.number).toBe(3);
    expect(await study.trials()).toHaveLength(4);
  });

  it("refuses invalid trials with errors naming the trial and the problem, storing none", async () => {
    const study = await createStudy();
    const cases: [TrialToAdd, RegExp][] = [
      [{ state: "RUNNING" as never }, /state must be COMPLETE, PRUNED or FAIL, got RUNNING/],
      [{ state: "COMPLETE" }, /a COMPLETE trial needs values/],
      [{ state: "COMPLETE", values: [Number.NaN] }, /a COMPLETE trial needs values.*NaN/],
      [{ state: "COMPLETE", values: [1, 2] }, /returned 2 values, expected 1/],
      [{ ...complete(1), distributions: {} }, /param "x" has no distribution/],
      [{ ...complete(1), params: { x: 11 } }, /param "x" = 11 lies outside its distribution/],
      [{ ...complete(1), params: {} }, /distribution "x" has no param value/],
      [
        {
          ...complete(1),
          distributions: { x: { type: "int", low: 5, high: 0, log: false, step: 1 } },
        },
        /parameter "x": low \(5\)/,
      ],
      [{ ...complete(1), userAttrs: { f: (() => 1) as never } }, /userAttrs\.f is function/],
      [
        { ...complete(1), intermediateValues: { 0: Number.POSITIVE_INFINITY } },
        /intermediate value at step 0/,
      ],
    ];
    for (const [trial, message] of cases) {
      await expect(study.addTrials([complete(1), trial])).rejects.toThrow(message);
      await expect(study.addTrial(trial)).rejects.toThrow(message);
    }
    await expect(study.addTrials([complete(1), { state: "COMPLETE" }])).rejects.toThrow(
      /addTrial \(trial 1\)/,
    );
    await expect(study.addTrial({ ...complete(1), params: { x: 11 } })).rejects.toThrow(
      /addTrial \(trial 0\)/,
    );
    expect(await study.trials()).toEqual([]);
  });
});

describe("best trial, value and params", () => {
  it("minimizes: the COMPLETE trial with the lowest value, ignoring PRUNED and FAIL", async () => {
    const study = await createStudy();
    await study.addTrials([
      complete(3, 1),
      complete(1, 2),
      complete(2, 3),
      { state: "PRUNED", values: [-10] },
      { state: "FAIL" },
    ]);
    expect((await study.bestTrial()).number).toBe(1);
    expect(await study.bestValue()).toBe(1);
    expect(await study.bestParams()).toEqual({ x: 2 });
  });

  it("maximizes: the COMPLETE trial with the highest value", async () => {
    const study = await createStudy({ direction: "maximize" });
    await study.addTrials([complete(3, 1), complete(1, 2), complete(5, 3), complete(-2, 4)]);
    expect((await study.bestTrial()).number).toBe(2);
    expect(await study.bestValue()).toBe(5);
    expect(await study.bestParams()).toEqual({ x: 3 });
  });

  it("refuses when no trial is COMPLETE, naming the study", async () => {
    const study = await createStudy({ studyName: uniqueName("no-complete") });
    await study.addTrial({ state: "FAIL" });
    const message = `study "${study.studyName}" has no COMPLETE trial yet`;
    await expect(study.bestTrial()).rejects.toThrow(message);
    await expect(study.bestValue()).rejects.toThrow(message);
    await expect(study.bestParams()).rejects.toThrow(message);
  });

  it("refuses on a study with several objectives, pointing to bestTrials", async () => {
    const study = await createStudy({ directions: ["minimize", "minimize"] });
    await study.addTrial(complete([1, 2]));
    await expect(study.bestTrial()).rejects.toThrow(/several objectives; bestTrials\(\)/);
    await expect(study.bestValue()).rejects.toThrow(TypeError);
    await expect(study.bestParams()).rejects.toThrow(TypeError);
    expect(() => study.direction).toThrow(/several objectives/);
  });

  it("bestTrials is the Pareto front of the COMPLETE trials (minimize, maximize)", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    await study.addTrials([
      complete([1, 5], 0), // A: front
      complete([2, 6], 1), // B: front
      complete([2, 4], 2), // C: dominated by A
      complete([3, 7], 3), // D: front
      complete([0, 1], 4), // E: front
      complete([3, 6], 5), // F: dominated by B and D
      { state: "FAIL" },
      { state: "PRUNED" },
      complete([1, 5], 6), // equal to A: kept with it
    ]);
    const front = await study.bestTrials();
    expect(front.map((t) => t.number)).toEqual([0, 1, 3, 4, 8]);
  });

  it("bestTrials of a single-objective study is the best trial and its ties", async () => {
    const study = await createStudy();
    await study.addTrials([complete(2), complete(1), complete(1), complete(3)]);
    expect((await study.bestTrials()).map((t) => t.number)).toEqual([1, 2]);
  });
});

describe("trials and FrozenTrial", () => {
  it("trials({ states }) filters by state, in number order", async () => {
    const study = await createStudy();
    await study.addTrials([complete(1), { state: "FAIL" }, complete(2), { state: "PRUNED" }]);
    await study.enqueueTrial({ x: 1 });
    await study.ask(); // claims the WAITING trial
    await study.enqueueTrial({ x: 2 });
    expect((await study.trials({ states: ["COMPLETE"] })).map((t) => t.number)).toEqual([0, 2]);
    expect((await study.trials({ states: ["FAIL", "PRUNED"] })).map((t) => t.number)).toEqual([
      1, 3,
    ]);
    expect((await study.trials({ states: ["RUNNING"] })).map((t) => t.number)).toEqual([4]);
    expect((await study.trials({ states: ["WAITING"] })).map((t) => t.number)).toEqual([5]);
    expect(await study.trials({ states: [] })).toEqual([]);
    expect(await study.trials()).toHaveLength(6);
  });

  it("a FrozenTrial survives a JSON round trip (COMPLETE, PRUNED, FAIL with reports and attrs)", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 9 }) });
    await study.optimize(
      (t) => {
        const x = t.suggestFloat("x", 1e-4, 1, { log: true });
        const k = t.suggestCategorical("k", ["a", null, true, 3]);
        t.suggestInt("n", 0, 20, { step: 4 });
        t.setUserAttr("nested", { list: [1, "two", null, false], deep: { v: -0.5 } });
        t.report(x / 2, 0);
        t.report(x / 3, 7);
        if (t.number === 1) throw new TrialPruned();
        if (t.number === 2) throw new RangeError("diverged");
        return typeof k === "number" ? x + k : x;
      },
      { nTrials: 3, catch: [RangeError] },
    );
    const trials = await study.trials();
    expect(trials.map((t) => t.state)).toEqual(["COMPLETE", "PRUNED", "FAIL"]);
    for (const trial of trials) {
      const copy = JSON.parse(JSON.stringify(trial)) as FrozenTrial;
      expect(copy).toEqual(trial);
      expect(Object.keys(copy).sort()).toEqual(
        [
          "datetimeComplete",
          "datetimeStart",
          "distributions",
          "durationMs",
          "intermediateValues",
          "number",
          "params",
          "state",
          "systemAttrs",
          "userAttrs",
          "values",
        ].sort(),
      );
      expect(Object.keys(trial.intermediateValues)).toEqual(["0", "7"]);
      expect(trial.durationMs).toBe(
        Date.parse(trial.datetimeComplete as string) - Date.parse(trial.datetimeStart as string),
      );
    }
    expect(trials[2]?.systemAttrs.fail_reason).toBe("RangeError: diverged");
    expect(trials[1]?.values).toEqual([trials[1]?.intermediateValues[7]]);
  });
});

describe("report", () => {
  it("records intermediate values by step; a repeated step keeps its first value and warns", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    trial.report(0.5, 0);
    trial.report(0.4, 1);
    trial.report(0.9, 1);
    const told = await study.tell(trial, 0.4);
    expect(told.intermediateValues).toEqual({ 0: 0.5, 1: 0.4 });
    expect(warn.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(
      /step 1 was already reported/,
    );
  });

  it("refuses non-finite values and steps that are not non-negative integers", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    expect(() => trial.report(Number.NaN, 0)).toThrow(
      "trial.report: value must be a finite number, got NaN",
    );
    expect(() => trial.report(Number.POSITIVE_INFINITY, 0)).toThrow(/got Infinity/);
    expect(() => trial.report("1" as never, 0)).toThrow(TypeError);
    expect(() => trial.report(1, -1)).toThrow(
      "trial.report: step must be a non-negative integer, got -1",
    );
    expect(() => trial.report(1, 1.5)).toThrow(/got 1\.5/);
    const told = await study.tell(trial, 1);
    expect(told.intermediateValues).toEqual({});
  });

  it("takes vector reports on a multi-objective study", async () => {
    const study = await createStudy({ directions: ["minimize", "maximize"] });
    const trial = await study.ask();
    expect(() => trial.report(1, 0)).toThrow(/value must be an array of 2 finite numbers/);
    trial.report([1, 2], 0);
    expect(trial.shouldPrune()).toBe(false);
  });

  it("shouldPrune is false with the default pruner", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    trial.report(100, 0);
    expect(trial.shouldPrune()).toBe(false);
  });
});

describe("setUserAttr", () => {
  it("stores JSON values on the trial and on the study", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const value: JsonValue = { folds: [0.9, 0.91], ok: true, note: null };
    trial.setUserAttr("score", value);
    trial.setUserAttr("n", 3);
    expect(trial.userAttrs).toEqual({ score: value, n: 3 });
    const told = await study.tell(trial, 1);
    expect(told.userAttrs).toEqual({ score: value, n: 3 });
    await study.setUserAttr("owner", "me");
    expect(await study.userAttrs()).toEqual({ owner: "me" });
  });

  it("refuses values that JSON cannot hold with a TypeError naming the key", async () => {
    const study = await createStudy();
    const trial = await study.ask();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bad: [unknown, RegExp][] = [
      [undefined, /user attr "k" is undefined/],
      [Number.NaN, /user attr "k" is NaN/],
      [Number.POSITIVE_INFINITY, /user attr "k" is Infinity/],
      [() => 1, /user attr "k" is function/],
      [10n, /user attr "k" is bigint/],
      [new Date(0), /user attr "k" is a Date/],
      [new Map(), /user attr "k" is a Map/],
      [{ a: [1, undefined] }, /user attr "k"\.a\[1\] is undefined/],
      [circular, /nested too deeply \(or circular\)/],
    ];
    for (const [value, message] of bad) {
      expect(() => trial.setUserAttr("k", value as JsonValue)).toThrow(TypeError);
      expect(() => trial.setUserAttr("k", value as JsonValue)).toThrow(message);
      await expect(study.setUserAttr("k", value as JsonValue)).rejects.toThrow(message);
    }
    expect(trial.userAttrs).toEqual({});
    expect(await study.userAttrs()).toEqual({});
  });
});

describe("flush", () => {
  it("stores a running trial's params and reports before the background write", async () => {
    const storage = new MemoryStorage();
    const study = await createStudy({ studyName: "f", storage });
    const other = await loadStudy({ studyName: "f", storage });
    const trial = await study.ask();
    trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
    trial.report(0.5, 0);
    await study.flush();
    const seen = (await other.trials())[0];
    expect(seen?.state).toBe("RUNNING");
    expect(seen?.params).toEqual(trial.params);
    expect(seen?.intermediateValues).toEqual({ 0: 0.5 });
  });
});

describe("asks of several workers", () => {
  it("shows samplers every trial numbered below the new one, including other workers'", async () => {
    const storage = new MemoryStorage();
    const seen: number[][] = [];
    const probe: Sampler = {
      inferRelativeSearchSpace(context) {
        seen.push(Array.from(context.trials, (t) => t?.number ?? -1));
        expect(context.trials).toHaveLength(context.trial.number + 1);
        return {};
      },
      sampleRelative: () => ({ params: {} }),
      sampleIndependent: (_context, _name, distribution) => fromUnit(distribution, 0.5),
    };
    const a = await createStudy({ studyName: "w", storage, sampler: probe });
    const b = await loadStudy({ studyName: "w", storage, sampler: probe });
    await a.optimize((t) => t.suggestFloat("x", 0, 1), { nTrials: 2 });
    // Both read before either creates: the second creation is numbered past the first.
    const [ta, tb] = await Promise.all([a.ask(), b.ask()]);
    expect([ta.number, tb.number].sort()).toEqual([2, 3]);
    for (const numbers of seen) expect(numbers).not.toContain(-1);
  });
});

describe("optimize and the event loop", () => {
  it("lets timers run during a loop of synchronous trials, so stop() from a timer ends it", async () => {
    const study = await createStudy({ sampler: new RandomSampler({ seed: 2 }) });
    const timer = setTimeout(() => study.stop(), 100);
    const started = Date.now();
    await study.optimize((trial) => trial.suggestFloat("x", 0, 1), { nTrials: 10_000_000 });
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(10_000);
    const count = (await study.trials()).length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(10_000_000);
  });
});
