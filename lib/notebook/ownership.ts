/**
 * The rule that latentlab never overwrites a file it did not write: PDFs it writes carry the
 * keyword "latentlab", executed notebooks the metadata `latentlab.executed`. Files are
 * written to a temporary name beside the target and renamed, so a failure never leaves half
 * a file behind. Folders are checked before a long run that will write into them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPdfQuietly } from './load-pdf';

export const MARKER = 'latentlab';

/** Throws unless `file` is absent or carries latentlab's mark; `hint` ends the message and
 *  says how to write elsewhere. */
export async function assertOverwritable(
  file: string,
  hint = 'Move it away or choose another output path.',
): Promise<void> {
  if (!fs.existsSync(file)) return;
  if (fs.statSync(file).isDirectory()) throw new Error(`${file}: is a folder, expected a file`);
  const ours = file.endsWith('.ipynb') ? notebookIsOurs(file) : await pdfIsOurs(file);
  if (!ours) {
    throw new Error(`refusing to overwrite ${file}: latentlab did not write it. ` + hint);
  }
}

/** Why files cannot be written in `dir` (created if missing), or undefined when they can:
 *  the nearest folder that exists must be a writable folder outside /proc and /sys. */
export function folderProblem(dir: string): string | undefined {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  // Node 20's recursive mkdir never returns under /proc, so these are refused up front.
  if (/^\/(proc|sys)(\/|$)/.test(fs.realpathSync(existing))) {
    return `${existing} is a system folder, not a place for files`;
  }
  if (!fs.statSync(existing).isDirectory()) return `${existing} is a file, not a folder`;
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (error) {
    return `${existing} is not writable (${reasonOf(error)})`;
  }
  return undefined;
}

/** Writes `bytes` to `file` through a temporary file in the same folder and a rename;
 *  throws `cannot write FILE: REASON`. */
export function writeFileAtomically(file: string, bytes: Uint8Array | string): void {
  const problem = folderProblem(path.dirname(file));
  if (problem) throw new Error(`cannot write ${file}: ${problem}`);
  const temporary = `${file}.partial-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
  } catch (error) {
    throw new Error(`cannot write ${file}: ${reasonOf(error)}`);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The keywords of a PDF we wrote include the marker. */
export async function pdfIsOurs(file: string): Promise<boolean> {
  try {
    const pdf = await loadPdfQuietly(fs.readFileSync(file), { updateMetadata: false });
    return (pdf.getKeywords() ?? '').split(/[\s,;]+/).includes(MARKER);
  } catch {
    return false;
  }
}

function notebookIsOurs(file: string): boolean {
  try {
    const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      metadata?: { latentlab?: { executed?: boolean } };
    };
    return notebook.metadata?.latentlab?.executed === true;
  } catch {
    return false;
  }
}

/** A file system error in words: `permission denied`, else its own message. */
function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (error as Error).message;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EISDIR: 'it is a folder',
};
