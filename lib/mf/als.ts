/**
 * One sweep of alternating least squares. With Q fixed, each item's column p_i is the exact
 * ridge solution on the users who rated it:
 *   p_i = argmin_p sum_u (R_ui - q_u p)^2 + lambda |p|^2 = (Q_i^T Q_i + lambda I)^-1 Q_i^T r_i
 * (no intercept); then, with P fixed, each user's row q_u likewise.
 */
import { SparseMatrix } from '../sparse/matrix';
import { Factors } from './factors';
import { choleskySolve, gramLower } from './linalg';
import { WasmKernels, reserve, wasmKernels } from './wasm';

/** Which implementation of the inner kernels ALS uses. */
export type AlsKernels = 'auto' | 'wasm' | 'js';

/**
 * Updates P (all items) and then Q (all users) in place. `kernels`: `wasm` (SIMD, the
 * fastest), `js`, or `auto` (wasm when this runtime has it). Default `auto`.
 */
export function alsSweep(
  matrix: SparseMatrix,
  factors: Factors,
  lambda: number,
  kernels: AlsKernels = 'auto',
): void {
  const { k } = factors;
  const maxRatings = Math.max(maxCount(matrix.colStart), maxCount(matrix.rowStart));
  const wasm = kernels === 'js' ? undefined : wasmKernels();
  if (kernels === 'wasm' && !wasm) {
    throw new Error('alsSweep: WebAssembly SIMD is not available here; use kernels "js"');
  }
  const work: Ridge = wasm ? new WasmRidge(k, maxRatings, wasm) : new JsRidge(k, maxRatings);
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
interface Ridge {
  solve(
    fixed: Float64Array,
    index: Int32Array,
    values: Float64Array,
    start: number,
    end: number,
    lambda: number,
    out: Float64Array,
    outOffset: number,
  ): void;
}

class JsRidge implements Ridge {
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

/**
 * The same ridge solves with the Gram matrix and the Cholesky solve in WebAssembly. Vectors
 * are copied into the module's memory padded to an even length (two doubles per SIMD lane
 * pair), and an odd number of vectors gets one zero vector more.
 */
class WasmRidge implements Ridge {
  private readonly heap: Float64Array;
  private readonly kPad: number;
  private readonly xAt = 0;
  private readonly gAt: number;
  private readonly rAt: number;

  constructor(
    private readonly k: number,
    maxRatings: number,
    private readonly kernels: WasmKernels,
  ) {
    this.kPad = k + (k & 1);
    const xSize = this.kPad * Math.max(this.kPad, maxRatings + 1);
    this.gAt = xSize;
    this.rAt = xSize + this.kPad * this.kPad;
    reserve(kernels, 8 * (this.rAt + this.kPad));
    this.heap = new Float64Array(kernels.memory.buffer);
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
    const { k, kPad, heap, xAt, gAt, rAt, kernels } = this;
    const n = end - start;
    if (n === 0) {
      out.fill(0, outOffset, outOffset + k);
      return;
    }

    if (n < k) {
      // Dual form (see JsRidge): the rated vectors as rows, K = X X^T + lambda I.
      const nPad = n + (n & 1);
      for (let r = 0; r < n; r++) {
        const o = index[start + r] * k;
        heap.set(fixed.subarray(o, o + k), xAt + r * kPad);
        if (kPad > k) heap[xAt + r * kPad + k] = 0;
        heap[rAt + r] = values[start + r];
      }
      if (nPad > n) heap.fill(0, xAt + n * kPad, xAt + nPad * kPad);
      kernels.gram(8 * xAt, nPad, kPad, 8 * gAt);
      for (let d = 0; d < n; d++) heap[gAt + d * nPad + d] += lambda;
      if (!kernels.choleskySolve(8 * gAt, n, nPad, 8 * rAt)) throw notPositiveDefinite(lambda);
      out.fill(0, outOffset, outOffset + k);
      for (let r = 0; r < n; r++) {
        const alpha = heap[rAt + r];
        const o = index[start + r] * k;
        for (let f = 0; f < k; f++) out[outOffset + f] += alpha * fixed[o + f];
      }
      return;
    }

    // Primal form: X^T with each factor's values over the n ratings contiguous.
    const len = n + (n & 1);
    for (let r = 0; r < n; r++) {
      const o = index[start + r] * k;
      for (let f = 0; f < k; f++) heap[xAt + f * len + r] = fixed[o + f];
    }
    if (len > n) for (let f = 0; f < k; f++) heap[xAt + f * len + n] = 0;
    if (kPad > k) heap.fill(0, xAt + k * len, xAt + kPad * len);
    kernels.gram(8 * xAt, kPad, len, 8 * gAt);
    for (let f = 0; f < k; f++) {
      heap[gAt + f * kPad + f] += lambda;
      let s = 0;
      const o = xAt + f * len;
      for (let r = 0; r < n; r++) s += heap[o + r] * values[start + r];
      heap[rAt + f] = s;
    }
    if (!kernels.choleskySolve(8 * gAt, k, kPad, 8 * rAt)) throw notPositiveDefinite(lambda);
    for (let f = 0; f < k; f++) out[outOffset + f] = heap[rAt + f];
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
