/**
 * Training kernels for the wasm backend, fast enough to train the autoencoder.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` (so no conv layer can
 * train) and its `Conv2DBackpropInput` (the gradient of a conv, and the forward pass of a
 * transposed conv) is a plain loop. Both are rewritten here as forward convolutions run by
 * the backend's own XNNPACK `Conv2D`, with small rearrangements around them:
 *
 * - filter gradient: a conv of x with channels and images swapped, using dy (images as its
 *   input channels) as the filter, dilated by the stride;
 * - input gradient: for each output phase (row and column modulo the stride) a stride-1 conv
 *   of dy with the filter taps that reach that phase, flipped and transposed; the phases are
 *   then interleaved. With stride 1 that is a single conv and no copy.
 *
 * Only channels-last (NHWC), dilation 1; any stride and padding tfjs passes ('valid', 'same',
 * explicit numbers). Three more replace slow package kernels met in training: `MaxPoolGrad`
 * (one pass in JavaScript, 2x faster), float32 `Tile` (used by the batch-norm gradient;
 * block copies, ~100x faster) and `Identity` (shares the data instead of copying).
 *
 * The convolutions run on XNNPACK's thread pool when the backend started with threads (see
 * backend.ts: two on a two-core machine); the JavaScript loops here stay on the main thread.
 */
import * as tf from '@tensorflow/tfjs';

/** Registers the kernels on the wasm backend; safe to call again. */
export function registerWasmKernels(): void {
  if (registered) return;
  for (const config of WASM_KERNELS) {
    // The package's own Conv2DBackpropInput is replaced, not duplicated (that only warns).
    const original = tf.getKernel(config.kernelName, 'wasm');
    if (original !== undefined) {
      originals.set(config.kernelName, original.kernelFunc);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  registered = true;
}

/** The parts of tfjs-backend-wasm's backend these kernels use. */
interface WasmBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: { HEAPF32: Float32Array };
}

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

interface Conv2DBackpropInputAttrs extends Omit<Conv2DBackpropFilterAttrs, 'filterShape'> {
  inputShape: [number, number, number, number];
}

let registered = false;
/** The package's kernels these replace, for the cases they leave to them. */
const originals = new Map<string, tf.KernelFunc>();

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  const g = convGeometry(x.shape, attrs.filterShape, attrs, 'Conv2DBackpropFilter');

  // 1. x^T [inC, inH, inW, batch] and dy^T [outH, outW, batch, outC].
  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);

  // 2. dW[i, j, c, co] = sum over n, oh, ow of x[n, oh s + i - pad, ow s + j - pad, c]
  //    dy[n, oh, ow, co]: a conv of x^T (images as channels) with dy^T as the filter,
  //    dilated by the stride, giving [inC, kH', kW', outC] with kH' >= kH, kW' >= kW.
  const padAfterH = g.kH - g.inH - g.padTop + g.strideH * (g.outH - 1);
  const padAfterW = g.kW - g.inW - g.padLeft + g.strideW * (g.outW - 1);
  const y = conv2DKernel()({
    inputs: { x: xT, filter: dyT },
    backend: backend as unknown as tf.KernelBackend,
    attrs: {
      strides: 1,
      dilations: [g.strideH, g.strideW],
      dataFormat: 'NHWC',
      pad: [
        [0, 0],
        [g.padTop, Math.max(0, padAfterH)],
        [g.padLeft, Math.max(0, padAfterW)],
        [0, 0],
      ],
    },
  }) as tf.TensorInfo;
  backend.disposeData(xT.dataId);
  backend.disposeData(dyT.dataId);

  // 3. dW [kH, kW, inC, outC], dropping the extra rows and columns.
  const dW = backend.makeOutput(attrs.filterShape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const [, yH, yW] = y.shape;
  const ys = view(backend, heap, y, 0, g.inC * yH * yW * g.outC);
  const out = view(backend, heap, dW, 0, g.K * g.outC);
  let at = 0;
  for (let i = 0; i < g.kH; i++) {
    for (let j = 0; j < g.kW; j++) {
      for (let c = 0; c < g.inC; c++) {
        const from = ((c * yH + i) * yW + j) * g.outC;
        for (let co = 0; co < g.outC; co++) out[at++] = ys[from + co];
      }
    }
  }
  backend.disposeData(y.dataId);
  return dW;
}

function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return wasmKernel('Transpose')({
    inputs: { x },
    backend: backend as unknown as tf.KernelBackend,
    attrs: { perm },
  }) as tf.TensorInfo;
}

function conv2DBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
  const filterShape = filter.shape as [number, number, number, number];
  const g = convGeometry(attrs.inputShape, filterShape, attrs, 'Conv2DBackpropInput');

  // Each output phase (row mod strideH, column mod strideW) is a stride-1 convolution of dy
  // with the filter taps that reach it, flipped; with stride 1 there is one phase.
  const phases: Phase[] = [];
  for (let a = 0; a < g.strideH; a++) {
    for (let b = 0; b < g.strideW; b++) {
      const rows = phaseAxis(a, g.strideH, g.padTop, g.kH, g.inH, g.outH);
      const cols = phaseAxis(b, g.strideW, g.padLeft, g.kW, g.inW, g.outW);
      // A phase no tap reaches (stride above kernel size) keeps its zeros.
      if (rows.count * rows.taps * cols.count * cols.taps > 0) phases.push({ rows, cols });
    }
  }
  const only = phases.length === 1 ? phases[0] : undefined;
  if (only && only.rows.count === g.inH && only.cols.count === g.inW) {
    const y = phaseConv(backend, g, dy, filter, only);
    if (y.shape[1] === g.inH && y.shape[2] === g.inW && only.rows.crop + only.cols.crop === 0) {
      return y;
    }
    backend.disposeData(y.dataId);
  }

  const dx = backend.makeOutput(attrs.inputShape, 'float32');
  const size = g.batch * g.inH * g.inW * g.inC;
  view(backend, backend.wasm.HEAPF32, dx, 0, size).fill(0);
  for (const phase of phases) {
    const y = phaseConv(backend, g, dy, filter, phase);
    const heap = backend.wasm.HEAPF32;
    const [, yH, yW] = y.shape;
    const ys = view(backend, heap, y, 0, g.batch * yH * yW * g.inC);
    scatterPhase(g, phase, ys, yH, yW, view(backend, heap, dx, 0, size));
    backend.disposeData(y.dataId);
  }
  return dx;
}

/** Where one phase of the input gradient sits along one axis, and the conv that makes it. */
interface PhaseAxis {
  /** First output index of the phase (row or column mod stride). */
  start: number;
  /** Outputs in the phase: those start, start + stride, ... below the input size. */
  count: number;
  /** Filter taps reaching the phase: first tap and their number (taps first + stride m). */
  firstTap: number;
  taps: number;
  /** Padding of dy for the stride-1 conv, before and after (never negative). */
  padBefore: number;
  padAfter: number;
  /** Conv outputs to skip at the start when the exact padding would be negative. */
  crop: number;
}

interface Phase {
  rows: PhaseAxis;
  cols: PhaseAxis;
}

/**
 * Along one axis, input position i = stride q + start receives dy[o] W[t] for every tap
 * t = stride m + firstTap with o = q + shift - m, shift = (start + pad - firstTap) / stride.
 * Flipping m makes that a stride-1 correlation of dy padded by taps - 1 - shift in front.
 */
function phaseAxis(
  start: number,
  stride: number,
  pad: number,
  kernel: number,
  inSize: number,
  outSize: number,
): PhaseAxis {
  const count = start < inSize ? Math.ceil((inSize - start) / stride) : 0;
  const firstTap = (((start + pad) % stride) + stride) % stride;
  const taps = firstTap < kernel ? Math.ceil((kernel - firstTap) / stride) : 0;
  const shift = (start + pad - firstTap) / stride;
  const before = taps - 1 - shift;
  const after = count - outSize - before + taps - 1;
  return {
    start,
    count,
    firstTap,
    taps,
    padBefore: Math.max(0, before),
    padAfter: Math.max(0, after),
    crop: Math.max(0, -before),
  };
}

/** The stride-1 conv of dy with this phase's flipped taps, run by the wasm Conv2D kernel. */
function phaseConv(
  backend: WasmBackend,
  g: ConvGeometry,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  { rows, cols }: Phase,
): tf.TensorInfo {
  // sub[m, n, co, ci] = W[firstTap + stride (taps - 1 - m), ..., ci, co]
  const sub = backend.makeOutput([rows.taps, cols.taps, g.outC, g.inC], 'float32');
  const heap = backend.wasm.HEAPF32;
  const W = view(backend, heap, filter, 0, g.kH * g.kW * g.inC * g.outC);
  const S = view(backend, heap, sub, 0, rows.taps * cols.taps * g.outC * g.inC);
  let at = 0;
  for (let m = 0; m < rows.taps; m++) {
    const i = rows.firstTap + g.strideH * (rows.taps - 1 - m);
    for (let n = 0; n < cols.taps; n++) {
      const j = cols.firstTap + g.strideW * (cols.taps - 1 - n);
      const tap = (i * g.kW + j) * g.inC * g.outC;
      for (let co = 0; co < g.outC; co++) {
        for (let ci = 0; ci < g.inC; ci++) S[at++] = W[tap + ci * g.outC + co];
      }
    }
  }
  const y = conv2DKernel()({
    inputs: { x: dy, filter: sub },
    backend: backend as unknown as tf.KernelBackend,
    attrs: {
      strides: 1,
      dilations: 1,
      dataFormat: 'NHWC',
      pad: [
        [0, 0],
        [rows.padBefore, rows.padAfter],
        [cols.padBefore, cols.padAfter],
        [0, 0],
      ],
    },
  }) as tf.TensorInfo;
  backend.disposeData(sub.dataId);
  return y;
}

/** Copies a phase's conv output y [batch, yH, yW, inC] into every stride-th pixel of dx. */
function scatterPhase(
  g: ConvGeometry,
  { rows, cols }: Phase,
  y: Float32Array,
  yH: number,
  yW: number,
  dx: Float32Array,
): void {
  const C = g.inC;
  for (let n = 0; n < g.batch; n++) {
    for (let q = 0; q < rows.count; q++) {
      const ih = rows.start + q * g.strideH;
      let from = ((n * yH + q + rows.crop) * yW + cols.crop) * C;
      let to = ((n * g.inH + ih) * g.inW + cols.start) * C;
      const step = g.strideW * C;
      for (let p = 0; p < cols.count; p++, from += C, to += step) {
        for (let c = 0; c < C; c++) dx[to + c] = y[from + c];
      }
    }
  }
}

/**
 * dx of a max pool: each dy goes to the first largest pixel of its window (the cpu
 * backend's choice), found in one pass over the windows.
 */
function maxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;

  const dx = backend.makeOutput(input.shape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const size = batchSize * inHeight * inWidth * C;
  const x = view(backend, heap, input, 0, size);
  const dys = view(backend, heap, dy, 0, batchSize * outHeight * outWidth * C);
  const out = view(backend, heap, dx, 0, size).fill(0);
  let at = 0;
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight * inWidth * C;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * strideHeight - top);
      const h1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * strideWidth - left);
        const w1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
        for (let c = 0; c < C; c++, at++) {
          let best = -Infinity;
          let where = -1;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const i = image + (h * inWidth + w) * C + c;
              if (x[i] > best) {
                best = x[i];
                where = i;
              }
            }
          }
          if (where >= 0) out[where] += dys[at];
        }
      }
    }
  }
  return dx;
}

/**
 * Tile for float32 (the batch-norm gradient tiles its statistics to the full activation):
 * x goes into the first corner, then each axis from the last is filled by copying the block
 * before it. Other dtypes use the package's kernel.
 */
function tile(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const reps = (args.attrs as unknown as { reps: number[] }).reps;
  if (x.dtype !== 'float32' || x.shape.length === 0) {
    const original = originals.get('Tile')!;
    return original({ ...args, backend: backend as unknown as tf.KernelBackend }) as tf.TensorInfo;
  }
  const shape = x.shape;
  const rank = shape.length;
  const outShape = shape.map((d, k) => d * reps[k]);
  // inner[k]: floats in one step along axis k of the output
  const inner = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) inner[k] = inner[k + 1] * outShape[k + 1];

  const out = backend.makeOutput(outShape, 'float32');
  const heap = backend.wasm.HEAPF32;
  const size = outShape.reduce((a, b) => a * b, 1);
  const xs = view(
    backend,
    heap,
    x,
    0,
    shape.reduce((a, b) => a * b, 1),
  );
  const ys = view(backend, heap, out, 0, size);
  if (size === 0) return out;

  // 1. x into the corner: rows of the last axis, one by one.
  const last = shape[rank - 1];
  const rows = xs.length / last;
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    for (let k = rank - 2, rest = r; k >= 0; k--) {
      offset += (rest % shape[k]) * inner[k];
      rest = Math.floor(rest / shape[k]);
    }
    ys.set(xs.subarray(r * last, (r + 1) * last), offset);
  }

  // 2. From the last axis to the first, repeat the filled block along the axis, at every
  //    corner position of the axes before it.
  for (let k = rank - 1; k >= 0; k--) {
    if (reps[k] === 1) continue;
    const block = shape[k] * inner[k];
    const corners = shape.slice(0, k).reduce((a, b) => a * b, 1);
    for (let c = 0; c < corners; c++) {
      let base = 0;
      for (let j = k - 1, rest = c; j >= 0; j--) {
        base += (rest % shape[j]) * inner[j];
        rest = Math.floor(rest / shape[j]);
      }
      for (let t = 1; t < reps[k]; t++) ys.copyWithin(base + t * block, base, base + block);
    }
  }
  return out;
}

/** Identity shares the data (as the cpu backend does) instead of copying it. */
function identity(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as WasmBackend & { incRef(dataId: object): void };
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') {
    const original = originals.get('Identity')!;
    return original({ ...args, backend: backend as unknown as tf.KernelBackend }) as tf.TensorInfo;
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Sizes of one convolution, read the way the forward conv sees it (x -> y). */
interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  /** Patch length: kH * kW * inC. */
  K: number;
}

function convGeometry(
  xShape: number[],
  filterShape: [number, number, number, number],
  attrs: Omit<Conv2DBackpropFilterAttrs, 'filterShape'>,
  kernel: string,
): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${kernel} on wasm: dataFormat ${attrs.dataFormat} is not supported, use NHWC`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    K: info.filterHeight * info.filterWidth * info.inChannels,
  };
}

function conv2DKernel(): tf.KernelFunc {
  return wasmKernel('Conv2D');
}

function wasmKernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return config.kernelFunc;
}

/** A Float32Array over `length` floats of a tensor on the wasm heap, from float `offset`. */
function view(
  backend: WasmBackend,
  heap: Float32Array,
  tensor: tf.TensorInfo,
  offset: number,
  length: number,
): Float32Array {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error('wasm kernels: tensor data is not on the wasm backend');
  const start = data.memoryOffset / 4 + offset;
  return heap.subarray(start, start + length);
}

const WASM_KERNELS: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput },
  { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad },
  { kernelName: 'Tile', backendName: 'wasm', kernelFunc: tile },
  { kernelName: 'Identity', backendName: 'wasm', kernelFunc: identity },
];
