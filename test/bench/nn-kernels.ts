/**
 * Training speed of a stand-in for the assignment's autoencoder on the wasm and cpu backends:
 * ms per Adam step at batch 256 and 1024, the epoch (60,000 images) that implies, and the
 * time per kernel in one step. The cpu backend needs minutes per step at batch 256, so it is
 * timed at batch 16 and the epoch extrapolated. Prints `name value unit` lines.
 *
 *   npx tsx test/bench/nn-kernels.ts              # wasm and cpu (about two minutes)
 *   BENCH_BACKENDS=wasm npx tsx test/bench/nn-kernels.ts
 *   LATENTLAB_QUICK=1 ...                         # fewer steps
 */
import * as tf from '@tensorflow/tfjs';
import { quickOr } from '../../lib/env';
import { initBackend } from '../../lib/nn/backend';
import { standInAutoencoder, trainStep } from '../nn/fixtures/stand-in-autoencoder';

const EPOCH_IMAGES = 60_000;
const BATCHES: Record<string, number[]> = { wasm: [256, 1024], cpu: [16] };

async function main(): Promise<void> {
  const backends = (process.env.BENCH_BACKENDS ?? 'wasm,cpu').split(',');
  await initBackend({ backend: 'wasm' }); // registers latentlab's wasm kernels
  for (const backend of backends) {
    await tf.setBackend(backend);
    const steps = backend === 'cpu' ? 1 : quickOr(5, 2);
    for (const batch of BATCHES[backend] ?? [256]) await benchmark(backend, batch, steps);
  }
}

async function benchmark(backend: string, batch: number, steps: number): Promise<void> {
  const model = standInAutoencoder();
  const optimizer = tf.train.adam(1e-3);
  const images = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;

  // 1. One untimed step builds the optimizer's slots and XNNPACK's operators.
  trainStep(model, optimizer, images);

  // 2. Time steps; the per-kernel profile comes from one more.
  //    CPU time is printed beside wall time: on a busy machine it is the steadier figure.
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < steps; i++) trainStep(model, optimizer, images);
  const msPerStep = (performance.now() - start) / steps;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / steps;
  const stepsPerEpoch = Math.ceil(EPOCH_IMAGES / batch);
  print(`${backend}.train_step.batch${batch}`, msPerStep, 'ms');
  print(`${backend}.train_step_cpu_time.batch${batch}`, cpuMsPerStep, 'ms');
  print(`${backend}.epoch_estimate.batch${batch}`, (stepsPerEpoch * msPerStep) / 1000, 's');
  print(
    `${backend}.epoch_estimate_cpu_time.batch${batch}`,
    (stepsPerEpoch * cpuMsPerStep) / 1000,
    's',
  );

  if (batch === 256) {
    const profile = await tf.profile(() => {
      trainStep(model, optimizer, images);
    });
    const perKernel = new Map<string, number>();
    for (const kernel of profile.kernels.filter((k) => !k.name.endsWith('__op'))) {
      const ms = Number(kernel.kernelTimeMs);
      perKernel.set(kernel.name, (perKernel.get(kernel.name) ?? 0) + (ms > 0 ? ms : 0));
    }
    const top = [...perKernel].sort((a, b) => b[1] - a[1]).slice(0, 12);
    for (const [name, ms] of top) print(`${backend}.kernel.${name}.batch${batch}`, ms, 'ms');
  }
  tf.dispose([images, model.getWeights()]);
  optimizer.dispose();
}

function print(name: string, value: number, unit: string): void {
  console.log(`${name} ${value.toFixed(value < 10 ? 2 : 0)} ${unit}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
