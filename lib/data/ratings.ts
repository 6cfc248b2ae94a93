/**
 * Ratings triplets (user, item, rating) from a NumPy `.npy` array of shape [n, 3], as the
 * homework ships them, or from a MovieLens-style CSV (`userId,movieId,rating[,timestamp]`).
 * Ids become contiguous indices (in ascending id order); the maps back to the original ids,
 * and to movie titles when a `movies.csv` sits beside the ratings, are kept.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SparseMatrix } from '../sparse/matrix';
import { readNpy } from './npy';

export interface Ratings {
  /** User index of each rating, in 0 .. userIds.length - 1. */
  users: Int32Array;
  /** Item index of each rating, in 0 .. itemIds.length - 1. */
  items: Int32Array;
  /** The ratings, all > 0 (0 means "unknown" in the rating matrix). */
  values: Float64Array;
  /** Original id of each user index. */
  userIds: Float64Array;
  /** Original id of each item index. */
  itemIds: Float64Array;
  /** Title of each item index, when a movies file was found. */
  titles?: (string | undefined)[];
  /** The file the ratings came from. */
  source: string;
}

export interface LoadRatingsOptions {
  /**
   * A `movieId,title` CSV for titles; it must exist. Default `movies.csv` beside a CSV
   * ratings file, when there is one.
   */
  moviesFile?: string;
  /** Write one line with what was loaded. Default true. */
  log?: boolean;
}

/** Loads `.npy` or `.csv` ratings, chosen by the file extension. */
export function loadRatings(file: string, options: LoadRatingsOptions = {}): Ratings {
  const extension = path.extname(file).toLowerCase();
  let ratings: Ratings;
  if (extension === '.npy') ratings = loadRatingsNpy(file);
  else if (extension === '.csv') ratings = loadRatingsCsv(file);
  else {
    throw new Error(
      `${path.basename(file)}: expected a .npy or .csv ratings file, got "${extension}"`,
    );
  }
  // An explicit movies file must exist; the default one beside a CSV is used when present.
  const besideCsv = path.join(path.dirname(file), 'movies.csv');
  const moviesFile =
    options.moviesFile ??
    (extension === '.csv' && fs.existsSync(besideCsv) ? besideCsv : undefined);
  if (moviesFile !== undefined) {
    const titles = loadTitles(moviesFile);
    ratings.titles = Array.from(ratings.itemIds, (id) => titles.get(id));
  }
  if (options.log ?? true) {
    console.log(
      `ratings: ${ratings.values.length} from ${path.basename(file)}, ` +
        `${ratings.userIds.length} users x ${ratings.itemIds.length} items`,
    );
  }
  return ratings;
}

/** Ratings from a `.npy` array of shape [n, 3] holding (user, item, rating) rows. */
export function loadRatingsNpy(file: string): Ratings {
  const name = path.basename(file);
  const array = readNpy(file);
  if (array.shape.length !== 2 || array.shape[1] !== 3) {
    throw new Error(`${name}: expected shape [n, 3], got [${array.shape.join(', ')}]`);
  }
  const n = array.shape[0];
  const users = new Float64Array(n);
  const items = new Float64Array(n);
  const values = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    users[r] = array.data[3 * r];
    items[r] = array.data[3 * r + 1];
    values[r] = array.data[3 * r + 2];
  }
  return fromColumns(users, items, values, file);
}

/** Ratings from a CSV with columns `userId`, `movieId` and `rating` (read by nodejs-polars). */
export function loadRatingsCsv(file: string): Ratings {
  const name = path.basename(file);
  const frame = readCsv(file);
  const columns = ['userId', 'movieId', 'rating'];
  const missing = columns.filter((c) => !frame.columns.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${name}: missing column ${missing.join(', ')}; expected ${columns.join(',')}, ` +
        `got ${frame.columns.join(',')}`,
    );
  }
  // A blank line (often the last) reads as a row of empty cells; it holds no rating.
  const cells = columns.map((c) => frame.getColumn(c).toArray());
  const rows: number[] = [];
  for (let r = 0; r < cells[0].length; r++) {
    if (!cells.every((column) => cellText(column[r]) === '')) rows.push(r);
  }
  const [users, items, values] = columns.map((c, j) => numericCells(cells[j], rows, c, name));
  return fromColumns(users, items, values, file);
}

/** Builds the sparse users x items matrix of the ratings, labelled with ids and titles. */
export function ratingMatrix(ratings: Ratings): SparseMatrix {
  const matrix = SparseMatrix.fromEntries(
    { rows: ratings.users, cols: ratings.items, values: ratings.values },
    ratings.userIds.length,
    ratings.itemIds.length,
    { rowIds: ratings.userIds, colIds: ratings.itemIds, colNames: ratings.titles },
  );
  if (matrix.duplicates > 0) {
    console.warn(
      `${path.basename(ratings.source)}: ${matrix.duplicates} repeated (user, item) ` +
        `ratings; the last of each was kept`,
    );
  }
  return matrix;
}

/** Movie titles by id from a `movieId,title,...` CSV. */
export function loadTitles(file: string): Map<number, string> {
  const name = path.basename(file);
  const frame = readCsv(file);
  for (const column of ['movieId', 'title']) {
    if (!frame.columns.includes(column)) {
      throw new Error(`${name}: missing column ${column}; got ${frame.columns.join(',')}`);
    }
  }
  const idCells = frame.getColumn('movieId').toArray();
  const titles = frame.getColumn('title').toArray() as (string | null)[];
  const rows: number[] = [];
  for (let r = 0; r < idCells.length; r++) {
    if (cellText(idCells[r]) !== '' || cellText(titles[r]) !== '') rows.push(r);
  }
  const ids = numericCells(idCells, rows, 'movieId', name);
  const out = new Map<number, string>();
  ids.forEach((id, j) => out.set(id, String(titles[rows[j]] ?? '')));
  return out;
}

// A minimal view of the nodejs-polars frame we use, so no polars type leaks into the API.
interface Frame {
  columns: string[];
  getColumn(name: string): { toArray(): unknown[] };
}

function readCsv(file: string): Frame {
  const name = path.basename(file);
  checkCsvFile(file, name);
  // Loaded lazily: polars' native module is only needed when a CSV is read.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pl = require('nodejs-polars') as typeof import('nodejs-polars');
  try {
    // truncateRaggedLines false: a row with more fields than the header is an error, where
    // by default polars would drop the extra fields ("1,2,3,5" would become rating 3).
    return pl.readCSV(file, {
      inferSchemaLength: 0,
      truncateRaggedLines: false,
    }) as unknown as Frame;
  } catch (error) {
    const long = /more fields/.test((error as Error).message) ? firstLongRow(file) : undefined;
    if (long) {
      throw new Error(
        `${name}: row ${long.row} (line ${long.line}) has ${long.fields} fields; expected ` +
          `${long.expected} as in the header (a decimal comma, as in 3,5, must be a point)`,
      );
    }
    throw new Error(`${name}: could not read as CSV: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Refuses a missing file, a folder and a gzipped file before polars sees them. */
function checkCsvFile(file: string, name: string): void {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`${name}: not found: ${file}`);
  if (stat.isDirectory()) throw new Error(`${name}: is a folder, expected a .csv file: ${file}`);
  const start = Buffer.alloc(1 << 12);
  const fd = fs.openSync(file, 'r');
  let head: Buffer;
  try {
    head = start.subarray(0, fs.readSync(fd, start, 0, start.length, 0));
  } finally {
    fs.closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new Error(`${name}: compressed CSV (gzip); unzip it first`);
  }
  const header = head.toString('utf8').split(/\r?\n/)[0].replace(/^\uFEFF/, '');
  const names = header.split(',').map((n) => n.trim().replace(/^"(.*)"$/, '$1'));
  const repeated = names.find((n, j) => n !== '' && names.indexOf(n) !== j);
  if (repeated !== undefined && head.includes(0x0a)) {
    throw new Error(`${name}: column ${repeated} appears twice in the header; expected it once`);
  }
  if (head.includes(0x0d) && !head.includes(0x0a)) {
    throw new Error(
      `${name}: lines end in a carriage return alone (old Mac style); expected LF or CRLF ` +
        `line endings (convert with: tr '\\r' '\\n')`,
    );
  }
}

interface LongRow {
  row: number;
  line: number;
  fields: number;
  expected: number;
}

/**
 * The first data row (1 = the row after the header) with more comma-separated fields than
 * the header, counting commas outside double quotes; read in chunks, as files can be large.
 */
function firstLongRow(file: string): LongRow | undefined {
  const [QUOTE, COMMA, NEWLINE, RETURN] = [0x22, 0x2c, 0x0a, 0x0d];
  let quoted = false;
  let fields = 1;
  let blank = true;
  let line = 1;
  let recordLine = 1;
  let row = 0;
  let expected = 0;
  const endRecord = (): LongRow | undefined => {
    let long: LongRow | undefined;
    if (!blank && expected === 0) {
      expected = fields;
    } else if (!blank) {
      row++;
      if (fields > expected) long = { row, line: recordLine, fields, expected };
    }
    fields = 1;
    blank = true;
    recordLine = line;
    return long;
  };
  const chunk = Buffer.alloc(1 << 16);
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk);
      for (let j = 0; j < n; j++) {
        const b = chunk[j];
        if (b === NEWLINE) line++;
        if (b === QUOTE) {
          quoted = !quoted;
          blank = false;
        } else if (quoted) {
          continue;
        } else if (b === COMMA) {
          fields++;
          blank = false;
        } else if (b === NEWLINE) {
          const long = endRecord();
          if (long) return long;
        } else if (b !== RETURN) {
          blank = false;
        }
      }
      if (n === 0) return endRecord();
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The cells of `rows` as finite decimal numbers (`4`, `-2.5`, `1e3`; not `0x4` or `Infinity`,
 * which JavaScript's Number() would take); the first bad cell is named with its row
 * (1 = first data row).
 */
function numericCells(cells: unknown[], rows: number[], column: string, name: string): Float64Array {
  const out = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const text = cellText(cells[rows[j]]);
    const value = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(value)) {
      const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
      throw new Error(
        `${name}: column ${column}, row ${rows[j] + 1} (line ${rows[j] + 2}): expected a ` +
          `finite decimal number, got "${shown}"`,
      );
    }
    out[j] = value;
  }
  return out;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function cellText(cell: unknown): string {
  return cell === null || cell === undefined ? '' : String(cell).trim();
}

function fromColumns(
  users: Float64Array,
  items: Float64Array,
  values: Float64Array,
  file: string,
): Ratings {
  const name = path.basename(file);
  if (values.length === 0) {
    throw new Error(`${name}: no ratings; expected at least one (user, item, rating) row`);
  }
  for (let r = 0; r < values.length; r++) {
    if (!(values[r] > 0) || !Number.isFinite(values[r])) {
      throw new Error(
        `${name}: rating ${values[r]} at row ${r + 1} (user ${users[r]}, item ${items[r]}); ` +
          `expected a finite rating > 0 (0 means "unknown" in the rating matrix)`,
      );
    }
  }
  const userIndex = contiguous(users, name, 'user');
  const itemIndex = contiguous(items, name, 'item');
  return {
    users: userIndex.indices,
    items: itemIndex.indices,
    values,
    userIds: userIndex.ids,
    itemIds: itemIndex.ids,
    source: file,
  };
}

/** Maps ids to 0 .. distinct - 1 in ascending id order. */
function contiguous(
  ids: Float64Array,
  name: string,
  what: string,
): { indices: Int32Array; ids: Float64Array } {
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r];
    if (!Number.isSafeInteger(id)) {
      throw new Error(
        `${name}: ${what} id ${id} at row ${r + 1}; expected an integer below 2^53 ` +
          `(larger ones cannot be told apart as JavaScript numbers)`,
      );
    }
    if (id < min) min = id;
    if (id > max) max = id;
  }
  const indices = new Int32Array(ids.length);
  if (ids.length === 0) return { indices, ids: new Float64Array(0) };

  // Dense ids (the usual case) go through a lookup table; others through a sorted Map.
  if (max - min < 5e7) {
    const table = new Int32Array(max - min + 1).fill(-1);
    for (let r = 0; r < ids.length; r++) table[ids[r] - min] = 0;
    const distinct: number[] = [];
    for (let k = 0; k < table.length; k++) {
      if (table[k] === 0) {
        table[k] = distinct.length;
        distinct.push(k + min);
      }
    }
    for (let r = 0; r < ids.length; r++) indices[r] = table[ids[r] - min];
    return { indices, ids: Float64Array.from(distinct) };
  }
  const sorted = Float64Array.from(new Set(ids)).sort();
  const index = new Map<number, number>();
  sorted.forEach((id, k) => index.set(id, k));
  for (let r = 0; r < ids.length; r++) indices[r] = index.get(ids[r]) as number;
  return { indices, ids: sorted };
}
