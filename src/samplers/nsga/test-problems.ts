/** Test problems for the population samplers' tests (not exported). @internal */
import type { Trial } from "../../core/trial.js";

/** ZDT1 (Zitzler, Deb & Thiele 2000), 30-D: its true front's hypervolume vs (11, 11) is 120⅔. */
export function zdt1(trial: Trial): [number, number] {
  let f1 = 0;
  let sum = 0;
  for (let i = 0; i < 30; i++) {
    const x = trial.suggestFloat(`x${i}`, 0, 1);
    if (i === 0) f1 = x;
    else sum += x;
  }
  const g = 1 + (9 * sum) / 29;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

/** The sphere function Σx² over d parameters in [−5.12, 5.12]. */
export function sphere(d: number): (trial: Trial) => number {
  return (trial) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += trial.suggestFloat(`x${i}`, -5.12, 5.12) ** 2;
    return s;
  };
}

/** Rastrigin's function 10d + Σ(x² − 10 cos 2πx) over d parameters in [−5.12, 5.12]. */
export function rastrigin(d: number): (trial: Trial) => number {
  return (trial) => {
    let s = 10 * d;
    for (let i = 0; i < d; i++) {
      const x = trial.suggestFloat(`x${i}`, -5.12, 5.12);
      s += x * x - 10 * Math.cos(2 * Math.PI * x);
    }
    return s;
  };
}

/**
 * A mixed space: a log float, an int with a step, a float with a step and a categorical;
 * minimum 0 at lr = 1e−3, units = 24, y = 0.3, act = "gelu".
 */
export function mixed(trial: Trial): number {
  const lr = trial.suggestFloat("lr", 1e-5, 1e-1, { log: true });
  const units = trial.suggestInt("units", 4, 64, { step: 4 });
  const y = trial.suggestFloat("y", 0, 1, { step: 0.1 });
  const act = trial.suggestCategorical("act", ["relu", "tanh", "gelu"]);
  return (
    (Math.log10(lr) + 3) ** 2 +
    ((units - 24) / 8) ** 2 +
    4 * (y - 0.3) ** 2 +
    (act === "gelu" ? 0 : 1)
  );
}
