import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { dataDir } from '../../lib/env';
import { parseIdx, readIdx } from '../../lib/data/idx';
import {
  FASHION_MNIST_CLASSES,
  imageAt,
  loadFashionMnist,
  readImageSet,
  selectImages,
} from '../../lib/data/fashion-mnist';
import { batches, batchCount } from '../../lib/nn/batches';
import { sampleIndices, shuffledIndices } from '../../lib/nn/random';

const realDir = path.join(dataDir(), 'fashion-mnist');
const haveData = fs.existsSync(path.join(realDir, 't10k-images-idx3-ubyte.gz'));
const noData = haveData ? false : `no Fashion-MNIST in ${realDir}: run npm run setup`;

/** IDX bytes: magic for unsigned bytes of rank shape.length, the sizes, then the values. */
function idx(shape: number[], values: number[], magic = 0x0800 | shape.length): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(magic, 0);
  shape.forEach((size, d) => header.writeUInt32BE(size, 4 + 4 * d));
  return Buffer.concat([header, Buffer.from(values)]);
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-idx-'));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Writes a gzipped images file and labels file of `count` images sized h x w. */
function writePair(dir: string, count: number, h: number, w: number, labelCount = count) {
  const images = path.join(dir, 'images-idx3-ubyte.gz');
  const labels = path.join(dir, 'labels-idx1-ubyte.gz');
  const pixels = Array.from({ length: count * h * w }, (_, i) => i % 256);
  const classes = Array.from({ length: labelCount }, (_, i) => i % 10);
  fs.writeFileSync(images, zlib.gzipSync(idx([count, h, w], pixels)));
  fs.writeFileSync(labels, zlib.gzipSync(idx([labelCount], classes)));
  return { images, labels };
}

test('parseIdx(bytes, 1) reads the shape and values', () => {
  const parsed = parseIdx(idx([3], [7, 8, 9]), 1);
  assert.deepEqual(parsed.shape, [3]);
  assert.deepEqual([...parsed.data], [7, 8, 9]);
});

test('parseIdx rejects a wrong magic number, naming both', () => {
  assert.throws(
    () => parseIdx(idx([3], [1, 2, 3], 0x0803), 1, 'labels.idx'),
    /labels\.idx: wrong magic number 0x00000803, expected 0x00000801/,
  );
});

test('parseIdx on gzipped bytes under a name without .gz says to gunzip or rename', () => {
  assert.throws(
    () => parseIdx(zlib.gzipSync(idx([3], [1, 2, 3], 0x0801)), 1, 'labels-idx1-ubyte'),
    /labels-idx1-ubyte: wrong magic number .*; the file is gzip-compressed: name it with \.gz/,
  );
});

test('parseIdx rejects a truncated body and trailing bytes', () => {
  const full = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => parseIdx(full.subarray(0, full.length - 3), 3, 'x'), /x: truncated.*8.*5/);
  assert.throws(() => parseIdx(full.subarray(0, 10), 3, 'x'), /x: truncated header/);
  assert.throws(() => parseIdx(Buffer.concat([full, Buffer.from([0])]), 3), /trailing bytes/);
});

test('readIdx(file, 1) names a missing file and a folder named like an IDX file', () => {
  const dir = tempDir();
  const missing = path.join(dir, 'labels-idx1-ubyte.gz');
  assert.throws(
    () => readIdx(missing, 1),
    (error: Error) => {
      assert.equal(error.message, `${missing}: not found, expected an IDX file`);
      return true;
    },
  );
  fs.mkdirSync(missing);
  assert.throws(
    () => readIdx(missing, 1),
    (error: Error) => {
      assert.equal(error.message, `${missing}: is a folder, expected an IDX file`);
      return true;
    },
  );
});

test('loadFashionMnist names an IDX path that is a folder', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idx([1], [0])));
  assert.throws(
    () => loadFashionMnist('test', { dir }),
    /t10k-images-idx3-ubyte\.gz: is a folder, expected an IDX file/,
  );
});

test('readImageSet scales pixels to [0, 1] and keeps labels', () => {
  const dir = tempDir();
  const { images, labels } = writePair(dir, 2, 28, 28);
  const set = readImageSet(images, labels);
  assert.equal(set.count, 2);
  assert.equal(set.images.length, 2 * 784);
  assert.equal(set.images[255], 1);
  assert.equal(set.images[256], 0);
  assert.deepEqual([...set.labels], [0, 1]);
  assert.deepEqual(set.classNames, FASHION_MNIST_CLASSES);
});

test('readImageSet rejects images that are not 28x28', () => {
  const dir = tempDir();
  const { images, labels } = writePair(dir, 2, 28, 27);
  assert.throws(() => readImageSet(images, labels), /images are 28x27, expected 28x28/);
});

test('readImageSet rejects image and label counts that differ', () => {
  const dir = tempDir();
  const { images, labels } = writePair(dir, 3, 28, 28, 2);
  assert.throws(() => readImageSet(images, labels), /holds 3 images but .* holds 2 labels/);
});

test('readImageSet rejects a file that is not gzip', () => {
  const dir = tempDir();
  const file = path.join(dir, 'images-idx3-ubyte.gz');
  fs.writeFileSync(file, 'hello');
  assert.throws(() => readImageSet(file, file), /images-idx3-ubyte\.gz: not a valid gzip file/);
});

test('loadFashionMnist("test") reads the 10,000 official test images', { skip: noData }, () => {
  const set = loadFashionMnist('test');
  assert.equal(set.count, 10000);
  assert.equal(set.images.length, 10000 * 784);
  assert.equal(set.labels[0], 9); // the first test image is an ankle boot
  let min = Infinity;
  let max = -Infinity;
  for (const v of set.images) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.equal(min, 0);
  assert.equal(max, 1);
  const counts = new Array(10).fill(0);
  for (const label of set.labels) counts[label]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});

test('loadFashionMnist names the broken file of a copied set', { skip: noData }, () => {
  const dir = tempDir();
  const images = zlib.gunzipSync(fs.readFileSync(path.join(realDir, 't10k-images-idx3-ubyte.gz')));
  const labels = fs.readFileSync(path.join(realDir, 't10k-labels-idx1-ubyte.gz'));
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), labels);

  // Truncated (uncompressed files are read too).
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), images.subarray(0, 5000));
  assert.throws(() => loadFashionMnist('test', { dir }), /t10k-images-idx3-ubyte: truncated/);

  // Wrong magic number.
  const swapped = Buffer.from(images);
  swapped.writeUInt32BE(0x0801, 0);
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), swapped);
  assert.throws(() => loadFashionMnist('test', { dir }), /wrong magic number 0x00000801/);

  // Missing.
  fs.rmSync(path.join(dir, 't10k-images-idx3-ubyte'));
  assert.throws(() => loadFashionMnist('test', { dir }), /missing t10k-images-idx3-ubyte/);
});

test('imageAt and selectImages check the index', () => {
  const dir = tempDir();
  const set = readImageSet(...(Object.values(writePair(dir, 3, 28, 28)) as [string, string]));
  assert.equal(imageAt(set, 2).length, 784);
  assert.throws(() => imageAt(set, 3), /image index 3 out of range, expected 0-2/);
  const picked = selectImages(set, [2, 0]);
  assert.deepEqual([...picked.labels], [2, 0]);
  assert.deepEqual(picked.images.subarray(0, 784), imageAt(set, 2));
});

test('shuffledIndices(n, seed) is a permutation fixed by the seed', () => {
  const a = shuffledIndices(100, 1);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.deepEqual(a, shuffledIndices(100, 1));
  assert.notDeepEqual(a, shuffledIndices(100, 2));
  assert.throws(() => sampleIndices(10, 11, 0), /cannot pick 11 of 10/);
});

test('shuffledIndices(n, NaN) throws instead of shuffling as seed 0 would', () => {
  for (const seed of [NaN, 1.5, Infinity]) {
    assert.throws(
      () => shuffledIndices(10, seed),
      new RegExp(`seededRandom: invalid seed: ${seed}; expected an integer`),
    );
  }
});

test('batches(set, {batchSize, seed}) covers every image once', () => {
  const dir = tempDir();
  const set = readImageSet(...(Object.values(writePair(dir, 10, 28, 28)) as [string, string]));
  const seen: number[] = [];
  const sizes: number[] = [];
  for (const batch of batches(set, { batchSize: 4, seed: 3 })) {
    sizes.push(batch.count);
    seen.push(...batch.labels);
  }
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.equal(batchCount(10, 4), 3);
  assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => batches(set, { batchSize: 0 }).next(), /invalid batchSize: 0/);
});
