/**
 * Using the trained halves apart: images to latents, latents to images, a random sample of
 * encoded test images for 2-D projection, and a straight line between two latents.
 */
import * as tf from '@tensorflow/tfjs';
import { checkIndex, imageAt, type ImageSet } from '../data/fashion-mnist';
import { IMAGE_SHAPE, LATENT_SHAPE, LATENT_SIZE, type Autoencoder } from './autoencoder';
import { checkFiniteLatents, checkPixelRange } from './pixels';
import { sampleIndices } from './random';
import { checkSeed } from './seed';
import { runLayers } from './train-autoencoder';

const PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1];

/**
 * Encodes `count` images (row-major pixels in [0, 1]) to `count x 288` latent values,
 * `batchSize` images at a time (an integer >= 1; default 500).
 */
export function encodeImages(
  model: Autoencoder,
  images: Float32Array,
  batchSize = 500,
): Float32Array {
  checkBatchSize('encodeImages', batchSize);
  checkPixelRange('encodeImages', images);
  return mapBatches(model.encoder, images, PIXELS, [...IMAGE_SHAPE], LATENT_SIZE, batchSize);
}

/**
 * Decodes `count x 288` latent values to `count` images of 28 x 28 pixels in [0, 1],
 * `batchSize` latents at a time (an integer >= 1; default 500).
 */
export function decodeLatents(
  model: Autoencoder,
  latents: Float32Array,
  batchSize = 500,
): Float32Array {
  checkBatchSize('decodeLatents', batchSize);
  checkFiniteLatents('decodeLatents', latents, LATENT_SIZE);
  return mapBatches(model.decoder, latents, LATENT_SIZE, [...LATENT_SHAPE], PIXELS, batchSize);
}

/** A random sample of a set, encoded. */
export interface LatentSample {
  /** `count x 288` latent values, row-major (channels-last 3x3x32 per image). */
  latents: Float32Array;
  /** Which images of the set were drawn. */
  indices: number[];
  /** Their labels. */
  labels: number[];
  /** Their pixels, one array per image. */
  images: Float32Array[];
}

/** Encodes `count` images drawn at random (with `seed`, default 0) from `set`. */
export function sampleLatents(
  model: Autoencoder,
  set: ImageSet,
  count: number,
  seed = 0,
): LatentSample {
  if (!Number.isInteger(count) || !(count > 0 && count <= set.count)) {
    throw new RangeError(
      `count ${count} is out of range: the set holds ${set.count} images, ` +
        `expected a count from 1 to ${set.count}`,
    );
  }
  checkSeed('sampleLatents', 'seed', seed);
  const indices = [...sampleIndices(set.count, count, seed)];
  const images = indices.map((i) => imageAt(set, i));
  const pixels = new Float32Array(count * PIXELS);
  images.forEach((image, k) => pixels.set(image, k * PIXELS));
  return {
    latents: encodeImages(model, pixels),
    indices,
    labels: indices.map((i) => set.labels[i]),
    images,
  };
}

/** Images decoded along the line between two images' latents. */
export interface Interpolation {
  /** The two original images. */
  from: Float32Array;
  to: Float32Array;
  /** Position of each decoded image on the line: 0 is `from`, 1 is `to`. */
  fractions: number[];
  /** The decoded images, one per fraction. */
  images: Float32Array[];
}

/**
 * Encodes images `from` and `to` of `set`, and decodes `steps` equally spaced points on the
 * line between their latents, both ends included.
 */
export function interpolate(
  model: Autoencoder,
  set: ImageSet,
  from: number,
  to: number,
  steps: number,
): Interpolation {
  checkIndex(set, from);
  checkIndex(set, to);
  if (!Number.isInteger(steps) || !(steps >= 2)) {
    throw new RangeError(`invalid steps: ${steps}, expected an integer of at least 2`);
  }
  const pair = new Float32Array(2 * PIXELS);
  pair.set(imageAt(set, from), 0);
  pair.set(imageAt(set, to), PIXELS);
  const ends = encodeImages(model, pair);
  const a = ends.subarray(0, LATENT_SIZE);
  const b = ends.subarray(LATENT_SIZE);

  // z(t) = (1 - t) a + t b for t = 0, 1/(steps-1), ..., 1.
  const fractions = Array.from({ length: steps }, (_, k) => k / (steps - 1));
  const line = new Float32Array(steps * LATENT_SIZE);
  fractions.forEach((t, k) => {
    for (let j = 0; j < LATENT_SIZE; j++) line[k * LATENT_SIZE + j] = (1 - t) * a[j] + t * b[j];
  });
  const decoded = decodeLatents(model, line);
  return {
    from: imageAt(set, from),
    to: imageAt(set, to),
    fractions,
    images: fractions.map((_, k) => decoded.slice(k * PIXELS, (k + 1) * PIXELS)),
  };
}

/**
 * The interpolation as titled images for a grid: the first original, the decoded images
 * titled with their percentage of the way, then the second original.
 */
export function interpolationImages(
  interpolation: Interpolation,
  names: [string, string] = ['original A', 'original B'],
): { pixels: Float32Array; title: string }[] {
  return [
    { pixels: interpolation.from, title: names[0] },
    ...interpolation.images.map((pixels, k) => ({
      pixels,
      title: `${Math.round(interpolation.fractions[k] * 100)}%`,
    })),
    { pixels: interpolation.to, title: names[1] },
  ];
}

function checkBatchSize(caller: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || !(batchSize >= 1)) {
    throw new RangeError(`${caller}: invalid batchSize: ${batchSize}, expected an integer >= 1`);
  }
}

function mapBatches(
  model: tf.Sequential,
  values: Float32Array,
  inSize: number,
  inShape: number[],
  outSize: number,
  batchSize: number,
): Float32Array {
  if (values.length % inSize !== 0) {
    throw new Error(
      `expected a multiple of ${inSize} values (${inShape.join('x')} each), got ${values.length}`,
    );
  }
  const count = values.length / inSize;
  const out = new Float32Array(count * outSize);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const y = tf.tidy(() => {
      const x = tf.tensor(values.subarray(start * inSize, (start + n) * inSize), [n, ...inShape]);
      return runLayers(model, x, false);
    });
    out.set(y.dataSync() as Float32Array, start * outSize);
    y.dispose();
  }
  return out;
}
