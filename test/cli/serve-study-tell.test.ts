/**
 * `study.tell(trial, "FAIL", { failReason })`, which `tunekit serve` uses for a client's
 * failed trial: the reason is kept as the trial's fail_reason system attr, for a trial of
 * this process and for one told by number through the storage.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createStudy,
  loadStudy,
  MemoryStorage,
  RandomSampler,
  setLogLevel,
} from "../../src/index.js";
import { poll, tempFolder } from "./cli-process.js";

const folder = tempFolder();
// Failed trials are logged as warnings; these fail on purpose.
setLogLevel("error");
afterAll(() => {
  setLogLevel("warn");
  folder.cleanup();
});

describe("study.tell with a fail reason", () => {
  it("keeps the reason of a trial told FAIL, as the trials an objective's error fails do", async () => {
    const study = await createStudy({
      storage: new MemoryStorage(),
      sampler: new RandomSampler({ seed: 1 }),
    });
    const trial = await study.ask();
    const x = trial.suggestFloat("x", 0, 1);
    const told = await study.tell(trial, "FAIL", { failReason: "device went offline" });
    expect(told.state).toBe("FAIL");
    expect(told.values).toBeNull();
    expect(told.systemAttrs.fail_reason).toBe("device went offline");
    expect(told.params).toEqual({ x });
    const [stored] = await study.trials();
    expect(stored?.systemAttrs.fail_reason).toBe("device went offline");
    // Without options, tell is unchanged: a FAIL without reason has none.
    const plain = await study.tell(await study.ask(), "FAIL");
    expect(plain.systemAttrs).not.toHaveProperty("fail_reason");
  });

  it("keeps the reason of a trial another process asked, told by number", async () => {
    const storage = `sqlite:${join(folder.dir, "tell.db")}`;
    const asking = await createStudy({ studyName: "s", storage });
    const trial = await asking.ask();
    trial.suggestInt("n", 1, 9);
    // The study writes suggestions a tick later; closing at once would lose them.
    await poll(
      async () => ((await asking.trials())[0]?.params.n === undefined ? undefined : true),
      "the param",
    );
    await asking.storage.close();
    const telling = await loadStudy({ studyName: "s", storage });
    const told = await telling.tell(trial.number, "FAIL", { failReason: "exit code 137" });
    expect(told.systemAttrs.fail_reason).toBe("exit code 137");
    await telling.storage.close();
    const again = await loadStudy({ studyName: "s", storage });
    const [stored] = await again.trials();
    await again.storage.close();
    expect(stored?.state).toBe("FAIL");
    expect(stored?.systemAttrs.fail_reason).toBe("exit code 137");
    expect(stored?.params).toEqual(trial.params);
  });

  it("refuses a fail reason with any other result, naming it", async () => {
    const study = await createStudy({ storage: new MemoryStorage() });
    const trial = await study.ask();
    await expect(study.tell(trial, 0.5, { failReason: "x" })).rejects.toThrow(
      new TypeError('tell: failReason goes with "FAIL" only, got 0.5'),
    );
    await expect(study.tell(trial, "PRUNED", { failReason: "x" })).rejects.toThrow(
      new TypeError('tell: failReason goes with "FAIL" only, got "PRUNED"'),
    );
    await expect(
      study.tell(trial, "FAIL", { failReason: 42 as unknown as string }),
    ).rejects.toThrow(new TypeError("tell: failReason must be a string, got number"));
    // The trial is still running after those refusals.
    expect((await study.tell(trial, 0.5)).state).toBe("COMPLETE");
  });
});
