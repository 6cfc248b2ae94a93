/**
 * Saving a trained autoencoder to a folder and loading it back, so that a notebook can
 * reuse a model instead of training it again. Each half is stored as tfjs's layers format:
 * `encoder.json` (topology and weight specs) beside `encoder.weights.bin`, and the same for
 * the decoder; `metadata.json` holds whatever the caller passes (settings, loss history).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { attempt, FileError, prepareFolder } from '../files';
import { checkShapes, type Autoencoder } from './autoencoder';
import { requireBackend } from './backend-check';
import './conv-transpose'; // registers the custom layer before any model is deserialised

const PARTS = ['encoder', 'decoder'] as const;

/**
 * Writes both halves and `metadata` into `dir` (created when missing). A file error names the
 * file and its reason (`read-only file system (EROFS)`).
 */
export async function saveAutoencoder(
  model: Autoencoder,
  dir: string,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  try {
    await writeAutoencoder(model, dir, metadata);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    throw new FileError(`saveAutoencoder: ${error.message}; choose a folder you can write to`);
  }
}

async function writeAutoencoder(
  model: Autoencoder,
  dir: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  prepareFolder(dir);
  const write = (file: string, data: string | Buffer) =>
    attempt(() => fs.writeFileSync(file, data), `cannot write ${file}`);
  for (const part of PARTS) {
    await model[part].save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData;
        const bytes = Array.isArray(weights)
          ? Buffer.concat(weights.map((b) => Buffer.from(b)))
          : Buffer.from(weights ?? new ArrayBuffer(0));
        write(path.join(dir, `${part}.weights.bin`), bytes);
        const manifest = {
          modelTopology: artifacts.modelTopology,
          weightSpecs: artifacts.weightSpecs,
        };
        write(path.join(dir, `${part}.json`), JSON.stringify(manifest));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  }
  write(path.join(dir, 'metadata.json'), JSON.stringify(metadata, null, 1));
}

/**
 * Reads a model written by `saveAutoencoder`, with its metadata; `initBackend()` must have
 * finished first. Errors name the folder or file at fault and what was wrong with it.
 */
export async function loadAutoencoder(
  dir: string,
): Promise<{ model: Autoencoder; metadata: Record<string, unknown> }> {
  requireBackend('loadAutoencoder');
  if (!fs.existsSync(dir)) throw new Error(`saved autoencoder not found: no folder ${dir}`);
  if (!fs.statSync(dir).isDirectory()) {
    throw new Error(`${dir}: expected a folder holding a saved autoencoder, got a file`);
  }
  const halves: tf.Sequential[] = [];
  try {
    for (const part of PARTS) halves.push(await loadHalf(dir, part));
    const model = { encoder: halves[0], decoder: halves[1] };
    try {
      checkShapes(model);
    } catch (error) {
      throw new Error(`${dir}: not the latentlab autoencoder (${(error as Error).message})`);
    }
    return { model, metadata: readMetadata(path.join(dir, 'metadata.json')) };
  } catch (error) {
    for (const half of halves) half.dispose();
    throw error;
  }
}

/** Frees the weights of both halves. */
export function disposeAutoencoder(model: Autoencoder): void {
  model.encoder.dispose();
  model.decoder.dispose();
}

/** One half: its manifest checked, its weights file checked against the manifest, rebuilt. */
async function loadHalf(dir: string, part: (typeof PARTS)[number]): Promise<tf.Sequential> {
  const manifestFile = path.join(dir, `${part}.json`);
  const weightsFile = path.join(dir, `${part}.weights.bin`);
  for (const file of [manifestFile, weightsFile]) {
    if (!fs.existsSync(file)) throw new Error(`saved autoencoder incomplete: missing ${file}`);
  }

  // 1. The manifest: tfjs's topology and the list of weights.
  const manifest = readJson(manifestFile) as Partial<tf.io.ModelArtifacts> | null;
  if (
    typeof manifest !== 'object' ||
    manifest === null ||
    typeof manifest.modelTopology !== 'object' ||
    manifest.modelTopology === null ||
    !Array.isArray(manifest.weightSpecs)
  ) {
    throw new Error(
      `${manifestFile}: expected an object with modelTopology and weightSpecs, ` +
        `got ${describe(manifest)}`,
    );
  }
  const badSpec = manifest.weightSpecs.findIndex(
    (spec) =>
      typeof spec !== 'object' ||
      spec === null ||
      !Array.isArray(spec.shape) ||
      !spec.shape.every((n) => Number.isInteger(n) && n >= 0),
  );
  if (badSpec >= 0) {
    throw new Error(
      `${manifestFile}: weightSpecs[${badSpec}] has no valid shape, ` +
        `got ${JSON.stringify(manifest.weightSpecs[badSpec])}`,
    );
  }

  // 2. The weights: exactly the bytes the manifest lists.
  const bytes = attempt(() => fs.readFileSync(weightsFile), `${weightsFile}: cannot read`);
  const expected = manifest.weightSpecs.reduce((sum, spec) => sum + specBytes(spec), 0);
  if (bytes.byteLength !== expected) {
    throw new Error(
      `${weightsFile}: expected ${expected} bytes for the ${manifest.weightSpecs.length} ` +
        `weights listed in ${part}.json, got ${bytes.byteLength} (truncated or overwritten)`,
    );
  }
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

  // 3. Every float finite: weights saved after a diverged step, or a damaged file, would
  //    otherwise load and give NaN latents that fail much later (in PCA).
  checkFiniteWeights(weightsFile, manifest.weightSpecs, weightData);

  // 4. The model, rebuilt by tfjs.
  let loaded: tf.LayersModel;
  try {
    loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ ...manifest, weightData } as tf.io.ModelArtifacts),
    );
  } catch (error) {
    throw new Error(`${manifestFile}: cannot rebuild the ${part} (${(error as Error).message})`);
  }
  if (!(loaded instanceof tf.Sequential)) {
    loaded.dispose();
    throw new Error(`${manifestFile}: expected a Sequential model, got ${loaded.getClassName()}`);
  }
  return loaded;
}

/** Throws naming the first weight of the file that holds a NaN or an infinity. */
function checkFiniteWeights(
  file: string,
  specs: tf.io.WeightsManifestEntry[],
  weightData: ArrayBuffer,
): void {
  const view = new DataView(weightData);
  let offset = 0;
  for (const spec of specs) {
    const bytes = specBytes(spec);
    if (spec.quantization === undefined && spec.dtype === 'float32') {
      for (let at = offset; at < offset + bytes; at += 4) {
        const value = view.getFloat32(at, true);
        if (Number.isFinite(value)) continue;
        throw new Error(
          `${file}: weight ${spec.name} holds ${value} at index ${(at - offset) / 4}; ` +
            'expected finite numbers (the saved model is corrupt)',
        );
      }
    }
    offset += bytes;
  }
}

function readMetadata(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  const metadata = readJson(file);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new Error(`${file}: expected a JSON object, got ${describe(metadata)}`);
  }
  return metadata as Record<string, unknown>;
}

function readJson(file: string): unknown {
  const text = attempt(() => fs.readFileSync(file, 'utf8'), `${file}: cannot read`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** Bytes of one weight as `saveAutoencoder` writes it (unquantised). */
function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization !== undefined) return size * QUANTIZED_BYTES[spec.quantization.dtype];
  return size * (spec.dtype === 'bool' ? 1 : 4);
}

const QUANTIZED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

/** A short description of a parsed JSON value for error messages. */
function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? '{}' : `keys ${keys.slice(0, 6).join(', ')}`;
}
