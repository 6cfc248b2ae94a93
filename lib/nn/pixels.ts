/**
 * The checks that images and latents given to the autoencoder are what it was built for: run
 * once where they enter training, encoding or decoding, one pass over the values, so that
 * pixels in 0..255 or a NaN fail with their position instead of training on nonsense.
 */
import type { ImageSet } from '../data/fashion-mnist';
import { IMAGE_SHAPE } from './autoencoder';

const PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1];

/** Throws unless `set` holds `count` images of 28 x 28 pixels, each in [0, 1]. */
export function checkImageSet(what: string, set: ImageSet): void {
  if (set.height !== IMAGE_SHAPE[0] || set.width !== IMAGE_SHAPE[1]) {
    throw new RangeError(
      `${what}: expected ${IMAGE_SHAPE[0]}x${IMAGE_SHAPE[1]} images, got ${set.height}x${set.width}`,
    );
  }
  if (set.images.length !== set.count * PIXELS) {
    throw new RangeError(
      `${what}: ${set.count} images of ${PIXELS} pixels need ${set.count * PIXELS} values, ` +
        `got ${set.images.length}`,
    );
  }
  checkPixelRange(what, set.images);
}

/** Throws unless every value is a number in [0, 1], naming the first that is not. */
export function checkPixelRange(what: string, pixels: Float32Array): void {
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v >= 0 && v <= 1) continue;
    const hint = v > 1 && v <= 255 ? ' (divide by 255?)' : '';
    throw new RangeError(
      `${what}: pixel ${i} (image ${Math.floor(i / PIXELS)}) is ${v}; ` +
        `expected values in [0, 1]${hint}`,
    );
  }
}

/** Throws unless every latent value is finite, naming the first that is not. */
export function checkFiniteLatents(what: string, latents: Float32Array, size: number): void {
  for (let i = 0; i < latents.length; i++) {
    if (Number.isFinite(latents[i])) continue;
    throw new RangeError(
      `${what}: latent value ${i} (latent ${Math.floor(i / size)}) is ${latents[i]}; ` +
        'expected finite numbers',
    );
  }
}
