/**
 * One epoch of plain (non-batched) stochastic gradient descent: the known ratings in a
 * fresh shuffled order, one at a time. For a rating r_ui with error e = r_ui - q_u p_i:
 *   q_u <- q_u + learningRate (e p_i - lambda q_u)
 *   p_i <- p_i + learningRate (e q_u - lambda p_i)   (with the q_u just updated)
 * The epoch runs in WebAssembly (SIMD) when available, else in TypeScript.
 */
import { SparseMatrix } from '../sparse/matrix';
import { SeededRandom } from '../sparse/random';
import { Factors } from './factors';
import { WasmKernels, newWasmKernels, reserve } from './wasm';

/** Reusable state of SGD: the entries in coordinate form and the shuffled order. */
export class SgdEpochs {
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  private readonly values: Float64Array;
  private readonly order: Int32Array;
  private readonly random: SeededRandom;
  private wasm?: { kernels: WasmKernels; shape: string; at: Record<string, number> };

  /** `kernels`: `wasm`, `js`, or `auto` (wasm when available). Default `auto`. */
  constructor(
    matrix: SparseMatrix,
    seed = 0,
    private readonly kernels: 'auto' | 'wasm' | 'js' = 'auto',
  ) {
    const entries = matrix.entries();
    this.rows = entries.rows;
    this.cols = entries.cols;
    this.values = entries.values;
    this.order = new Int32Array(matrix.nnz);
    for (let e = 0; e < this.order.length; e++) this.order[e] = e;
    this.random = new SeededRandom(seed);
  }

  /** One pass over all known ratings, updating Q and P in place. */
  epoch(factors: Factors, lambda: number, learningRate: number): void {
    this.random.shuffle(this.order);
    const decay = 1 - learningRate * lambda;
    const wasm = this.kernels === 'js' ? undefined : this.wasmFor(factors);
    if (this.kernels === 'wasm' && !wasm) {
      throw new Error('SGD: WebAssembly SIMD is not available here; use kernels "js"');
    }
    if (wasm) this.epochWasm(wasm, factors, decay, learningRate);
    else this.epochJs(factors, decay, learningRate);
  }

  private epochJs(factors: Factors, decay: number, learningRate: number): void {
    const { k, Q, P } = factors;
    const { rows, cols, values, order } = this;
    for (let o = 0; o < order.length; o++) {
      const e = order[o];
      const qo = rows[e] * k;
      const po = cols[e] * k;
      let s0 = 0;
      let s1 = 0;
      let f = 0;
      for (; f + 1 < k; f += 2) {
        s0 += Q[qo + f] * P[po + f];
        s1 += Q[qo + f + 1] * P[po + f + 1];
      }
      if (f < k) s0 += Q[qo + f] * P[po + f];
      const step = learningRate * (values[e] - s0 - s1);
      // Both updates in one pass: p_i uses the q_u just written.
      for (let g = 0; g < k; g++) {
        const p = P[po + g];
        const q = decay * Q[qo + g] + step * p;
        Q[qo + g] = q;
        P[po + g] = decay * p + step * q;
      }
    }
  }

  /**
   * The entries stay in the module's memory between epochs; Q and P are copied in (rows
   * padded to an even length with zeros, which stay zero) and back out each epoch.
   */
  private epochWasm(
    wasm: NonNullable<SgdEpochs['wasm']>,
    factors: Factors,
    decay: number,
    learningRate: number,
  ): void {
    const { kernels, at } = wasm;
    const { k, Q, P, nUsers, nItems } = factors;
    const kPad = k + (k & 1);
    const heap = new Float64Array(kernels.memory.buffer);
    new Int32Array(kernels.memory.buffer).set(this.order, at.order / 4);
    copyRows(Q, k, heap, at.q / 8, kPad, nUsers, true);
    copyRows(P, k, heap, at.p / 8, kPad, nItems, true);
    kernels.sgdEpoch(
      at.q,
      at.p,
      at.rows,
      at.cols,
      at.values,
      at.order,
      this.order.length,
      kPad,
      learningRate,
      decay,
    );
    copyRows(Q, k, heap, at.q / 8, kPad, nUsers, false);
    copyRows(P, k, heap, at.p / 8, kPad, nItems, false);
  }

  /** Lays out the module's memory for factors of this size (once per size). */
  private wasmFor(factors: Factors): NonNullable<SgdEpochs['wasm']> | undefined {
    const shape = `${factors.nUsers}x${factors.nItems}x${factors.k}`;
    if (this.wasm && this.wasm.shape === shape) return this.wasm;
    const kernels = this.wasm?.kernels ?? newWasmKernels();
    if (!kernels) return undefined;
    const kPad = factors.k + (factors.k & 1);
    const n = this.order.length;
    const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const at: Record<string, number> = { values: 0 };
    at.rows = align(at.values + 8 * n);
    at.cols = align(at.rows + 4 * n);
    at.order = align(at.cols + 4 * n);
    at.q = align(at.order + 4 * n);
    at.p = align(at.q + 8 * kPad * factors.nUsers);
    reserve(kernels, at.p + 8 * kPad * factors.nItems);
    const { buffer } = kernels.memory;
    new Float64Array(buffer).set(this.values, at.values / 8);
    new Int32Array(buffer).set(this.rows, at.rows / 4);
    new Int32Array(buffer).set(this.cols, at.cols / 4);
    this.wasm = { kernels, shape, at };
    return this.wasm;
  }
}

/** Copies `count` rows of length k between `source` and the padded rows in `heap`. */
function copyRows(
  source: Float64Array,
  k: number,
  heap: Float64Array,
  at: number,
  kPad: number,
  count: number,
  intoHeap: boolean,
): void {
  if (kPad === k) {
    if (intoHeap) heap.set(source.subarray(0, count * k), at);
    else source.set(heap.subarray(at, at + count * k));
    return;
  }
  for (let r = 0; r < count; r++) {
    if (intoHeap) {
      heap.set(source.subarray(r * k, r * k + k), at + r * kPad);
      heap[at + r * kPad + k] = 0;
    } else {
      source.set(heap.subarray(at + r * kPad, at + r * kPad + k), r * k);
    }
  }
}
