/**
 * Concatenating PDFs into the one file a student uploads, with pdf-lib. Every input is
 * checked before anything is written; the result carries latentlab's mark.
 */
import * as fs from 'node:fs';
import { loadPdfQuietly } from './load-pdf';
import { MARKER, assertOverwritable, writeFileAtomically } from './ownership';

export interface ConcatOptions {
  /** Document title in the PDF's properties. Default `'Submission'`. */
  title?: string;
  /** Author in the PDF's properties. Default none. */
  author?: string;
}

/** Checks that each file exists and is a PDF whose pages can be read; throws naming the first
 *  that is not. */
export async function checkPdfs(files: string[]): Promise<void> {
  for (const file of files) await loadPdf(file);
}

/** Writes the pages of `inputs`, in order, to `output`; returns the page count. */
export async function concatenatePdfs(
  inputs: string[],
  output: string,
  options: ConcatOptions = {},
): Promise<number> {
  if (inputs.length === 0) throw new Error('concatenatePdfs: no input PDFs given');
  await assertOverwritable(output);
  const { PDFDocument } = await import('pdf-lib');
  const result = await PDFDocument.create();
  for (const input of inputs) {
    const source = await loadPdf(input);
    const pages = await result.copyPages(source, source.getPageIndices());
    for (const page of pages) result.addPage(page);
  }
  result.setTitle(options.title ?? 'Submission');
  if (options.author) result.setAuthor(options.author);
  result.setKeywords([MARKER]);
  result.setCreator(MARKER);
  writeFileAtomically(output, await result.save());
  return result.getPageCount();
}

async function loadPdf(file: string) {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file (expected a PDF)`);
  if (!fs.statSync(file).isFile()) throw new Error(`${file}: not a file (expected a PDF)`);
  const bytes = fs.readFileSync(file);
  if (bytes.length === 0) throw new Error(`${file}: empty file (expected a PDF)`);
  const head = bytes.subarray(0, 1024).toString('latin1');
  if (!head.includes('%PDF-')) {
    const start = JSON.stringify(bytes.subarray(0, 16).toString('latin1'));
    throw new Error(`${file}: not a PDF (it starts with ${start}, expected "%PDF-")`);
  }
  // pdf-lib reads a damaged file without complaint when it can skip the damage, and fails
  // only when the pages are used; so the pages are counted here, before the long run.
  // An encrypted file it either reads without decrypting (its pages would come out as
  // garbage) or fails on; the /Encrypt entry of the trailer, never itself encrypted, tells.
  let pages: number;
  let document;
  try {
    document = await loadPdfQuietly(bytes);
    if (document.isEncrypted) throw new EncryptedPdfError(file);
    pages = document.getPages().length;
  } catch (error) {
    if (error instanceof EncryptedPdfError) throw error;
    if (bytes.includes('/Encrypt')) throw new EncryptedPdfError(file);
    // A TypeError comes from pdf-lib walking a catalog it never found.
    const reason = error instanceof TypeError ? 'no page tree' : (error as Error).message;
    throw new Error(
      `${file}: damaged PDF, its pages cannot be read (${reason}). ` +
        'Export or print it to PDF again.',
    );
  }
  if (pages === 0) throw new Error(`${file}: the PDF has no pages`);
  return document;
}

class EncryptedPdfError extends Error {
  constructor(file: string) {
    super(
      `${file}: the PDF is encrypted; save an unencrypted copy ` +
        '(for example: qpdf --decrypt in.pdf out.pdf)',
    );
  }
}
