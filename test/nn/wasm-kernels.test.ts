import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/nn/backend';
import { standInAutoencoder, trainStep } from './fixtures/stand-in-autoencoder';

type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];
type Shape4 = [number, number, number, number];

interface Case {
  x: Shape4;
  filter: Shape4;
  stride: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'valid' },
  { x: [3, 9, 8, 2], filter: [3, 3, 2, 4], stride: 2, pad: 'valid' },
  { x: [2, 6, 5, 4], filter: [3, 3, 4, 3], stride: 1, pad: 'same' },
  { x: [2, 7, 6, 3], filter: [4, 4, 3, 2], stride: 2, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 2], stride: 2, pad: 1 },
  {
    x: [2, 8, 7, 3],
    filter: [3, 2, 3, 2],
    stride: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  { x: [1, 9, 10, 2], filter: [3, 3, 2, 3], stride: [2, 1], pad: 'same' },
  { x: [2, 9, 9, 2], filter: [2, 2, 2, 3], stride: 3, pad: 'valid' },
  // the autoencoder's shapes: 28 -> 26 (1 -> 4) and a stride-2 transposed conv 12 -> 26
  { x: [4, 28, 28, 1], filter: [3, 3, 1, 4], stride: 1, pad: 'valid' },
  { x: [4, 26, 26, 16], filter: [3, 3, 16, 16], stride: 2, pad: 'valid' },
];

before(async () => {
  await initBackend({ backend: 'wasm', log: false });
});

/** Runs f on the cpu backend, then on wasm (with latentlab's kernels), returning both. */
function onBothBackends(f: () => tf.Tensor): { cpu: Float32Array; wasm: Float32Array } {
  const results: Record<string, Float32Array> = {};
  for (const name of ['cpu', 'wasm']) {
    tf.setBackend(name);
    results[name] = tf.tidy(f).dataSync() as Float32Array;
  }
  return { cpu: results.cpu, wasm: results.wasm };
}

/** Largest difference relative to the reference's largest magnitude. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

function label({ x, filter, stride, pad }: Case): string {
  return `x ${x}, filter ${filter}, stride ${stride}, pad ${JSON.stringify(pad)}`;
}

function inputs(c: Case, seed: number) {
  const x = tf.randomUniform(c.x, -1, 1, 'float32', seed) as tf.Tensor4D;
  const w = tf.randomUniform(c.filter, -1, 1, 'float32', seed + 1) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const dy = tf.randomUniform(y.shape, -1, 1, 'float32', seed + 2) as tf.Tensor4D;
  return { x, w, dy };
}

test('Conv2DBackpropFilter on wasm matches the cpu backend to 1e-5', () => {
  CASES.forEach((c, index) => {
    const { cpu, wasm } = onBothBackends(() => {
      const { x, dy } = inputs(c, 10 * index);
      return tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
        ) as tf.Tensor;
    });
    assert.ok(relativeError(wasm, cpu) < 1e-5, `${label(c)}: ${relativeError(wasm, cpu)}`);
  });
});

test('Conv2DBackpropInput on wasm matches the cpu backend to 1e-5', () => {
  CASES.forEach((c, index) => {
    const { cpu, wasm } = onBothBackends(() => {
      const { w, dy } = inputs(c, 10 * index);
      return tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter: w },
          { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
        ) as tf.Tensor;
    });
    assert.ok(relativeError(wasm, cpu) < 1e-5, `${label(c)}: ${relativeError(wasm, cpu)}`);
  });
});

test('gradients of conv2d and conv2dTranspose on wasm match the cpu backend to 1e-5', () => {
  // A conv and a stride-2 transposed conv back, as in the autoencoder, through tf.grads.
  const loss = (...args: tf.Tensor[]) => {
    const [x, w1, w2] = args as tf.Tensor4D[];
    const h = tf.leakyRelu(tf.conv2d(x, w1, 1, 'valid'), 0.01);
    const y = tf.conv2dTranspose(h, w2, [3, 13, 13, 2], 2, 'valid');
    return tf.sum(tf.square(y));
  };
  const x = tf.randomUniform([3, 8, 8, 2], -1, 1, 'float32', 1).dataSync();
  const w1 = tf.randomUniform([3, 3, 2, 4], -1, 1, 'float32', 2).dataSync();
  const w2 = tf.randomUniform([3, 3, 2, 4], -1, 1, 'float32', 3).dataSync();
  for (const which of [0, 1, 2]) {
    const { cpu, wasm } = onBothBackends(() => {
      const args = [
        tf.tensor4d(x, [3, 8, 8, 2]),
        tf.tensor4d(w1, [3, 3, 2, 4]),
        tf.tensor4d(w2, [3, 3, 2, 4]),
      ];
      return tf.grads(loss)(args)[which];
    });
    assert.ok(relativeError(wasm, cpu) < 1e-5, `gradient ${which}: ${relativeError(wasm, cpu)}`);
  }
});

test('MaxPoolGrad on wasm matches the cpu backend', () => {
  const pools: [Shape4, number, number, 'valid' | 'same'][] = [
    [[2, 6, 6, 3], 2, 2, 'valid'],
    [[2, 7, 5, 2], 2, 2, 'valid'],
    [[2, 7, 5, 2], 3, 2, 'same'],
    [[1, 5, 6, 4], 3, 1, 'same'],
  ];
  pools.forEach(([shape, size, stride, pad], index) => {
    const { cpu, wasm } = onBothBackends(() => {
      const x = tf.randomUniform(shape, -1, 1, 'float32', index) as tf.Tensor4D;
      const y = tf.maxPool(x, size, stride, pad);
      const dy = tf.randomUniform(y.shape, -1, 1, 'float32', index + 50);
      return tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, stride, pad), dy)),
      )(x);
    });
    assert.ok(relativeError(wasm, cpu) < 1e-6, `pool ${shape} ${size} ${stride} ${pad}`);
  });
});

test('Tile on wasm matches the cpu backend for float32 and int32', () => {
  const cases: [number[], number[], 'float32' | 'int32'][] = [
    [[1, 1, 1, 4], [3, 5, 2, 1], 'float32'],
    [[2, 3], [2, 3], 'float32'],
    [[3], [4], 'float32'],
    [[2, 1, 3], [1, 4, 2], 'float32'],
    [[2, 3], [3, 1], 'int32'],
  ];
  for (const [shape, reps, dtype] of cases) {
    const { cpu, wasm } = onBothBackends(() =>
      tf.tile(
        tf
          .range(
            0,
            shape.reduce((a, b) => a * b, 1),
            1,
            dtype,
          )
          .reshape(shape),
        reps,
      ),
    );
    assert.deepEqual(Array.from(wasm), Array.from(cpu), `tile ${shape} by ${reps}`);
  }
});

test('tf.clone on wasm shares the data and survives disposing the original', () => {
  tf.setBackend('wasm');
  const x = tf.tensor([1, 2, 3]);
  const y = tf.clone(x);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  y.dispose();
});

test('Adam steps on the stand-in autoencoder give the same losses on wasm and cpu', () => {
  // Every kernel training needs, end to end: convs, transposed convs, pooling, batch norm.
  const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5).dataSync();
  let weights: Float32Array[] | undefined;
  const losses: Record<string, number[]> = {};
  for (const name of ['wasm', 'cpu']) {
    tf.setBackend(name);
    const model = standInAutoencoder();
    if (weights === undefined)
      weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights![i], w.shape)));
    const optimizer = tf.train.adam(1e-2);
    const x = tf.tensor4d(images, [4, 28, 28, 1]);
    trainStep(model, optimizer, x);
    const tensors = tf.memory().numTensors;
    losses[name] = [1, 2, 3].map(() => trainStep(model, optimizer, x));
    assert.equal(tf.memory().numTensors, tensors, `${name}: a train step leaks no tensor`);
    tf.dispose([x, ...model.weights.map((w) => w.read())]);
    optimizer.dispose();
  }
  assert.ok(losses.wasm[2] < losses.wasm[0], `loss goes down: ${losses.wasm}`);
  losses.wasm.forEach((loss, i) => {
    // Float32 sums run in another order on each backend, and Adam's early steps divide by
    // tiny second moments, so the last digits drift (2e-4 was seen at step 2). A
    // wrong kernel is off by far more than 1e-3.
    const relative = Math.abs(loss - losses.cpu[i]) / losses.cpu[i];
    assert.ok(relative < 1e-3, `step ${i}: wasm ${loss}, cpu ${losses.cpu[i]}`);
  });
});

test('the wasm kernels leave no tensor and no wasm memory behind', () => {
  tf.setBackend('wasm');
  const c = CASES[3];
  const { x, w, dy } = inputs(c, 99);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const tensors = tf.memory().numTensors;
  const blocks = backend.numDataIds();
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
  const dW = tf
    .engine()
    .runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor;
  const dx = tf
    .engine()
    .runKernel(
      'Conv2DBackpropInput',
      { dy, filter: w },
      { ...attrs, inputShape: c.x },
    ) as tf.Tensor;
  assert.deepEqual(dW.shape, c.filter);
  assert.deepEqual(dx.shape, c.x);
  tf.dispose([dW, dx]);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(backend.numDataIds(), blocks);
  tf.dispose([x, w, dy]);
});
