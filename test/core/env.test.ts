import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dataDir, dataPath, projectRoot, quickMode, quickOr, requestedBackend } from '../../lib';

test('quickMode() reads LATENTLAB_QUICK; empty, 0, false, no and off mean off', () => {
  for (const on of ['1', 'yes', 'true', 'ON']) {
    assert.equal(quickMode({ LATENTLAB_QUICK: on }), true, on);
  }
  for (const off of ['', '0', 'false', 'FALSE', ' ', 'no', 'off']) {
    assert.equal(quickMode({ LATENTLAB_QUICK: off }), false, JSON.stringify(off));
  }
  assert.equal(quickMode({}), false);
});

test('quickMode() refuses a value it cannot read instead of guessing', () => {
  assert.throws(
    () => quickMode({ LATENTLAB_QUICK: 'maybe' }),
    /^Error: LATENTLAB_QUICK=maybe: expected 1 \(quick mode\) or 0 \(full size\)/,
  );
});

test('dataPath() says so when LATENTLAB_DATA names a file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-env-')), 'f');
  fs.writeFileSync(file, '');
  assert.throws(
    () => dataPath('fashion-mnist', { LATENTLAB_DATA: file }),
    /data folder .*\/f is a file; set LATENTLAB_DATA to a folder/,
  );
});

test('quickOr(full, quick) picks by LATENTLAB_QUICK', () => {
  assert.equal(quickOr(100, 5, { LATENTLAB_QUICK: '1' }), 5);
  assert.equal(quickOr(100, 5, {}), 100);
});

test('projectRoot() is the folder with latentlab package.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'latentlab');
});

test('dataDir() defaults to data/ and follows LATENTLAB_DATA', () => {
  assert.equal(dataDir({}), path.join(projectRoot(), 'data'));
  assert.equal(dataDir({ LATENTLAB_DATA: '/tmp/elsewhere' }), '/tmp/elsewhere');
});

test('dataPath() names the missing folder or file and how to fix it', () => {
  const missing = path.join(os.tmpdir(), 'latentlab-no-such-folder');
  assert.throws(
    () => dataPath('ratings.npy', { LATENTLAB_DATA: missing }),
    (e: Error) => e.message.includes(missing) && e.message.includes('npm run setup'),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-data-'));
  assert.throws(
    () => dataPath('ratings.npy', { LATENTLAB_DATA: dir }),
    (e: Error) => e.message.includes(path.join(dir, 'ratings.npy')),
  );
  fs.writeFileSync(path.join(dir, 'ratings.npy'), '');
  assert.equal(dataPath('ratings.npy', { LATENTLAB_DATA: dir }), path.join(dir, 'ratings.npy'));
});

test('requestedBackend() is undefined for empty or auto, lowercased otherwise', () => {
  assert.equal(requestedBackend({}), undefined);
  assert.equal(requestedBackend({ LATENTLAB_BACKEND: 'auto' }), undefined);
  assert.equal(requestedBackend({ LATENTLAB_BACKEND: ' WASM ' }), 'wasm');
});
