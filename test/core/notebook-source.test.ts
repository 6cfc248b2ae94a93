import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const notebooksDir = path.join(__dirname, '..', '..', 'notebooks');
const notebooks = fs.readdirSync(notebooksDir).filter((name) => name.endsWith('.ipynb'));

/** Each code cell's source lines, with the notebook and cell they come from. */
function codeLines(name: string): { where: string; line: string }[] {
  const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), 'utf8')) as {
    cells: { cell_type: string; source: string[] | string }[];
  };
  return notebook.cells.flatMap((cell, c) => {
    if (cell.cell_type !== 'code') return [];
    const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    return source
      .split('\n')
      .map((line, l) => ({ where: `${name} cell ${c} line ${l + 1}`, line }));
  });
}

test('every notebook code line fits the 88 columns the PDF prints without wrapping', () => {
  assert.ok(notebooks.length >= 2, `notebooks found in ${notebooksDir}`);
  const long = notebooks.flatMap(codeLines).filter(({ line }) => line.length > 88);
  assert.deepEqual(
    long.map(({ where, line }) => `${where}: ${line.length} columns`),
    [],
  );
});

test('notebooks are saved without outputs, so a fresh clone shows no stale results', () => {
  for (const name of notebooks) {
    const notebook = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), 'utf8')) as {
      cells: { outputs?: unknown[]; execution_count?: number | null }[];
    };
    const stale = notebook.cells.filter((c) => (c.outputs ?? []).length > 0 || c.execution_count);
    assert.equal(stale.length, 0, `${name}: cells with outputs`);
  }
});
