import { Entries, SparseMatrix } from './matrix';

export interface MeanShift {
  /** Each known value minus its user's mean; the known entries stay the same. */
  matrix: SparseMatrix;
  /** Each user's mean over their known ratings (0 for a user with none). */
  means: Float64Array;
}

/**
 * Subtracts each user's (row's) mean over their known ratings. Some shifted values become
 * exactly 0; they stay known entries, since the structure, not the value, marks them.
 */
export function meanShift(matrix: SparseMatrix): MeanShift {
  const means = new Float64Array(matrix.nRows);
  const values = new Float64Array(matrix.nnz);
  for (let u = 0; u < matrix.nRows; u++) {
    const start = matrix.rowStart[u];
    const end = matrix.rowStart[u + 1];
    if (end === start) continue;
    let sum = 0;
    for (let e = start; e < end; e++) sum += matrix.rowValues[e];
    const mean = sum / (end - start);
    means[u] = mean;
    for (let e = start; e < end; e++) values[e] = matrix.rowValues[e] - mean;
  }
  return { matrix: matrix.withValues(values), means };
}

/**
 * The same shift applied to held-out entries: each value minus its user's mean. Pass
 * `direction: 1` to add the means back.
 */
export function shiftEntries(entries: Entries, means: Float64Array, direction = -1): Entries {
  const values = new Float64Array(entries.values.length);
  for (let e = 0; e < values.length; e++) {
    values[e] = entries.values[e] + direction * means[entries.rows[e]];
  }
  return { rows: entries.rows.slice(), cols: entries.cols.slice(), values };
}
