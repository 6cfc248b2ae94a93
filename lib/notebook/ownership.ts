/**
 * The rule that latentlab never overwrites a file it did not write: PDFs it writes carry the
 * keyword "latentlab", executed notebooks the metadata `latentlab.executed`. Files are
 * written to a temporary name beside the target and renamed, so a failure never leaves half
 * a file behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MARKER = 'latentlab';

/** Throws unless `file` is absent or carries latentlab's mark. */
export async function assertOverwritable(file: string): Promise<void> {
  if (!fs.existsSync(file)) return;
  if (fs.statSync(file).isDirectory()) throw new Error(`${file}: is a folder, expected a file`);
  const ours = file.endsWith('.ipynb') ? notebookIsOurs(file) : await pdfIsOurs(file);
  if (!ours) {
    throw new Error(
      `refusing to overwrite ${file}: latentlab did not write it. ` +
        'Move it away or choose another output path.',
    );
  }
}

/** Writes `bytes` to `file` through a temporary file in the same folder and a rename. */
export function writeFileAtomically(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.partial-${process.pid}`;
  try {
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** The keywords of a PDF we wrote include the marker. */
export async function pdfIsOurs(file: string): Promise<boolean> {
  const { PDFDocument } = await import('pdf-lib');
  try {
    const pdf = await PDFDocument.load(fs.readFileSync(file), {
      ignoreEncryption: true,
      updateMetadata: false,
    });
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
