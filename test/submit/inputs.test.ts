import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixtures, labelledPdf, runSubmit } from './helpers';

// Input files the command refuses before the first notebook runs.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-inputs-'));
const good = path.join(fixtures, 'good');

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
