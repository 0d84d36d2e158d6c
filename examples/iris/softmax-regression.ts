/**
 * Multinomial logistic (softmax) regression trained by mini-batch gradient descent.
 *
 * Notation: n rows, d features, K classes. W is K × d (row-major Float64Array), b has K
 * entries. For a row x: z = W·x + b, p = softmax(z). The loss of a batch B is
 *   L = −(1/|B|) Σ_{i∈B} log p_{y_i}(x_i) + (λ/2)·‖W‖²,
 * with gradients ∂L/∂W_k = (1/|B|) Σ (p_k − [y_i = k])·x_i + λ·W_k and
 * ∂L/∂b_k = (1/|B|) Σ (p_k − [y_i = k]); the bias is not penalised.
 */
import type { Dataset } from "./data.js";
import { createUniform, normal, shuffle } from "./random.js";

/** The hyperparameters of training. */
export interface TrainOptions {
  /** Step size of gradient descent. */
  readonly learningRate: number;
  /** L2 penalty λ on the weights. */
  readonly l2: number;
  /** Passes over the training rows. */
  readonly epochs: number;
  /** Rows per gradient step (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Seeds the initial weights and the order of rows in each epoch. */
  readonly seed: number;
}

/** A trained model: W (K × d, row-major) and b (K). */
export interface SoftmaxModel {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly nFeatures: number;
  readonly nClasses: number;
}

/** Standard deviation of the initial weights: small, so the first steps are not saturated. */
const INIT_SCALE = 0.01;

/** Writes z = W·x + b for row `row` of `x` into `out` (length K). */
function logits(model: SoftmaxModel, x: Float64Array, row: number, out: Float64Array): void {
  const { weights, bias, nFeatures: d, nClasses } = model;
  const offset = row * d;
  for (let k = 0; k < nClasses; k++) {
    let z = bias[k] as number;
    for (let j = 0; j < d; j++) z += (weights[k * d + j] as number) * (x[offset + j] as number);
    out[k] = z;
  }
}

/** Turns logits into probabilities in place, shifting by the maximum to avoid overflow. */
function softmaxInPlace(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    const e = Math.exp((z[k] as number) - max);
    z[k] = e;
    sum += e;
  }
  for (let k = 0; k < z.length; k++) z[k] = (z[k] as number) / sum;
}

function checkOptions(options: TrainOptions): void {
  const { learningRate, l2, epochs, batchSize } = options;
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${learningRate}`);
  if (!(l2 >= 0)) throw new RangeError(`l2 must be >= 0, got ${l2}`);
  if (!Number.isSafeInteger(epochs) || epochs < 0) {
    throw new RangeError(`epochs must be a non-negative integer, got ${epochs}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
}

/**
 * Trains on the given rows of `data`.
 * @example
 * const model = trainSoftmax(iris, fold.train, {
 *   learningRate: 0.1, l2: 1e-4, epochs: 100, batchSize: 16, seed: 0,
 * });
 */
export function trainSoftmax(
  data: Dataset,
  rows: Uint32Array,
  options: TrainOptions,
): SoftmaxModel {
  checkOptions(options);
  const { nFeatures: d, nClasses: nK, x, y } = data;
  const { learningRate, l2, epochs, batchSize } = options;
  const next = createUniform(options.seed);
  const model: SoftmaxModel = {
    weights: new Float64Array(nK * d),
    bias: new Float64Array(nK),
    nFeatures: d,
    nClasses: nK,
  };
  const { weights, bias } = model;
  for (let i = 0; i < weights.length; i++) weights[i] = INIT_SCALE * normal(next);

  const order = Uint32Array.from(rows);
  const gradW = new Float64Array(nK * d);
  const gradB = new Float64Array(nK);
  const p = new Float64Array(nK);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, next);
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(start + batchSize, order.length);
      gradW.fill(0);
      gradB.fill(0);
      for (let i = start; i < end; i++) {
        const row = order[i] as number;
        logits(model, x, row, p);
        softmaxInPlace(p);
        const label = y[row] as number;
        for (let k = 0; k < nK; k++) {
          const g = (p[k] as number) - (k === label ? 1 : 0);
          gradB[k] = (gradB[k] as number) + g;
          for (let j = 0; j < d; j++) {
            const at = k * d + j;
            gradW[at] = (gradW[at] as number) + g * (x[row * d + j] as number);
          }
        }
      }
      const step = learningRate / (end - start);
      for (let w = 0; w < weights.length; w++) {
        const wOld = weights[w] as number;
        weights[w] = wOld - step * (gradW[w] as number) - learningRate * l2 * wOld;
      }
      for (let k = 0; k < nK; k++) bias[k] = (bias[k] as number) - step * (gradB[k] as number);
    }
  }
  return model;
}

/**
 * The share of `rows` whose most probable class is their label.
 * @example
 * accuracy(model, iris, fold.test); // 0.9666…
 */
export function accuracy(model: SoftmaxModel, data: Dataset, rows: Uint32Array): number {
  const z = new Float64Array(model.nClasses);
  let correct = 0;
  for (const row of rows) {
    logits(model, data.x, row, z);
    let best = 0;
    for (let k = 1; k < z.length; k++) if ((z[k] as number) > (z[best] as number)) best = k;
    if (best === data.y[row]) correct++;
  }
  return rows.length === 0 ? Number.NaN : correct / rows.length;
}
