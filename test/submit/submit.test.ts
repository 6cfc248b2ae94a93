import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { concatenatePdfs } from '../../lib/notebook/concat';
import { findOnPath } from '../../lib/notebook/jupyter';
import { writeFileAtomically } from '../../lib/notebook/ownership';
import { fixtures, labelledPdf, pageCount, pageTexts, runSubmit } from './helpers';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-submit-'));
const good = ['--notebooks', path.join(fixtures, 'good')];

test('submit with two extra PDFs joins notebook pages then extras, in the order given', async () => {
  const one = path.join(scratch, 'one.pdf');
  const two = path.join(scratch, 'two.pdf');
  await labelledPdf(one, ['EXTRA-ONE']);
  await labelledPdf(two, ['EXTRA-TWO-A', 'EXTRA-TWO-B']);
  const out = path.join(scratch, 'out');
  const output = path.join(scratch, 'submission.pdf');
  const args = [...good, '--out-dir', out, '--output', output, '--name', 'Ada Lovelace'];
  const result = await runSubmit([...args, two, one]);
  assert.equal(result.code, 0, result.stderr);

  const notebookPages = pageCount(path.join(out, 'plot.pdf'));
  const pages = pageTexts(output);
  assert.equal(pageCount(output), notebookPages + 3);
  assert.match(result.stdout, new RegExp(`wrote ${output} \\(${notebookPages + 3} pages\\)`));
  assert.match(pages[0], /Fixture: one plot\s+Ada Lovelace/);
  assert.deepEqual(
    pages.slice(notebookPages).map((page) => page.trim()),
    ['EXTRA-TWO-A', 'EXTRA-TWO-B', 'EXTRA-ONE'],
  );
  assert.match(result.stdout, /plot\.ipynb: cell 3\/5/, 'progress per cell');
  const info = execFileSync('pdfinfo', [path.join(out, 'plot.pdf')], { encoding: 'utf8' });
  assert.match(info, /^Author:\s+Ada Lovelace$/m, 'the notebook PDF carries the name too');
});

test('concatenatePdfs replaces a PDF it wrote itself', async () => {
  const output = path.join(scratch, 'ours.pdf');
  const one = path.join(scratch, 'a.pdf');
  await labelledPdf(one, ['A']);
  assert.equal(await concatenatePdfs([one, one], output), 2);
  assert.equal(await concatenatePdfs([one], output), 1);
  assert.equal(pageCount(output), 1);
});

test('submit refuses to overwrite an output PDF it did not write', async () => {
  const output = path.join(scratch, 'theirs.pdf');
  await labelledPdf(output, ['SOMEONE ELSE']);
  const before = fs.readFileSync(output);
  const result = await runSubmit([
    ...good,
    '--out-dir',
    path.join(scratch, 'o2'),
    '--output',
    output,
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /refusing to overwrite .*theirs\.pdf: latentlab did not write it/);
  assert.deepEqual(fs.readFileSync(output), before);
  assert.equal(fs.existsSync(path.join(scratch, 'o2')), false, 'nothing was run');
});

test('submit with an extra PDF that is missing or not a PDF says so before running', async () => {
  const text = path.join(scratch, 'notes.pdf');
  fs.writeFileSync(text, 'just some notes\n');
  const out = path.join(scratch, 'o3');
  const output = path.join(scratch, 'never.pdf');
  const missing = await runSubmit([...good, '--out-dir', out, '--output', output, 'nope.pdf']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^submit failed: .*nope\.pdf: no such file \(expected a PDF\)$/m);
  const notPdf = await runSubmit([...good, '--out-dir', out, '--output', output, text]);
  assert.equal(notPdf.code, 1);
  assert.match(notPdf.stderr, /notes\.pdf: not a PDF \(it starts with "just some notes\\n/);
  assert.equal(fs.existsSync(out) || fs.existsSync(output), false, 'nothing written');
});

test('submit with a damaged extra PDF (header %PDF-) rejects it before running', async () => {
  const whole = path.join(scratch, 'whole.pdf');
  await labelledPdf(whole, ['WHOLE']);
  const bytes = fs.readFileSync(whole);
  const truncated = path.join(scratch, 'truncated.pdf');
  fs.writeFileSync(truncated, bytes.subarray(0, bytes.length / 2));
  const garbage = path.join(scratch, 'garbage.pdf');
  fs.writeFileSync(garbage, '%PDF-1.4\ngarbage garbage\n%%EOF\n');
  const out = path.join(scratch, 'o7');
  const output = path.join(scratch, 'never7.pdf');
  for (const [file, reason] of [
    [truncated, /Failed to parse/],
    [garbage, /no page tree/],
  ] as const) {
    const result = await runSubmit([...good, '--out-dir', out, '--output', output, file]);
    assert.equal(result.code, 1);
    const message = /^submit failed: (.*)$/m.exec(result.stderr)?.[1] ?? assert.fail(result.stderr);
    assert.ok(message.startsWith(`${file}: damaged PDF, its pages cannot be read (`), message);
    assert.match(message, reason);
    assert.doesNotMatch(result.stderr + result.stdout, /Trying to parse|Invalid object ref/);
  }
  assert.equal(fs.existsSync(out) || fs.existsSync(output), false, 'nothing was run');
});

test('submit with --output or --out-dir where nothing can be written says so at once', async () => {
  const file = path.join(scratch, 'plain.txt');
  fs.writeFileSync(file, 'a file\n');
  const cases: [string[], RegExp][] = [
    [
      ['--output', '/proc/x.pdf'],
      /^submit failed: cannot write \/proc\/x\.pdf: \/proc is a system folder.*--output\.$/m,
    ],
    [['--output', path.join(file, 'x.pdf')], /plain\.txt is a file, not a folder\. .*--output/],
    [['--out-dir', '/proc/latentlab/out'], /cannot write in \/proc\/latentlab\/out: .*--out-dir/],
    [['--out-dir', file], /--out-dir .*plain\.txt: a file, expected a folder\. .*--out-dir\.$/m],
  ];
  for (const [args, expected] of cases) {
    const result = await runSubmit([...good, '--output', path.join(scratch, 'n.pdf'), ...args]);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, expected);
  }
});

test('submit with --notebooks naming a file says a folder is expected', async () => {
  const notebook = path.join(fixtures, 'good', 'plot.ipynb');
  const result = await runSubmit(['--notebooks', notebook, '--out-dir', path.join(scratch, 'o8')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--notebooks .*plot\.ipynb: a file, expected the folder/);
});

test('submit with a foreign file in --out-dir says to change --out-dir', async () => {
  const out = path.join(scratch, 'o9');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'plot.pdf'), 'not ours\n');
  const result = await runSubmit([...good, '--out-dir', out, '--output', path.join(out, 's.pdf')]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /refusing to overwrite .*o9\/plot\.pdf: latentlab did not write it\. .* another --out-dir\.$/m,
  );
});

test('writeFileAtomically names the file and the reason when it cannot write', () => {
  assert.throws(() => writeFileAtomically('/proc/x.pdf', 'x'), {
    message: 'cannot write /proc/x.pdf: /proc is a system folder, not a place for files',
  });
  const folder = path.join(scratch, 'a-folder.pdf');
  fs.mkdirSync(path.join(folder, 'inside'), { recursive: true });
  assert.throws(() => writeFileAtomically(folder, 'x'), {
    message: `cannot write ${folder}: it is a folder (EISDIR)`,
  });
  assert.deepEqual(
    fs.readdirSync(scratch).filter((name) => name.includes('.partial-')),
    [],
  );
});

test('submit stops at a failing cell, names it, keeps the partial copy, writes no PDF', async () => {
  const out = path.join(scratch, 'o4');
  const output = path.join(scratch, 'failed.pdf');
  const args = ['--notebooks', path.join(fixtures, 'bad'), '--out-dir', out, '--output', output];
  const result = await runSubmit(args);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^submit stopped: failing\.ipynb, cell 3: RangeError: deliberate failure in cell 3 \(partly executed copy: .*failing\.ipynb\)$/m,
  );
  assert.doesNotMatch(result.stderr, /Traceback|at .*\.js:\d+/, 'no stack trace');
  assert.ok(fs.existsSync(path.join(out, 'failing.ipynb')));
  assert.equal(fs.existsSync(path.join(out, 'failing.pdf')) || fs.existsSync(output), false);
});

test('submit with LATENTLAB_DATA pointing at a missing folder says where and what to do', async () => {
  const env = { ...process.env, LATENTLAB_DATA: path.join(scratch, 'no-data') };
  const result = await runSubmit([...good, '--out-dir', path.join(scratch, 'o5')], env);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /data folder not found: .*no-data.*npm run setup.*--download/);
});

test('submit without LaTeX on PATH says what to install and writes nothing', async () => {
  const bin = path.join(scratch, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(findOnPath('jupyter-nbconvert') ?? '', path.join(bin, 'jupyter-nbconvert'));
  const out = path.join(scratch, 'o6');
  const result = await runSubmit([...good, '--out-dir', out], { ...process.env, PATH: bin });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /PDF export needs LaTeX: xelatex and pandoc not found on PATH/);
  assert.equal(fs.existsSync(out), false);
});

test('submit --help prints the usage', async () => {
  const result = await runSubmit(['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: npm start -- \[options\] \[other\.pdf \.\.\.\]/);
});
