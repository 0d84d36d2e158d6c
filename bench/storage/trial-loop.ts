/** The benchmark's trial, shared by the worker processes and the latency loop of run.ts. */
import type { Study } from "../../src/index.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ask, 3 suggests, 3 reports, tell: the same trial as optuna_storage.py's. Returns how long
 * the ask took, in milliseconds.
 */
export async function oneTrial(study: Study, reportGapMs: number): Promise<number> {
  const asked = performance.now();
  const trial = await study.ask();
  const askMs = performance.now() - asked;
  const x = trial.suggestFloat("x", 0, 1);
  const y = trial.suggestFloat("y", 1e-3, 1, { log: true });
  const z = trial.suggestInt("z", 0, 9);
  for (let step = 0; step < 3; step++) {
    trial.report(x * (step + 1) + y + z, step);
    if (reportGapMs > 0) await sleep(reportGapMs);
  }
  await study.tell(trial, x + y + z);
  return askMs;
}
