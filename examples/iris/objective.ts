/** The tuning objective: suggest softmax-regression hyperparameters, return CV accuracy. */
import type { Trial } from "tunekit";
import { crossValidate, type Fold, type ModelParams } from "./cross-validation.js";
import type { Dataset } from "./data.js";

/**
 * The search space, define-by-run.
 * @example
 * const params = suggestParams(trial); // { learningRate: 0.03…, l2: 2e-5…, … }
 */
export function suggestParams(trial: Trial): ModelParams {
  return {
    learningRate: trial.suggestFloat("learningRate", 1e-4, 1, { log: true }),
    l2: trial.suggestFloat("l2", 1e-6, 1e-1, { log: true }),
    epochs: trial.suggestInt("epochs", 1, 200),
    batchSize: trial.suggestCategorical("batchSize", [8, 16, 32, 64] as const),
    standardize: trial.suggestCategorical("standardize", [true, false] as const),
  };
}

/**
 * An objective that maximizes the mean accuracy over `folds`; each fold's accuracy is kept
 * as the trial's user attribute `foldAccuracies`. Every trial sees the same folds, so trials
 * differ only by their hyperparameters.
 * @example
 * await study.optimize(irisObjective(loadIris(), stratifiedKFold(iris.y, 5, 0)), { nTrials: 60 });
 */
export function irisObjective(data: Dataset, folds: readonly Fold[]): (trial: Trial) => number {
  return (trial) => {
    const { meanAccuracy, foldAccuracies } = crossValidate(data, folds, suggestParams(trial));
    trial.setUserAttr("foldAccuracies", foldAccuracies);
    return meanAccuracy;
  };
}
