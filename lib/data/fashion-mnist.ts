/**
 * Fashion-MNIST from the official IDX files (`train-images-idx3-ubyte.gz` and friends):
 * 28x28 grey images scaled to [0, 1], labels 0-9 and the ten class names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataPath } from '../env';
import { readIdx } from './idx';

/** The ten Fashion-MNIST classes, indexed by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Side length of a Fashion-MNIST image in pixels. */
export const IMAGE_SIZE = 28;

/** Images with their labels: `count` images of `height` x `width` pixels, row-major. */
export interface ImageSet {
  /** Pixels in [0, 1], image after image: `count * height * width` values. */
  images: Float32Array;
  /** One class label per image. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  /** Label names, indexed by label. */
  classNames: readonly string[];
}

/** Where to find the files and how much to read. */
export interface FashionMnistOptions {
  /** Folder holding the four IDX files; default `fashion-mnist` in the data folder. */
  dir?: string;
}

/** Reads the 60,000 training or 10,000 test images with their labels. */
export function loadFashionMnist(
  split: 'train' | 'test',
  options: FashionMnistOptions = {},
): ImageSet {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`invalid split: ${String(split)}, expected 'train' or 'test'`);
  }
  const dir = options.dir ?? dataPath('fashion-mnist');
  const prefix = split === 'train' ? 'train' : 't10k';
  return readImageSet(
    findIdx(dir, `${prefix}-images-idx3-ubyte`),
    findIdx(dir, `${prefix}-labels-idx1-ubyte`),
  );
}

/** Reads an images file and its labels file, checking that they belong together. */
export function readImageSet(imagesFile: string, labelsFile: string): ImageSet {
  const images = readIdx(imagesFile, 3);
  const labels = readIdx(labelsFile, 1);
  const imagesName = path.basename(imagesFile);
  const [count, height, width] = images.shape;
  if (height !== IMAGE_SIZE || width !== IMAGE_SIZE) {
    throw new Error(
      `${imagesName}: images are ${height}x${width}, expected ${IMAGE_SIZE}x${IMAGE_SIZE}`,
    );
  }
  if (labels.shape[0] !== count) {
    throw new Error(
      `${imagesName} holds ${count} images but ${path.basename(labelsFile)} ` +
        `holds ${labels.shape[0]} labels`,
    );
  }
  const classes = FASHION_MNIST_CLASSES.length;
  const bad = labels.data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new Error(
      `${path.basename(labelsFile)}: label ${labels.data[bad]} at index ${bad}, ` +
        `expected 0-${classes - 1}`,
    );
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return {
    images: pixels,
    labels: Uint8Array.from(labels.data),
    count,
    height,
    width,
    classNames: FASHION_MNIST_CLASSES,
  };
}

/** The pixels of image `index` (a view, not a copy). */
export function imageAt(set: ImageSet, index: number): Float32Array {
  checkIndex(set, index);
  const size = set.height * set.width;
  return set.images.subarray(index * size, (index + 1) * size);
}

/** A new set holding the images at `indices`, in that order. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.height * set.width;
  const images = new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    checkIndex(set, i);
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i];
  }
  return { ...set, images, labels, count: indices.length };
}

/** Throws when `index` is not an image of `set`. */
export function checkIndex(set: ImageSet, index: number): void {
  if (!Number.isInteger(index) || !(index >= 0 && index < set.count)) {
    throw new RangeError(`image index ${index} out of range, expected 0-${set.count - 1}`);
  }
}

function findIdx(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`missing ${stem}(.gz) in ${dir}: put the Fashion-MNIST files there`);
}
