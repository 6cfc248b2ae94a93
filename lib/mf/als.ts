/**
 * One sweep of alternating least squares. With Q fixed, each item's column p_i is the exact
 * ridge solution on the users who rated it:
 *   p_i = argmin_p sum_u (R_ui - q_u p)^2 + lambda |p|^2 = (Q_i^T Q_i + lambda I)^-1 Q_i^T r_i
 * (no intercept); then, with P fixed, each user's row q_u likewise.
 */
import { SparseMatrix } from '../sparse/matrix';
import { Factors } from './factors';
import { choleskySolve, gramLower } from './linalg';

/** Updates P (all items) and then Q (all users) in place. */
export function alsSweep(matrix: SparseMatrix, factors: Factors, lambda: number): void {
  const { k } = factors;
  const work = new RidgeWorkspace(
    k,
    Math.max(maxCount(matrix.colStart), maxCount(matrix.rowStart)),
  );
  for (let i = 0; i < matrix.nCols; i++) {
    const start = matrix.colStart[i];
    const end = matrix.colStart[i + 1];
    work.solve(factors.Q, matrix.colRows, matrix.colValues, start, end, lambda, factors.P, i * k);
  }
  for (let u = 0; u < matrix.nRows; u++) {
    const start = matrix.rowStart[u];
    const end = matrix.rowStart[u + 1];
    work.solve(factors.P, matrix.rowCols, matrix.rowValues, start, end, lambda, factors.Q, u * k);
  }
}

/**
 * Solves one ridge regression `min |y - X w|^2 + lambda |w|^2`, where the n rows of X are
 * vectors of the fixed factor (`fixed[j * k ..]` for each `j = index[e]`, e in start..end)
 * and y the matching ratings. With n >= k it solves the k x k normal equations
 * `(X^T X + lambda I) w = X^T y`; with fewer ratings than factors it solves the cheaper,
 * equal n x n form `w = X^T (X X^T + lambda I)^-1 y`.
 */
class RidgeWorkspace {
  private readonly G: Float64Array;
  private readonly rhs: Float64Array;
  private readonly gathered: Float64Array;
  private readonly offsets: Int32Array;

  constructor(
    private readonly k: number,
    maxRatings: number,
  ) {
    this.G = new Float64Array(k * k); // the dual form is used only when n < k
    this.rhs = new Float64Array(Math.max(k, maxRatings));
    this.gathered = new Float64Array(k * maxRatings);
    this.offsets = new Int32Array(Math.max(k, maxRatings));
  }

  solve(
    fixed: Float64Array,
    index: Int32Array,
    values: Float64Array,
    start: number,
    end: number,
    lambda: number,
    out: Float64Array,
    outOffset: number,
  ): void {
    const { k, G, rhs, gathered, offsets } = this;
    const n = end - start;
    if (n === 0) {
      out.fill(0, outOffset, outOffset + k);
      return;
    }

    if (n < k) {
      // Dual form: K = X X^T + lambda I (n x n) on the rows of `fixed` in place.
      for (let r = 0; r < n; r++) {
        offsets[r] = index[start + r] * k;
        rhs[r] = values[start + r];
      }
      gramLower(fixed, offsets, n, k, lambda, G);
      if (!choleskySolve(G, n, rhs)) throw notPositiveDefinite(lambda);
      out.fill(0, outOffset, outOffset + k);
      for (let r = 0; r < n; r++) {
        const alpha = rhs[r];
        const o = offsets[r];
        for (let f = 0; f < k; f++) out[outOffset + f] += alpha * fixed[o + f];
      }
      return;
    }

    // Primal form: gather X^T (k x n) so each factor's column is contiguous.
    for (let r = 0; r < n; r++) {
      const o = index[start + r] * k;
      for (let f = 0; f < k; f++) gathered[f * n + r] = fixed[o + f];
    }
    for (let f = 0; f < k; f++) offsets[f] = f * n;
    gramLower(gathered, offsets, k, n, lambda, G);
    for (let f = 0; f < k; f++) {
      let s = 0;
      const o = f * n;
      for (let r = 0; r < n; r++) s += gathered[o + r] * values[start + r];
      rhs[f] = s;
    }
    if (!choleskySolve(G, k, rhs)) throw notPositiveDefinite(lambda);
    for (let f = 0; f < k; f++) out[outOffset + f] = rhs[f];
  }
}

function maxCount(start: Int32Array): number {
  let max = 0;
  for (let j = 0; j + 1 < start.length; j++) max = Math.max(max, start[j + 1] - start[j]);
  return max;
}

function notPositiveDefinite(lambda: number): Error {
  return new Error(
    `ALS: a normal-equation matrix is not positive definite (lambda ${lambda}); ` +
      `use lambda > 0, or fewer factors k than ratings per user and item`,
  );
}
