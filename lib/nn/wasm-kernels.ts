/**
 * Training kernels latentlab adds to the wasm backend (filled in next).
 */

/** Registers latentlab's wasm kernels; safe to call more than once. */
export function registerWasmKernels(): void {}
