import { SeededRandom } from './random';
import { Entries, SparseMatrix } from './matrix';

export interface SplitOptions {
  /** Known entries held out for validation. Default 200. */
  nValidation?: number;
  /** Known entries held out for the test. Default 200. */
  nTest?: number;
  /** Seed of the random choice. Default 0. */
  seed?: number;
}

export interface Split {
  /** A copy of the input without the held-out entries. */
  train: SparseMatrix;
  validation: Entries;
  test: Entries;
}

/**
 * Holds out `nValidation` and then `nTest` known entries chosen at random (seeded) and
 * removes them from a copy of the matrix. The input is not changed.
 */
export function splitRatings(matrix: SparseMatrix, options: SplitOptions = {}): Split {
  const nValidation = options.nValidation ?? 200;
  const nTest = options.nTest ?? 200;
  const seed = options.seed ?? 0;
  for (const [name, value] of [
    ['nValidation', nValidation],
    ['nTest', nTest],
  ] as const) {
    if (!(value >= 0) || !Number.isInteger(value)) {
      throw new Error(`splitRatings: invalid ${name}: ${value}; expected an integer >= 0`);
    }
  }
  if (nValidation + nTest > matrix.nnz) {
    throw new Error(
      `splitRatings: nValidation + nTest = ${nValidation + nTest} is larger than the ` +
        `${matrix.nnz} known entries`,
    );
  }

  // 1. A seeded partial shuffle picks the held-out positions (CSR order).
  const all = matrix.entries();
  const order = new Int32Array(matrix.nnz);
  for (let e = 0; e < order.length; e++) order[e] = e;
  const random = new SeededRandom(seed);
  const nHeld = nValidation + nTest;
  for (let k = 0; k < nHeld; k++) {
    const j = k + random.int(order.length - k);
    const swap = order[k];
    order[k] = order[j];
    order[j] = swap;
  }

  // 2. Copy them out and rebuild the training matrix from the rest.
  const pick = (from: number, to: number): Entries => {
    const at = order.subarray(from, to);
    return {
      rows: Int32Array.from(at, (e) => all.rows[e]),
      cols: Int32Array.from(at, (e) => all.cols[e]),
      values: Float64Array.from(at, (e) => all.values[e]),
    };
  };
  const rest = order.subarray(nHeld);
  const train = SparseMatrix.fromEntries(
    {
      rows: Int32Array.from(rest, (e) => all.rows[e]),
      cols: Int32Array.from(rest, (e) => all.cols[e]),
      values: Float64Array.from(rest, (e) => all.values[e]),
    },
    matrix.nRows,
    matrix.nCols,
    matrix.labels,
  );
  return { train, validation: pick(0, nValidation), test: pick(nValidation, nHeld) };
}
