import { describe, expect, it } from "vitest";
import { createStudy, MemoryStorage, RandomSampler } from "../index.js";
import { HEARTBEAT_LOST, RetryAttr } from "./heartbeat.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("heartbeats", () => {
  it("fails a silent worker's RUNNING trial and retries it with the same params", async () => {
    const storage = new MemoryStorage();
    // The "dead" worker beats once when its trial starts, then never again.
    const dead = await createStudy({ studyName: "hb", storage, heartbeatIntervalMs: 1e9 });
    const orphan = await dead.ask();
    const x = orphan.suggestFloat("x", 0, 1);
    await sleep(5); // let the param reach storage
    const live = await createStudy({
      studyName: "hb",
      storage,
      loadIfExists: true,
      heartbeatIntervalMs: 20,
      gracePeriodMs: 40,
      retryFailedTrials: 1,
      sampler: new RandomSampler({ seed: 1 }),
    });
    await sleep(60);
    const retry = await live.ask();
    const trials = await live.trials();
    expect(trials[orphan.number]?.state).toBe("FAIL");
    expect(trials[orphan.number]?.systemAttrs.fail_reason).toBe(HEARTBEAT_LOST);
    expect(retry.suggestFloat("x", 0, 1)).toBe(x);
    expect(retry.systemAttrs[RetryAttr.retriedFrom]).toBe(orphan.number);
    expect(retry.systemAttrs[RetryAttr.retryCount]).toBe(1);
    await live.tell(retry, 1);
    // Its own beats keep a long trial alive past the grace period.
    const long = await live.ask();
    await sleep(100);
    await live.ask().then((t) => live.tell(t, 2));
    expect((await live.trials())[long.number]?.state).toBe("RUNNING");
    await live.tell(long, 3);
  });

  it("retries at most retryFailedTrials times along a chain", async () => {
    const storage = new MemoryStorage();
    const make = (retryFailedTrials: number, heartbeatIntervalMs: number) =>
      createStudy({
        studyName: "chain",
        storage,
        loadIfExists: true,
        heartbeatIntervalMs,
        gracePeriodMs: 10,
        retryFailedTrials,
      });
    const dying = await make(1, 1e9);
    await dying.ask(); // trial 0 dies
    await sleep(20);
    const second = await make(1, 1e9);
    const retried = await second.ask(); // reaps 0, claims its retry (trial 1), which dies too
    expect(retried.systemAttrs[RetryAttr.retryCount]).toBe(1);
    await sleep(20);
    const third = await make(1, 1e9);
    const fresh = await third.ask(); // reaps 1: its chain used its one retry, so nothing is enqueued
    expect(fresh.systemAttrs[RetryAttr.retryCount]).toBeUndefined();
    const states = (await third.trials()).map((t) => t.state);
    expect(states).toEqual(["FAIL", "FAIL", "RUNNING"]);
  });

  it("goes on when another worker failed one of its trials for a lost heartbeat", async () => {
    const storage = new MemoryStorage();
    // Beats once per trial start only, so its slow trial 0 looks dead to the other worker.
    const slow = await createStudy({ studyName: "late", storage, heartbeatIntervalMs: 1e9 });
    const other = await createStudy({
      studyName: "late",
      storage,
      loadIfExists: true,
      heartbeatIntervalMs: 10,
      gracePeriodMs: 30,
    });
    const running = slow.optimize(
      async (trial) => {
        if (trial.number === 0) await sleep(120);
        return trial.suggestFloat("x", 0, 1);
      },
      { nTrials: 3 },
    );
    await sleep(60);
    await other.tell(await other.ask(), 0.5); // reaps trial 0
    await running; // does not throw
    const states = (await slow.trials()).map((t) => t.state);
    expect(states[0]).toBe("FAIL");
    expect(states.filter((s) => s === "COMPLETE")).toHaveLength(3);
  });

  it("rejects bad heartbeat options, naming them", async () => {
    await expect(createStudy({ heartbeatIntervalMs: -1 })).rejects.toThrow(/heartbeatIntervalMs/);
    await expect(createStudy({ gracePeriodMs: 10 })).rejects.toThrow(
      /gracePeriodMs needs heartbeatIntervalMs/,
    );
    await expect(createStudy({ heartbeatIntervalMs: 10, retryFailedTrials: 1.5 })).rejects.toThrow(
      /retryFailedTrials/,
    );
  });
});
