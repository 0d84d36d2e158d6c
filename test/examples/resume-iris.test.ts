import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runResumeIris } from "../../examples/checkpoint/resume-iris.js";

describe("examples/checkpoint/resume-iris.ts", () => {
  it("resumes a trial whose worker was killed from its last checkpoint, at the same lr", async () => {
    const folder = mkdtempSync(join(tmpdir(), "tunekit-resume-test-"));
    try {
      const { crashedWith, starts } = await runResumeIris(folder, 12);
      expect(crashedWith).toBe("SIGKILL");
      const [dead, retry, ...fresh] = starts;
      expect(dead).toMatchObject({ number: 0, retriedFrom: null, firstEpoch: 1, accuracy: null });
      // The retry starts after the 12 epochs the dead worker saved, with trial 0's lr.
      expect(retry).toMatchObject({ number: 1, retriedFrom: 0, firstEpoch: 13, lr: dead?.lr });
      expect(retry?.accuracy).toBeGreaterThanOrEqual(0.8);
      expect(fresh.map((t) => [t.retriedFrom, t.firstEpoch])).toEqual([
        [null, 1],
        [null, 1],
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
