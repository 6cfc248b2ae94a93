import { SparseMatrix } from './matrix';

export interface ColdStartOptions {
  /** Write the shape before and after, one line each. Default true. */
  log?: boolean;
}

export interface ColdStartResult {
  matrix: SparseMatrix;
  /** For each kept row, its index in the input matrix. */
  keptRows: Int32Array;
  /** For each kept column, its index in the input matrix. */
  keptCols: Int32Array;
  /** Rounds of removal that changed something. */
  rounds: number;
}

/**
 * Removes users (rows) and items (columns) with `minEntries` or fewer known ratings, again
 * and again, because removing a user can leave an item with too few ratings and the other
 * way round, until a round removes nothing. Row and column labels follow the kept entries.
 */
export function coldStart(
  matrix: SparseMatrix,
  minEntries: number,
  options: ColdStartOptions = {},
): ColdStartResult {
  if (!(minEntries >= 0) || !Number.isInteger(minEntries)) {
    throw new Error(`coldStart: invalid minEntries: ${minEntries}; expected an integer >= 0`);
  }
  const log = options.log ?? true;
  if (log) console.log(`cold start: before ${matrix.describe()}`);

  // 1. Count per row and column over the entries still alive, and drop the sparse ones.
  const rowAlive = new Uint8Array(matrix.nRows).fill(1);
  const colAlive = new Uint8Array(matrix.nCols).fill(1);
  let rounds = 0;
  for (;;) {
    const rowCount = new Int32Array(matrix.nRows);
    const colCount = new Int32Array(matrix.nCols);
    for (let u = 0; u < matrix.nRows; u++) {
      if (!rowAlive[u]) continue;
      for (let e = matrix.rowStart[u]; e < matrix.rowStart[u + 1]; e++) {
        const i = matrix.rowCols[e];
        if (!colAlive[i]) continue;
        rowCount[u]++;
        colCount[i]++;
      }
    }
    let removed = 0;
    for (let u = 0; u < matrix.nRows; u++) {
      if (rowAlive[u] && rowCount[u] <= minEntries) {
        rowAlive[u] = 0;
        removed++;
      }
    }
    for (let i = 0; i < matrix.nCols; i++) {
      if (colAlive[i] && colCount[i] <= minEntries) {
        colAlive[i] = 0;
        removed++;
      }
    }
    if (removed === 0) break;
    rounds++;
  }

  // 2. Renumber the survivors and rebuild.
  const keptRows = indicesOf(rowAlive);
  const keptCols = indicesOf(colAlive);
  if (keptRows.length === 0 || keptCols.length === 0) {
    throw new Error(
      `coldStart: no ratings left after removing users and items with ${minEntries} or ` +
        `fewer ratings (input ${matrix.describe()}); lower minEntries`,
    );
  }
  const newCol = new Int32Array(matrix.nCols).fill(-1);
  keptCols.forEach((i, j) => (newCol[i] = j));
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  keptRows.forEach((u, r) => {
    for (let e = matrix.rowStart[u]; e < matrix.rowStart[u + 1]; e++) {
      const c = newCol[matrix.rowCols[e]];
      if (c < 0) continue;
      rows.push(r);
      cols.push(c);
      values.push(matrix.rowValues[e]);
    }
  });
  const { rowIds, colIds, colNames } = matrix.labels;
  const result = SparseMatrix.fromEntries(
    { rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float64Array.from(values) },
    keptRows.length,
    keptCols.length,
    {
      rowIds: Float64Array.from(keptRows, (u) => rowIds[u]),
      colIds: Float64Array.from(keptCols, (i) => colIds[i]),
      colNames: colNames && Array.from(keptCols, (i) => colNames[i]),
    },
  );
  if (log) console.log(`cold start: after ${result.describe()} (${rounds} rounds)`);
  return { matrix: result, keptRows, keptCols, rounds };
}

function indicesOf(alive: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < alive.length; k++) if (alive[k]) out.push(k);
  return Int32Array.from(out);
}
