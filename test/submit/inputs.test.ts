import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtures, labelledPdf, root, runSubmit } from './helpers';

// Input files the command refuses before the first notebook runs, and the environment the
// kernels get.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-inputs-'));
const good = path.join(fixtures, 'good');

/** A folder in scratch holding `notebooks` (name to JSON content). */
function notebookFolder(name: string, notebooks: Record<string, unknown>): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  for (const [file, content] of Object.entries(notebooks)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** A one-page PDF whose trailer declares RC4 encryption with an empty user password. Its
 *  objects are left readable unless `scrambled`, which turns the object stream holding the
 *  catalog into bytes that only decryption could read, as in a real encrypted file. */
async function encryptedPdf(
  file: string,
  options: { objectStreams: boolean; scrambled?: boolean },
) {
  const { PDFDocument, PDFHexString } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  pdf.addPage([300, 200]).drawText('SECRET', { x: 20, y: 100 });
  const key = PDFHexString.of('00'.repeat(32));
  const dict = { Filter: 'Standard', V: 1, R: 2, Length: 40, O: key, U: key, P: -4 };
  pdf.context.trailerInfo.Encrypt = pdf.context.register(pdf.context.obj(dict));
  const bytes = Buffer.from(await pdf.save({ useObjectStreams: options.objectStreams }));
  if (options.scrambled) {
    const start = bytes.indexOf('stream\n', bytes.indexOf('/Type /ObjStm')) + 'stream\n'.length;
    const end = bytes.indexOf('\nendstream', start);
    for (let i = start; i < end; i++) bytes[i] ^= 0x5a;
  }
  fs.writeFileSync(file, bytes);
}

const notebook = (metadata: object, source = "console.log('hi');") => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata,
  cells: [{ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source }],
});
const tslab = { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } };

test('submit with an encrypted extra PDF refuses it before running', async () => {
  const plain = path.join(scratch, 'plain.pdf');
  await labelledPdf(plain, ['PLAIN']);
  const out = path.join(scratch, 'o1');
  const args = ['--notebooks', good, '--out-dir', out, '--output', path.join(out, 's.pdf')];
  for (const [name, options] of [
    ['classic-trailer.pdf', { objectStreams: false }],
    ['xref-stream.pdf', { objectStreams: true }],
    ['encrypted-objects.pdf', { objectStreams: true, scrambled: true }],
  ] as const) {
    const file = path.join(scratch, name);
    await encryptedPdf(file, options);
    const result = await runSubmit([...args, plain, file]);
    assert.equal(result.code, 1, name);
    assert.match(
      result.stderr,
      new RegExp(
        `^submit failed: ${file}: the PDF is encrypted; save an unencrypted copy ` +
          '\\(for example: qpdf --decrypt in\\.pdf out\\.pdf\\)$',
        'm',
      ),
      name,
    );
  }
  assert.equal(fs.existsSync(out), false, 'nothing was run');
});

test('submit checks every notebook is JSON, nbformat 4 and tslab before running any', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ 'b.ipynb': '{"cells": [' }, /b\.ipynb: not a notebook, its JSON cannot be read \(.+\)$/],
    [{ 'b.ipynb': '[1, 2]' }, /b\.ipynb: not a notebook \(expected a JSON object with a "cells"/],
    [
      { 'b.ipynb': { ...notebook(tslab), nbformat: 3 } },
      /b\.ipynb: notebook format 3, expected 4\. Open it in Jupyter and save it again\.$/,
    ],
    [
      { 'b.ipynb': notebook({ kernelspec: { name: 'python3' } }, "print('hi')") },
      /b\.ipynb: written for the kernel "python3", expected "tslab" \(TypeScript\)\. Choose/,
    ],
  ];
  for (const [i, [files, expected]] of cases.entries()) {
    // a.ipynb would run first, and fail: it must not be reached.
    const dir = notebookFolder(`check-${i}`, {
      'a.ipynb': notebook(tslab, "throw new Error('a.ipynb ran');"),
      ...files,
    });
    const out = path.join(dir, 'out');
    const result = await runSubmit(['--notebooks', dir, '--out-dir', out]);
    assert.equal(result.code, 1);
    const message = /^submit failed: (.*)$/m.exec(result.stderr)?.[1] ?? assert.fail(result.stderr);
    assert.ok(message.startsWith(path.join(dir, 'b.ipynb')), message);
    assert.match(message, expected);
    assert.doesNotMatch(result.stdout + result.stderr, /Traceback|a\.ipynb ran|running/);
    assert.equal(fs.existsSync(out), false, 'nothing was run');
  }
});

test('submit with notebooks that import latentlab outside the project says to copy them in', async () => {
  const dir = notebookFolder('outside', {
    'plot.ipynb': fs.readFileSync(path.join(good, 'plot.ipynb'), 'utf8'),
  });
  const out = path.join(dir, 'out');
  const result = await runSubmit(['--notebooks', dir, '--out-dir', out]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `^submit failed: ${dir}/plot\\.ipynb: imports latentlab, which the kernel cannot find ` +
        `from ${dir} .*copy them into the project, for example into notebooks/\\.$`,
      'm',
    ),
  );
  assert.equal(fs.existsSync(out), false, 'nothing was run');
});

test('submit gives the kernels LATENTLAB_DATA resolved against its own folder', async () => {
  // No kernelspec (tslab is used) and no latentlab import, so it may run outside the project.
  const source = "throw new Error('data=' + (globalThis as any).process.env.LATENTLAB_DATA);";
  const dir = notebookFolder('data', { 'data.ipynb': notebook({}, source) });
  const env = { ...process.env, LATENTLAB_DATA: 'data' };
  const result = await runSubmit(['--notebooks', dir, '--out-dir', path.join(dir, 'out')], env);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    new RegExp(
      `^submit stopped: data\\.ipynb, cell 1: Error: data=${path.join(root, 'data')} `,
      'm',
    ),
  );
});
