/**
 * The tunekit command on PostgreSQL (a fresh schema): worker processes of a run and a
 * `tunekit worker` started elsewhere share one study, and every trial is kept once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadStudy } from "../../src/index.js";
import { dropSchema, freshSchema, postgresAvailable, postgresUrl } from "../support/services.js";
import { INDEX, poll, startTunekit, tempFolder, tunekit } from "./cli-process.js";

const available = await postgresAvailable();
const schema = freshSchema("tk_cli");
const STORAGE = postgresUrl(schema);
const folder = tempFolder({
  "slow.ts": `import type { Trial } from ${JSON.stringify(INDEX)};
export async function objective(trial: Trial): Promise<number> {
  trial.setUserAttr("pid", process.pid);
  const x = trial.suggestFloat("x", 0, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return x;
}
`,
});
afterAll(async () => {
  folder.cleanup();
  if (available) await dropSchema(schema);
});

describe.skipIf(!available)("tunekit on PostgreSQL", () => {
  it("runs two worker processes while a `tunekit worker` joins from another folder", async () => {
    const run = startTunekit(
      ["run", "slow.ts", "-n", "10", "--workers", "2", "--storage", STORAGE, "--study", "pg"],
      folder.dir,
    );
    // Join once the run has stored its spec with the study (its first trial exists).
    await poll(async () => {
      const study = await loadStudy({ studyName: "pg", storage: STORAGE }).catch(() => null);
      const n = study === null ? 0 : (await study.trials()).length;
      await study?.storage.close();
      return n > 0 ? true : undefined;
    }, "the run's first trial");
    const joined = await tunekit(["worker", "--study", "pg", "--storage", STORAGE, "-n", "4"], "/");
    const result = await run.done;
    expect(result.status, result.stderr).toBe(0);
    expect(joined.status, joined.stderr).toBe(0);
    const study = await loadStudy({ studyName: "pg", storage: STORAGE });
    const trials = await study.trials();
    await study.storage.close();
    expect(trials.map((t) => t.number)).toEqual([...Array(14).keys()]);
    expect(trials.every((t) => t.state === "COMPLETE")).toBe(true);
    expect(new Set(trials.map((t) => t.userAttrs.pid)).size).toBe(3);
  }, 120_000);
});
