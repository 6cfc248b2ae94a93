import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileErrorReason, prepareFolder } from '../../lib/files';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-folders-'));
}

/** An error as Node raises it for a failed system call. */
function nodeError(code: string, text: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, open 'x'`), { code });
}

test('prepareFolder(folder) creates missing parents and leaves no probe file behind', () => {
  const dir = tempDir();
  const folder = path.join(dir, 'a', 'b', 'c');
  prepareFolder(folder);
  assert.ok(fs.statSync(folder).isDirectory());
  assert.deepEqual(fs.readdirSync(folder), []);
  prepareFolder(folder);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('prepareFolder names a parent that is a file and a broken symbolic link', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'file'), 'x');
  assert.throws(
    () => prepareFolder(path.join(dir, 'file', 'models')),
    new RegExp(`^FileError: ${path.join(dir, 'file')} is a file, not a folder$`),
  );
  fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'link'));
  assert.throws(
    () => prepareFolder(path.join(dir, 'link')),
    /link is a symbolic link to .*nowhere, which does not exist/,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('prepareFolder on a read-only disk names the folder and the reason, not EROFS alone', (t) => {
  const dir = tempDir();
  t.mock.method(fs, 'writeFileSync', () => {
    throw nodeError('EROFS', 'read-only file system');
  });
  assert.throws(
    () => prepareFolder(dir),
    new RegExp(`^FileError: cannot write to ${dir}: read-only file system \\(EROFS\\)$`),
  );
  t.mock.restoreAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('fileErrorReason words known codes and keeps the text of others', () => {
  assert.equal(fileErrorReason(nodeError('ENOSPC', 'x')), 'no space left on the disk (ENOSPC)');
  assert.equal(fileErrorReason(nodeError('EIO', 'i/o error')), "i/o error, open 'x' (EIO)");
  assert.equal(fileErrorReason(new Error('plain')), 'plain');
});
