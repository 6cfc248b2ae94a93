/**
 * The rating matrix: a sparse users x items matrix stored twice, row by row (CSR) and
 * column by column (CSC), on typed arrays. Its structure is the set of known entries; a
 * known entry may hold the value 0 (after the mean shift), and is still known.
 */

/** Known entries as three parallel arrays (coordinate form). */
export interface Entries {
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

/** What the rows and columns stand for, carried through cold start and split. */
export interface MatrixLabels {
  /** Original id of each row (user). */
  rowIds: Float64Array;
  /** Original id of each column (item). */
  colIds: Float64Array;
  /** Name of each column (a movie title), when known. */
  colNames?: (string | undefined)[];
}

export class SparseMatrix {
  /** CSR: row `u` holds entries `rowStart[u] .. rowStart[u + 1] - 1`. */
  readonly rowStart: Int32Array;
  /** CSR: column of each entry, ascending within a row. */
  readonly rowCols: Int32Array;
  /** CSR: value of each entry. */
  readonly rowValues: Float64Array;
  /** CSC: column `i` holds entries `colStart[i] .. colStart[i + 1] - 1`. */
  readonly colStart: Int32Array;
  /** CSC: row of each entry, ascending within a column. */
  readonly colRows: Int32Array;
  /** CSC: value of each entry. */
  readonly colValues: Float64Array;
  /** CSC: position of each CSC entry in the CSR arrays. */
  readonly colToRow: Int32Array;

  private constructor(
    readonly nRows: number,
    readonly nCols: number,
    rowStart: Int32Array,
    rowCols: Int32Array,
    rowValues: Float64Array,
    readonly labels: MatrixLabels,
  ) {
    this.rowStart = rowStart;
    this.rowCols = rowCols;
    this.rowValues = rowValues;
    const nnz = rowCols.length;
    this.colStart = new Int32Array(nCols + 1);
    for (let e = 0; e < nnz; e++) this.colStart[rowCols[e] + 1]++;
    for (let i = 0; i < nCols; i++) this.colStart[i + 1] += this.colStart[i];
    this.colRows = new Int32Array(nnz);
    this.colValues = new Float64Array(nnz);
    this.colToRow = new Int32Array(nnz);
    const next = this.colStart.slice(0, nCols);
    for (let u = 0; u < nRows; u++) {
      for (let e = rowStart[u]; e < rowStart[u + 1]; e++) {
        const at = next[rowCols[e]]++;
        this.colRows[at] = u;
        this.colValues[at] = rowValues[e];
        this.colToRow[at] = e;
      }
    }
  }

  /**
   * Builds the matrix from coordinates. A repeated (row, column) pair keeps its last value;
   * `duplicates` on the result counts how many were dropped.
   */
  static fromEntries(
    entries: Entries,
    nRows: number,
    nCols: number,
    labels?: Partial<MatrixLabels>,
  ): SparseMatrix {
    const { rows, cols, values } = entries;
    const n = rows.length;
    checkEntries(entries, nRows, nCols);

    // 1. Counting sort by row, then by column within each row (stable: last value wins).
    const byCol = countingOrder(cols, nCols, identity(n));
    const order = countingOrder(rows, nRows, byCol);

    // 2. Drop repeated pairs, keeping the last one given.
    const rowStart = new Int32Array(nRows + 1);
    const rowCols = new Int32Array(n);
    const rowValues = new Float64Array(n);
    let kept = 0;
    for (let o = 0; o < n; o++) {
      const e = order[o];
      const last = o + 1 < n ? order[o + 1] : -1;
      if (last >= 0 && rows[last] === rows[e] && cols[last] === cols[e]) continue;
      rowCols[kept] = cols[e];
      rowValues[kept] = values[e];
      rowStart[rows[e] + 1]++;
      kept++;
    }
    for (let u = 0; u < nRows; u++) rowStart[u + 1] += rowStart[u];
    const matrix = new SparseMatrix(
      nRows,
      nCols,
      rowStart,
      rowCols.slice(0, kept),
      rowValues.slice(0, kept),
      completeLabels(labels, nRows, nCols),
    );
    matrix.duplicates = n - kept;
    return matrix;
  }

  /** Repeated (row, column) pairs dropped when the matrix was built. */
  duplicates = 0;

  /** Number of known entries. */
  get nnz(): number {
    return this.rowCols.length;
  }

  /** Known entries in row-major order. */
  entries(): Entries {
    const rows = new Int32Array(this.nnz);
    for (let u = 0; u < this.nRows; u++) rows.fill(u, this.rowStart[u], this.rowStart[u + 1]);
    return { rows, cols: this.rowCols.slice(), values: this.rowValues.slice() };
  }

  /** Number of known entries in each row. */
  rowCounts(): Int32Array {
    const counts = new Int32Array(this.nRows);
    for (let u = 0; u < this.nRows; u++) counts[u] = this.rowStart[u + 1] - this.rowStart[u];
    return counts;
  }

  /** Number of known entries in each column. */
  colCounts(): Int32Array {
    const counts = new Int32Array(this.nCols);
    for (let i = 0; i < this.nCols; i++) counts[i] = this.colStart[i + 1] - this.colStart[i];
    return counts;
  }

  /** The value at (u, i), or undefined when the entry is not known. */
  get(u: number, i: number): number | undefined {
    const e = this.find(u, i);
    return e < 0 ? undefined : this.rowValues[e];
  }

  /** Position of (u, i) in the CSR arrays, or -1 when unknown (binary search). */
  find(u: number, i: number): number {
    let lo = this.rowStart[u];
    let hi = this.rowStart[u + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.rowCols[mid];
      if (c === i) return mid;
      if (c < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Same known entries with new values, given in CSR order. */
  withValues(rowValues: Float64Array): SparseMatrix {
    if (rowValues.length !== this.nnz) {
      throw new Error(`withValues: expected ${this.nnz} values, got ${rowValues.length}`);
    }
    return new SparseMatrix(
      this.nRows,
      this.nCols,
      this.rowStart,
      this.rowCols,
      rowValues,
      this.labels,
    );
  }

  /** `users x items, N known (density D%)`. */
  describe(): string {
    const density = (100 * this.nnz) / Math.max(1, this.nRows * this.nCols);
    return `${this.nRows} x ${this.nCols}, ${this.nnz} known (density ${density.toFixed(3)}%)`;
  }
}

/**
 * Refuses entries whose arrays differ in length or that lie outside an nRows x nCols matrix;
 * `what` names them in the error (`validation entry 3: (row 999, col 0) lies outside...`).
 */
export function checkEntries(
  entries: Entries,
  nRows: number,
  nCols: number,
  what = 'fromEntries',
): void {
  const { rows, cols, values } = entries;
  const n = rows.length;
  for (const [name, size] of [
    ['rows', nRows],
    ['columns', nCols],
  ] as const) {
    if (!(Number.isInteger(size) && size >= 0 && size < 2 ** 31)) {
      throw new Error(`${what}: invalid number of ${name}: ${size}; expected an integer >= 0`);
    }
  }
  if (cols.length !== n || values.length !== n) {
    throw new Error(
      `${what}: rows, cols and values differ in length (${n}, ${cols.length}, ${values.length})`,
    );
  }
  for (let e = 0; e < n; e++) {
    if (!(rows[e] >= 0 && rows[e] < nRows && cols[e] >= 0 && cols[e] < nCols)) {
      throw new Error(
        `${what} entry ${e}: (row ${rows[e]}, col ${cols[e]}) lies outside a ` +
          `${nRows} x ${nCols} matrix`,
      );
    }
    if (!Number.isFinite(values[e])) {
      throw new Error(`${what} entry ${e}: value ${values[e]}; expected a finite number`);
    }
  }
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let e = 0; e < n; e++) order[e] = e;
  return order;
}

/** Stable counting sort of the positions in `order` by `keys[position]`. */
function countingOrder(keys: Int32Array, nKeys: number, order: Int32Array): Int32Array {
  const start = new Int32Array(nKeys + 1);
  for (let o = 0; o < order.length; o++) start[keys[order[o]] + 1]++;
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k];
  const sorted = new Int32Array(order.length);
  for (let o = 0; o < order.length; o++) sorted[start[keys[order[o]]]++] = order[o];
  return sorted;
}

function completeLabels(
  labels: Partial<MatrixLabels> | undefined,
  nRows: number,
  nCols: number,
): MatrixLabels {
  const rowIds = labels?.rowIds ?? identity(nRows).map((u) => u);
  const colIds = labels?.colIds ?? identity(nCols).map((i) => i);
  if (rowIds.length !== nRows || colIds.length !== nCols) {
    throw new Error(
      `labels: ${rowIds.length} row ids and ${colIds.length} column ids ` +
        `for a ${nRows} x ${nCols} matrix`,
    );
  }
  return {
    rowIds: Float64Array.from(rowIds),
    colIds: Float64Array.from(colIds),
    colNames: labels?.colNames,
  };
}
