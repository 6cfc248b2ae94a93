/** Running the submit command as a user would, and reading the PDFs it writes. */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = path.join(__dirname, '..', '..');
export const fixtures = path.join(root, 'test', 'fixtures');

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node lib/cli/submit.ts ARGS` (through tsx) in `cwd`, by default the project root. */
export function runSubmit(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root) {
  return new Promise<CommandResult>((resolve, reject) => {
    const cli = path.join(root, 'lib', 'cli', 'submit.ts');
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The text of each page, from pdftotext -layout. */
export function pageTexts(pdf: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  return text.split('\f').slice(0, -1);
}

/** The page count pdfinfo reports. */
export function pageCount(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
}

/** Rows of `pdfimages -list` that are images (not soft masks). */
export function imageCount(pdf: string): number {
  const list = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' });
  return list.split('\n').filter((line) => /^\s*\d+\s+\d+\s+image\b/.test(line)).length;
}

/** A PDF with one page per label, each page showing its label. */
export async function labelledPdf(file: string, labels: string[]): Promise<void> {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const label of labels) {
    pdf.addPage([300, 200]).drawText(label, { x: 20, y: 100, size: 18, font });
  }
  fs.writeFileSync(file, await pdf.save());
}
