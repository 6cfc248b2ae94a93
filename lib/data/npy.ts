/**
 * Reading and writing NumPy `.npy` files (format versions 1 to 3), for the dtypes rating
 * data comes in: little-endian int64, int32, float64 and float32. Values come back as
 * float64; int64 values beyond 2^53 are refused rather than rounded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type NpyDtype = '<i8' | '<i4' | '<f8' | '<f4';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The values in C (row-major) order. */
  data: Float64Array;
}

const MAGIC = '\x93NUMPY';
const ITEM_SIZE: Record<NpyDtype, number> = { '<i8': 8, '<i4': 4, '<f8': 8, '<f4': 4 };
const NPY_DTYPES = Object.keys(ITEM_SIZE) as NpyDtype[];

/** Reads a `.npy` file; errors name the file and what was wrong with it. */
export function readNpy(file: string): NpyArray {
  const name = path.basename(file);
  if (!file.toLowerCase().endsWith('.npy')) {
    throw new Error(`${name}: expected a NumPy .npy file, got extension "${path.extname(file)}"`);
  }
  const bytes = readFile(file, name);
  return parseNpy(bytes, name);
}

/** The file's bytes; a missing file or a folder is named as such, not as an OS error code. */
function readFile(file: string, name: string): Buffer {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`${name}: not found: ${file}`);
  if (stat.isDirectory()) throw new Error(`${name}: is a folder, expected a .npy file: ${file}`);
  return fs.readFileSync(file);
}

/** Parses the bytes of a `.npy` file; `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name = 'array.npy'): NpyArray {
  // 1. Magic string, version and header.
  if (bytes.length < 10 || latin1(bytes.subarray(0, 6)) !== MAGIC) {
    throw new Error(`${name}: not a NumPy .npy file (no \\x93NUMPY magic at the start)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) throw new Error(`${name}: unsupported .npy version ${major}`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new Error(`${name}: truncated: header needs ${dataStart} bytes, file has ${bytes.length}`);
  }
  const header = latin1(bytes.subarray(headerStart, dataStart));
  const { dtype, fortranOrder, shape } = parseHeader(header, name);

  // 2. The data, which must be complete.
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * ITEM_SIZE[dtype];
  const available = bytes.length - dataStart;
  if (available < needed) {
    throw new Error(
      `${name}: truncated: shape [${shape.join(', ')}] of ${dtype} needs ${needed} data ` +
        `bytes, file has ${available}`,
    );
  }
  // A copy on its own ArrayBuffer, so typed views over it are aligned.
  const raw = new Uint8Array(needed);
  raw.set(bytes.subarray(dataStart, dataStart + needed));
  const data = toFloat64(raw, dtype, count, name);
  return { dtype, shape, data: fortranOrder ? fromFortran(data, shape, name) : data };
}

/** Writes values in C order as a version 1.0 `.npy` file of the given dtype. */
export function writeNpy(
  file: string,
  values: ArrayLike<number>,
  shape: number[],
  dtype: NpyDtype = '<f8',
): void {
  const name = path.basename(file);
  if (!(NPY_DTYPES as readonly string[]).includes(dtype)) {
    throw new Error(`${name}: unsupported dtype ${String(dtype)}; expected ${NPY_DTYPES.join(', ')}`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${name}: invalid shape [${shape.join(', ')}]; expected integers >= 0`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new Error(`writeNpy: shape [${shape.join(', ')}] holds ${count}, got ${values.length}`);
  }
  // Integer dtypes would wrap or truncate silently; refuse what they cannot hold.
  if (dtype === '<i8' || dtype === '<i4') {
    const [low, high] = dtype === '<i4' ? [-(2 ** 31), 2 ** 31 - 1] : [-(2 ** 53), 2 ** 53];
    for (let k = 0; k < count; k++) {
      const v = values[k];
      if (!(Number.isInteger(v) && v >= low && v <= high)) {
        throw new Error(
          `${name}: value ${v} at index ${k} does not fit ${dtype}; expected integers in ` +
            `[${low}, ${high}]`,
        );
      }
    }
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write(MAGIC, 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let body: Uint8Array;
  if (dtype === '<i8') {
    const out = new BigInt64Array(count);
    for (let k = 0; k < count; k++) out[k] = BigInt(values[k]);
    body = new Uint8Array(out.buffer);
  } else if (dtype === '<i4') {
    body = new Uint8Array(Int32Array.from(values).buffer);
  } else if (dtype === '<f4') {
    body = new Uint8Array(Float32Array.from(values).buffer);
  } else {
    body = new Uint8Array(Float64Array.from(values).buffer);
  }
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

function parseHeader(
  header: string,
  name: string,
): { dtype: NpyDtype; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${name}: malformed .npy header: ${header.trim()}`);
  }
  const dtype = descr === '<i8' || descr === '<i4' || descr === '<f8' || descr === '<f4';
  if (!dtype) {
    throw new Error(
      `${name}: unsupported dtype ${descr}; expected int64 (<i8), int32 (<i4), ` +
        `float64 (<f8) or float32 (<f4)`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !(d >= 0) || !Number.isInteger(d))) {
    throw new Error(`${name}: malformed shape (${shapeText})`);
  }
  return { dtype: descr as NpyDtype, fortranOrder: fortran === 'True', shape };
}

function toFloat64(raw: Uint8Array, dtype: NpyDtype, count: number, name: string): Float64Array {
  const buffer = raw.buffer;
  if (dtype === '<f8') return new Float64Array(buffer, 0, count);
  if (dtype === '<f4') return Float64Array.from(new Float32Array(buffer, 0, count));
  if (dtype === '<i4') return Float64Array.from(new Int32Array(buffer, 0, count));
  // int64 as two 32-bit halves: exact while |value| < 2^53, and much faster than BigInt.
  const halves = new Int32Array(buffer, 0, 2 * count);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const high = halves[2 * k + 1];
    if (high >= 0x200000 || high < -0x200000) {
      throw new Error(`${name}: int64 value at position ${k} is too large to hold exactly`);
    }
    out[k] = high * 4294967296 + (halves[2 * k] >>> 0);
  }
  return out;
}

function fromFortran(data: Float64Array, shape: number[], name: string): Float64Array {
  if (shape.length < 2) return data;
  if (shape.length > 2) {
    throw new Error(
      `${name}: Fortran-order array of shape [${shape.join(', ')}]; ` +
        `expected at most 2 dimensions in Fortran order`,
    );
  }
  const [rows, cols] = shape;
  const out = new Float64Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = data[c * rows + r];
  return out;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
