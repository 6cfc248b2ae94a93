/**
 * Saving a trained autoencoder to a folder and loading it back, so that a notebook can
 * reuse a model instead of training it again. Each half is stored as tfjs's layers format:
 * `encoder.json` (topology and weight specs) beside `encoder.weights.bin`, and the same for
 * the decoder; `metadata.json` holds whatever the caller passes (settings, loss history).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkShapes, type Autoencoder } from './autoencoder';
import './conv-transpose'; // registers the custom layer before any model is deserialised

const PARTS = ['encoder', 'decoder'] as const;

/** Writes both halves and `metadata` into `dir` (created when missing). */
export async function saveAutoencoder(
  model: Autoencoder,
  dir: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const part of PARTS) {
    await model[part].save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData;
        const bytes = Array.isArray(weights)
          ? Buffer.concat(weights.map((b) => Buffer.from(b)))
          : Buffer.from(weights ?? new ArrayBuffer(0));
        fs.writeFileSync(path.join(dir, `${part}.weights.bin`), bytes);
        const manifest = {
          modelTopology: artifacts.modelTopology,
          weightSpecs: artifacts.weightSpecs,
        };
        fs.writeFileSync(path.join(dir, `${part}.json`), JSON.stringify(manifest));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  }
  fs.writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(metadata, null, 1));
}

/** Reads a model written by `saveAutoencoder`, with its metadata. */
export async function loadAutoencoder(
  dir: string,
): Promise<{ model: Autoencoder; metadata: Record<string, unknown> }> {
  const halves: tf.Sequential[] = [];
  for (const part of PARTS) {
    const manifestFile = path.join(dir, `${part}.json`);
    const weightsFile = path.join(dir, `${part}.weights.bin`);
    for (const file of [manifestFile, weightsFile]) {
      if (!fs.existsSync(file)) throw new Error(`saved autoencoder incomplete: missing ${file}`);
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as tf.io.ModelArtifacts;
    const bytes = fs.readFileSync(weightsFile);
    const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...manifest, weightData }));
    if (!(loaded instanceof tf.Sequential)) {
      throw new Error(`${manifestFile}: expected a Sequential model, got ${loaded.getClassName()}`);
    }
    halves.push(loaded);
  }
  const model = { encoder: halves[0], decoder: halves[1] };
  checkShapes(model);
  const metadataFile = path.join(dir, 'metadata.json');
  const metadata = fs.existsSync(metadataFile)
    ? (JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as Record<string, unknown>)
    : {};
  return { model, metadata };
}

/** Frees the weights of both halves. */
export function disposeAutoencoder(model: Autoencoder): void {
  model.encoder.dispose();
  model.decoder.dispose();
}
