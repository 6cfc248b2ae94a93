/**
 * The TensorFlow.js backend, chosen once per process at run time.
 *
 * Automatic order: `tensorflow-gpu` (@tensorflow/tfjs-node-gpu, only tried where an NVIDIA
 * GPU is found), `tensorflow` (@tensorflow/tfjs-node), `wasm` (@tensorflow/tfjs-backend-wasm
 * with latentlab's training kernels), then `cpu` (plain JavaScript). The native packages are
 * optional: where they are not installed the next candidate is used. `LATENTLAB_BACKEND` (or
 * `initBackend({backend})`) forces one, and a forced backend that cannot start is an error.
 *
 * Every other module imports `* as tf from '@tensorflow/tfjs'` and awaits `initBackend()`
 * before its first tensor.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_VARIABLE, requestedBackend } from '../env';
import { registerWasmKernels } from './wasm-kernels';
import { THREADED_WASM_VERSION, startThreadedWasm, wasmWorkerCode } from './wasm-threads';

/** latentlab's names for the backends, in the order they are tried. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What `initBackend` chose. */
export interface BackendInfo {
  /** latentlab's name: `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`. */
  name: BackendName;
  /** The package that provides it and its version, e.g. `@tensorflow/tfjs-backend-wasm 4.22.0`. */
  version: string;
  /** Why it was chosen, e.g. `LATENTLAB_BACKEND=wasm` or `@tensorflow/tfjs-node not installed`. */
  reason: string;
}

export interface BackendOptions {
  /** Force a backend by name; default `LATENTLAB_BACKEND`, else the automatic order. */
  backend?: string;
  /** Print the one line naming the chosen backend; default true. */
  log?: boolean;
  /**
   * Threads of the wasm backend's XNNPACK pool (convolutions and matrix products); default
   * the number of cores, at most 4. 1 loads the single-threaded SIMD build.
   */
  wasmThreads?: number;
}

/** The CUDA stack @tensorflow/tfjs-node-gpu 4.22 is built against. */
const GPU_REQUIREMENTS = 'CUDA 11.2 and cuDNN 8.1';
const GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const NODE_PACKAGE = '@tensorflow/tfjs-node';
const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

let chosen: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/**
 * Chooses and starts the tfjs backend; later calls return the first answer. Throws when a
 * forced backend cannot start (saying what to install), when the name is unknown, and when
 * a different backend is asked for after one was started (a process keeps its backend).
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const forced = parseBackendName(options.backend, requestedBackend());
  if (pending === undefined) {
    const threads = options.wasmThreads ?? Math.min(os.availableParallelism(), 4);
    if (!(Number.isInteger(threads) && threads >= 1 && threads <= 8)) {
      throw new Error(`initBackend: wasmThreads must be an integer in 1..8, got ${threads}`);
    }
    pending = startBackend(forced, options.log ?? true, threads);
    pending.catch(() => (pending = undefined));
  }
  const info = await pending;
  // Only an explicit option can conflict: LATENTLAB_BACKEND was read by the first call.
  if (options.backend !== undefined && forced !== undefined && forced.name !== info.name) {
    throw new Error(
      `${forced.source} asks for the ${forced.name} backend, but ${info.name} was already ` +
        'started in this process; restart it (in a notebook: restart the kernel)',
    );
  }
  return info;
}

/** The backend `initBackend` chose, or undefined before it has finished. */
export function backendInfo(): BackendInfo | undefined {
  return chosen;
}

interface ForcedBackend {
  name: BackendName;
  /** Where the request came from, for messages: `LATENTLAB_BACKEND=wasm` or `backend: 'wasm'`. */
  source: string;
}

function parseBackendName(
  option: string | undefined,
  fromEnv: string | undefined,
): ForcedBackend | undefined {
  const raw = option ?? fromEnv;
  if (raw === undefined) return undefined;
  const source =
    option !== undefined ? `initBackend({backend: '${option}'})` : `${BACKEND_VARIABLE}=${raw}`;
  const name = raw.trim().toLowerCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `${source}: unknown backend '${raw}', expected one of ${BACKEND_NAMES.join(', ')} ` +
        '(or unset for the automatic choice)',
    );
  }
  return { name: name as BackendName, source };
}

async function startBackend(
  forced: ForcedBackend | undefined,
  log: boolean,
  threads: number,
): Promise<BackendInfo> {
  const info = forced ? await startForced(forced, threads) : await startAutomatic(threads);
  chosen = info;
  if (log) console.log(`tfjs backend: ${info.name} (${info.version}; ${info.reason})`);
  return info;
}

async function startForced(forced: ForcedBackend, threads: number): Promise<BackendInfo> {
  const attempt = await tryBackend(forced.name, true, threads);
  if (typeof attempt === 'string') {
    throw new Error(`${forced.source}: cannot start the ${forced.name} backend: ${attempt}`);
  }
  return { ...attempt, reason: forced.source };
}

async function startAutomatic(threads: number): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES) {
    const attempt = await tryBackend(name, false, threads);
    if (typeof attempt !== 'string') {
      const reason = skipped.length > 0 ? skipped.join('; ') : 'first choice';
      return { ...attempt, reason };
    }
    skipped.push(`${name}: ${attempt}`);
  }
  throw new Error(`no tfjs backend could start: ${skipped.join('; ')}`);
}

/** Starts one backend; returns why not as a string when it cannot. */
async function tryBackend(
  name: BackendName,
  forced: boolean,
  threads: number,
): Promise<Omit<BackendInfo, 'reason'> | string> {
  switch (name) {
    case 'tensorflow-gpu':
      return startNative(GPU_PACKAGE, forced);
    case 'tensorflow':
      return startNative(NODE_PACKAGE, forced);
    case 'wasm':
      return startWasm(threads);
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) return 'the cpu backend failed to start';
      silenceCpuNodeHint();
      return { name, version: `@tensorflow/tfjs ${tf.version_core}` };
  }
}

/**
 * Loads @tensorflow/tfjs-node or -node-gpu and switches to its `tensorflow` backend. The
 * package registers the backend into the tfjs-core it resolves; that must be the same copy
 * this module uses, which it is when both pin the same version.
 */
async function startNative(
  pkg: string,
  forced: boolean,
): Promise<Omit<BackendInfo, 'reason'> | string> {
  const gpu = pkg === GPU_PACKAGE;
  const name: BackendName = gpu ? 'tensorflow-gpu' : 'tensorflow';
  const install = gpu
    ? `install it with "npm install -E ${pkg}@${tf.version_core}" on a machine with an ` +
      `NVIDIA GPU, ${GPU_REQUIREMENTS} (its install downloads libtensorflow)`
    : `install it with "npm install -E ${pkg}@${tf.version_core}" (its install downloads ` +
      'libtensorflow, so it needs a network)';

  // 1. Only look for the GPU package where there is a GPU to run it.
  if (gpu && !nvidiaGpuPresent()) {
    if (!forced) return 'no NVIDIA GPU found';
    const installed = packageVersion(pkg) !== undefined ? 'installed' : `not installed; ${install}`;
    return (
      'no NVIDIA GPU found (nvidia-smi -L failed and /proc/driver/nvidia is missing); ' +
      `${pkg} needs one with ${GPU_REQUIREMENTS} (${pkg} is ${installed})`
    );
  }

  // 2. Is it installed at all?
  const version = packageVersion(pkg);
  if (version === undefined)
    return forced ? `${pkg} is not installed; ${install}` : `${pkg} not installed`;

  // 3. Load it; this fails when libtensorflow (or CUDA for the GPU build) is missing.
  if (gpu) process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, may be absent
    require(pkg);
  } catch (error) {
    const detail = firstLine(error);
    return gpu
      ? `${pkg} ${version} failed to load (${detail}); it needs ${GPU_REQUIREMENTS} on the ` +
          'library path, and its install step must have downloaded libtensorflow'
      : `${pkg} ${version} failed to load (${detail}); reinstall it so its install step ` +
          'downloads libtensorflow';
  }

  // 4. It registered into a different tfjs-core when the versions differ.
  if (tf.findBackendFactory('tensorflow') === null) {
    return (
      `${pkg} ${version} loaded but did not register its backend with @tensorflow/tfjs ` +
      `${tf.version_core}; install the same version of both`
    );
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} ${version} failed to start`;
  return { name, version: `${pkg} ${version}` };
}

/**
 * Starts the wasm backend, pointing it at its .wasm files on disk, and adds our kernels. With
 * more than one thread it first tries the package's multi-threaded build and falls back to
 * the single-threaded one.
 */
async function startWasm(threads: number): Promise<Omit<BackendInfo, 'reason'> | string> {
  const version = packageVersion(WASM_PACKAGE);
  if (version === undefined) return `${WASM_PACKAGE} not installed; run "npm install"`;
  let started = 1;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when chosen
    const wasm = require(WASM_PACKAGE) as typeof import('@tensorflow/tfjs-backend-wasm');
    // In Node the files are read with fs, so a folder path (with its trailing separator)
    // works; it also keeps bundlers and tslab's working folder out of the lookup.
    const dist = path.join(path.dirname(require.resolve(`${WASM_PACKAGE}/package.json`)), 'dist');
    wasm.setWasmPaths(dist + path.sep);
    const workerCode = threads > 1 && version === THREADED_WASM_VERSION && wasmWorkerCode(dist);
    if (workerCode) {
      if (await startThreadedWasm(wasm, workerCode, threads)) started = wasm.getThreadsCount();
      else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    if (started === 1 && !(await tf.setBackend('wasm'))) {
      return `${WASM_PACKAGE} ${version} failed to start`;
    }
  } catch (error) {
    return `${WASM_PACKAGE} ${version} failed to start (${firstLine(error)})`;
  }
  registerWasmKernels();
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  return { name: 'wasm', version: `${WASM_PACKAGE} ${version}, ${simd}, threads: ${started}` };
}

/** An NVIDIA driver is present when `nvidia-smi -L` succeeds or /proc/driver/nvidia exists. */
export function nvidiaGpuPresent(): boolean {
  if (fs.existsSync('/proc/driver/nvidia')) return true;
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The cpu backend prints a banner recommending tfjs-node on its first tensor; the line
 * `initBackend` logs already says why that backend was skipped.
 */
function silenceCpuNodeHint(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (backend.firstUse === true) backend.firstUse = false;
}

function packageVersion(pkg: string): string | undefined {
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}
