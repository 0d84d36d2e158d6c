/**
 * A one-hidden-layer perceptron on typed arrays, trained one epoch at a time so that PBT can
 * change its learning rate between epochs and copy its weights between members.
 *
 * Notation: d inputs, h hidden units (tanh), K classes (softmax). Parameters, row-major in
 * one Float64Array: W1 (h × d), b1 (h), W2 (K × h), b2 (K). For a row x:
 *   a = tanh(W1·x + b1), z = W2·a + b2, p = softmax(z);
 * the loss of a batch is the mean of −log p_y, minimized by plain mini-batch SGD.
 */
import type { Dataset } from "../iris/data.js";
import { normal, shuffle, type Uniform } from "../iris/random.js";

/** Sizes of the network. */
export interface MlpShape {
  readonly nInputs: number;
  readonly nHidden: number;
  readonly nClasses: number;
}

/** A network: its shape and all parameters in one array (see the module notation). */
export interface Mlp extends MlpShape {
  readonly params: Float64Array;
}

function sizes({ nInputs: d, nHidden: h, nClasses: k }: MlpShape) {
  const w1 = 0;
  const b1 = w1 + h * d;
  const w2 = b1 + h;
  const b2 = w2 + k * h;
  return { w1, b1, w2, b2, total: b2 + k };
}

/**
 * A network with small random weights (Glorot-scaled normal draws).
 * @example
 * const net = createMlp({ nInputs: 4, nHidden: 8, nClasses: 3 }, createUniform(1));
 */
export function createMlp(shape: MlpShape, next: Uniform): Mlp {
  const { w1, b1, w2, b2, total } = sizes(shape);
  const params = new Float64Array(total);
  const s1 = Math.sqrt(2 / (shape.nInputs + shape.nHidden));
  const s2 = Math.sqrt(2 / (shape.nHidden + shape.nClasses));
  for (let i = w1; i < b1; i++) params[i] = s1 * normal(next);
  for (let i = w2; i < b2; i++) params[i] = s2 * normal(next);
  return { ...shape, params };
}

/** Work arrays for one row, allocated once per call rather than per row. */
function scratch(net: Mlp) {
  return {
    a: new Float64Array(net.nHidden),
    p: new Float64Array(net.nClasses),
    da: new Float64Array(net.nHidden),
  };
}

/** Forward pass for `row` of `x`: hidden activations into `a`, probabilities into `p`. */
function forward(net: Mlp, x: Float64Array, row: number, a: Float64Array, p: Float64Array): void {
  const { nInputs: d, nHidden: h, nClasses: k, params } = net;
  const o = sizes(net);
  for (let j = 0; j < h; j++) {
    let s = params[o.b1 + j] as number;
    for (let i = 0; i < d; i++)
      s += (params[o.w1 + j * d + i] as number) * (x[row * d + i] as number);
    a[j] = Math.tanh(s);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    let s = params[o.b2 + c] as number;
    for (let j = 0; j < h; j++) s += (params[o.w2 + c * h + j] as number) * (a[j] as number);
    p[c] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp((p[c] as number) - max);
    p[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) p[c] = (p[c] as number) / sum;
}

/**
 * One epoch of mini-batch SGD over `rows` (shuffled with `next`) at `learningRate`.
 * @example
 * trainEpoch(net, iris, train, 0.1, 16, next);
 */
export function trainEpoch(
  net: Mlp,
  data: Dataset,
  rows: Uint32Array,
  learningRate: number,
  batchSize: number,
  next: Uniform,
): void {
  const { nInputs: d, nHidden: h, nClasses: k, params } = net;
  const o = sizes(net);
  const grad = new Float64Array(params.length);
  const { a, p, da } = scratch(net);
  const order = Uint32Array.from(rows);
  shuffle(order, next);
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    grad.fill(0);
    for (let r = start; r < end; r++) {
      const row = order[r] as number;
      forward(net, data.x, row, a, p);
      da.fill(0);
      for (let c = 0; c < k; c++) {
        const g = (p[c] as number) - (c === data.y[row] ? 1 : 0);
        grad[o.b2 + c] = (grad[o.b2 + c] as number) + g;
        for (let j = 0; j < h; j++) {
          const at = o.w2 + c * h + j;
          grad[at] = (grad[at] as number) + g * (a[j] as number);
          da[j] = (da[j] as number) + g * (params[at] as number);
        }
      }
      for (let j = 0; j < h; j++) {
        const aj = a[j] as number;
        const dz = (da[j] as number) * (1 - aj * aj);
        grad[o.b1 + j] = (grad[o.b1 + j] as number) + dz;
        for (let i = 0; i < d; i++) {
          const at = o.w1 + j * d + i;
          grad[at] = (grad[at] as number) + dz * (data.x[row * d + i] as number);
        }
      }
    }
    const step = learningRate / (end - start);
    for (let i = 0; i < params.length; i++) {
      params[i] = (params[i] as number) - step * (grad[i] as number);
    }
  }
}

/**
 * Mean cross-entropy and accuracy over `rows`.
 * @example
 * const { loss, accuracy } = evaluate(net, iris, validation);
 */
export function evaluate(
  net: Mlp,
  data: Dataset,
  rows: Uint32Array,
): { loss: number; accuracy: number } {
  const { a, p } = scratch(net);
  let loss = 0;
  let correct = 0;
  for (const row of rows) {
    forward(net, data.x, row, a, p);
    const label = data.y[row] as number;
    loss -= Math.log(Math.max(p[label] as number, 1e-300));
    let best = 0;
    for (let c = 1; c < net.nClasses; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    if (best === label) correct++;
  }
  return { loss: loss / rows.length, accuracy: correct / rows.length };
}

/** The parameters as bytes, for a checkpoint (the shape is fixed by the example). */
export function toBytes(net: Mlp): Uint8Array {
  return new Uint8Array(net.params.slice().buffer);
}

/** A network of `shape` with the parameters `toBytes` wrote. */
export function fromBytes(shape: MlpShape, bytes: Uint8Array): Mlp {
  const params = new Float64Array(bytes.slice().buffer);
  if (params.length !== sizes(shape).total) {
    throw new RangeError(
      `checkpoint has ${params.length} parameters, expected ${sizes(shape).total}`,
    );
  }
  return { ...shape, params };
}
