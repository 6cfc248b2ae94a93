/**
 * Autoencoder speed on the backend chosen by default: one `name value unit` line per figure.
 *
 *   ae.step.b256     milliseconds per training step, batch 256
 *   ae.step.b1024    milliseconds per training step, batch 1024
 *   ae.epoch.b256    seconds per 60,000-image epoch at batch 256 (steps extrapolated, plus
 *                    the test-loss evaluation over 10,000 images)
 *   ae.encode.10k    seconds to encode 10,000 images
 *   ae.eval.10k      seconds for the test loss over 10,000 images (encode and decode)
 *   ae.tsne.300      seconds for t-SNE (perplexity 30) of 300 latents
 *   ae.memory.peak   peak resident memory of the process
 *
 * On a shared machine wall-clock times grow with the load; the `.cpu` lines give the same
 * figures from the process's CPU time, all threads summed: with one wasm thread that is what
 * an otherwise idle machine would show, with more it is an upper bound of the wall time.
 *
 * Options: `--steps N` timed steps at batch 256 (default 8; batch 1024 gets a quarter);
 * `--threads N` threads of the wasm backend (default: initBackend's).
 */
import * as tf from '@tensorflow/tfjs';
import { projectLatents } from '../../lib/embed';
import { loadFashionMnist, selectImages } from '../../lib/data/fashion-mnist';
import { createAutoencoder, LATENT_SIZE } from '../../lib/nn/autoencoder';
import { initBackend } from '../../lib/nn/backend';
import { batchCount } from '../../lib/nn/batches';
import { encodeImages, sampleLatents } from '../../lib/nn/latents';
import { reconstructionLoss, trainStep } from '../../lib/nn/train-autoencoder';

const TRAIN_IMAGES = 60000;

async function main(): Promise<void> {
  const stepsArg = process.argv.indexOf('--steps');
  const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 8;
  const threadsArg = process.argv.indexOf('--threads');
  const wasmThreads = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : undefined;
  const backend = await initBackend({ log: false, wasmThreads });
  console.error(`# backend ${backend.name} (${backend.version}; ${backend.reason})`);
  const test = loadFashionMnist('test');
  const model = createAutoencoder();

  // 1. Training steps: one warm-up step, then the mean of the timed ones.
  const stepMs: Record<number, number> = {};
  const stepCpuMs: Record<number, number> = {};
  for (const [batchSize, count] of [
    [256, steps],
    [1024, Math.max(1, Math.round(steps / 4))],
  ]) {
    const optimizer = tf.train.adam(1e-3);
    const batch = selectImages(
      test,
      Array.from({ length: batchSize }, (_, i) => i),
    );
    trainStep(model, optimizer, batch.images, batchSize, 1e-4);
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let s = 0; s < count; s++) trainStep(model, optimizer, batch.images, batchSize, 1e-4);
    stepMs[batchSize] = (performance.now() - started) / count;
    stepCpuMs[batchSize] = cpuMs(cpu) / count;
    optimizer.dispose();
    print(`ae.step.b${batchSize}`, stepMs[batchSize], 'ms');
    print(`ae.step.b${batchSize}.cpu`, stepCpuMs[batchSize], 'ms');
  }

  // 2. Forward passes over the test set.
  let started = performance.now();
  const latents = encodeImages(model, test.images);
  const encodeSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const cpu = process.cpuUsage();
  reconstructionLoss(model, test);
  const evalSeconds = (performance.now() - started) / 1000;
  const evalCpuSeconds = cpuMs(cpu) / 1000;
  const steps256 = batchCount(TRAIN_IMAGES, 256);
  print('ae.epoch.b256', (stepMs[256] * steps256) / 1000 + evalSeconds, 's');
  print('ae.epoch.b256.cpu', (stepCpuMs[256] * steps256) / 1000 + evalCpuSeconds, 's');
  print('ae.encode.10k', encodeSeconds, 's');
  print('ae.eval.10k', evalSeconds, 's');
  if (latents.length !== test.count * LATENT_SIZE) throw new Error('encoding lost images');

  // 3. t-SNE of 300 random latents.
  const sample = sampleLatents(model, test, 300, 0);
  started = performance.now();
  projectLatents(sample.latents, 300, LATENT_SIZE, { technique: 'tsne', perplexity: 30 });
  print('ae.tsne.300', (performance.now() - started) / 1000, 's');

  print('ae.memory.peak', process.resourceUsage().maxRSS / 1024, 'MB');
}

/** CPU milliseconds (user and system) of this process since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function print(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  console.log(`${name} ${value.toFixed(digits)} ${unit}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
