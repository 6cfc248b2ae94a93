import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../lib/nn/backend';
import { createAutoencoder } from '../../lib/nn/autoencoder';
import { trainedAutoencoder } from '../../lib/nn/model-cache';
import { disposeAutoencoder, loadAutoencoder, saveAutoencoder } from '../../lib/nn/model-io';
import { seededRandom } from '../../lib/nn/random';
import type { ImageSet } from '../../lib/data/fashion-mnist';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist';

before(async () => {
  await initBackend({ log: false });
});

/** Eight images of uniform noise in [0, 1]. */
function noise(): ImageSet {
  const random = seededRandom(3);
  const images = Float32Array.from({ length: 8 * 784 }, () => random());
  const labels = new Uint8Array(8);
  return { images, labels, count: 8, height: 28, width: 28, classNames: FASHION_MNIST_CLASSES };
}

/** Makes writeFileSync fail with `code` for paths for which `fails` is true. */
function failWrites(t: TestContext, code: string, fails: (file: string) => boolean): void {
  const write = fs.writeFileSync;
  t.mock.method(fs, 'writeFileSync', (file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (fails(String(file))) {
      throw Object.assign(new Error(`${code}: failed, open '${String(file)}'`), { code });
    }
    return (write as (...args: unknown[]) => void)(file, ...rest);
  });
}

const quick = { epochs: 1, batchSize: 8, log: () => {} };

test('trainedAutoencoder on a read-only cacheDir fails before training, saying what to do', async (t) => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  failWrites(t, 'EROFS', (file) => file.startsWith(cacheDir));
  let epochs = 0;
  await assert.rejects(
    trainedAutoencoder(noise(), noise(), { ...quick, cacheDir, onEpoch: () => (epochs += 1) }),
    new RegExp(
      `^FileError: cacheDir: cannot write to ${cacheDir}: read-only file system \\(EROFS\\); ` +
        'choose another cacheDir$',
    ),
  );
  assert.equal(epochs, 0);
  t.mock.restoreAll();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('trainedAutoencoder that cannot save after training warns and returns the model', async (t) => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-cache-'));
  failWrites(t, 'ENOSPC', (file) => file.endsWith('.weights.bin'));
  const warn = t.mock.method(console, 'warn', () => {});
  const trained = await trainedAutoencoder(noise(), noise(), { ...quick, cacheDir });
  assert.equal(trained.reused, false);
  assert.equal(trained.history.length, 1);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(
    String(warn.mock.calls[0].arguments[0]),
    /^warning: cannot write .*encoder\.weights\.bin: no space left on the disk \(ENOSPC\); .*choose another cacheDir to keep it$/,
  );
  disposeAutoencoder(trained.model);
  t.mock.restoreAll();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

test('trainedAutoencoder rejects a missing or empty cacheDir', async () => {
  for (const cacheDir of ['', undefined]) {
    await assert.rejects(
      trainedAutoencoder(noise(), noise(), { ...quick, cacheDir: cacheDir as string }),
      /trainedAutoencoder: invalid cacheDir: (""|undefined); expected the path of a folder/,
    );
  }
});

test('saveAutoencoder under a file names it instead of failing with ENOTDIR', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-ae-'));
  fs.writeFileSync(path.join(dir, 'file'), 'x');
  const model = createAutoencoder();
  await assert.rejects(
    saveAutoencoder(model, path.join(dir, 'file', 'model')),
    /^FileError: saveAutoencoder: .*file is a file, not a folder; choose a folder you can write to$/,
  );
  disposeAutoencoder(model);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('loadAutoencoder names a saved file that cannot be read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-ae-'));
  const model = createAutoencoder();
  await saveAutoencoder(model, dir);
  disposeAutoencoder(model);
  fs.rmSync(path.join(dir, 'decoder.json'));
  fs.mkdirSync(path.join(dir, 'decoder.json'));
  await assert.rejects(
    loadAutoencoder(dir),
    /decoder\.json: cannot read: it is a folder \(EISDIR\)$/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
