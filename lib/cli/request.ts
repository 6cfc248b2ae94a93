/**
 * The submission command's options: the usage text, and the command line read into a
 * checked SubmitRequest. Every value is checked here, before anything runs; the rest of the
 * command trusts what it gets.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, quickMode } from '../env';

/** The longest --name accepted: at most two lines of the page header, even in capital Ws. */
const MAX_NAME_LENGTH = 80;
/** The longest word (between spaces and hyphens, where lines may break) that fits a line
 *  under the title, even in capital Ws. */
const MAX_WORD_LENGTH = 30;
/** A week: a cell that runs longer than this is stuck, not training. */
const MAX_TIMEOUT = 7 * 24 * 3600;

export const USAGE = `Usage: npm start -- [options] [other.pdf ...]

Runs every notebook in notebooks/ from top to bottom in a fresh tslab kernel, exports each
to PDF and joins them, followed by the other PDFs named (in the order given), into one file.

Options:
  --name "Student Name"  printed under each notebook's title and in every page header
                         (at most ${MAX_NAME_LENGTH} characters)
  --output FILE.pdf      the joined PDF (default out/submission.pdf); an existing file is
                         replaced only if this command wrote it
  --notebooks DIR        the notebooks to run (default notebooks/); notebooks that import
                         latentlab must lie inside the project
  --out-dir DIR          executed notebooks and their PDFs (default out/)
  --in-place             also save the executed notebooks over the ones in notebooks/
  --timeout SECONDS      the longest one cell may run, whole seconds up to ${MAX_TIMEOUT}
                         (a week; default 14400, 4 h)
  --download             download missing data sets (Fashion-MNIST, MovieLens) first
  --help                 this text

Executed notebooks and per-notebook PDFs go to out/; the notebooks in notebooks/ are not
changed unless --in-place is given. LATENTLAB_QUICK=1 runs with small parameters and writes
to out/quick/ instead; LATENTLAB_DATA names the data folder.`;

/** What the command was asked to do, checked; every path is absolute. */
export interface SubmitRequest {
  name?: string;
  output: string;
  notebooks: string;
  outDir: string;
  extras: string[];
  inPlace: boolean;
  timeout: number;
  download: boolean;
}

/** A command line the command does not accept; printed with the usage text. */
export class UsageError extends Error {}

/** Reads the command line; throws UsageError on anything it does not understand. */
export function parseRequest(argv: string[]): SubmitRequest | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        output: { type: 'string' },
        notebooks: { type: 'string' },
        'out-dir': { type: 'string' },
        'in-place': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        download: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const root = projectRoot();
  // A quick run has its own default folder, so it never replaces a full run's PDF.
  const out = quickMode() ? path.join(root, 'out', 'quick') : path.join(root, 'out');
  return {
    name: parseName(values.name),
    output: parseOutput(values.output ?? path.join(out, 'submission.pdf')),
    notebooks: path.resolve(
      nonEmpty('--notebooks', values.notebooks ?? path.join(root, 'notebooks')),
    ),
    outDir: path.resolve(nonEmpty('--out-dir', values['out-dir'] ?? out)),
    extras: positionals.map((file) => {
      if (file.trim() === '') throw new UsageError('an empty argument where a PDF was expected');
      return path.resolve(file);
    }),
    inPlace: values['in-place'],
    timeout: parseTimeout(values.timeout),
    download: values.download,
  };
}

function parseName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value.trim();
  if (name === '') throw new UsageError('--name is empty (give a name, or leave --name out)');
  const shown = JSON.stringify(name).replace(/\p{Cc}/gu, (char) => `\\u${hex(char)}`);
  const control = /\p{Cc}/u.exec(name)?.[0];
  if (control !== undefined) {
    throw new UsageError(
      `invalid --name ${shown}: it contains the control character U+${hex(control)}`,
    );
  }
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    throw new UsageError(
      `--name is ${length} characters long, at most ${MAX_NAME_LENGTH} fit the page header`,
    );
  }
  const word = name.split(/[\s-]+/).find((part) => [...part].length > MAX_WORD_LENGTH);
  if (word !== undefined) {
    throw new UsageError(
      `invalid --name ${shown}: "${word}" has ${[...word].length} characters without a ` +
        `space or hyphen, at most ${MAX_WORD_LENGTH} fit a line`,
    );
  }
  return name;
}

/** `A` gives `0041`. */
function hex(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/** The joined PDF: a file path ending in .pdf, not a folder. */
function parseOutput(value: string): string {
  nonEmpty('--output', value);
  if (/[\\/]$/.test(value) || !/\.pdf$/i.test(value)) {
    throw new UsageError(`invalid --output ${value}: expected a file path ending in .pdf`);
  }
  return path.resolve(value);
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 14400;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_TIMEOUT)) {
    throw new UsageError(
      `invalid --timeout: ${JSON.stringify(value)} (expected whole seconds from 1 to ` +
        `${MAX_TIMEOUT}, a week)`,
    );
  }
  return seconds;
}

/** `value`, unless it is empty: an empty path would silently mean the current folder. */
function nonEmpty(option: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${option} is empty (expected a path)`);
  return value;
}
