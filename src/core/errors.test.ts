import { describe, expect, it } from "vitest";
import { TrialPruned } from "./errors.js";

describe("TrialPruned", () => {
  it("is recognized when thrown by another copy of tunekit (same global brand)", () => {
    // What a second copy of the module defines: its own class with the same brand.
    const brand = Symbol.for("tunekit.TrialPruned");
    class OtherCopy extends Error {
      get [brand](): true {
        return true;
      }
    }
    expect(new OtherCopy("pruned") instanceof TrialPruned).toBe(true);
    expect(new TrialPruned() instanceof TrialPruned).toBe(true);
  });

  it("is not fooled by an error that only shares the name", () => {
    const lookalike = new Error("no");
    lookalike.name = "TrialPruned";
    expect(lookalike instanceof TrialPruned).toBe(false);
    const notObjects: unknown[] = [null, "TrialPruned", 1];
    for (const value of notObjects) expect(value instanceof TrialPruned).toBe(false);
  });

  it("keeps the ordinary instanceof for subclasses", () => {
    class EarlyStop extends TrialPruned {}
    expect(new EarlyStop() instanceof EarlyStop).toBe(true);
    expect(new TrialPruned() instanceof EarlyStop).toBe(false);
    expect(new EarlyStop() instanceof TrialPruned).toBe(true);
  });

  it("ends a trial PRUNED in optimize when another copy threw it", async () => {
    const { createStudy } = await import("../index.js");
    const brand = Symbol.for("tunekit.TrialPruned");
    const foreign = Object.assign(new Error("stop"), { [brand]: true });
    const study = await createStudy();
    await study.optimize(
      (trial) => {
        trial.suggestFloat("x", 0, 1);
        throw foreign;
      },
      { nTrials: 2 },
    );
    expect((await study.trials()).map((t) => t.state)).toEqual(["PRUNED", "PRUNED"]);
  });
});
