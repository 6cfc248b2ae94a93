/**
 * Training the autoencoder as the assignment does in PyTorch: mean squared error between
 * images and their reconstructions, Adam with L2 weight decay added to the gradient
 * (PyTorch's `Adam(weight_decay=...)`, not AdamW), and the learning rate multiplied by
 * `gamma` after every epoch (PyTorch's `ExponentialLR`).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/fashion-mnist';
import type { Progress, ProgressCallback } from '../train/progress';
import { formatProgress } from '../train/progress';
import { IMAGE_SHAPE, type Autoencoder } from './autoencoder';
import { requireBackend } from './backend-check';
import { batchCount, batches } from './batches';
import { checkImageSet } from './pixels';
import { checkSeed } from './seed';

/** Settings of `trainAutoencoder`. */
export interface TrainAutoencoderOptions {
  /** Passes over the training set; default 50. */
  epochs?: number;
  /** Images per step; default 256. */
  batchSize?: number;
  /** Adam's initial learning rate; default 1e-3. */
  learningRate?: number;
  /** L2 penalty added to each gradient as `weightDecay * parameter`; default 1e-4. */
  weightDecay?: number;
  /** Factor applied to the learning rate after each epoch; default 0.999. */
  gamma?: number;
  /** Seed of the shuffling, an integer in [0, 2^32 - 1] (epoch e uses seed + e); default 0. */
  seed?: number;
  /** Log a line every this many batches; default 20. 0 turns batch lines off. */
  logEvery?: number;
  /** Where log lines go; default `console.log`. */
  log?: (line: string) => void;
  /** Called after each epoch with `{train, test}`, the mean losses of the epoch. */
  onEpoch?: ProgressCallback;
  /** Called with each batch line's `{batch}` loss; `step` counts batches from the start. */
  onBatch?: ProgressCallback;
}

/** What training produced besides the trained weights. */
export interface TrainAutoencoderResult {
  /** One entry per epoch: mean train loss (in training mode) and test loss. */
  history: Progress[];
  /** Live tensors after each epoch; equal entries mean no tensor leaked. */
  tensorCounts: number[];
  /** Mean wall-clock seconds per epoch, test evaluation included. */
  secondsPerEpoch: number;
}

/** Thrown when a loss becomes NaN or infinite; the message says which setting to lower. */
export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Trains both halves of `model` in place on `train`, evaluating on `test` after each epoch.
 * Both sets must hold 28 x 28 images with pixels in [0, 1].
 */
export async function trainAutoencoder(
  model: Autoencoder,
  train: ImageSet,
  test: ImageSet,
  options: TrainAutoencoderOptions = {},
): Promise<TrainAutoencoderResult> {
  requireBackend('trainAutoencoder');
  const epochs = options.epochs ?? 50;
  const batchSize = options.batchSize ?? 256;
  const learningRate = options.learningRate ?? 1e-3;
  const weightDecay = options.weightDecay ?? 1e-4;
  const gamma = options.gamma ?? 0.999;
  const seed = options.seed ?? 0;
  const logEvery = options.logEvery ?? 20;
  const log = options.log ?? ((line: string) => console.log(line));
  checkPositiveInteger('epochs', epochs);
  checkPositiveInteger('batchSize', batchSize);
  checkRange('learningRate', learningRate, 0, Infinity);
  checkRange('weightDecay', weightDecay, 0, Infinity, true);
  checkRange('gamma', gamma, 0, 1, false, true);
  checkSeed('trainAutoencoder', 'seed', seed);
  if (train.count === 0 || test.count === 0) {
    throw new Error(`empty data: ${train.count} train and ${test.count} test images`);
  }
  checkImageSet('train images', train);
  checkImageSet('test images', test);

  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const history: Progress[] = [];
  const tensorCounts: number[] = [];
  const steps = batchCount(train.count, batchSize);
  let step = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const rate = learningRate * gamma ** (epoch - 1);
      setLearningRate(optimizer, rate);

      // 1. One pass over the shuffled training set, one Adam step per batch.
      let sum = 0;
      let batchIndex = 0;
      for (const batch of batches(train, { batchSize, seed: seed + epoch })) {
        batchIndex += 1;
        step += 1;
        const loss = trainStep(model, optimizer, batch.images, batch.count, weightDecay);
        checkFinite(loss, `training loss at epoch ${epoch}, batch ${batchIndex}`, rate);
        sum += loss * batch.count;
        if (logEvery > 0 && (batchIndex % logEvery === 0 || batchIndex === steps)) {
          const progress = { step, elapsedSeconds: seconds(), losses: { batch: loss } };
          log(
            `epoch ${epoch}/${epochs} ${formatProgress(progress, 'batch')}`.replace(
              `batch ${step} `,
              `batch ${batchIndex}/${steps} `,
            ),
          );
          options.onBatch?.(progress);
          await new Promise((resolve) => setImmediate(resolve)); // let the notebook draw
        }
      }

      // 2. The epoch's mean losses.
      const testLoss = reconstructionLoss(model, test);
      checkFinite(testLoss, `test loss after epoch ${epoch}`, rate);
      const progress = {
        step: epoch,
        elapsedSeconds: seconds(),
        losses: { train: sum / train.count, test: testLoss },
      };
      history.push(progress);
      tensorCounts.push(tf.memory().numTensors);
      log(`${formatProgress(progress, 'epoch')}  lr ${rate.toExponential(3)}`);
      options.onEpoch?.(progress);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
  }
  return { history, tensorCounts, secondsPerEpoch: seconds() / epochs };
}

/**
 * One optimisation step on a batch of images (pixels in [0, 1], image after image);
 * returns the batch's loss before the step.
 */
export function trainStep(
  model: Autoencoder,
  optimizer: tf.Optimizer,
  images: Float32Array,
  count: number,
  weightDecay: number,
): number {
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map(
    (weight) => weight.read() as tf.Variable,
  );
  const loss = tf.tidy(() => {
    const x = tf.tensor4d(images, [count, ...IMAGE_SHAPE]);
    const { value, grads } = tf.variableGrads(() => {
      const reconstructed = runLayers(model.decoder, runLayers(model.encoder, x, true), true);
      return tf.mean(tf.squaredDifference(reconstructed, x)) as tf.Scalar;
    }, variables);
    // 1. PyTorch's Adam weight decay: the L2 gradient weightDecay * w joins the loss gradient.
    if (weightDecay > 0) {
      for (const variable of variables) {
        grads[variable.name] = tf.add(grads[variable.name], tf.mul(variable, weightDecay));
      }
    }
    optimizer.applyGradients(grads);
    return value;
  });
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Mean squared reconstruction error over a set, in inference mode. */
export function reconstructionLoss(model: Autoencoder, set: ImageSet, batchSize = 500): number {
  let sum = 0;
  for (const batch of batches(set, { batchSize })) {
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [batch.count, ...IMAGE_SHAPE]);
      const reconstructed = runLayers(model.decoder, runLayers(model.encoder, x, false), false);
      return tf.mean(tf.squaredDifference(reconstructed, x));
    });
    sum += loss.dataSync()[0] * batch.count;
    loss.dispose();
  }
  return sum / set.count;
}

/**
 * Runs a sequential model layer by layer. `model.apply(x, {training})` would drop the
 * training flag (tfjs passes the arguments recorded when the graph was built), and batch
 * norm needs it to use batch statistics and update its running averages.
 */
export function runLayers(model: tf.Sequential, x: tf.Tensor, training: boolean): tf.Tensor {
  let h = x;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    h = layer.apply(h, { training }) as tf.Tensor;
  }
  return h;
}

/**
 * tfjs's Adam reads its learning rate on every step but keeps the field protected; this is
 * the one place that changes it, for the exponential decay.
 */
function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

function checkFinite(loss: number, what: string, rate: number): void {
  if (Number.isFinite(loss)) return;
  // The images were checked to lie in [0, 1], so the step size is what is left to blame.
  throw new NonFiniteLossError(
    `${what} is ${loss}: lower learningRate (now ${rate.toPrecision(3)})`,
  );
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || !(value > 0)) {
    throw new RangeError(`invalid ${name}: ${value}, expected a positive integer`);
  }
}

function checkRange(
  name: string,
  value: number,
  low: number,
  high: number,
  lowIncluded = false,
  highIncluded = false,
): void {
  const aboveLow = lowIncluded ? value >= low : value > low;
  const belowHigh = highIncluded ? value <= high : value < high;
  if (!(aboveLow && belowHigh)) {
    const range = `${lowIncluded ? '[' : '('}${low}, ${high}${highIncluded ? ']' : ')'}`;
    throw new RangeError(`invalid ${name}: ${value}, expected a number in ${range}`);
  }
}
