/**
 * A fitted model on disk: the factors, the user means and the id maps, in one JSON file
 * with the arrays base64-encoded (little-endian float64).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileError, attempt, prepareFolder } from '../files';
import { Factors, checkFactors } from './factors';

export interface FittedModel {
  factors: Factors;
  /** Each user's mean rating, added back to predictions. */
  means: Float64Array;
  /** Original id of each user row. */
  userIds: Float64Array;
  /** Original id of each item column. */
  itemIds: Float64Array;
  /** Item titles, when known. */
  titles?: (string | undefined)[];
}

const FORMAT = 'latentlab-mf';
const VERSION = 1;

/** Writes the model to `file` (JSON). */
export function saveModel(file: string, model: FittedModel): void {
  const name = path.basename(file);
  checkFactors(model.factors, `saveModel ${name}`);
  const { k, nUsers, nItems, Q, P } = model.factors;
  const expected: [string, ArrayLike<unknown> | undefined, number, string][] = [
    ['means', model.means, nUsers, 'user'],
    ['userIds', model.userIds, nUsers, 'user'],
    ['itemIds', model.itemIds, nItems, 'item'],
    ['titles', model.titles, nItems, 'item'],
  ];
  for (const [key, values, length, per] of expected) {
    if (values !== undefined && values.length !== length) {
      throw new Error(
        `saveModel ${name}: ${key} has ${values.length} entries; expected ${length}, one per ${per}`,
      );
    }
  }
  for (const [key, values] of [
    ['Q', Q],
    ['P', P],
    ['means', model.means],
  ] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(
        `saveModel ${name}: ${key}[${bad}] is ${values[bad]}; expected finite numbers`,
      );
    }
  }
  const json = {
    format: FORMAT,
    version: VERSION,
    k,
    nUsers,
    nItems,
    Q: encode(Q),
    P: encode(P),
    means: encode(model.means),
    userIds: encode(model.userIds),
    itemIds: encode(model.itemIds),
    titles: model.titles?.map((t) => t ?? null),
  };
  refuseForeignFile(file);
  try {
    prepareFolder(path.dirname(file));
    attempt(() => fs.writeFileSync(file, JSON.stringify(json)), `cannot write ${file}`);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    throw new FileError(`saveModel: ${error.message}; choose a folder you can write to`);
  }
}

/** An existing file is replaced only when it is a model this module wrote. */
function refuseForeignFile(file: string): void {
  if (!fs.existsSync(file)) return;
  const name = path.basename(file);
  if (fs.statSync(file).isDirectory()) throw new Error(`${name}: is a folder, expected a file`);
  let format: unknown;
  try {
    format = (JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: unknown }).format;
  } catch {
    format = undefined;
  }
  if (format !== FORMAT) {
    throw new Error(
      `${name}: exists and is not a latentlab model (${file}); choose another file name ` +
        'or move it away',
    );
  }
}

/** Reads a model written by `saveModel`; errors name the file and the field that is wrong. */
export function loadModel(file: string): FittedModel {
  const name = path.basename(file);
  const json = readJson(file, name);
  if (json.format !== FORMAT || json.version !== VERSION) {
    throw new Error(
      `${name}: expected format ${FORMAT} version ${VERSION}, ` +
        `got ${show(json.format)} version ${show(json.version)}`,
    );
  }
  const [k, nUsers, nItems] = (['k', 'nUsers', 'nItems'] as const).map((key) => {
    const value = json[key];
    if (typeof value !== 'number' || !(value >= 1) || !Number.isInteger(value)) {
      throw new Error(`${name}: ${key} is ${show(value)}; expected an integer >= 1`);
    }
    return value;
  });
  const read = (key: string, length: number): Float64Array => {
    const text = json[key];
    if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) {
      throw new Error(`${name}: ${key} is ${show(text)}; expected a base64 string`);
    }
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length !== 8 * length) {
      throw new Error(
        `${name}: ${key} holds ${bytes.length} bytes; expected ${8 * length} ` +
          `(${length} float64 numbers)`,
      );
    }
    const values = new Float64Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(`${name}: ${key}[${bad}] is ${values[bad]}; expected finite numbers`);
    }
    return values;
  };
  const factors = { k, nUsers, nItems, Q: read('Q', nUsers * k), P: read('P', nItems * k) };
  const model: FittedModel = {
    factors,
    means: read('means', nUsers),
    userIds: read('userIds', nUsers),
    itemIds: read('itemIds', nItems),
  };
  const titles = json.titles;
  if (titles !== undefined && titles !== null) {
    if (!Array.isArray(titles) || titles.length !== nItems) {
      throw new Error(
        `${name}: titles is ${show(titles)}; expected an array of ${nItems} titles (one per item)`,
      );
    }
    const bad = titles.findIndex((t) => t !== null && typeof t !== 'string');
    if (bad >= 0) {
      throw new Error(`${name}: titles[${bad}] is ${show(titles[bad])}; expected a string or null`);
    }
    model.titles = titles.map((t: string | null) => t ?? undefined);
  }
  return model;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The file parsed as a JSON object, with clear errors for a missing file, a folder, bad JSON. */
function readJson(file: string, name: string): Record<string, unknown> {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`${name}: not found: ${file}`);
  if (stat.isDirectory()) throw new Error(`${name}: is a folder, expected a model .json file`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${name}: not a saved model: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${name}: not a saved model: expected a JSON object, got ${show(json)}`);
  }
  return json as Record<string, unknown>;
}

/** A short description of a JSON value for an error message. */
function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function encode(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
