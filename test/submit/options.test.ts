import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../../lib/env';
import { parseRequest } from '../../lib/cli/request';
import { fixtures, runSubmit } from './helpers';

// Option values the command refuses at once, with the usage text, before anything runs.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-options-'));
const out = path.join(scratch, 'out');
const base = ['--notebooks', path.join(fixtures, 'good'), '--out-dir', out];
const output = ['--output', path.join(scratch, 'submission.pdf')];

/** Runs each case at once; each must fail with `expected` on its first stderr line. */
async function assertRefused(cases: [string[], string | RegExp][]): Promise<void> {
  // From scratch, so that a relative or empty path that slipped through would write there.
  const results = await Promise.all(cases.map(([args]) => runSubmit(args, process.env, scratch)));
  results.forEach((result, i) => {
    const [args, expected] = cases[i];
    const shown = JSON.stringify(args.slice(base.length));
    assert.equal(result.code, 1, `${shown}: ${result.stderr}`);
    const first = result.stderr.split('\n')[0];
    if (typeof expected === 'string') assert.equal(first, `submit: ${expected}`, shown);
    else assert.match(first, expected, shown);
    assert.match(result.stderr, /^Usage: npm start/m, `${shown}: the usage follows`);
  });
  assert.equal(fs.existsSync(out), false, 'nothing was run');
  assert.deepEqual(fs.readdirSync(scratch), [], 'nothing was written');
}

test('submit with --output ending in a separator, or not in .pdf, wants a .pdf file path', async () => {
  const folder = path.join(scratch, 'newdir');
  await assertRefused([
    [
      [...base, '--output', `${folder}/`],
      `invalid --output ${folder}/: expected a file path ending in .pdf`,
    ],
    [
      [...base, '--output', folder],
      `invalid --output ${folder}: expected a file path ending in .pdf`,
    ],
    [[...base, '--output', os.tmpdir()], /^submit: invalid --output .*: expected a file path/],
    [[...base, '--output', 'notes.txt'], /^submit: invalid --output notes\.txt: expected/],
  ]);
});

test('submit with --output naming an existing folder says a file is expected', async () => {
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-folder-')), 'a.pdf');
  fs.mkdirSync(folder);
  const result = await runSubmit([...base, '--output', folder]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^submit failed: --output .*\.pdf: a folder, expected a file path ending in \.pdf$/m,
  );
  assert.deepEqual(fs.readdirSync(folder), []);
  assert.equal(fs.existsSync(out), false, 'nothing was run');
});

test('submit with an empty --output, --out-dir, --notebooks, --name or PDF refuses it', async () => {
  await assertRefused([
    [[...base, '--output', ''], '--output is empty (expected a path)'],
    [[...base, ...output, '--out-dir', ''], '--out-dir is empty (expected a path)'],
    [[...base, ...output, '--out-dir', '  '], '--out-dir is empty (expected a path)'],
    [['--notebooks', '', '--out-dir', out, ...output], '--notebooks is empty (expected a path)'],
    [[...base, ...output, '--name', ' '], '--name is empty (give a name, or leave --name out)'],
    [[...base, ...output, ''], 'an empty argument where a PDF was expected'],
  ]);
});

test('submit with --timeout not a whole number of seconds up to a week refuses it', async () => {
  const expected = (value: string) =>
    `invalid --timeout: ${JSON.stringify(value)} (expected whole seconds from 1 to 604800, a week)`;
  const values = ['Infinity', '1e300', '1e3', '0', '-5', '1.5', 'abc', '', '604801', '0x10'];
  await assertRefused(
    values.map((value) => [[...base, ...output, `--timeout=${value}`], expected(value)]),
  );
});

test('submit with --name holding a control character, or too long, refuses it', async () => {
  const long = 'Ann '.repeat(20) + 'B';
  const word = 'W'.repeat(31);
  await assertRefused([
    [
      [...base, ...output, '--name', 'Ann\x07Bell'],
      'invalid --name "Ann\\u0007Bell": it contains the control character U+0007',
    ],
    [
      [...base, ...output, '--name', 'Ann\nBell'],
      'invalid --name "Ann\\nBell": it contains the control character U+000A',
    ],
    [
      [...base, ...output, '--name', 'Ann\x9bBell'],
      'invalid --name "Ann\\u009BBell": it contains the control character U+009B',
    ],
    [
      [...base, ...output, '--name', long],
      '--name is 81 characters long, at most 80 fit the page header',
    ],
    [
      [...base, ...output, '--name', `Ann ${word}-Bell`],
      `invalid --name "Ann ${word}-Bell": "${word}" has 31 characters without a space or ` +
        'hyphen, at most 30 fit a line',
    ],
  ]);
});

test('parseRequest under LATENTLAB_QUICK=1 writes to out/quick/, so a full run stays', () => {
  const root = projectRoot();
  const saved = process.env.LATENTLAB_QUICK;
  try {
    process.env.LATENTLAB_QUICK = '1';
    const quick = parseRequest([]);
    assert.ok(quick !== 'help');
    assert.equal(quick.outDir, path.join(root, 'out', 'quick'));
    assert.equal(quick.output, path.join(root, 'out', 'quick', 'submission.pdf'));
    process.env.LATENTLAB_QUICK = '0';
    const full = parseRequest([]);
    assert.ok(full !== 'help');
    assert.equal(full.output, path.join(root, 'out', 'submission.pdf'));
    process.env.LATENTLAB_QUICK = 'maybe';
    assert.throws(() => parseRequest([]), /LATENTLAB_QUICK=maybe: expected 1/);
  } finally {
    if (saved === undefined) delete process.env.LATENTLAB_QUICK;
    else process.env.LATENTLAB_QUICK = saved;
  }
});
