import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeNotebook, NotebookError } from '../../lib/notebook/execute';
import { SetupError } from '../../lib/notebook/jupyter';

const fixtures = path.join(__dirname, '..', 'fixtures');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-execute-'));
const quiet = () => {};

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
}
function cells(file: string): { execution_count?: number | null; outputs?: Output[] }[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')).cells;
}

test('executeNotebook(plot.ipynb) runs in tslab, echoes its prints, passes LATENTLAB_* on, keeps SVG+PNG', async () => {
  const output = path.join(scratch, 'plot.ipynb');
  const progress: string[] = [];
  await executeNotebook(path.join(fixtures, 'good', 'plot.ipynb'), output, {
    onProgress: (line) => progress.push(line),
    env: { ...process.env, LATENTLAB_QUICK: '1' },
  });
  // One line per code cell, and what a cell prints, indented, right after its line.
  assert.deepEqual(progress, [
    'plot.ipynb: cell 2/5',
    'plot.ipynb: cell 3/5',
    'plot.ipynb: cell 4/5',
    '  129',
    'plot.ipynb: cell 5/5',
    '  true', // tslab prints a cell's last value
  ]);
  const outputs = cells(output).flatMap((cell) => cell.outputs ?? []);
  const figures = outputs.filter((o) => o.output_type === 'display_data');
  assert.equal(figures.length, 1);
  assert.ok(figures[0].data?.['image/svg+xml'], 'an SVG in the bundle');
  assert.match(String(figures[0].data?.['image/png']), /^iVBORw0KGgo/, 'a base64 PNG beside it');
  const text = outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
  assert.match(text, /^129$/m, 'console.log output is kept');
  assert.match(text, /^true$/m, 'quickMode() in the kernel sees LATENTLAB_QUICK=1');
  // The source notebook is not touched.
  assert.ok(
    cells(path.join(fixtures, 'good', 'plot.ipynb')).every((c) => (c.outputs ?? []).length === 0),
  );
});

test('executeNotebook(failing.ipynb) names the cell and error and keeps the partial copy', async () => {
  const output = path.join(scratch, 'failing.ipynb');
  await assert.rejects(
    executeNotebook(path.join(fixtures, 'bad', 'failing.ipynb'), output, { onProgress: quiet }),
    (error: unknown) => {
      assert.ok(error instanceof NotebookError);
      assert.equal(error.cell, 3);
      assert.equal(
        error.message,
        `failing.ipynb, cell 3: RangeError: deliberate failure in cell 3 ` +
          `(partly executed copy: ${output})`,
      );
      return true;
    },
  );
  const partial = cells(output);
  assert.equal(partial[1].execution_count, 1);
  assert.equal(partial[3].execution_count ?? null, null, 'the cell after the failure did not run');
});

test('executeNotebook with an unregistered kernel says so and writes nothing', async () => {
  const output = path.join(scratch, 'no-kernel.ipynb');
  await assert.rejects(
    executeNotebook(path.join(fixtures, 'good', 'plot.ipynb'), output, {
      kernel: 'latentlab-no-such-kernel',
      onProgress: quiet,
    }),
    (error: unknown) =>
      error instanceof SetupError &&
      /no Jupyter kernel named 'latentlab-no-such-kernel'.*npm run setup/.test(error.message),
  );
  assert.equal(fs.existsSync(output), false);
});

test('executeNotebook without Jupyter on PATH says how to install it', async () => {
  await assert.rejects(
    executeNotebook(path.join(fixtures, 'good', 'plot.ipynb'), path.join(scratch, 'x.ipynb'), {
      env: { ...process.env, PATH: scratch },
      onProgress: quiet,
    }),
    /^SetupError: Jupyter not found: no jupyter-nbconvert on PATH\. Run "npm run setup"/,
  );
});
