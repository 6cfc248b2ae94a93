/**
 * The assignment's convolutional autoencoder, channels-last: 28x28x1 images to 3x3x32
 * latents and back. All kernels are 3x3; leaky ReLU has slope 0.01 (tfjs's default is 0.3).
 *
 * Encoder (no padding): 28 -conv-> 26 -conv-> 24 -pool-> 12 -conv-> 10 -pool-> 5 -conv-> 3.
 * Decoder, with PyTorch's transposed-convolution size (H - 1) s - 2p + k + op:
 *   3 -(s 1, p 0)-> 5 -(s 2, p 0, op 1)-> 12 -(s 2, p 0, op 1)-> 26
 *     -(s 1, p 1)-> 26 -(s 1, p 1)-> 26 -(s 1, p 0)-> 28.
 * With every kernel 3x3 these paddings are the only ones that land on 28 and give the
 * parameter counts of the PyTorch original: 14,584 in the encoder and 19,193 in the decoder,
 * counting the batch-norm running mean and variance (16 + 16 values each) as PyTorch's
 * state_dict does.
 */
import * as tf from '@tensorflow/tfjs';
import { requireBackend } from './backend-check';
import { convTranspose2d } from './conv-transpose';
import { checkSeed } from './seed';

/** The latent shape of one image, channels-last. */
export const LATENT_SHAPE = [3, 3, 32] as const;
/** Values in one latent: 3 * 3 * 32 = 288. */
export const LATENT_SIZE = LATENT_SHAPE[0] * LATENT_SHAPE[1] * LATENT_SHAPE[2];
/** The image shape, channels-last. */
export const IMAGE_SHAPE = [28, 28, 1] as const;
/** Parameters of the PyTorch original, batch-norm statistics included. */
export const ENCODER_PARAMETERS = 14584;
export const DECODER_PARAMETERS = 19193;

/** The two halves; train them together, use them apart. */
export interface Autoencoder {
  encoder: tf.Sequential;
  decoder: tf.Sequential;
}

export interface AutoencoderOptions {
  /**
   * Seed of the initial weights, an integer in [0, 2^32 - 1]; default 0. Equal seeds give
   * equal models.
   */
  seed?: number;
}

/** Slope of the leaky ReLU for negative inputs, as in PyTorch's default. */
const LEAKY_SLOPE = 0.01;
/** A shape check needs a few images; more only cost memory (tens of MB of activations). */
const MAX_CHECK_BATCH = 1024;

/** Builds the untrained autoencoder; `initBackend()` must have finished first. */
export function createAutoencoder(options: AutoencoderOptions = {}): Autoencoder {
  requireBackend('createAutoencoder');
  const seed = options.seed ?? 0;
  checkSeed('createAutoencoder', 'seed', seed);
  let layerSeed = seed * 1000;
  const count = { conv: 0, deconv: 0, leaky: 0, pool: 0, norm: 0 };
  const conv = (channels: number, filters: number) => {
    layerSeed += 2;
    count.conv += 1;
    // PyTorch's default initialisation: uniform in +-1/sqrt(fan_in), fan_in = 3 * 3 * in.
    const bound = 1 / Math.sqrt(9 * channels);
    return tf.layers.conv2d({
      name: `conv${count.conv}`,
      filters,
      kernelSize: 3,
      padding: 'valid',
      inputShape: channels === 1 ? [...IMAGE_SHAPE] : undefined,
      kernelInitializer: tf.initializers.randomUniform({
        minval: -bound,
        maxval: bound,
        seed: layerSeed,
      }),
      biasInitializer: tf.initializers.randomUniform({
        minval: -bound,
        maxval: bound,
        seed: layerSeed + 1,
      }),
    });
  };
  const convT = (filters: number, strides: number, padding: number, outputPadding: number) => {
    layerSeed += 2;
    count.deconv += 1;
    const name = `deconv${count.deconv}`;
    return convTranspose2d({ name, filters, strides, padding, outputPadding, seed: layerSeed });
  };
  const leaky = () => tf.layers.leakyReLU({ alpha: LEAKY_SLOPE, name: `leaky${++count.leaky}` });
  const pool = () =>
    tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${++count.pool}` });
  // PyTorch's momentum 0.1 weighs the new batch; tfjs's momentum weighs the old average.
  // tfjs feeds the running variance the biased batch variance (PyTorch: unbiased, a factor
  // n / (n - 1) with n >= 256 * 144 values here), so the two differ by under 0.01%.
  const norm = () =>
    tf.layers.batchNormalization({
      axis: -1,
      momentum: 0.9,
      epsilon: 1e-5,
      name: `norm${++count.norm}`,
    });

  const encoder = tf.sequential({ name: 'encoder' });
  for (const layer of [
    conv(1, 4),
    leaky(),
    conv(4, 16),
    pool(),
    leaky(),
    norm(),
    leaky(),
    conv(16, 32),
    pool(),
    leaky(),
    conv(32, 32),
    leaky(),
  ]) {
    encoder.add(layer);
  }

  const decoder = tf.sequential({ name: 'decoder' });
  decoder.add(tf.layers.inputLayer({ inputShape: [...LATENT_SHAPE], name: 'latent' }));
  for (const layer of [
    convT(32, 1, 0, 0),
    leaky(),
    convT(16, 2, 0, 1),
    leaky(),
    norm(),
    convT(16, 2, 0, 1),
    leaky(),
    convT(16, 1, 1, 0),
    convT(4, 1, 1, 0),
    convT(1, 1, 0, 0),
    tf.layers.activation({ activation: 'sigmoid', name: 'sigmoid' }),
  ]) {
    decoder.add(layer);
  }
  checkShapes({ encoder, decoder });
  return { encoder, decoder };
}

/**
 * The assignment's shape checks, as assertions: a batch of images encodes to 3x3x32
 * latents, which decode to images of the input's shape, and the parameter counts match the
 * PyTorch original. `batch` is the number of zero images pushed through, an integer in
 * [1, 1024]; default 2.
 */
export function checkShapes(model: Autoencoder, batch = 2): void {
  if (!Number.isInteger(batch) || !(batch >= 1 && batch <= MAX_CHECK_BATCH)) {
    throw new RangeError(
      `checkShapes: invalid batch: ${batch}; expected an integer in [1, ${MAX_CHECK_BATCH}]`,
    );
  }
  const [latentShape, imageShape] = tf.tidy(() => {
    const images = tf.zeros([batch, ...IMAGE_SHAPE]);
    const latents = model.encoder.predict(images) as tf.Tensor;
    const decoded = model.decoder.predict(latents) as tf.Tensor;
    return [latents.shape, decoded.shape];
  });
  expectShape('encoder output', latentShape, [batch, ...LATENT_SHAPE]);
  expectShape('decoder output', imageShape, [batch, ...IMAGE_SHAPE]);
  expectCount('encoder', model.encoder.countParams(), ENCODER_PARAMETERS);
  expectCount('decoder', model.decoder.countParams(), DECODER_PARAMETERS);
}

/** One line per layer: name, output shape, parameters; then the totals. */
export function autoencoderSummary(model: Autoencoder): string {
  const lines: string[] = [];
  for (const part of [model.encoder, model.decoder]) {
    const [, ...inputShape] = part.inputs[0].shape;
    lines.push(`${part.name}: input ${inputShape.join('x')}`);
    for (const layer of part.layers) {
      if (layer.getClassName() === 'InputLayer') continue;
      const [, ...shape] = layer.outputShape as number[];
      const params = layer.countParams();
      const kind = layer.getClassName().replace(/^Latentlab/, '');
      lines.push(
        `  ${layer.name.padEnd(9)} ${kind.padEnd(22)} ${shape.join('x').padStart(8)}` +
          `  ${params > 0 ? params.toLocaleString('en-US').padStart(6) : ''}`.trimEnd(),
      );
    }
    const trainable = part.trainableWeights.reduce((n, w) => n + size(w.shape as number[]), 0);
    const total = part.countParams();
    lines.push(
      `  ${part.name} parameters: ${total.toLocaleString('en-US')} ` +
        `(${trainable.toLocaleString('en-US')} trained, ` +
        `${(total - trainable).toLocaleString('en-US')} batch-norm statistics)`,
    );
  }
  return lines.join('\n');
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function expectShape(what: string, actual: number[], expected: number[]): void {
  if (actual.join() !== expected.join()) {
    throw new Error(`${what}: expected shape [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}

function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${expected} parameters, got ${actual}`);
  }
}
