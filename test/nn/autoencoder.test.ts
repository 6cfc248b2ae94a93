import { test, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/nn/backend';
import {
  autoencoderSummary,
  checkShapes,
  createAutoencoder,
  DECODER_PARAMETERS,
  ENCODER_PARAMETERS,
  LATENT_SIZE,
} from '../../lib/nn/autoencoder';
import { convTranspose2d } from '../../lib/nn/conv-transpose';
import {
  NonFiniteLossError,
  reconstructionLoss,
  trainAutoencoder,
  trainStep,
} from '../../lib/nn/train-autoencoder';
import {
  decodeLatents,
  encodeImages,
  interpolate,
  interpolationImages,
  sampleLatents,
} from '../../lib/nn/latents';
import { disposeAutoencoder, loadAutoencoder, saveAutoencoder } from '../../lib/nn/model-io';
import { trainedAutoencoder } from '../../lib/nn/model-cache';
import type { ImageSet } from '../../lib/data/fashion-mnist';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist';
import { seededRandom } from '../../lib/nn/random';

before(async () => {
  await initBackend({ log: false });
});

/** `count` images of blurry random blobs, labels 0..9 in turn. */
function blobs(count: number, seed = 1): ImageSet {
  const random = seededRandom(seed);
  const images = new Float32Array(count * 784);
  for (let n = 0; n < count; n++) {
    const cx = 8 + 12 * random();
    const cy = 8 + 12 * random();
    const r = 3 + 5 * random();
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const d2 = (x - cx) ** 2 + (y - cy) ** 2;
        images[n * 784 + y * 28 + x] = Math.exp(-d2 / (2 * r * r));
      }
    }
  }
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count, height: 28, width: 28, classNames: FASHION_MNIST_CLASSES };
}

/** PyTorch's ConvTranspose2d by its definition: each input pixel scatters the kernel. */
function referenceConvTranspose(
  x: Float32Array, // h x w x cin
  h: number,
  w: number,
  kernel: Float32Array, // k x k x cout x cin
  bias: Float32Array,
  k: number,
  s: number,
  p: number,
  op: number,
): { out: Float32Array; oh: number; ow: number } {
  const cin = x.length / (h * w);
  const cout = bias.length;
  const oh = (h - 1) * s - 2 * p + k + op;
  const ow = (w - 1) * s - 2 * p + k + op;
  const out = new Float32Array(oh * ow * cout);
  for (let i = 0; i < oh * ow; i++) for (let o = 0; o < cout; o++) out[i * cout + o] = bias[o];
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          const y = i * s + a - p;
          const z = j * s + b - p;
          if (y < 0 || z < 0 || y >= oh || z >= ow) continue;
          for (let o = 0; o < cout; o++)
            for (let c = 0; c < cin; c++)
              out[(y * ow + z) * cout + o] +=
                x[(i * w + j) * cin + c] * kernel[((a * k + b) * cout + o) * cin + c];
        }
  return { out, oh, ow };
}

test('createAutoencoder() has the shapes and parameter counts of the PyTorch original', () => {
  const model = createAutoencoder();
  assert.equal(model.encoder.countParams(), ENCODER_PARAMETERS);
  assert.equal(model.decoder.countParams(), DECODER_PARAMETERS);
  assert.equal(ENCODER_PARAMETERS, 14584);
  assert.equal(DECODER_PARAMETERS, 19193);
  assert.deepEqual(model.encoder.outputs[0].shape, [null, 3, 3, 32]);
  assert.deepEqual(model.decoder.outputs[0].shape, [null, 28, 28, 1]);
  const summary = autoencoderSummary(model);
  assert.match(summary, /deconv2 +ConvTranspose2d +12x12x16 +4,624/);
  assert.match(summary, /encoder parameters: 14,584 \(14,552 trained, 32 batch-norm statistics\)/);
  assert.match(summary, /decoder parameters: 19,193/);
  disposeAutoencoder(model);
});

test('createAutoencoder({seed}) gives equal weights for equal seeds', () => {
  const [a, b, c] = [0, 0, 1].map((seed) => createAutoencoder({ seed }));
  const first = (m: typeof a) => m.decoder.getWeights()[0].dataSync()[0];
  assert.equal(first(a), first(b));
  assert.notEqual(first(a), first(c));
  [a, b, c].forEach(disposeAutoencoder);
});

test('createAutoencoder({seed}) rejects a seed that is not an integer in [0, 2^32 - 1]', () => {
  for (const [seed, shown] of [
    [NaN, 'NaN'],
    ['x', '"x"'],
    [1.5, '1.5'],
    [-1, '-1'],
    [2 ** 32, '4294967296'],
  ] as const) {
    assert.throws(
      () => createAutoencoder({ seed: seed as number }),
      new RegExp(
        `^RangeError: createAutoencoder: invalid seed: ${shown}; expected an integer in \\[0, 4294967295\\]$`,
      ),
    );
  }
});

test('checkShapes(model, batch) rejects a batch that is not an integer in [1, 1024]', () => {
  const model = createAutoencoder();
  for (const batch of [0, NaN, -1, 1.5, 1e6]) {
    assert.throws(
      () => checkShapes(model, batch),
      new RegExp(
        `^RangeError: checkShapes: invalid batch: ${batch}; expected an integer in \\[1, 1024\\]$`,
      ),
    );
  }
  assert.doesNotThrow(() => checkShapes(model, 1));
  disposeAutoencoder(model);
});

for (const [s, p, op] of [
  [2, 0, 1],
  [1, 1, 0],
  [1, 0, 0],
  [2, 1, 1],
  [3, 1, 2],
]) {
  test(`convTranspose2d(strides ${s}, padding ${p}, outputPadding ${op}) matches PyTorch`, () => {
    const [h, w, cin, cout, k] = [4, 3, 2, 3, 3];
    const random = seededRandom(s * 100 + p * 10 + op);
    const x = Float32Array.from({ length: h * w * cin }, () => random() - 0.5);
    const layer = convTranspose2d({ filters: cout, strides: s, padding: p, outputPadding: op });
    const y = layer.apply(tf.tensor4d(x, [1, h, w, cin])) as tf.Tensor;
    const [kernel, bias] = layer.getWeights().map((t) => t.dataSync() as Float32Array);
    const expected = referenceConvTranspose(x, h, w, kernel, bias, k, s, p, op);
    assert.deepEqual(y.shape, [1, expected.oh, expected.ow, cout]);
    const actual = y.dataSync();
    for (let i = 0; i < actual.length; i++) {
      assert.ok(Math.abs(actual[i] - expected.out[i]) < 1e-5, `value ${i}: ${actual[i]}`);
    }
    tf.dispose([y, ...layer.getWeights()]);
  });
}

test('trainStep lowers the loss on a fixed batch', () => {
  const model = createAutoencoder();
  const optimizer = tf.train.adam(1e-3);
  const batch = blobs(32);
  const first = trainStep(model, optimizer, batch.images, batch.count, 1e-4);
  const second = trainStep(model, optimizer, batch.images, batch.count, 1e-4);
  assert.ok(second < first, `loss went from ${first} to ${second}`);
  optimizer.dispose();
  disposeAutoencoder(model);
});

test('trainStep adds weightDecay * w to the gradient, as PyTorch Adam does', () => {
  // With a huge decay the gradient is about 1000 w, and Adam's first step moves every
  // weight by the learning rate against its sign. (AdamW would shrink it by lr * wd * w.)
  const model = createAutoencoder();
  const weights = () => model.decoder.trainableWeights.map((w) => w.read().dataSync().slice());
  const before = weights();
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  const batch = blobs(8);
  trainStep(model, optimizer, batch.images, batch.count, 1000);
  const after = weights();
  let checked = 0;
  before.forEach((values, k) =>
    values.forEach((w, i) => {
      if (Math.abs(w) < 1e-2) return;
      assert.ok(Math.abs(after[k][i] - (w - 1e-3 * Math.sign(w))) < 1e-6, `${w} -> ${after[k][i]}`);
      checked++;
    }),
  );
  assert.ok(checked > 10000, `checked ${checked} weights`);
  optimizer.dispose();
  disposeAutoencoder(model);
});

test('trainAutoencoder leaks no tensors and decays the learning rate', async () => {
  const model = createAutoencoder();
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const epochs: number[] = [];
  const result = await trainAutoencoder(model, blobs(48), blobs(20, 2), {
    epochs: 3,
    batchSize: 16,
    gamma: 0.5,
    logEvery: 2,
    log: (line) => lines.push(line),
    onEpoch: (progress) => epochs.push(progress.step),
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(new Set(result.tensorCounts).size, 1, `counts ${result.tensorCounts}`);
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('epoch ') && l.includes('test')).map((l) => l.split('lr ')[1]),
    ['1.000e-3', '5.000e-4', '2.500e-4'],
  );
  assert.match(lines[0], /^epoch 1\/3 batch 2\/3 +[\d.]+ s +batch 0\.\d{4}$/);
  for (const { losses } of result.history) {
    assert.ok(losses.train > 0 && losses.test > 0);
  }
  disposeAutoencoder(model);
});

test('trainAutoencoder stops on a NaN loss, saying what to lower', async () => {
  const model = createAutoencoder();
  await assert.rejects(
    trainAutoencoder(model, blobs(16), blobs(4), {
      epochs: 1,
      batchSize: 8,
      learningRate: 1e10,
      log: () => {},
    }),
    (error: Error) =>
      error instanceof NonFiniteLossError &&
      /training loss at epoch 1, batch 2 is NaN: lower learningRate \(now 1\.00e\+10\)/.test(
        error.message,
      ),
  );
  disposeAutoencoder(model);
});

test('trainAutoencoder on pixels in 0..255 or NaN names the pixel before training', async () => {
  const model = createAutoencoder();
  const bytes = blobs(8);
  bytes.images[800] = 255;
  let epochs = 0;
  const options = { epochs: 1, batchSize: 8, log: () => {}, onEpoch: () => (epochs += 1) };
  await assert.rejects(
    trainAutoencoder(model, bytes, blobs(4), options),
    /^RangeError: train images: pixel 800 \(image 1\) is 255; expected values in \[0, 1\] \(divide by 255\?\)$/,
  );
  const nan = blobs(4);
  nan.images[5] = NaN;
  await assert.rejects(
    trainAutoencoder(model, blobs(8), nan, options),
    /^RangeError: test images: pixel 5 \(image 0\) is NaN; expected values in \[0, 1\]$/,
  );
  const small = { ...blobs(2), height: 14, width: 14 };
  await assert.rejects(
    trainAutoencoder(model, small, small, options),
    /train images: expected 28x28 images, got 14x14/,
  );
  assert.equal(epochs, 0);
  disposeAutoencoder(model);
});

test('trainAutoencoder rejects invalid settings', async () => {
  const model = createAutoencoder();
  const set = blobs(4);
  await assert.rejects(trainAutoencoder(model, set, set, { epochs: 0 }), /invalid epochs: 0/);
  await assert.rejects(
    trainAutoencoder(model, set, set, { learningRate: NaN }),
    /invalid learningRate: NaN/,
  );
  await assert.rejects(
    trainAutoencoder(model, set, set, { seed: NaN }),
    /trainAutoencoder: invalid seed: NaN; expected an integer/,
  );
  assert.throws(() => sampleLatents(model, set, 2, 0.5), /sampleLatents: invalid seed: 0\.5/);
  disposeAutoencoder(model);
});

test('encodeImages and decodeLatents map batches without leaking', () => {
  const model = createAutoencoder();
  const set = blobs(7);
  const before = tf.memory().numTensors;
  const latents = encodeImages(model, set.images, 3);
  assert.equal(latents.length, 7 * LATENT_SIZE);
  const images = decodeLatents(model, latents, 3);
  assert.equal(images.length, 7 * 784);
  assert.ok(images.every((v) => v > 0 && v < 1));
  assert.deepEqual(encodeImages(model, set.images.subarray(784 * 6), 3), latents.subarray(288 * 6));
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => encodeImages(model, new Float32Array(100)), /multiple of 784/);
  disposeAutoencoder(model);
});

test('encodeImages rejects NaN or out-of-range pixels, decodeLatents non-finite latents', () => {
  const model = createAutoencoder();
  const images = blobs(2).images;
  images[784 + 3] = NaN;
  assert.throws(
    () => encodeImages(model, images),
    /encodeImages: pixel 787 \(image 1\) is NaN; expected values in \[0, 1\]/,
  );
  images[784 + 3] = -0.5;
  assert.throws(() => encodeImages(model, images), /pixel 787 \(image 1\) is -0\.5/);
  const latents = new Float32Array(2 * LATENT_SIZE);
  latents[LATENT_SIZE] = Infinity;
  assert.throws(
    () => decodeLatents(model, latents),
    /decodeLatents: latent value 288 \(latent 1\) is Infinity; expected finite numbers/,
  );
  disposeAutoencoder(model);
});

test('encodeImages and decodeLatents reject a batchSize that is not an integer >= 1', () => {
  const model = createAutoencoder();
  const images = blobs(2).images;
  const latents = new Float32Array(2 * LATENT_SIZE);
  for (const batchSize of [0, -5, NaN, 1.5]) {
    const message = new RegExp(`invalid batchSize: ${batchSize}, expected an integer >= 1`);
    assert.throws(() => encodeImages(model, images, batchSize), message);
    assert.throws(() => decodeLatents(model, latents, batchSize), message);
  }
  disposeAutoencoder(model);
});

test('interpolate(model, set, 0, 1, 5) decodes both ends and three points between', () => {
  const model = createAutoencoder();
  const set = blobs(3);
  const result = interpolate(model, set, 0, 1, 5);
  assert.deepEqual(result.fractions, [0, 0.25, 0.5, 0.75, 1]);
  const ends = decodeLatents(model, encodeImages(model, set.images.slice(0, 2 * 784)));
  for (let i = 0; i < 784; i++) {
    assert.ok(Math.abs(result.images[0][i] - ends[i]) < 1e-5);
    assert.ok(Math.abs(result.images[4][i] - ends[784 + i]) < 1e-5);
  }
  const titles = interpolationImages(result, ['A', 'B']).map((image) => image.title);
  assert.deepEqual(titles, ['A', '0%', '25%', '50%', '75%', '100%', 'B']);
  assert.throws(() => interpolate(model, set, 0, 3, 5), /image index 3 out of range, expected 0-2/);
  assert.throws(() => interpolate(model, set, -1, 1, 5), /image index -1 out of range/);
  assert.throws(() => interpolate(model, set, 0, 1, 1), /invalid steps: 1/);
  disposeAutoencoder(model);
});

test('sampleLatents(model, set, count) rejects a count larger than the set', () => {
  const model = createAutoencoder();
  const set = blobs(10);
  const sample = sampleLatents(model, set, 4, 3);
  assert.equal(sample.latents.length, 4 * LATENT_SIZE);
  assert.equal(new Set(sample.indices).size, 4);
  assert.deepEqual(
    sample.labels,
    sample.indices.map((i) => i % 10),
  );
  assert.throws(
    () => sampleLatents(model, set, 11),
    /count 11 is out of range: the set holds 10 images/,
  );
  disposeAutoencoder(model);
});

test('saveAutoencoder then loadAutoencoder gives the same encodings', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-ae-'));
  const model = createAutoencoder({ seed: 4 });
  const set = blobs(8);
  await trainAutoencoder(model, set, set, { epochs: 1, batchSize: 8, log: () => {} });
  await saveAutoencoder(model, dir, { note: 'hello' });
  const loaded = await loadAutoencoder(dir);
  assert.deepEqual(loaded.metadata, { note: 'hello' });
  assert.deepEqual(encodeImages(loaded.model, set.images), encodeImages(model, set.images));
  assert.equal(reconstructionLoss(loaded.model, set), reconstructionLoss(model, set));
  fs.rmSync(path.join(dir, 'decoder.weights.bin'));
  await assert.rejects(loadAutoencoder(dir), /saved autoencoder incomplete: missing .*decoder/);
  disposeAutoencoder(model);
  disposeAutoencoder(loaded.model);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('trainedAutoencoder reuses a model saved with the same settings only', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  const set = blobs(8);
  const options = { cacheDir, epochs: 1, batchSize: 8, log: () => {} };
  const first = await trainedAutoencoder(set, set, options);
  const again = await trainedAutoencoder(set, set, options);
  const other = await trainedAutoencoder(set, set, { ...options, epochs: 2 });
  assert.equal(first.reused, false);
  assert.equal(again.reused, true);
  assert.equal(again.dir, first.dir);
  assert.deepEqual(again.history, first.history);
  assert.equal(other.reused, false);
  assert.notEqual(other.dir, first.dir);
  [first, again, other].forEach((t) => disposeAutoencoder(t.model));
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('loadAutoencoder(dir) names the file of a truncated weights file, broken JSON or {}', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-ae-'));
  const model = createAutoencoder();
  await saveAutoencoder(model, dir, { note: 'hello' });
  disposeAutoencoder(model);
  const before = tf.memory().numTensors;
  const corrupt = async (file: string, contents: string | Buffer, expected: RegExp) => {
    const original = fs.readFileSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, file), contents);
    await assert.rejects(loadAutoencoder(dir), expected);
    fs.writeFileSync(path.join(dir, file), original);
  };
  const weights = fs.readFileSync(path.join(dir, 'encoder.weights.bin'));
  await corrupt(
    'encoder.weights.bin',
    weights.subarray(0, 1000),
    /encoder\.weights\.bin: expected 58336 bytes for the 12 weights listed in encoder\.json, got 1000/,
  );
  await corrupt('decoder.json', '{"modelTopology": ', /decoder\.json: not valid JSON/);
  await corrupt(
    'decoder.json',
    '{}',
    /decoder\.json: expected an object with modelTopology and weightSpecs, got \{\}/,
  );
  await corrupt('metadata.json', 'not json', /metadata\.json: not valid JSON/);
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(loadAutoencoder(path.join(dir, 'nope')), /saved autoencoder not found/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('trainedAutoencoder retrains over a corrupt saved model, warning once with its folder', async (t) => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  const set = blobs(8);
  const options = { cacheDir, epochs: 1, batchSize: 8, log: () => {} };
  const first = await trainedAutoencoder(set, set, options);
  disposeAutoencoder(first.model);
  fs.writeFileSync(path.join(first.dir, 'decoder.json'), '{}');
  const warn = t.mock.method(console, 'warn', () => {});
  const again = await trainedAutoencoder(set, set, options);
  assert.equal(again.reused, false);
  assert.equal(warn.mock.callCount(), 1);
  const line = String(warn.mock.calls[0].arguments[0]);
  assert.ok(line.includes(first.dir), line);
  assert.match(line, /decoder\.json: expected an object with modelTopology/);
  assert.match(line, /training again and overwriting it$/);
  disposeAutoencoder(again.model);
  const fixed = await trainedAutoencoder(set, set, options);
  assert.equal(fixed.reused, true);
  assert.equal(warn.mock.callCount(), 1);
  disposeAutoencoder(fixed.model);
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('loadAutoencoder rejects NaN weights; trainedAutoencoder retrains over them', async (t) => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  const set = blobs(8);
  const options = { cacheDir, epochs: 1, batchSize: 8, log: () => {} };
  const first = await trainedAutoencoder(set, set, options);
  disposeAutoencoder(first.model);
  const file = path.join(first.dir, 'decoder.weights.bin');
  const weights = fs.readFileSync(file);
  weights.writeFloatLE(NaN, 4 * 10);
  fs.writeFileSync(file, weights);
  const before = tf.memory().numTensors;
  await assert.rejects(
    loadAutoencoder(first.dir),
    /decoder\.weights\.bin: weight deconv1\/kernel holds NaN at index 10; expected finite numbers/,
  );
  assert.equal(tf.memory().numTensors, before);
  const warn = t.mock.method(console, 'warn', () => {});
  const again = await trainedAutoencoder(set, set, options);
  assert.equal(again.reused, false);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(String(warn.mock.calls[0].arguments[0]), /holds NaN .* training again/);
  disposeAutoencoder(again.model);
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('trainedAutoencoder rejects a NaN seed or modelSeed before looking for a saved model', async () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  const set = blobs(8);
  const options = { cacheDir, epochs: 1, batchSize: 8, log: () => {} };
  await assert.rejects(
    trainedAutoencoder(set, set, { ...options, modelSeed: NaN }),
    /trainedAutoencoder: invalid modelSeed: NaN; expected an integer in \[0, 4294967295\]/,
  );
  await assert.rejects(
    trainedAutoencoder(set, set, { ...options, seed: NaN }),
    /trainedAutoencoder: invalid seed: NaN/,
  );
  assert.deepEqual(fs.readdirSync(cacheDir), []);
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('trainedAutoencoder with cacheDir a file fails before training', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  const file = path.join(dir, 'models');
  fs.writeFileSync(file, 'x');
  let epochs = 0;
  await assert.rejects(
    trainedAutoencoder(blobs(8), blobs(8), {
      cacheDir: file,
      epochs: 1,
      batchSize: 8,
      log: () => {},
      onEpoch: () => (epochs += 1),
    }),
    new RegExp(`cacheDir: ${file} is a file, not a folder; choose another cacheDir`),
  );
  assert.equal(epochs, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('createAutoencoder, trainAutoencoder and loadAutoencoder without initBackend() say to call it', () => {
  // A fresh process: this one has its backend.
  const lib = (name: string) => JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'nn', name));
  const script = `
    const { createAutoencoder } = require(${lib('autoencoder')});
    const { trainAutoencoder } = require(${lib('train-autoencoder')});
    const { loadAutoencoder } = require(${lib('model-io')});
    const messages = [];
    try { createAutoencoder(); } catch (e) { messages.push(e.message); }
    Promise.all([trainAutoencoder(null, null, null), loadAutoencoder('.')].map((p) =>
      p.catch((e) => messages.push(e.message)),
    )).then(() => console.log(JSON.stringify(messages)));`;
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const run = spawnSync(process.execPath, ['--import', tsx, '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const messages = JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]') as string[];
  assert.equal(messages.length, 3, run.stdout + run.stderr);
  const callers = ['createAutoencoder', 'trainAutoencoder', 'loadAutoencoder'];
  messages.forEach((message, i) =>
    assert.equal(
      message,
      `${callers[i]}: no TensorFlow.js backend chosen: await initBackend() first ` +
        '(it failed or was not called)',
    ),
  );
  assert.doesNotMatch(run.stdout + run.stderr, /Hi, looks like you are running TensorFlow\.js/);
});
