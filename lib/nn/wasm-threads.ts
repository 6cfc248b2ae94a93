/**
 * Two or more threads for the wasm backend in Node: its multi-threaded build (XNNPACK's
 * thread pool) started with a few stand-ins for what it expects of a browser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';

/**
 * The package reports no thread support in Node (tfjs issue 3830), and its multi-threaded
 * build assumes a browser: it starts its helper threads from a Blob URL, which Node's
 * worker_threads cannot load, and caps the pool at half of `os.cpus()` (counting two
 * hyperthreads per core). For the start only, `os.cpus` reports enough cores and
 * `worker_threads.Worker` starts the package's own helper script from source, unref'd so
 * that a finished script still exits. Relies on 4.22.0's bundle; other versions stay on
 * one thread.
 */
export async function startThreadedWasm(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  workerCode: string,
  threads: number,
): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- patched module objects
  const workers = require('node:worker_threads') as typeof import('node:worker_threads');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- patched module objects
  const system = require('node:os') as typeof import('node:os');
  const { Worker } = workers;
  const { cpus } = system;
  const started: import('node:worker_threads').Worker[] = [];
  class HelperThread extends Worker {
    constructor(file: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      const blob = String(file).startsWith('blob:');
      super(blob ? workerCode : file, blob ? { ...options, eval: true } : options);
      started.push(this);
    }
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  workers.Worker = HelperThread;
  system.cpus = () => {
    const list = cpus();
    while (list.length < 2 * threads) list.push(list[0]);
    return list;
  };
  try {
    return await tf.setBackend('wasm');
  } finally {
    workers.Worker = Worker;
    system.cpus = cpus;
    // Only now: the package's message listeners, added after the start, hold a reference.
    for (const helper of started) helper.unref();
  }
}

/** The version whose bundle `wasmWorkerCode` and `startThreadedWasm` were written against. */
export const THREADED_WASM_VERSION = '4.22.0';

/**
 * The helper-thread script embedded in the package's Node bundle, followed by what it needs
 * in Node: the main script arrives as a Blob (read asynchronously, so messages wait until it
 * is), and that script expects the bundle's module-level names. Undefined when not found or
 * when it does not parse.
 */
export function wasmWorkerCode(dist: string): string | undefined {
  const bundle = fs.readFileSync(path.join(dist, 'tf-backend-wasm.node.js'), 'utf8');
  const literal = /var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/.exec(bundle);
  if (literal === null) return undefined;
  // As the package does: newlines inside the script's own strings stay escaped.
  const script = (JSON.parse(literal[1]) as string).replace(/\n/g, '\\n');
  const code = `${script};\n${WORKER_ADAPTER}`;
  // A helper thread that fails to parse would end the process from inside the package.
  try {
    new vm.Script(code);
  } catch {
    return undefined;
  }
  return code;
}

const WORKER_ADAPTER = `
(() => {
  Object.assign(globalThis, {
    commonjsGlobal: globalThis,
    require$$0: require('fs'),
    require$$1: require('path'),
    require$$3: require('perf_hooks'),
    require$$4: require('os'),
    __values: (o) => o[Symbol.iterator](),
    __read: (o, n) => {
      const out = [];
      for (const v of o) {
        if (n !== undefined && out.length >= n) break;
        out.push(v);
      }
      return out;
    },
    __spreadArray: (to, from) => to.concat(Array.prototype.slice.call(from)),
  });
  let mainScript;
  const importFile = importScripts;
  globalThis.importScripts = (file) =>
    String(file).startsWith('blob:') ? (0, eval)(mainScript) : importFile(file);
  const handle = self.onmessage;
  let waiting;
  self.onmessage = (e) => {
    if (waiting) return void waiting.push(e);
    const blob = e.data && e.data.cmd === 'load' && e.data.urlOrBlob;
    if (!blob || typeof blob === 'string') return handle(e);
    waiting = [];
    blob.text().then((text) => {
      mainScript = text;
      handle(e);
      const later = waiting;
      waiting = undefined;
      for (const m of later) self.onmessage(m);
    });
  };
})();
`;
