/**
 * The WebAssembly kernels of kernels.wat (ALS's Gram matrix and Cholesky solve, the SGD
 * epoch), compiled once. When WebAssembly or its SIMD extension is missing these return
 * undefined and the callers use their TypeScript kernels (slower, same results up to
 * rounding).
 */
import { KERNELS_WASM_BASE64 } from './kernelsWasm';

export interface WasmKernels {
  memory: WebAssembly.Memory;
  /** Gram matrix of n vectors of length len at byte address x into G at byte address g. */
  gram(x: number, n: number, len: number, g: number): void;
  /** Cholesky solve in place; 0 when the matrix is not positive definite. */
  choleskySolve(g: number, n: number, stride: number, b: number): number;
  /** One SGD epoch over `count` entries in `order`; Q and P rows are kPad doubles. */
  sgdEpoch(
    q: number,
    p: number,
    rows: number,
    cols: number,
    values: number,
    order: number,
    count: number,
    kPad: number,
    rate: number,
    decay: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
let shared: WasmKernels | undefined;

/** One shared instance, for kernels that keep nothing in memory between calls. */
export function wasmKernels(): WasmKernels | undefined {
  shared ??= newWasmKernels();
  return shared;
}

/** A fresh instance with its own memory, for a caller that keeps data there. */
export function newWasmKernels(): WasmKernels | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  return new WebAssembly.Instance(compiled, {}).exports as unknown as WasmKernels;
}

/** Grows the kernels' memory to hold at least `bytes`. */
export function reserve(kernels: WasmKernels, bytes: number): void {
  const { memory } = kernels;
  if (bytes > memory.buffer.byteLength) {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  }
}
