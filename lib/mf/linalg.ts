/**
 * The small dense kernels ALS spends its time in: Gram matrices of a few vectors and
 * Cholesky solves of the k x k (or n x n) normal equations. Row-major Float64Arrays,
 * lower triangles only, unrolled so the JIT keeps the partial sums in registers.
 */

/**
 * Lower triangle of the Gram matrix of `n` vectors of length `length` stored in `source` at
 * `offsets[a]`: `G[a][b] = x_a . x_b` for b <= a, plus `ridge` on the diagonal.
 * Computed two rows and two columns at a time (four loads feed four multiply-adds), over
 * slices of `GRAM_SLICE` coordinates so that the slices of all n vectors stay in L1 cache.
 */
export function gramLower(
  source: Float64Array,
  offsets: Int32Array,
  n: number,
  length: number,
  ridge: number,
  G: Float64Array,
): void {
  for (let a = 0; a < n; a++) G.fill(0, a * n, a * n + a + 1);
  for (let from = 0; from < length; from += GRAM_SLICE) {
    const to = Math.min(length, from + GRAM_SLICE);
    let a = 0;
    for (; a + 1 < n; a += 2) {
      const oa = offsets[a];
      const oa1 = offsets[a + 1];
      for (let b = 0; b <= a; b += 2) {
        const ob = offsets[b];
        const ob1 = offsets[b + 1];
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let t = from; t < to; t++) {
          const xa = source[oa + t];
          const xa1 = source[oa1 + t];
          const xb = source[ob + t];
          const xb1 = source[ob1 + t];
          s00 += xa * xb;
          s01 += xa * xb1;
          s10 += xa1 * xb;
          s11 += xa1 * xb1;
        }
        G[a * n + b] += s00;
        G[(a + 1) * n + b] += s10;
        G[(a + 1) * n + b + 1] += s11;
        if (b + 1 <= a) G[a * n + b + 1] += s01;
      }
    }
    if (a < n) {
      const oa = offsets[a];
      for (let b = 0; b <= a; b++) {
        G[a * n + b] += dot(source, oa + from, source, offsets[b] + from, to - from);
      }
    }
  }
  for (let d = 0; d < n; d++) G[d * n + d] += ridge;
}

/** Coordinates per pass of `gramLower`: 32 doubles of each of ~100 vectors fill 25 KB. */
const GRAM_SLICE = 32;

/** `x[xo ..] . y[yo ..]` over `length` entries. */
export function dot(
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  length: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < length; t += 2) {
    s0 += x[xo + t] * y[yo + t];
    s1 += x[xo + t + 1] * y[yo + t + 1];
  }
  if (t < length) s0 += x[xo + t] * y[yo + t];
  return s0 + s1;
}

/**
 * Solves `A x = b` for a symmetric positive definite `A` (n x n, lower triangle filled)
 * by Cholesky, in place: A's lower triangle becomes L and b becomes x. Returns false when
 * A is not positive definite (a pivot <= 0), leaving A and b spoiled.
 */
export function choleskySolve(A: Float64Array, n: number, b: Float64Array): boolean {
  // 1. A = L L^T, row by row.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = A[ri + j] - dot(A, ri, A, rj, j);
      if (j < i) A[ri + j] = s / A[rj + j];
      else if (s > 0) A[ri + i] = Math.sqrt(s);
      else return false;
    }
  }

  // 2. L y = b, then L^T x = y.
  for (let i = 0; i < n; i++) b[i] = (b[i] - dot(A, i * n, b, 0, i)) / A[i * n + i];
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < n; j++) s -= A[j * n + i] * b[j];
    b[i] = s / A[i * n + i];
  }
  return true;
}
