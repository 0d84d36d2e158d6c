/**
 * The margin correction of CMA-ES for integer and step parameters (Hamano, Saito, Nomura
 * & Shirakawa 2022, "CMA-ES with margin: lower-bounding marginal probability for
 * mixed-integer black-box optimization", GECCO; Algorithm 1).
 *
 * Notation: in the unit box a discrete parameter with K values owns K cells separated by
 * thresholds t_1 < … < t_{K−1}; a sample x_j is encoded as the value of the cell holding
 * m_j + A_j·(x_j − m_j). With ℓ and u the thresholds around the mean's cell (the single
 * threshold twice in an end cell) and s = σ·A_j·√C_jj, p_ℓ = Φ((ℓ − m_j)/s) and
 * p_u = 1 − Φ((u − m_j)/s). The margin α (default 1/(n·λ)) keeps the probability of
 * leaving the mean's cell on each side at least α/2 (interior cells, by adjusting A_j and
 * m_j) or at least α (end cells, by moving m_j toward its threshold), so an integer
 * coordinate never freezes when σ shrinks.
 */
import { logNormalCdfInverse, normalCdf } from "../../math/normal.js";

/** A discrete coordinate of the unit box: its index and its cell thresholds. */
export interface DiscreteCoordinate {
  readonly index: number;
  /** Number of values (cells), at least 2. */
  readonly cells: number;
  /** The cell (0 … cells − 1) holding unit position u. */
  cellOf(u: number): number;
  /** The threshold between cells k − 1 and k, for k in 1 … cells − 1. */
  threshold(k: number): number;
}

/** Φ⁻¹(1 − p) for p in (0, 0.5): the distance, in standard deviations, that leaves mass p. */
function upperQuantile(p: number): number {
  return -logNormalCdfInverse(Math.log(p));
}

/**
 * Applies the margin correction in place to `mean` and `a` (the diagonal A), given σ and
 * the diagonal of C.
 * @example
 * correctMargin(coords, mean, a, sigma, diagC, 1 / (n * lambda));
 */
export function correctMargin(
  coordinates: readonly DiscreteCoordinate[],
  mean: Float64Array,
  a: Float64Array,
  sigma: number,
  diagC: Float64Array,
  margin: number,
): void {
  for (const c of coordinates) {
    const j = c.index;
    const m = mean[j] as number;
    const k = c.cellOf(m);
    const low = c.threshold(Math.max(1, k));
    const up = c.threshold(Math.min(c.cells - 1, k + 1));
    const sqrtC = Math.sqrt(diagC[j] as number);
    const s = sigma * (a[j] as number) * sqrtC;
    if (!(s > 0)) continue;
    const pLow = normalCdf((low - m) / s);
    const pUp = 1 - normalCdf((up - m) / s);
    const pMid = 1 - pLow - pUp;
    if (Math.max(pLow, pUp) > 0.5) {
      // An end cell: the single threshold is on one side; keep P(cross) ≥ α.
      if (Math.min(pLow, pUp) < margin) {
        const sign = Math.sign(m - up);
        mean[j] = up + sign * s * upperQuantile(margin);
      }
      continue;
    }
    // An interior cell: lift each tail to α/2, take the excess back proportionally, then
    // solve for m_j and A_j that give exactly those tails (σ and C fixed).
    const lo = Math.max(pLow, margin / 2);
    const hi = Math.max(pUp, margin / 2);
    const excess = 1 - lo - hi - pMid;
    const denominator = lo + pMid + hi - 1.5 * margin;
    const clip = (p: number) => Math.min(0.5 - 1e-10, Math.max(1e-10, p));
    const qLow = upperQuantile(clip(lo + (excess * (lo - margin / 2)) / denominator));
    const qUp = upperQuantile(clip(hi + (excess * (hi - margin / 2)) / denominator));
    a[j] = (up - low) / ((qLow + qUp) * sigma * sqrtC);
    mean[j] = (low * qUp + up * qLow) / (qLow + qUp);
  }
}
