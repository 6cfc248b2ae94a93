import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadRatings, ratingMatrix, readNpy, writeNpy } from '../../lib/mf';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-data-'));
const file = (name: string, text?: string): string => {
  const target = path.join(dir, name);
  if (text !== undefined) fs.writeFileSync(target, text);
  return target;
};

test('writeNpy then readNpy gives back values and shape for int64, int32 and float64', () => {
  for (const dtype of ['<i8', '<i4', '<f8'] as const) {
    const target = file(`round-${dtype.slice(1)}.npy`);
    writeNpy(target, [1, 2, 5, -3, 40, 1e6], [2, 3], dtype);
    const array = readNpy(target);
    assert.equal(array.dtype, dtype);
    assert.deepEqual(array.shape, [2, 3]);
    assert.deepEqual(Array.from(array.data), [1, 2, 5, -3, 40, 1e6]);
  }
});

test('readNpy reads an int64 file written by NumPy (header bytes as NumPy writes them)', () => {
  const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const head = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, padded.length, 0]);
  const body = Buffer.from(new BigInt64Array([7n, 9n, 4n]).buffer);
  const target = file('numpy.npy');
  fs.writeFileSync(target, Buffer.concat([head, Buffer.from(padded, 'latin1'), body]));
  assert.deepEqual(Array.from(readNpy(target).data), [7, 9, 4]);
});

test('readNpy refuses a file that is not .npy', () => {
  assert.throws(
    () => readNpy(file('ratings.txt', '1,2,3')),
    /ratings\.txt: expected a NumPy \.npy/,
  );
  assert.throws(() => readNpy(file('fake.npy', 'hello, not numpy')), /fake\.npy: not a NumPy/);
});

test('readNpy names a truncated file with the bytes it needs', () => {
  const target = file('short.npy');
  writeNpy(target, [1, 2, 3, 4, 5, 6], [2, 3], '<i8');
  const bytes = fs.readFileSync(target);
  fs.writeFileSync(target, bytes.subarray(0, bytes.length - 5));
  assert.throws(() => readNpy(target), /short\.npy: truncated: .*needs 48 data bytes, file has 43/);
});

test('readNpy refuses an unsupported dtype', () => {
  const target = file('u2.npy');
  writeNpy(target, [1, 2, 3], [3], '<i4');
  const text = fs.readFileSync(target).toString('latin1').replace("'<i4'", "'<u2'");
  fs.writeFileSync(target, Buffer.from(text, 'latin1'));
  assert.throws(() => readNpy(target), /u2\.npy: unsupported dtype <u2/);
});

test('loadRatings refuses a .npy of the wrong shape', () => {
  const target = file('wide.npy');
  writeNpy(target, [1, 2, 3, 4, 5, 6, 7, 8], [2, 4], '<i8');
  assert.throws(
    () => loadRatings(target, { log: false }),
    /wide\.npy: expected shape \[n, 3\], got \[2, 4\]/,
  );
});

test('loadRatings maps ids to contiguous indices in ascending order and keeps the maps', () => {
  const target = file('ids.npy');
  writeNpy(target, [30, 500, 4, 10, 7, 5, 30, 7, 2], [3, 3], '<i8');
  const ratings = loadRatings(target, { log: false });
  assert.deepEqual(Array.from(ratings.userIds), [10, 30]);
  assert.deepEqual(Array.from(ratings.itemIds), [7, 500]);
  assert.deepEqual(Array.from(ratings.users), [1, 0, 1]);
  assert.deepEqual(Array.from(ratings.items), [1, 0, 0]);
  const matrix = ratingMatrix(ratings);
  assert.equal(matrix.get(1, 1), 4);
  assert.equal(matrix.get(0, 1), undefined);
});

test('loadRatings refuses a rating of zero or below, naming file, row and value', () => {
  const target = file('zero.npy');
  writeNpy(target, [1, 1, 4, 2, 1, 0], [2, 3], '<i8');
  assert.throws(() => loadRatings(target, { log: false }), /zero\.npy: rating 0 at row 2 .*> 0/);
  const csv = file('negative.csv', 'userId,movieId,rating\n1,1,4\n1,2,-1\n');
  assert.throws(() => loadRatings(csv, { log: false }), /negative\.csv: rating -1 at row 2/);
});

test('loadRatings reads a CSV with titles from movies.csv beside it', () => {
  const sub = path.join(dir, 'movielens');
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(
    path.join(sub, 'ratings.csv'),
    'userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n2,31,4,1\n',
  );
  fs.writeFileSync(
    path.join(sub, 'movies.csv'),
    'movieId,title,genres\n31,"Dangerous Minds (1995)",Drama\n1029,"Dumbo, the (1941)",Animation\n',
  );
  const ratings = loadRatings(path.join(sub, 'ratings.csv'), { log: false });
  assert.deepEqual(Array.from(ratings.values), [2.5, 3, 4]);
  assert.deepEqual(ratings.titles, ['Dangerous Minds (1995)', 'Dumbo, the (1941)']);
});

test('loadRatings refuses a CSV missing a column', () => {
  const target = file('nocol.csv', 'userId,itemId,rating\n1,1,4\n');
  assert.throws(() => loadRatings(target, { log: false }), /nocol\.csv: missing column movieId/);
});

test('loadRatings refuses non-numeric and non-finite CSV ratings with the row', () => {
  const text = file('text.csv', 'userId,movieId,rating\n1,1,4\n1,2,good\n');
  assert.throws(
    () => loadRatings(text, { log: false }),
    /text\.csv: column rating, row 2 \(line 3\): expected a finite decimal number, got "good"/,
  );
  const inf = file('inf.csv', 'userId,movieId,rating\n1,1,inf\n');
  assert.throws(
    () => loadRatings(inf, { log: false }),
    /inf\.csv: column rating, row 1 \(line 2\): .*"inf"/,
  );
  const empty = file('empty.csv', 'userId,movieId,rating\n1,1,\n');
  assert.throws(() => loadRatings(empty, { log: false }), /empty\.csv: column rating, row 1/);
});

test('loadRatings refuses other extensions', () => {
  assert.throws(
    () => loadRatings(file('r.json', '[]'), { log: false }),
    /r\.json: expected a \.npy or \.csv/,
  );
});

test('loadRatings refuses a CSV row with more fields than the header, naming the row', () => {
  // "3,5" with a decimal comma: polars alone would drop the last field and read rating 3.
  const target = file('decimal-comma.csv', 'userId,movieId,rating\n1,1,4\n1,2,3,5\n');
  assert.throws(
    () => loadRatings(target, { log: false }),
    /decimal-comma\.csv: row 2 \(line 3\) has 4 fields; expected 3 as in the header/,
  );
  const quoted = file('quoted-comma.csv', 'userId,movieId,title,rating\n1,1,"a, b",4\n');
  assert.deepEqual(Array.from(loadRatings(quoted, { log: false }).values), [4]);
});

test('loadRatings refuses a header-only CSV and a [0, 3] .npy: no ratings', () => {
  const csv = file('header-only.csv', 'userId,movieId,rating\n');
  assert.throws(() => loadRatings(csv, { log: false }), /header-only\.csv: no ratings/);
  const npy = file('none.npy');
  writeNpy(npy, [], [0, 3], '<i8');
  assert.throws(() => loadRatings(npy, { log: false }), /none\.npy: no ratings/);
});

test('readNpy names a missing file, a folder and a 3-D Fortran-order array', () => {
  assert.throws(() => readNpy(file('absent.npy')), /absent\.npy: not found/);
  fs.mkdirSync(file('folder.npy'), { recursive: true });
  assert.throws(() => readNpy(file('folder.npy')), /folder\.npy: is a folder, expected a \.npy/);
  const target = file('fortran3d.npy');
  writeNpy(target, [1, 2, 3, 4, 5, 6], [1, 2, 3], '<f8');
  const text = fs.readFileSync(target).toString('latin1').replace('False', 'True ');
  fs.writeFileSync(target, Buffer.from(text, 'latin1'));
  assert.throws(() => readNpy(target), /fortran3d\.npy: Fortran-order array of shape \[1, 2, 3\]/);
});

test('loadRatings refuses a gzipped CSV, a CSV folder and a missing explicit moviesFile', () => {
  const gz = file('packed.csv');
  fs.writeFileSync(gz, zlib.gzipSync('userId,movieId,rating\n1,1,4\n'));
  assert.throws(() => loadRatings(gz, { log: false }), /packed\.csv: compressed CSV.*unzip it/);
  fs.mkdirSync(file('folder.csv'), { recursive: true });
  assert.throws(
    () => loadRatings(file('folder.csv'), { log: false }),
    /folder\.csv: is a folder, expected a \.csv file/,
  );
  const ratings = file('plain.csv', 'userId,movieId,rating\n1,1,4\n');
  assert.throws(
    () => loadRatings(ratings, { log: false, moviesFile: file('no-movies.csv') }),
    /no-movies\.csv: not found/,
  );
});

test('loadRatings skips blank lines in a CSV, at the end and in the middle', () => {
  const csv = file('blank.csv', 'userId,movieId,rating\n1,2,3\n\n2,3,4\n\n');
  assert.deepEqual(Array.from(loadRatings(csv, { log: false }).values), [3, 4]);
});

test('loadRatings takes only decimal numbers: 0x4, 0b11 and Infinity are refused', () => {
  for (const cell of ['0x4', '0b11', 'Infinity', '4 stars']) {
    const csv = file('hex.csv', `userId,movieId,rating\n1,2,3\n1,3,${cell}\n`);
    assert.throws(
      () => loadRatings(csv, { log: false }),
      new RegExp(
        `hex\\.csv: column rating, row 2 \\(line 3\\): expected a finite decimal number, got "${cell}"`,
      ),
    );
  }
  const fine = file('decimals.csv', 'userId,movieId,rating\n1,2,+3.5\n1,3,.5\n1,4,1e0\n');
  assert.deepEqual(Array.from(loadRatings(fine, { log: false }).values), [3.5, 0.5, 1]);
});

test('loadRatings refuses ids that JavaScript numbers cannot tell apart (2^53 and up)', () => {
  const csv = file('big-ids.csv', 'userId,movieId,rating\n9007199254740993,2,4\n1,2,4\n');
  assert.throws(
    () => loadRatings(csv, { log: false }),
    /big-ids\.csv: user id 9007199254740992 at row 1; expected an integer below 2\^53/,
  );
});

test('loadRatings refuses CR-only line endings, saying how to convert them', () => {
  const csv = file('mac.csv', 'userId,movieId,rating\r1,2,3\r2,3,4\r');
  assert.throws(
    () => loadRatings(csv, { log: false }),
    /mac\.csv: lines end in a carriage return alone .*expected LF or CRLF/,
  );
});

test('writeNpy refuses integers its dtype cannot hold instead of wrapping them', () => {
  assert.throws(
    () => writeNpy(file('wrap.npy'), [3e9, 1], [2], '<i4'),
    /wrap\.npy: value 3000000000 at index 0 does not fit <i4/,
  );
  assert.throws(
    () => writeNpy(file('nan.npy'), [1, NaN], [2], '<i8'),
    /nan\.npy: value NaN at index 1 does not fit <i8/,
  );
  assert.throws(
    () => writeNpy(file('frac.npy'), [1.5], [1], '<i8'),
    /frac\.npy: value 1\.5 at index 0 does not fit <i8/,
  );
  assert.throws(() => writeNpy(file('shape.npy'), [1], [-1, -1]), /invalid shape \[-1, -1\]/);
});

test('loadRatings refuses a CSV header naming a column twice', () => {
  const csv = file('twice.csv', 'userId,movieId,rating,rating\n1,2,3,5\n');
  assert.throws(
    () => loadRatings(csv, { log: false }),
    /twice\.csv: column rating appears twice in the header; expected it once/,
  );
});
