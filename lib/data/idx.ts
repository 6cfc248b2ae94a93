/**
 * Reader for the IDX format of the MNIST family: a big-endian header (two zero bytes, a
 * type code, the number of dimensions, one 32-bit size per dimension) followed by the
 * values. Files ending in `.gz` are gunzipped first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** An unsigned-byte IDX array: its dimensions and values in row-major order. */
export interface IdxArray {
  /** Dimension sizes, for example `[60000, 28, 28]`. */
  shape: number[];
  /** The values, `shape` multiplied out. */
  data: Uint8Array;
}

/** The type code of unsigned bytes, the only one Fashion-MNIST uses. */
const UBYTE = 0x08;

/**
 * Reads an unsigned-byte IDX file with `rank` dimensions (3 for images, 1 for labels),
 * checking the magic number and that the file holds exactly the values its header promises.
 */
export function readIdx(file: string, rank: number): IdxArray {
  const name = path.basename(file);
  if (!fs.existsSync(file)) throw new Error(`${file}: not found, expected an IDX file`);
  if (fs.statSync(file).isDirectory()) {
    throw new Error(`${file}: is a folder, expected an IDX file`);
  }
  let bytes: Buffer = fs.readFileSync(file);
  if (file.endsWith('.gz')) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      throw new Error(`${name}: not a valid gzip file (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, rank, name);
}

/** Parses IDX bytes already in memory; `name` only labels the errors. */
export function parseIdx(bytes: Uint8Array, rank: number, name = 'idx'): IdxArray {
  // 1. The magic number: 0x00 0x00, the type code, the rank.
  const expectedMagic = (UBYTE << 8) | rank;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated header, ${bytes.length} bytes, expected ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    // A gzipped file under a name without .gz is not unpacked; say so rather than only "wrong".
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    throw new Error(
      `${name}: wrong magic number ${hex(magic)}, expected ${hex(expectedMagic)} ` +
        `(unsigned bytes, ${rank} dimension${rank === 1 ? '' : 's'})` +
        (gzip ? '; the file is gzip-compressed: name it with .gz, or gunzip it' : ''),
    );
  }

  // 2. The dimensions, and a body of exactly their product.
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const size = shape.reduce((a, b) => a * b, 1);
  const body = bytes.length - headerBytes;
  if (body !== size) {
    const what = body < size ? 'truncated' : 'trailing bytes';
    throw new Error(
      `${name}: ${what}, header says [${shape.join(', ')}] = ${size} values, ` +
        `file holds ${body}`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
