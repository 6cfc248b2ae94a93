/**
 * Starting factors: `random` (uniform in [0, 1), seeded) or `svd`, the truncated SVD of the
 * (shifted) rating matrix with unknown entries as 0: `Q = U S`, `P = V^T`. The SVD is
 * randomized subspace iteration: sparse products in our code, the small dense QR and SVD
 * (k + 10 columns wide) SVD in ml-matrix.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { SparseMatrix } from '../sparse/matrix';
import { SeededRandom } from '../sparse/random';
import { Factors, randomFactors, zeroFactors } from './factors';
import { dot } from './linalg';
import { reserve, wasmKernels } from './wasm';
import { showValue } from '../showValue';

export type InitMethod = 'random' | 'svd';
export const INIT_METHODS: readonly InitMethod[] = ['random', 'svd'];

export interface InitOptions {
  /** `random` or `svd`. Default `random`. */
  init?: InitMethod;
  /** Seed of the random numbers (both methods use some). Default 0. */
  seed?: number;
  /** Subspace iterations of the randomized SVD. Default 2. */
  powerIterations?: number;
}

/** Initial Q (users x k) and P (k x items) for `matrix`. */
export function initFactors(matrix: SparseMatrix, k: number, options: InitOptions = {}): Factors {
  const init = options.init ?? 'random';
  const seed = options.seed ?? 0;
  if (typeof k !== 'number' || !(k >= 1) || !Number.isInteger(k)) {
    throw new Error(`invalid k: ${showValue(k)}; expected an integer >= 1`);
  }
  if (!INIT_METHODS.includes(init)) {
    throw new Error(`unknown init: "${String(init)}"; expected one of ${INIT_METHODS.join(', ')}`);
  }
  checkRank(matrix, k, init);
  return init === 'svd'
    ? svdFactors(matrix, k, seed, options.powerIterations ?? 2)
    : randomFactors(matrix.nRows, matrix.nCols, k, seed);
}

/** Rank-k truncated SVD factors: Q = U_k S_k, P = V_k^T. */
export function svdFactors(
  matrix: SparseMatrix,
  k: number,
  seed = 0,
  powerIterations = 2,
): Factors {
  const m = matrix.nRows;
  const n = matrix.nCols;
  checkRank(matrix, k, 'svd');
  if (!(Number.isInteger(powerIterations) && powerIterations >= 0)) {
    throw new Error(`invalid powerIterations: ${powerIterations}; expected an integer >= 0`);
  }
  const width = Math.min(k + 10, m, n);

  // 1. A random test matrix (items x width), pushed through A (A^T A)^q and orthonormalized.
  const random = new SeededRandom(seed);
  const omega = new Float64Array(n * width);
  for (let j = 0; j < omega.length; j++) omega[j] = random.normal();
  let Y = orthonormal(multiply(matrix, omega, width), m, width);
  for (let q = 0; q < powerIterations; q++) {
    const Z = orthonormal(multiplyTransposed(matrix, Y, width), n, width);
    Y = orthonormal(multiply(matrix, Z, width), m, width);
  }

  // 2. B^T = A^T Y (items x width) = Qb R; the SVD of the small R = Ur S Vr^T gives
  //    A ~ Y B = (Y Vr) S (Qb Ur)^T.
  const Bt = multiplyTransposed(matrix, Y, width);
  const Qb = orthonormal(Bt, n, width);
  const R = Matrix.from1DArray(width, width, multiplyTransposedDense(Qb, Bt, n, width));
  const svd = new SingularValueDecomposition(R);
  const U = multiplyDense(Y, svd.rightSingularVectors.to1DArray(), m, width);
  const V = multiplyDense(Qb, svd.leftSingularVectors.to1DArray(), n, width);
  const S = svd.diagonal;

  const factors = zeroFactors(m, n, k);
  for (let u = 0; u < m; u++) {
    for (let f = 0; f < k; f++) factors.Q[u * k + f] = U[u * width + f] * S[f];
  }
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < k; f++) factors.P[i * k + f] = V[i * width + f];
  }
  return factors;
}

/**
 * Refuses k above min(users, items): Q P has rank at most that, so more factors only cost
 * time and memory (and a huge k would fail deep inside a typed-array allocation).
 */
function checkRank(matrix: SparseMatrix, k: number, init: string): void {
  const m = matrix.nRows;
  const n = matrix.nCols;
  if (k > Math.min(m, n)) {
    throw new Error(
      `${init} init: k = ${k} is larger than the matrix allows (${m} x ${n}: at most ` +
        `${Math.min(m, n)}, the largest rank of Q P); lower k`,
    );
  }
}

/** X^T Y for X and Y both rows x width, row-major: width x width, row-major. */
function multiplyTransposedDense(
  X: Float64Array,
  Y: Float64Array,
  rows: number,
  width: number,
): Float64Array {
  const out = new Float64Array(width * width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let a = 0; a < width; a++) {
      const x = X[o + a];
      if (x === 0) continue;
      const at = a * width;
      for (let b = 0; b < width; b++) out[at + b] += x * Y[o + b];
    }
  }
  return out;
}

/** X (rows x width) times B (width x width, as a flat row-major array): rows x width. */
function multiplyDense(X: Float64Array, B: number[], rows: number, width: number): Float64Array {
  const Bf = Float64Array.from(B);
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let t = 0; t < width; t++) {
      const x = X[o + t];
      if (x === 0) continue;
      const bt = t * width;
      for (let c = 0; c < width; c++) out[o + c] += x * Bf[bt + c];
    }
  }
  return out;
}

/** A (m x n sparse) times X (n x width, row-major). */
function multiply(A: SparseMatrix, X: Float64Array, width: number): Float64Array {
  const out = new Float64Array(A.nRows * width);
  for (let u = 0; u < A.nRows; u++) {
    const o = u * width;
    for (let e = A.rowStart[u]; e < A.rowStart[u + 1]; e++) {
      const a = A.rowValues[e];
      const x = A.rowCols[e] * width;
      for (let c = 0; c < width; c++) out[o + c] += a * X[x + c];
    }
  }
  return out;
}

/** A^T (n x m) times Y (m x width, row-major). */
function multiplyTransposed(A: SparseMatrix, Y: Float64Array, width: number): Float64Array {
  const out = new Float64Array(A.nCols * width);
  for (let u = 0; u < A.nRows; u++) {
    const y = u * width;
    for (let e = A.rowStart[u]; e < A.rowStart[u + 1]; e++) {
      const a = A.rowValues[e];
      const o = A.rowCols[e] * width;
      for (let c = 0; c < width; c++) out[o + c] += a * Y[y + c];
    }
  }
  return out;
}

/**
 * An orthonormal basis (rows x width, row-major) of the columns of X: Cholesky QR done twice
 * (X^T X = R^T R, X R^-1; one streaming pass over the rows each), which is fast and, done
 * twice, orthogonal to rounding. When X^T X is not positive definite (X has dependent
 * columns) it falls back to modified Gram-Schmidt, which zeroes the dependent columns.
 */
function orthonormal(X: Float64Array, rows: number, width: number): Float64Array {
  const once = choleskyQr(X, rows, width);
  const twice = once && choleskyQr(once, rows, width);
  return twice ?? gramSchmidt(X, rows, width);
}

function choleskyQr(X: Float64Array, rows: number, width: number): Float64Array | undefined {
  // 1. G = X^T X (lower triangle).
  const G = gramOfColumns(X, rows, width);

  // 2. G = L L^T, refusing a nearly singular G (its columns would lose orthogonality).
  let trace = 0;
  for (let a = 0; a < width; a++) trace += G[a * width + a];
  for (let i = 0; i < width; i++) {
    for (let j = 0; j <= i; j++) {
      const s = G[i * width + j] - dot(G, i * width, G, j * width, j);
      if (j < i) G[i * width + j] = s / G[j * width + j];
      else if (s > 1e-10 * trace) G[i * width + i] = Math.sqrt(s);
      else return undefined;
    }
  }

  // 3. Each row of Q solves q L^T = x, i.e. L q^T = x^T (forward substitution).
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let i = 0; i < width; i++) {
      out[o + i] = (X[o + i] - dot(G, i * width, out, o, i)) / G[i * width + i];
    }
  }
  return out;
}

/** X^T X (width x width, lower triangle filled) in WebAssembly when available. */
function gramOfColumns(X: Float64Array, rows: number, width: number): Float64Array {
  const G = new Float64Array(width * width);
  const wasm = wasmKernels();
  if (wasm) {
    // Columns of X as vectors of even length (zero-padded), an even number of them.
    const len = rows + (rows & 1);
    const count = width + (width & 1);
    const gAt = count * len;
    reserve(wasm, 8 * (gAt + count * count));
    const heap = new Float64Array(wasm.memory.buffer);
    heap.fill(0, 0, gAt);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < width; c++) heap[c * len + r] = X[r * width + c];
    }
    wasm.gram(0, count, len, 8 * gAt);
    for (let a = 0; a < width; a++) {
      for (let b = 0; b <= a; b++) G[a * width + b] = heap[gAt + a * count + b];
    }
    return G;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    for (let a = 0; a < width; a++) {
      const x = X[o + a];
      if (x === 0) continue;
      const at = a * width;
      for (let b = 0; b <= a; b++) G[at + b] += x * X[o + b];
    }
  }
  return G;
}

/** Modified Gram-Schmidt, twice, column-major inside; vanishing columns become zeros. */
function gramSchmidt(X: Float64Array, rows: number, width: number): Float64Array {
  const C = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) C[c * rows + r] = X[r * width + c];
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < width; c++) {
      const oc = c * rows;
      for (let b = 0; b < c; b++) {
        const ob = b * rows;
        const projection = dot(C, oc, C, ob, rows);
        for (let r = 0; r < rows; r++) C[oc + r] -= projection * C[ob + r];
      }
      const norm = Math.sqrt(dot(C, oc, C, oc, rows));
      const scale = norm > 1e-12 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) C[oc + r] *= scale;
    }
  }
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) out[r * width + c] = C[c * rows + r];
  return out;
}
