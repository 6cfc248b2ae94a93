/**
 * Loading a PDF with pdf-lib without its console output. pdf-lib repairs what it can in a
 * damaged file and tells the console about it ("Trying to parse invalid object: …"); a user
 * should see one error naming the file instead, so the warnings are held back while it reads.
 */
import type { LoadOptions, PDFDocument } from 'pdf-lib';

/** `PDFDocument.load(bytes, options)` with pdf-lib's console warnings suppressed. */
export async function loadPdfQuietly(
  bytes: Uint8Array,
  options: LoadOptions = {},
): Promise<PDFDocument> {
  const { PDFDocument } = await import('pdf-lib');
  const { warn, log } = console;
  console.warn = () => {};
  console.log = () => {};
  try {
    return await PDFDocument.load(bytes, { ignoreEncryption: true, ...options });
  } finally {
    console.warn = warn;
    console.log = log;
  }
}
