import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BACKEND_NAMES, nvidiaGpuPresent } from '../../lib/nn/backend';

const CHILD = path.join(__dirname, 'fixtures', 'init-backend.ts');
/** tsx's loader by path, so the child can start in any folder. */
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface ChildResult {
  status: number | null;
  error?: string;
  info?: { name: string; version: string; reason: string };
  same?: boolean;
  tfBackend?: string;
  sum?: number;
  grad?: number[];
  secondError?: string;
}

/** Runs initBackend in a fresh Node process (a process keeps its first backend). */
function initInChild(env: Record<string, string>, args: string[] = [], cwd?: string): ChildResult {
  const run = spawnSync(process.execPath, ['--import', TSX, CHILD, ...args], {
    cwd: cwd ?? process.cwd(),
    env: { ...process.env, LATENTLAB_BACKEND: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  assert.ok(line.startsWith('{'), `child printed no result: ${run.stdout}\n${run.stderr}`);
  return { status: run.status, ...(JSON.parse(line) as Omit<ChildResult, 'status'>) };
}

function installed(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

test('initBackend() honours LATENTLAB_BACKEND=cpu', () => {
  const r = initInChild({ LATENTLAB_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.error);
  assert.equal(r.info?.name, 'cpu');
  assert.equal(r.tfBackend, 'cpu');
  assert.equal(r.info?.reason, 'LATENTLAB_BACKEND=cpu');
  assert.equal(r.sum, 4 * 9 * 2);
  assert.equal(r.same, true, 'a second call returns the same info');
});

test('initBackend() honours LATENTLAB_BACKEND=wasm and finds the .wasm files from any folder', () => {
  const r = initInChild({ LATENTLAB_BACKEND: 'wasm' }, [], os.tmpdir());
  assert.equal(r.status, 0, r.error);
  assert.equal(r.info?.name, 'wasm');
  assert.equal(r.tfBackend, 'wasm');
  assert.match(r.info?.version ?? '', /@tensorflow\/tfjs-backend-wasm 4\.22\.0/);
  assert.equal(r.sum, 4 * 9 * 2);
});

test('initBackend() runs wasm on two threads with the one-thread results', () => {
  const one = initInChild({ LATENTLAB_BACKEND: 'wasm', WASM_THREADS: '1' });
  const two = initInChild({ LATENTLAB_BACKEND: 'wasm', WASM_THREADS: '2' });
  assert.equal(one.status, 0, one.error);
  assert.equal(two.status, 0, two.error);
  assert.match(one.info?.version ?? '', /threads: 1$/);
  assert.match(two.info?.version ?? '', /threads: 2$/);
  assert.equal(two.grad?.length, 3 * 3 * 4 * 8);
  assert.deepEqual(two.grad, one.grad);
});

test('initBackend({wasmThreads}) outside 1..8 fails naming the value', () => {
  const r = initInChild({ LATENTLAB_BACKEND: 'wasm', WASM_THREADS: '0' });
  assert.equal(r.status, 1);
  assert.match(r.error ?? '', /wasmThreads must be an integer in 1\.\.8, got 0/);
});

test('initBackend({backend}) wins over LATENTLAB_BACKEND', () => {
  const r = initInChild({ LATENTLAB_BACKEND: 'wasm' }, ['cpu']);
  assert.equal(r.info?.name, 'cpu');
  assert.match(r.info?.reason ?? '', /initBackend\(\{backend: 'cpu'\}\)/);
});

test('initBackend() with an unknown LATENTLAB_BACKEND fails listing the valid names', () => {
  const r = initInChild({ LATENTLAB_BACKEND: 'tpu' });
  assert.equal(r.status, 1);
  assert.match(r.error ?? '', /LATENTLAB_BACKEND=tpu: unknown backend 'tpu'/);
  for (const name of BACKEND_NAMES) assert.ok(r.error?.includes(name), name);
});

test('initBackend() refuses a different backend once one has started', () => {
  const r = initInChild({}, ['cpu', 'wasm']);
  assert.equal(r.info?.name, 'cpu');
  assert.match(r.secondError ?? '', /asks for the wasm backend, but cpu was already started/);
});

const gpuUsable = nvidiaGpuPresent() && installed('@tensorflow/tfjs-node-gpu');
test(
  'initBackend() with tensorflow-gpu unavailable fails saying what to install',
  { skip: gpuUsable && 'this machine has a GPU and @tensorflow/tfjs-node-gpu' },
  () => {
    const r = initInChild({ LATENTLAB_BACKEND: 'tensorflow-gpu' });
    assert.equal(r.status, 1, 'no silent fallback to another backend');
    assert.match(r.error ?? '', /cannot start the tensorflow-gpu backend/);
    assert.match(r.error ?? '', /CUDA 11\.2 and cuDNN 8\.1/);
    assert.match(r.error ?? '', /@tensorflow\/tfjs-node-gpu/);
  },
);

test(
  'initBackend() with tensorflow unavailable fails with the npm command to run',
  { skip: installed('@tensorflow/tfjs-node') && '@tensorflow/tfjs-node is installed here' },
  () => {
    const r = initInChild({ LATENTLAB_BACKEND: 'tensorflow' });
    assert.equal(r.status, 1);
    assert.match(r.error ?? '', /npm install -E @tensorflow\/tfjs-node@4\.22\.0/);
  },
);

test('initBackend() without a request picks the first backend that starts and says why', () => {
  const r = initInChild({});
  assert.equal(r.status, 0, r.error);
  assert.ok(BACKEND_NAMES.includes(r.info?.name as (typeof BACKEND_NAMES)[number]));
  if (!installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')) {
    assert.equal(r.info?.name, 'wasm');
    assert.match(r.info?.reason ?? '', /tensorflow: @tensorflow\/tfjs-node not installed/);
  }
});
