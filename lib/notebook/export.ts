/**
 * Exporting an executed notebook to PDF through nbconvert's LaTeX route, with latentlab's
 * template (latex/latentlab.tex.j2): long lines wrapped, figures from their PNG, the title
 * and the student's name in the page header.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../env';
import { checkLatexTools, jupyterPython } from './jupyter';
import { latexText } from './latex-text';
import { loadPdfQuietly } from './load-pdf';
import { assertOverwritable, writeFileAtomically } from './ownership';

export interface ExportOptions {
  /** The student's name, printed under the title and in every page header, and the Author in
   *  the PDF's properties. Default none. */
  author?: string;
  /** Receives warnings (outputs the PDF cannot show). Default console.warn. */
  onWarning?: (message: string) => void;
  /** Environment for nbconvert and LaTeX. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** MIME types the LaTeX route can show; an output with none of them vanishes from the PDF. */
const PRINTABLE = ['text/latex', 'application/pdf', 'image/png', 'image/jpeg', 'text/markdown'];

interface NotebookJson {
  metadata: Record<string, unknown> & { latentlab?: Record<string, unknown>; title?: string };
  cells: { cell_type: string; source: string | string[]; outputs?: OutputJson[] }[];
}
interface OutputJson {
  output_type: string;
  data?: Record<string, unknown>;
}

/** Writes `notebook` (already executed) as the PDF `pdf`; refuses to replace a foreign file. */
export async function exportPdf(
  notebook: string,
  pdf: string,
  options: ExportOptions = {},
): Promise<void> {
  const { author, onWarning = console.warn } = options;
  const env = options.env ?? process.env;
  checkLatexTools(env);
  const python = jupyterPython(env);
  await assertOverwritable(pdf);

  // 1. A copy of the notebook carrying the header fields, in a scratch folder.
  const name = path.basename(notebook, '.ipynb');
  const content = JSON.parse(fs.readFileSync(notebook, 'utf8')) as NotebookJson;
  for (const warning of invisibleOutputs(content, name)) onWarning(warning);
  const title = notebookTitle(content, name);
  content.metadata.title ??= title;
  // The template prints author_latex as it is; nbconvert's own \author would take the name
  // unescaped, and a single & or _ in it would stop LaTeX.
  const authorLatex = author ? latexText(author) : '';
  content.metadata.latentlab = { ...content.metadata.latentlab, title, author_latex: authorLatex };
  if (author) content.metadata.authors = [{ name: author }];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-pdf-'));
  try {
    fs.writeFileSync(path.join(scratch, `${name}.ipynb`), JSON.stringify(content));

    // 2. nbconvert with our template. SVG needs Inkscape on this route; every figure also
    //    carries a PNG, which the LaTeX route prefers, so the SVG step is switched off.
    const template = path.join(projectRoot(), 'lib', 'notebook', 'latex', 'latentlab.tex.j2');
    const args = ['-m', 'nbconvert', '--to', 'pdf', '--template-file', template];
    args.push('--SVG2PDFPreprocessor.enabled=False', '--PDFExporter.verbose=True');
    args.push('--output-dir', scratch, `${name}.ipynb`);
    const result = await run(python, args, scratch, env);
    const produced = path.join(scratch, `${name}.pdf`);
    if (result.code !== 0 || !fs.existsSync(produced)) {
      throw new Error(`${path.basename(notebook)}: PDF export failed. ${latexReason(result.log)}`);
    }

    // 3. Characters the fonts lack: the name's are fixed on the command line, the rest in
    //    the notebook.
    const lost = missingGlyphs(result.log);
    const inName = lost.filter((glyph) => author?.includes(glyph.char));
    const inNotebook = lost.filter((glyph) => !inName.includes(glyph));
    if (inName.length > 0) {
      onWarning(
        `Warning: ${name}.ipynb: the PDF's fonts (DejaVu) have no glyph for ` +
          `${inName.map((glyph) => glyph.label).join(', ')} in the name ` +
          `${JSON.stringify(author)}, so these characters are missing from the PDF. ` +
          'Change --name (e.g. to its Latin spelling) to see the name printed whole.',
      );
    }
    if (inNotebook.length > 0) {
      onWarning(
        `Warning: ${name}.ipynb: the PDF's fonts (DejaVu) have no glyph for ` +
          `${inNotebook.map((glyph) => glyph.label).join(', ')}, so these characters are ` +
          'missing from the PDF. Replace them in the notebook (plain ASCII or LaTeX math) to ' +
          'see them printed.',
      );
    }

    // 4. The name, as given, in the PDF's properties; then into place in one rename.
    let bytes: Uint8Array = fs.readFileSync(produced);
    if (author) {
      const document = await loadPdfQuietly(bytes, { updateMetadata: false });
      document.setAuthor(author);
      bytes = await document.save();
    }
    writeFileAtomically(pdf, bytes);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** metadata.title, else the first markdown heading, else the file name. */
export function notebookTitle(content: NotebookJson, fallback: string): string {
  if (typeof content.metadata.title === 'string' && content.metadata.title.trim() !== '') {
    return content.metadata.title.trim();
  }
  for (const cell of content.cells) {
    if (cell.cell_type !== 'markdown') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const heading = /^#{1,2}\s+(.+)$/m.exec(source);
    if (heading) return heading[1].replace(/[*_`]/g, '').trim();
  }
  return fallback;
}

/** One warning per output that nbconvert would drop without a word (e.g. HTML only). */
function invisibleOutputs(content: NotebookJson, name: string): string[] {
  const warnings: string[] = [];
  content.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) {
      if (output.output_type !== 'display_data' && output.output_type !== 'execute_result') {
        continue;
      }
      const types = Object.keys(output.data ?? {});
      if (!types.some((type) => PRINTABLE.includes(type))) {
        warnings.push(
          `Warning: ${name}.ipynb, cell ${index + 1}: an output of type ${types.join(', ')} ` +
            'has no PNG, LaTeX or markdown form, so the PDF shows only its text. ' +
            'Show figures with showFigure() to get a PNG.',
        );
      }
    }
  });
  return warnings;
}

/** Characters XeLaTeX reported as missing from the fonts (the template sets
 *  \tracinglostchars=2 so that they reach the log), each once, labelled `🎉 (U+1F389)`. */
function missingGlyphs(log: string): { char: string; label: string }[] {
  const found = new Map<string, string>();
  for (const match of log.matchAll(/Missing character: There is no (.+?) \((U\+[0-9A-F]+)\)/g)) {
    found.set(match[1], `${match[1]} (${match[2]})`);
  }
  return [...found].map(([char, label]) => ({ char, label }));
}

/** The lines of a failed nbconvert/LaTeX run that say why: LaTeX's `!` lines, or the end. */
function latexReason(log: string): string {
  const lines = log.split('\n');
  const bang = lines.findIndex((line) => line.startsWith('!'));
  if (bang >= 0)
    return `LaTeX: ${lines
      .slice(bang, bang + 3)
      .join(' ')
      .trim()}`;
  const tail = lines.filter((line) => line.trim() !== '').slice(-3);
  return tail.join(' ').trim();
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, log }));
  });
}
