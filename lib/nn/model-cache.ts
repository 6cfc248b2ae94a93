/**
 * Train once, reuse after: a trained autoencoder is saved under a folder named after its
 * training settings, and loaded from there when the same settings ask for it again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImageSet } from '../data/fashion-mnist';
import { FileError, prepareFolder } from '../files';
import type { Progress } from '../train/progress';
import { createAutoencoder, type Autoencoder } from './autoencoder';
import { requireBackend } from './backend-check';
import { disposeAutoencoder, loadAutoencoder, saveAutoencoder } from './model-io';
import { checkSeed } from './seed';
import { trainAutoencoder, type TrainAutoencoderOptions } from './train-autoencoder';

/** Settings of `trainedAutoencoder`: the training options plus where models are kept. */
export interface TrainedAutoencoderOptions extends TrainAutoencoderOptions {
  /** Folder of saved models, one sub-folder per settings. */
  cacheDir: string;
  /** Seed of the initial weights, an integer in [0, 2^32 - 1]; default 0. */
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
  /** The folder the model was loaded from or saved to (or failed to save to, with a warning). */
  dir: string;
  /** Seconds per epoch when it was trained. */
  secondsPerEpoch: number;
}

/**
 * Loads the model trained with these settings on this data from `cacheDir`, or trains one
 * and saves it there. The folder name holds the main settings and a hash of everything that
 * counts (settings, image count, a fingerprint of the data). A `cacheDir` that cannot be
 * written fails before training; a save that fails after training warns and returns the model.
 */
export async function trainedAutoencoder(
  train: ImageSet,
  test: ImageSet,
  options: TrainedAutoencoderOptions,
): Promise<TrainedAutoencoder> {
  const log = options.log ?? ((line: string) => console.log(line));
  const cacheDir: unknown = options.cacheDir;
  if (typeof cacheDir !== 'string' || cacheDir.trim() === '') {
    throw new Error(
      `trainedAutoencoder: invalid cacheDir: ${JSON.stringify(cacheDir)}; ` +
        'expected the path of a folder for saved models',
    );
  }
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
  // NaN would be saved as null and match a model trained with another seed.
  checkSeed('trainedAutoencoder', 'seed', settings.seed);
  checkSeed('trainedAutoencoder', 'modelSeed', settings.modelSeed);
  const key = JSON.stringify(settings);
  const name = `autoencoder-e${settings.epochs}-n${train.count}-b${settings.batchSize}-${hash(key)}`;
  const dir = path.join(options.cacheDir, name);

  // 1. A backend, and a folder to save into, checked before the long training.
  requireBackend('trainedAutoencoder');
  prepareCacheDir(options.cacheDir, dir);

  // 2. Reuse a model saved with the same settings. We wrote the entry, so a broken one is
  // trained again and overwritten.
  if (!options.retrain && fs.existsSync(path.join(dir, 'metadata.json'))) {
    let loaded: Awaited<ReturnType<typeof loadAutoencoder>> | undefined;
    try {
      loaded = await loadAutoencoder(dir);
    } catch (error) {
      const reason = (error as Error).message
        .split(dir + path.sep)
        .join('')
        .replace(/\s+/g, ' ');
      console.warn(
        `warning: cannot load the saved autoencoder in ${dir} (${reason}); ` +
          'training again and overwriting it',
      );
    }
    if (loaded !== undefined) {
      const { model, metadata } = loaded;
      if (JSON.stringify(metadata.settings) === key) {
        const history = (metadata.history ?? []) as Progress[];
        const secondsPerEpoch = Number(metadata.secondsPerEpoch);
        log(`reusing the autoencoder trained with these settings, from ${dir}`);
        return { model, history, reused: true, dir, secondsPerEpoch };
      }
      disposeAutoencoder(model);
      log(`${dir} holds a model trained with other settings; training again`);
    }
  }

  // 3. Train and save.
  const model = createAutoencoder({ seed: settings.modelSeed });
  const result = await trainAutoencoder(model, train, test, options);
  try {
    await saveAutoencoder(model, dir, {
      settings,
      history: result.history,
      secondsPerEpoch: result.secondsPerEpoch,
      savedAt: new Date().toISOString(),
    });
    log(`saved the trained autoencoder to ${dir}`);
  } catch (error) {
    // The folder was writable before training; losing the trained model now would waste it.
    if (!(error instanceof FileError)) throw error;
    console.warn(
      `warning: ${error.message.replace(/^saveAutoencoder: /, '')}; the trained ` +
        'autoencoder is returned but not saved, so the next run trains again: choose another ' +
        'cacheDir to keep it',
    );
  }
  const { history, secondsPerEpoch } = result;
  return { model, history, reused: false, dir, secondsPerEpoch };
}

/**
 * Creates `cacheDir` when missing and tries a write in it, and in the entry `dir` when that
 * exists; throws naming the folder at fault and saying to choose another cacheDir.
 */
function prepareCacheDir(cacheDir: string, dir: string): void {
  for (const folder of fs.existsSync(dir) ? [cacheDir, dir] : [cacheDir]) {
    try {
      prepareFolder(folder);
    } catch (error) {
      throw new FileError(`cacheDir: ${(error as Error).message}; choose another cacheDir`);
    }
  }
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
