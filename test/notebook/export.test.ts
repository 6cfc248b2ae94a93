import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeNotebook } from '../../lib/notebook/execute';
import { exportPdf } from '../../lib/notebook/export';
import { findOnPath, SetupError } from '../../lib/notebook/jupyter';

const fixtures = path.join(__dirname, '..', 'fixtures');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-export-'));
const executed = path.join(scratch, 'plot.ipynb');
const ready = executeNotebook(path.join(fixtures, 'good', 'plot.ipynb'), executed, {
  onProgress: () => {},
});

/** pdftotext -layout text (which keeps hyphens at line ends) without breaks, wrap marks, spaces. */
function joinedText(pdf: string): string {
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(
    /[\s↪\u2308-\u231f]/gu,
    '',
  );
}

test('exportPdf(plot.ipynb) shows the plot, wraps long lines whole, and heads pages', async () => {
  await ready;
  const pdf = path.join(scratch, 'plot.pdf');
  await exportPdf(executed, pdf, { author: 'Ada Lovelace', onWarning: assert.fail });
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  const firstLines = text.split('\f').map((page) => page.trimStart().split('\n')[0]);
  for (const line of firstLines.filter((l) => l.trim() !== '')) {
    assert.match(line, /Fixture: one plot\s+Ada Lovelace/, 'title and name head every page');
  }
  const joined = joinedText(pdf);
  const literal = `LONGLINE-START-${'x'.repeat(60)}-${'y'.repeat(40)}-LONGLINE-END`;
  assert.ok(joined.includes(literal), 'the long code line is in the PDF, whole');
  assert.ok(joined.includes('[0,1,2,3,4].map((x)=>({x,y:x*x}))'), 'highlighted code intact');
  assert.ok(joined.includes(`MDBLOCK-START-${'m'.repeat(90)}-MDBLOCK-END`), 'markdown block');
  const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /^\s*\d+\s+\d+\s+image\b/.test(line));
  assert.equal(images.length, 1, 'the one plot is an image in the PDF');
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(info, /^Keywords:\s+latentlab$/m, 'marked as written by latentlab');
});

test('exportPdf refuses to overwrite a PDF latentlab did not write', async () => {
  await ready;
  const foreign = path.join(scratch, 'foreign.pdf');
  fs.writeFileSync(foreign, '%PDF-1.4\nnot ours\n');
  await assert.rejects(exportPdf(executed, foreign), /refusing to overwrite .*foreign\.pdf/);
  assert.equal(fs.readFileSync(foreign, 'utf8'), '%PDF-1.4\nnot ours\n');
});

test('exportPdf without LaTeX on PATH says what to install and writes nothing', async () => {
  await ready;
  // A PATH with Jupyter but without xelatex and pandoc.
  const bin = path.join(scratch, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(
    findOnPath('jupyter-nbconvert') ?? assert.fail('jupyter'),
    path.join(bin, 'jupyter-nbconvert'),
  );
  const pdf = path.join(scratch, 'no-latex.pdf');
  await assert.rejects(
    exportPdf(executed, pdf, { env: { ...process.env, PATH: bin } }),
    (error: unknown) =>
      error instanceof SetupError &&
      /PDF export needs LaTeX: xelatex and pandoc not found on PATH/.test(error.message),
  );
  assert.equal(fs.existsSync(pdf), false);
});

test('exportPdf warns once about characters the PDF fonts cannot show', async () => {
  const notebook = path.join(scratch, 'glyphs.ipynb');
  const markdown = '# Glyphs\n\nBox │ ┼ → λ ≤ print fine; these do not: 🎉 🎉 漢';
  const cell = { cell_type: 'markdown', metadata: {}, source: markdown };
  fs.writeFileSync(notebook, JSON.stringify({ ...notebookShell, cells: [cell] }));
  const warnings: string[] = [];
  await exportPdf(notebook, path.join(scratch, 'glyphs.pdf'), {
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, [
    "Warning: glyphs.ipynb: the PDF's fonts (DejaVu) have no glyph for 🎉 (U+1F389), " +
      '漢 (U+6F22), so these characters are missing from the PDF. Replace them in the ' +
      'notebook (plain ASCII or LaTeX math) to see them printed.',
  ]);
});

test('exportPdf with LaTeX special characters in the name prints it as given', async () => {
  const notebook = path.join(scratch, 'named.ipynb');
  const cell = { cell_type: 'markdown', metadata: {}, source: '# Named' };
  fs.writeFileSync(notebook, JSON.stringify({ ...notebookShell, cells: [cell] }));
  const name = 'O\'Brien & Sons_100% {x} \\ ~ ^ # $ é ü -- "q"';
  const pdf = path.join(scratch, 'named.pdf');
  await exportPdf(notebook, pdf, { author: name, onWarning: assert.fail });
  const lines = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim());
  assert.ok(lines[0].endsWith(name), `page header: ${lines[0]}`);
  assert.ok(lines.includes(name), 'the name under the title');
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.ok(info.includes(`\nAuthor:          ${name}\n`), 'Author in the properties, raw');
  assert.match(info, /^Keywords:\s+latentlab$/m, 'still marked as written by latentlab');
});

test('exportPdf with the longest name --name takes wraps it, never over the title or page edge', async () => {
  const notebook = path.join(scratch, 'long-name.ipynb');
  const cell = { cell_type: 'markdown', metadata: {}, source: '# Named' };
  fs.writeFileSync(notebook, JSON.stringify({ ...notebookShell, cells: [cell] }));
  // 80 characters, one word the longest --name accepts, all in the widest letter.
  const name = `${'W'.repeat(30)} ${'W'.repeat(30)}-${'W'.repeat(18)}`;
  const pdf = path.join(scratch, 'long-name.pdf');
  await exportPdf(notebook, pdf, { author: name, onWarning: assert.fail });
  const lines = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim());
  assert.equal(lines[0], 'Named', 'the title alone on the first header line');
  assert.equal(joinedText(pdf).split(name.replace(/ /g, '')).length - 1, 2, 'header and title');
  const bbox = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
  const pageWidth = Number(/<page width="([\d.]+)"/.exec(bbox)?.[1]);
  const right = Math.max(...[...bbox.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1])));
  assert.ok(right <= pageWidth - 0.75 * 72 + 1, `text reaches ${right} of ${pageWidth} pt`);
});

test('exportPdf with a name the fonts cannot show says to change --name', async () => {
  const notebook = path.join(scratch, 'cjk-name.ipynb');
  const cell = { cell_type: 'markdown', metadata: {}, source: '# Named' };
  fs.writeFileSync(notebook, JSON.stringify({ ...notebookShell, cells: [cell] }));
  const warnings: string[] = [];
  await exportPdf(notebook, path.join(scratch, 'cjk-name.pdf'), {
    author: 'Li 中文',
    onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, [
    "Warning: cjk-name.ipynb: the PDF's fonts (DejaVu) have no glyph for 中 (U+4E2D), " +
      '文 (U+6587) in the name "Li 中文", so these characters are missing from the PDF. ' +
      'Change --name (e.g. to its Latin spelling) to see the name printed whole.',
  ]);
});

const notebookShell = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
};
