/**
 * Loads the WebAssembly ALS kernels (kernels.wat) once, synchronously. When WebAssembly or
 * its SIMD extension is missing, `wasmKernels()` returns undefined and ALS uses the
 * TypeScript kernels of linalg.ts instead (slower, same results up to rounding).
 */
import { KERNELS_WASM_BASE64 } from './kernelsWasm';

export interface WasmKernels {
  memory: WebAssembly.Memory;
  /** Gram matrix of n vectors of length len at byte address x into G at byte address g. */
  gram(x: number, n: number, len: number, g: number): void;
  /** Cholesky solve in place; 0 when the matrix is not positive definite. */
  choleskySolve(g: number, n: number, stride: number, b: number): number;
}

let cached: WasmKernels | null | undefined;

export function wasmKernels(): WasmKernels | undefined {
  if (cached === undefined) cached = load();
  return cached ?? undefined;
}

function load(): WasmKernels | null {
  try {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return instance.exports as unknown as WasmKernels;
  } catch {
    return null;
  }
}
