/**
 * A fitted model on disk: the factors, the user means and the id maps, in one JSON file
 * with the arrays base64-encoded (little-endian float64).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Factors } from './factors';

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
  const { k, nUsers, nItems, Q, P } = model.factors;
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
  fs.writeFileSync(file, JSON.stringify(json));
}

/** Reads a model written by `saveModel`, checking its format and sizes. */
export function loadModel(file: string): FittedModel {
  const name = path.basename(file);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${name}: not a saved model: ${(error as Error).message}`);
  }
  if (json.format !== FORMAT || json.version !== VERSION) {
    throw new Error(
      `${name}: expected format ${FORMAT} version ${VERSION}, ` +
        `got ${String(json.format)} version ${String(json.version)}`,
    );
  }
  const k = json.k as number;
  const nUsers = json.nUsers as number;
  const nItems = json.nItems as number;
  const read = (key: string, length: number): Float64Array => {
    const array = decode(json[key] as string);
    if (array.length !== length) {
      throw new Error(`${name}: ${key} holds ${array.length} numbers, expected ${length}`);
    }
    return array;
  };
  const titles = json.titles as (string | null)[] | undefined;
  return {
    factors: { k, nUsers, nItems, Q: read('Q', nUsers * k), P: read('P', nItems * k) },
    means: read('means', nUsers),
    userIds: read('userIds', nUsers),
    itemIds: read('itemIds', nItems),
    ...(titles ? { titles: titles.map((t) => t ?? undefined) } : {}),
  };
}

function encode(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function decode(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
