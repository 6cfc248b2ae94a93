import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparseMatrix, coldStart, meanShift, shiftEntries, splitRatings } from '../../lib/sparse';

/** A matrix from dense rows where 0 means unknown. */
function fromDense(rows: number[][]): SparseMatrix {
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  rows.forEach((row, u) =>
    row.forEach((value, i) => {
      if (value === 0) return;
      r.push(u);
      c.push(i);
      v.push(value);
    }),
  );
  return SparseMatrix.fromEntries(
    { rows: Int32Array.from(r), cols: Int32Array.from(c), values: Float64Array.from(v) },
    rows.length,
    rows[0].length,
  );
}

test('SparseMatrix.fromEntries gives the same entries by row and by column', () => {
  const m = fromDense([
    [1, 0, 2],
    [0, 3, 0],
    [4, 5, 0],
  ]);
  assert.equal(m.nnz, 5);
  assert.deepEqual(Array.from(m.rowCols), [0, 2, 1, 0, 1]);
  assert.deepEqual(Array.from(m.colStart), [0, 2, 4, 5]);
  assert.deepEqual(Array.from(m.colRows), [0, 2, 1, 2, 0]);
  assert.deepEqual(Array.from(m.colValues), [1, 4, 3, 5, 2]);
  assert.equal(m.get(2, 1), 5);
  assert.equal(m.get(1, 0), undefined);
});

test('SparseMatrix.fromEntries keeps the last of repeated pairs and counts them', () => {
  const m = SparseMatrix.fromEntries(
    {
      rows: Int32Array.of(0, 1, 0),
      cols: Int32Array.of(1, 0, 1),
      values: Float64Array.of(2, 3, 5),
    },
    2,
    2,
  );
  assert.equal(m.nnz, 2);
  assert.equal(m.get(0, 1), 5);
  assert.equal(m.duplicates, 1);
});

test('coldStart(matrix, 1) removes a user whose item was removed, in a second round', () => {
  // Item 3 has one rating (user 2); removing it leaves user 2 with one rating.
  const m = fromDense([
    [5, 4, 3, 0],
    [4, 3, 2, 0],
    [2, 0, 0, 1],
    [1, 2, 3, 0],
  ]);
  const result = coldStart(m, 1, { log: false });
  assert.equal(result.rounds, 2);
  assert.deepEqual(Array.from(result.keptRows), [0, 1, 3]);
  assert.deepEqual(Array.from(result.keptCols), [0, 1, 2]);
  assert.equal(result.matrix.nnz, 9);
  assert.deepEqual(Array.from(result.matrix.labels.rowIds), [0, 1, 3]);
});

test('coldStart says which minEntries to lower when nothing is left', () => {
  const m = fromDense([
    [5, 4],
    [4, 0],
  ]);
  assert.throws(
    () => coldStart(m, 20, { log: false }),
    /with 20 or fewer ratings.*lower minEntries/,
  );
});

test('splitRatings never changes its input and removes exactly the held-out entries', () => {
  const m = fromDense([
    [1, 2, 3, 4],
    [5, 1, 2, 3],
    [4, 5, 1, 2],
  ]);
  const before = {
    values: m.rowValues.slice(),
    cols: m.rowCols.slice(),
    start: m.rowStart.slice(),
  };
  const split = splitRatings(m, { nValidation: 2, nTest: 3, seed: 7 });
  assert.deepEqual(m.rowValues, before.values);
  assert.deepEqual(m.rowCols, before.cols);
  assert.deepEqual(m.rowStart, before.start);
  assert.equal(split.train.nnz, 12 - 5);
  const held = new Set<string>();
  for (const part of [split.validation, split.test]) {
    part.rows.forEach((u, e) => {
      held.add(`${u},${part.cols[e]}`);
      assert.equal(split.train.get(u, part.cols[e]), undefined);
      assert.equal(m.get(u, part.cols[e]), part.values[e]);
    });
  }
  assert.equal(held.size, 5);
});

test('splitRatings with the same seed gives the same split, another seed another', () => {
  const m = fromDense(Array.from({ length: 20 }, (_, u) => [1 + (u % 5), 2, 3, 4, 5]));
  const a = splitRatings(m, { nValidation: 10, nTest: 10, seed: 3 });
  const b = splitRatings(m, { nValidation: 10, nTest: 10, seed: 3 });
  const c = splitRatings(m, { nValidation: 10, nTest: 10, seed: 4 });
  assert.deepEqual(a.validation, b.validation);
  assert.deepEqual(a.test, b.test);
  assert.notDeepEqual(a.validation, c.validation);
});

test('splitRatings refuses nValidation + nTest larger than the known entries', () => {
  const m = fromDense([[1, 2, 3]]);
  assert.throws(
    () => splitRatings(m, { nValidation: 2, nTest: 2 }),
    /nValidation \+ nTest = 4 is larger than the 3 known entries/,
  );
});

test('meanShift subtracts user means and keeps zero-valued entries known', () => {
  const m = fromDense([
    [2, 4, 0],
    [3, 3, 3],
  ]);
  const { matrix, means } = meanShift(m);
  assert.deepEqual(Array.from(means), [3, 3]);
  assert.equal(matrix.nnz, 5);
  assert.equal(matrix.get(1, 2), 0);
  assert.deepEqual(Array.from(matrix.rowValues), [-1, 1, 0, 0, 0]);
  const shifted = shiftEntries(
    { rows: Int32Array.of(0), cols: Int32Array.of(2), values: Float64Array.of(5) },
    means,
  );
  assert.deepEqual(Array.from(shifted.values), [2]);
});
