import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const notebook = path.join(root, 'notebooks', '1-matrix-factorization.ipynb');
const python = '/usr/bin/python3';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

function tslabMissing(): string | undefined {
  const listed = spawnSync(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], {
    encoding: 'utf8',
  });
  if (listed.status !== 0) return `Jupyter not found at ${python}`;
  const specs = (JSON.parse(listed.stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs;
  return 'tslab' in specs ? undefined : 'the tslab kernel is not registered (npm run setup)';
}

const missing = tslabMissing();

test(
  '1-matrix-factorization.ipynb runs in quick mode without errors and draws plots',
  { skip: missing ? `skipped: ${missing}` : false, timeout: 300_000 },
  () => {
    assert.ok(
      fs.existsSync(path.join(root, 'dist', 'lib', 'mf', 'index.js')),
      'dist/lib/mf is missing: run "npm run build" so the notebook can import latentlab',
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-mf-notebook-'));
    const run = spawnSync(
      python,
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--allow-errors',
        '--ExecutePreprocessor.kernel_name=tslab',
        '--ExecutePreprocessor.timeout=600',
        '--output-dir',
        out,
        notebook,
      ],
      { encoding: 'utf8', env: { ...process.env, LATENTLAB_QUICK: '1' } },
    );
    assert.equal(run.status, 0, `nbconvert failed:\n${run.stderr.slice(-3000)}`);
    const executed = JSON.parse(
      fs.readFileSync(path.join(out, '1-matrix-factorization.ipynb'), 'utf8'),
    ) as { cells: { outputs?: Output[] }[] };
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    // tslab reports a runtime error as a stderr stream, a compile error as an error output.
    const errors = outputs.flatMap((o) => {
      if (o.output_type === 'error') return [`${o.ename}: ${o.evalue}`];
      const text = [o.text ?? ''].flat().join('');
      return o.output_type === 'stream' && o.name === 'stderr' && /Error/.test(text)
        ? [text.slice(0, 600)]
        : [];
    });
    assert.deepEqual(errors, [], 'no cell raised an error');
    const images = outputs.filter((o) => o.data?.['image/png'] !== undefined);
    assert.ok(images.length >= 1, `expected PNG plots, found ${images.length}`);
  },
);
