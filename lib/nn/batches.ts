/** Seeded shuffling and mini-batches over an image set. */
import type { ImageSet } from '../data/fashion-mnist';
import { shuffledIndices } from './random';

/** One mini-batch: its images (row-major, `count * height * width` pixels) and labels. */
export interface Batch {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** How to cut a set into batches. */
export interface BatchOptions {
  /** Images per batch; the last batch may be smaller. */
  batchSize: number;
  /** Shuffle with this seed; default no shuffling (the set's own order). */
  seed?: number;
}

/** The number of batches `batches(set, options)` yields. */
export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/** Yields the set's images in batches, shuffled when a seed is given. */
export function* batches(set: ImageSet, options: BatchOptions): Generator<Batch> {
  const { batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || !(batchSize > 0)) {
    throw new RangeError(`invalid batchSize: ${batchSize}, expected a positive integer`);
  }
  const size = set.height * set.width;
  const order = seed === undefined ? undefined : shuffledIndices(set.count, seed);
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    if (!order) {
      yield {
        images: set.images.subarray(start * size, (start + count) * size),
        labels: set.labels.subarray(start, start + count),
        count,
      };
      continue;
    }
    const images = new Float32Array(count * size);
    const labels = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      const i = order[start + k];
      images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
      labels[k] = set.labels[i];
    }
    yield { images, labels, count };
  }
}
