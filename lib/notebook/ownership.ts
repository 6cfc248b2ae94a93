/**
 * The rule that latentlab never overwrites a file it did not write: PDFs it writes carry the
 * keyword "latentlab", executed notebooks the metadata `latentlab.executed`. Files are
 * written to a temporary name beside the target and renamed, so a failure never leaves half
 * a file behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileErrorReason, folderProblem } from '../files';
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
    throw new Error(`cannot write ${file}: ${fileErrorReason(error)}`);
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
