/** Feature standardization fitted on training rows only, so no test statistics leak in. */
import type { Dataset } from "./data.js";

/**
 * A copy of `data` whose features have mean 0 and standard deviation 1 over `rows`
 * (a constant feature is only centred).
 * @example
 * const scaled = standardize(iris, fold.train);
 */
export function standardize(data: Dataset, rows: Uint32Array): Dataset {
  const { nFeatures } = data;
  const mean = new Float64Array(nFeatures);
  const scale = new Float64Array(nFeatures);
  for (const row of rows) {
    for (let j = 0; j < nFeatures; j++) {
      mean[j] = (mean[j] as number) + (data.x[row * nFeatures + j] as number);
    }
  }
  for (let j = 0; j < nFeatures; j++) mean[j] = (mean[j] as number) / rows.length;
  for (const row of rows) {
    for (let j = 0; j < nFeatures; j++) {
      const d = (data.x[row * nFeatures + j] as number) - (mean[j] as number);
      scale[j] = (scale[j] as number) + d * d;
    }
  }
  for (let j = 0; j < nFeatures; j++) {
    const sd = Math.sqrt((scale[j] as number) / rows.length);
    scale[j] = sd > 0 ? sd : 1;
  }
  const x = new Float64Array(data.x.length);
  for (let i = 0; i < data.nSamples; i++) {
    for (let j = 0; j < nFeatures; j++) {
      const at = i * nFeatures + j;
      x[at] = ((data.x[at] as number) - (mean[j] as number)) / (scale[j] as number);
    }
  }
  return { ...data, x };
}
