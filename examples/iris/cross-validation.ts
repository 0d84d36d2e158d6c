/** Stratified k-fold splits and the cross-validated accuracy of softmax regression. */
import type { Dataset } from "./data.js";
import { createUniform, shuffle } from "./random.js";
import { accuracy, trainSoftmax } from "./softmax-regression.js";
import { standardize } from "./standardize.js";

/** One split: rows to train on and rows to test on (disjoint, together all rows). */
export interface Fold {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

/**
 * Splits rows into `k` folds whose test parts keep each class's share: the rows of every
 * class are shuffled (seeded) and dealt to the folds in turn, so fold sizes differ by at
 * most one per class.
 * @example
 * const folds = stratifiedKFold(iris.y, 5, 0); // 5 test parts of 10 flowers per species
 */
export function stratifiedKFold(labels: Uint8Array, k: number, seed: number): Fold[] {
  if (!Number.isSafeInteger(k) || k < 2 || k > labels.length) {
    throw new RangeError(`k must be an integer in [2, ${labels.length}], got ${k}`);
  }
  const next = createUniform(seed);
  const foldOf = new Uint32Array(labels.length);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  let dealt = 0; // carries on across classes so small classes do not all start in fold 0
  for (const label of classes) {
    const rows = Uint32Array.from(labels.keys()).filter((i) => labels[i] === label);
    shuffle(rows, next);
    for (const row of rows) foldOf[row] = dealt++ % k;
  }
  return Array.from({ length: k }, (_, fold) => ({
    train: Uint32Array.from(foldOf.keys()).filter((i) => foldOf[i] !== fold),
    test: Uint32Array.from(foldOf.keys()).filter((i) => foldOf[i] === fold),
  }));
}

/** Hyperparameters of one cross-validated run. */
export interface ModelParams {
  readonly learningRate: number;
  readonly l2: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Standardize features with statistics of each fold's training rows. */
  readonly standardize: boolean;
}

/** The accuracy on each fold's test rows, and their mean. */
export interface CrossValidationResult {
  readonly meanAccuracy: number;
  readonly foldAccuracies: number[];
}

/**
 * Trains on each fold's training rows and scores its test rows.
 * @example
 * const { meanAccuracy } = crossValidate(iris, folds, {
 *   learningRate: 0.1, l2: 1e-4, epochs: 100, batchSize: 16, standardize: true,
 * });
 */
export function crossValidate(
  data: Dataset,
  folds: readonly Fold[],
  params: ModelParams,
  seed = 0,
): CrossValidationResult {
  const foldAccuracies = folds.map((fold, i) => {
    const features = params.standardize ? standardize(data, fold.train) : data;
    const model = trainSoftmax(features, fold.train, { ...params, seed: seed + i });
    return accuracy(model, features, fold.test);
  });
  const meanAccuracy = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  return { meanAccuracy, foldAccuracies };
}
