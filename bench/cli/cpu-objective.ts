/**
 * The CPU-bound objective of bench/cli/run.ts: about 50 ms of arithmetic per trial (the
 * runner calibrates TUNEKIT_BENCH_ITERATIONS on this machine), no I/O, no waiting.
 */
import type { Trial } from "../../src/index.js";

const ITERATIONS = Number(process.env.TUNEKIT_BENCH_ITERATIONS ?? 5_000_000);

/**
 * Arithmetic that V8 cannot skip (each step depends on the last), whose cost does not
 * depend on x (Math.sin's would: large arguments take a slower path).
 */
export function work(x: number, iterations: number): number {
  let acc = x;
  for (let i = 0; i < iterations; i++) acc = (acc + Math.sqrt(i + Math.abs(acc))) * 0.5;
  return acc;
}

export function objective(trial: Trial): number {
  const x = trial.suggestFloat("x", -5, 5);
  const y = trial.suggestFloat("y", -5, 5);
  return (x - 1) ** 2 + (y + 2) ** 2 + work(x, ITERATIONS) * 1e-15;
}
