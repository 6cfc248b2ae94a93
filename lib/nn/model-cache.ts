/**
 * Train once, reuse after: a trained autoencoder is saved under a folder named after its
 * training settings, and loaded from there when the same settings ask for it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImageSet } from '../data/fashion-mnist';
import type { Progress } from '../train/progress';
import { createAutoencoder, type Autoencoder } from './autoencoder';
import { loadAutoencoder, saveAutoencoder } from './model-io';
import { trainAutoencoder, type TrainAutoencoderOptions } from './train-autoencoder';

/** Settings of `trainedAutoencoder`: the training options plus where models are kept. */
export interface TrainedAutoencoderOptions extends TrainAutoencoderOptions {
  /** Folder of saved models, one sub-folder per settings. */
  cacheDir: string;
  /** Seed of the initial weights; default 0. */
  modelSeed?: number;
  /** Train even when a saved model matches; default false. */
  retrain?: boolean;
}

/** A trained model and how it came about. */
export interface TrainedAutoencoder {
  model: Autoencoder;
  /** Mean train and test loss per epoch, as recorded when it was trained. */
  history: Progress[];
  /** True when loaded from `dir` instead of trained now. */
  reused: boolean;
  /** The folder the model was loaded from or saved to. */
  dir: string;
  /** Seconds per epoch when it was trained. */
  secondsPerEpoch: number;
}

/**
 * Loads the model trained with these settings on this data from `cacheDir`, or trains one
 * and saves it there. The folder name holds the main settings and a hash of everything that
 * counts (settings, image count, a fingerprint of the data).
 */
export async function trainedAutoencoder(
  train: ImageSet,
  test: ImageSet,
  options: TrainedAutoencoderOptions,
): Promise<TrainedAutoencoder> {
  const log = options.log ?? ((line: string) => console.log(line));
  const settings = {
    epochs: options.epochs ?? 50,
    batchSize: options.batchSize ?? 256,
    learningRate: options.learningRate ?? 1e-3,
    weightDecay: options.weightDecay ?? 1e-4,
    gamma: options.gamma ?? 0.999,
    seed: options.seed ?? 0,
    modelSeed: options.modelSeed ?? 0,
    trainImages: train.count,
    trainFingerprint: fingerprint(train),
    testImages: test.count,
  };
  const key = JSON.stringify(settings);
  const name = `autoencoder-e${settings.epochs}-n${train.count}-b${settings.batchSize}-${hash(key)}`;
  const dir = path.join(options.cacheDir, name);

  // 1. Reuse a model saved with the same settings.
  if (!options.retrain && fs.existsSync(path.join(dir, 'metadata.json'))) {
    const { model, metadata } = await loadAutoencoder(dir);
    if (JSON.stringify(metadata.settings) === key) {
      const history = (metadata.history ?? []) as Progress[];
      const secondsPerEpoch = Number(metadata.secondsPerEpoch);
      log(`reusing the autoencoder trained with these settings, from ${dir}`);
      return { model, history, reused: true, dir, secondsPerEpoch };
    }
    log(`${dir} holds a model trained with other settings; training again`);
  }

  // 2. Train and save.
  const model = createAutoencoder({ seed: settings.modelSeed });
  const result = await trainAutoencoder(model, train, test, options);
  await saveAutoencoder(model, dir, {
    settings,
    history: result.history,
    secondsPerEpoch: result.secondsPerEpoch,
    savedAt: new Date().toISOString(),
  });
  log(`saved the trained autoencoder to ${dir}`);
  const { history, secondsPerEpoch } = result;
  return { model, history, reused: false, dir, secondsPerEpoch };
}

/** A cheap fingerprint of a set: labels and every 97th pixel, hashed. */
function fingerprint(set: ImageSet): string {
  const parts: number[] = [...set.labels];
  for (let i = 0; i < set.images.length; i += 97) parts.push(Math.round(set.images[i] * 255));
  return hash(parts.join(','));
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
