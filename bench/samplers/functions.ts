/**
 * The benchmark functions of ../shared/bench/README.md, written as tunekit objectives (the
 * Optuna baseline, optuna_samplers.py, defines the same ones with the same parameter names).
 * All are minimized; `optimum` is the best value (for zdt1, the hypervolume of the true front
 * against the reference point (11, 11), to be maximized).
 */
import type { Trial } from "../../src/index.js";

/** A benchmark problem. */
export interface BenchFunction {
  readonly name: string;
  /** 1 for a single objective; 2 for zdt1. */
  readonly nObjectives: number;
  /** f* (single objective) or the true front's hypervolume (zdt1). */
  readonly optimum: number;
  readonly objective: (trial: Trial) => number | number[];
}

const BRANIN_B = 5.1 / (4 * Math.PI ** 2);
const BRANIN_C = 5 / Math.PI;
const BRANIN_T = 1 / (8 * Math.PI);
const MIXED_SHIFT = { gelu: 1.5, relu: -1, tanh: 3, sigmoid: -3 } as const;
const MIXED_OFFSET = { gelu: 0, relu: 0.25, tanh: 0.75, sigmoid: 1.5 } as const;

/** The reference point of zdt1's hypervolume. */
export const ZDT1_REFERENCE = [11, 11] as const;

function vector(trial: Trial, d: number, low: number, high: number): number[] {
  return Array.from({ length: d }, (_, i) => trial.suggestFloat(`x${i}`, low, high));
}

/** Rosenbrock's valley in 10 dimensions. */
export function rosenbrock(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    sum += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  }
  return sum;
}

const HARTMANN6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((p) => p * 1e-4));

/** The 6-D Hartmann function on [0, 1]^6 (Dixon & Szegő 1978); minimum −3.32237. */
export function hartmann6(x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) {
      const a = (HARTMANN6_A[i] as number[])[j] as number;
      const p = (HARTMANN6_P[i] as number[])[j] as number;
      inner += a * ((x[j] as number) - p) ** 2;
    }
    sum += (HARTMANN6_ALPHA[i] as number) * Math.exp(-inner);
  }
  return -sum;
}

/** The functions, by name. */
export const FUNCTIONS: readonly BenchFunction[] = [
  {
    name: "branin",
    nObjectives: 1,
    optimum: 0.397887,
    objective: (trial) => {
      const x0 = trial.suggestFloat("x0", -5, 10);
      const x1 = trial.suggestFloat("x1", 0, 15);
      return (
        (x1 - BRANIN_B * x0 ** 2 + BRANIN_C * x0 - 6) ** 2 + 10 * (1 - BRANIN_T) * Math.cos(x0) + 10
      );
    },
  },
  {
    name: "hartmann6",
    nObjectives: 1,
    optimum: -3.32237,
    objective: (trial) => hartmann6(vector(trial, 6, 0, 1)),
  },
  {
    name: "rosenbrock10",
    nObjectives: 1,
    optimum: 0,
    objective: (trial) => rosenbrock(vector(trial, 10, -5, 10)),
  },
  {
    name: "ackley10",
    nObjectives: 1,
    optimum: 0,
    objective: (trial) => {
      const x = vector(trial, 10, -32.768, 32.768);
      const s1 = x.reduce((s, v) => s + v * v, 0) / x.length;
      const s2 = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / x.length;
      return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
    },
  },
  {
    name: "rastrigin10",
    nObjectives: 1,
    optimum: 0,
    objective: (trial) => {
      const x = vector(trial, 10, -5.12, 5.12);
      return 10 * x.length + x.reduce((s, v) => s + v * v - 10 * Math.cos(2 * Math.PI * v), 0);
    },
  },
  {
    name: "mixed",
    nObjectives: 1,
    optimum: 0,
    objective: (trial) => {
      const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
      const x = trial.suggestFloat("x", -5, 5);
      const y = trial.suggestFloat("y", 0, 1);
      const nUnits = trial.suggestInt("n_units", 1, 64);
      const nLayers = trial.suggestInt("n_layers", 0, 10);
      const act = trial.suggestCategorical("act", ["relu", "tanh", "sigmoid", "gelu"] as const);
      return (
        (Math.log10(lr) + 3) ** 2 +
        (x - MIXED_SHIFT[act]) ** 2 / 4 +
        4 * (y - 0.3) ** 2 +
        ((nUnits - 24) / 8) ** 2 +
        (nLayers - 7) ** 2 / 4 +
        MIXED_OFFSET[act]
      );
    },
  },
  {
    name: "zdt1",
    nObjectives: 2,
    optimum: 120 + 2 / 3,
    objective: (trial) => {
      const x = vector(trial, 30, 0, 1);
      const f1 = x[0] as number;
      const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / 29;
      return [f1, g * (1 - Math.sqrt(f1 / g))];
    },
  },
];
