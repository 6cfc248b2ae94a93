/**
 * Downloading the public data sets into the data folder, for machines where set-up found
 * none: Fashion-MNIST from its official host and MovieLens latest-small from GroupLens.
 * Every file is checked against its sha256 before it appears under its real name; a partial
 * or corrupted download is removed, never left in place.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { folderProblem } from '../files';

export type DatasetName = 'fashion-mnist' | 'ml-latest-small';

export interface DownloadOptions {
  /**
   * Base URL per data set. Defaults: Fashion-MNIST's official host
   * (`http://fashion-mnist.s3-website.eu-central-1.amazonaws.com`, files at `<base>/<file>`)
   * and GroupLens (`https://files.grouplens.org/datasets/movielens`, `<base>/ml-latest-small.zip`).
   */
  baseUrls?: Partial<Record<DatasetName, string>>;
  /** Attempts per file when the connection fails. Default 3. */
  attempts?: number;
  /** Milliseconds to wait before retry n (times n). Default 1000. */
  retryDelay?: number;
  /** Seconds without data before an attempt is given up. Default 60. */
  idleTimeout?: number;
  /** Writes the progress bar. Default process.stderr. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** A file whose bytes are not the ones expected; retrying would not help. */
export class ChecksumError extends Error {
  override name = 'ChecksumError';
}

export const DEFAULT_BASE_URLS: Record<DatasetName, string> = {
  'fashion-mnist': 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com',
  'ml-latest-small': 'https://files.grouplens.org/datasets/movielens',
};

/** sha256 of the official Fashion-MNIST release files. */
export const FASHION_MNIST_FILES: Record<string, string> = {
  'train-images-idx3-ubyte.gz': '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
  'train-labels-idx1-ubyte.gz': 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
  't10k-images-idx3-ubyte.gz': '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
  't10k-labels-idx1-ubyte.gz': '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
};

/**
 * sha256 of the files inside MovieLens latest-small as of 2016-10-17, the version this
 * project was checked against. GroupLens republishes "latest-small" from time to time under
 * the same URL (a 2018 release has 100,836 ratings), so a download may fail this check
 * even though nothing is corrupted; the error says so and what to do.
 */
export const MOVIELENS_FILES: Record<string, string> = {
  'ratings.csv': 'b4239649fbf90ebf405c56c3ae1d929d9e7c86fc1a3a80cbef1c884df593ef73',
  'movies.csv': '43d1736d3c688eb5b7856473c36d86a1c345676cab256c91720c1f6984d263b5',
};

/** The data sets the notebooks need that `dir` lacks. */
export function missingDatasets(dir: string): DatasetName[] {
  const missing: DatasetName[] = [];
  const fashion = path.join(dir, 'fashion-mnist');
  const has = (file: string) => fs.existsSync(file) || fs.existsSync(file.replace(/\.gz$/, ''));
  if (!Object.keys(FASHION_MNIST_FILES).every((file) => has(path.join(fashion, file)))) {
    missing.push('fashion-mnist');
  }
  const movielens = path.join(dir, 'ml-latest-small', 'ratings.csv');
  if (!fs.existsSync(movielens) && !fs.existsSync(path.join(dir, 'ratings.npy'))) {
    missing.push('ml-latest-small');
  }
  return missing;
}

/** Downloads every data set missing from `dir`; returns the names it fetched. */
export async function downloadDatasets(
  dir: string,
  options: DownloadOptions = {},
): Promise<DatasetName[]> {
  const missing = missingDatasets(dir);
  const problem = folderProblem(dir);
  if (problem) {
    const hint = 'Set LATENTLAB_DATA to another folder.';
    throw new Error(`cannot download into ${dir}: ${problem}. ${hint}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const base = { ...DEFAULT_BASE_URLS, ...options.baseUrls };
  if (missing.includes('fashion-mnist')) {
    const folder = path.join(dir, 'fashion-mnist');
    fs.mkdirSync(folder, { recursive: true });
    for (const [file, sha256] of Object.entries(FASHION_MNIST_FILES)) {
      const target = path.join(folder, file);
      if (fs.existsSync(target)) continue;
      await downloadFile(`${base['fashion-mnist']}/${file}`, target, sha256, options);
    }
  }
  if (missing.includes('ml-latest-small')) {
    await downloadMovieLens(`${base['ml-latest-small']}/ml-latest-small.zip`, dir, options);
  }
  return missing;
}

/**
 * Fetches `url` to `target` through a temporary file, verifying `sha256`; retries a failed
 * connection up to `attempts` times. Nothing is left at `target` unless the bytes are right.
 */
export async function downloadFile(
  url: string,
  target: string,
  sha256: string | undefined,
  options: DownloadOptions = {},
): Promise<void> {
  const { attempts = 3, retryDelay = 1000 } = options;
  const name = path.basename(target);
  for (let attempt = 1; ; attempt++) {
    const temporary = `${target}.partial-${process.pid}`;
    try {
      const actual = await fetchTo(url, temporary, name, options);
      if (sha256 !== undefined && actual !== sha256) {
        throw new ChecksumError(
          `${name}: checksum mismatch for ${url}: sha256 ${actual}, expected ${sha256}. ` +
            'The download is corrupted or the file changed upstream; nothing was kept.',
        );
      }
      fs.renameSync(temporary, target);
      return;
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      if (error instanceof ChecksumError) throw error;
      const reason = describe(error);
      if (attempt >= attempts) {
        throw new Error(`${name}: download failed after ${attempts} attempts: ${reason} (${url})`);
      }
      options.progress?.write(`${name}: ${reason}; retrying (${attempt + 1}/${attempts})\n`);
      await new Promise((resolve) => setTimeout(resolve, retryDelay * attempt));
    }
  }
}

/** Streams `url` into `file`, drawing the progress bar; returns the sha256 of the bytes. */
async function fetchTo(
  url: string,
  file: string,
  name: string,
  options: DownloadOptions,
): Promise<string> {
  const { idleTimeout = 60, progress = process.stderr } = options;
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), idleTimeout * 1000);
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'w');
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const total = Number(response.headers.get('content-length')) || undefined;
    const bar = new ProgressBar(name, total, progress);
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), idleTimeout * 1000);
      fs.writeSync(fd, chunk);
      hash.update(chunk);
      received += chunk.length;
      bar.update(received);
    }
    if (total !== undefined && received !== total) {
      throw new Error(`connection closed after ${received} of ${total} bytes`);
    }
    bar.done(received);
    return hash.digest('hex');
  } finally {
    clearTimeout(idle);
    fs.closeSync(fd);
  }
}

/** The zip unpacked beside the data folder, checked, then renamed into place at once. */
async function downloadMovieLens(url: string, dir: string, options: DownloadOptions) {
  const scratch = fs.mkdtempSync(path.join(dir, '.ml-latest-small-'));
  try {
    const zip = path.join(scratch, 'ml-latest-small.zip');
    await downloadFile(url, zip, undefined, options);
    // unzip(1) is part of every set-up we support; Node has no unzip of its own.
    const unzip = spawnSync('unzip', ['-q', zip, '-d', scratch], { encoding: 'utf8' });
    if (unzip.error || unzip.status !== 0) {
      const why = unzip.error ? 'unzip is not installed' : unzip.stderr.trim();
      throw new Error(`ml-latest-small.zip: cannot unpack (${why}) (${url})`);
    }
    const unpacked = path.join(scratch, 'ml-latest-small');
    for (const [file, sha256] of Object.entries(MOVIELENS_FILES)) {
      const where = path.join(unpacked, file);
      if (!fs.existsSync(where)) throw new Error(`ml-latest-small.zip: no ${file} inside (${url})`);
      const actual = createHash('sha256').update(fs.readFileSync(where)).digest('hex');
      if (actual !== sha256) {
        throw new ChecksumError(
          `ml-latest-small.zip: ${file} has sha256 ${actual}, expected ${sha256} ` +
            '(the 2016-10-17 release this project was checked against). GroupLens may have ' +
            'republished latest-small; nothing was kept. To use another version, unzip it ' +
            `yourself into ${path.join(dir, 'ml-latest-small')}.`,
        );
      }
    }
    fs.renameSync(unpacked, path.join(dir, 'ml-latest-small'));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `name [########............]  45%  12.0/26.4 MB` on one redrawn line (a TTY), else
 *  a line when the download starts and one when it ends. */
class ProgressBar {
  private shown = -1;
  constructor(
    private readonly name: string,
    private readonly total: number | undefined,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
  ) {
    if (!out.isTTY) out.write(`${name}: downloading ${total ? megabytes(total) : ''}\n`);
  }
  update(received: number): void {
    if (!this.out.isTTY || !this.total) return;
    const percent = Math.floor((100 * received) / this.total);
    if (percent === this.shown) return;
    this.shown = percent;
    const filled = Math.round(percent / 4);
    const bar = '#'.repeat(filled) + '.'.repeat(25 - filled);
    this.out.write(
      `\r${this.name} [${bar}] ${String(percent).padStart(3)}%  ` +
        `${megabytes(received)}/${megabytes(this.total)}`,
    );
  }
  done(received: number): void {
    if (this.out.isTTY && this.total) this.out.write('\n');
    else this.out.write(`${this.name}: ${megabytes(received)} received\n`);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = (error as Error).message ?? String(error);
  if ((error as Error).name === 'AbortError') return 'no data received for too long';
  return cause?.code ? `${message} (${cause.code})` : message;
}
