import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageCount, pageCount, pageTexts, root, runSubmit } from './helpers';

// The whole command in quick mode on the real data, over copies of the two assignment
// notebooks; one copy gets a deliberately long code line. (`npm start` is this command after
// set-up; set-up itself runs at the start of `npm test`.)
const ASSIGNMENTS = ['1-matrix-factorization.ipynb', '2-autoencoder.ipynb'];
const LONG_LINE =
  "const deliberatelyLongLine = 'LONG-" + 'abcdefghij'.repeat(14) + "-END'; // not clipped";

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown> }[];
}
const text = (source: string | string[]) => (Array.isArray(source) ? source.join('') : source);
const squeeze = (s: string) => s.replace(/[\s↪\u2308-\u231f`*_]/gu, '').replace(/’/g, "'");

test('submit in quick mode exports both assignments with every task, plot and long line', async () => {
  // 1. Copies inside the project (so the kernel finds 'latentlab'), outside notebooks/.
  const work = path.join(root, 'out', 'test-quick');
  fs.rmSync(work, { recursive: true, force: true });
  const copies = path.join(work, 'notebooks');
  fs.mkdirSync(copies, { recursive: true });
  const headings: string[] = [];
  for (const name of ASSIGNMENTS) {
    const notebook = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', name), 'utf8'));
    const cells = notebook.cells as Cell[];
    const tasks = cells
      .filter((cell) => cell.cell_type === 'markdown')
      .flatMap((cell) => text(cell.source).split('\n'))
      .filter((line) => /^#+\s+Task\b/i.test(line))
      .map((line) => line.replace(/^#+\s+/, ''));
    assert.ok(tasks.length > 0, `${name}: no "Task" headings found`);
    headings.push(...tasks);
    if (name === ASSIGNMENTS[0]) {
      cells.push({ cell_type: 'code', source: LONG_LINE, outputs: [], metadata: {} } as Cell);
    }
    fs.writeFileSync(path.join(copies, name), JSON.stringify(notebook));
  }

  // 2. The command.
  const output = path.join(work, 'submission.pdf');
  const args = ['--notebooks', copies, '--out-dir', path.join(work, 'out')];
  args.push('--output', output, '--name', 'Ada Lovelace');
  const result = await runSubmit(args, { ...process.env, LATENTLAB_QUICK: '1' });
  assert.equal(result.code, 0, `${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  assert.match(result.stdout, /wrote .*submission\.pdf \((\d+) pages\)/);

  // 3. The PDF: every task heading, at least one image per plot drawn, the long line whole.
  const pages = pageTexts(output);
  assert.equal(pages.length, pageCount(output));
  const joined = squeeze(pages.join(''));
  for (const heading of headings) {
    assert.ok(joined.includes(squeeze(heading)), `heading "${heading}" in the PDF`);
  }
  let plots = 0;
  for (const name of ASSIGNMENTS) {
    const executed = JSON.parse(fs.readFileSync(path.join(work, 'out', name), 'utf8'));
    for (const cell of executed.cells as Cell[]) {
      plots += (cell.outputs ?? []).filter((o) => o.data?.['image/png'] !== undefined).length;
    }
  }
  assert.ok(plots >= ASSIGNMENTS.length, `the notebooks drew ${plots} plots`);
  assert.ok(imageCount(output) >= plots, `${imageCount(output)} images for ${plots} plots`);
  assert.ok(joined.includes(squeeze(LONG_LINE)), 'the long code line survives whole');
});
