import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const notebook = path.join(root, 'notebooks', '2-autoencoder.ipynb');
const python = '/usr/bin/python3';
/** Sample images, loss curve, reconstructions, PCA, t-SNE x 3, interpolations x 3. */
const EXPECTED_PNGS = 10;

interface Output {
  output_type: string;
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
  '2-autoencoder.ipynb runs in quick mode without errors and draws every plot',
  { skip: missing ? `skipped: ${missing}` : false, timeout: 600_000 },
  () => {
    assert.ok(
      fs.existsSync(path.join(root, 'dist', 'lib', 'nn', 'autoencoder.js')),
      'dist/lib/nn is missing: run "npm run build" so the notebook can import latentlab',
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-ae-notebook-'));
    const run = spawnSync(
      python,
      [
        '-m',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        '--ExecutePreprocessor.kernel_name=tslab',
        '--ExecutePreprocessor.timeout=600',
        '--output-dir',
        out,
        notebook,
      ],
      { encoding: 'utf8', env: { ...process.env, LATENTLAB_QUICK: '1' } },
    );
    assert.equal(run.status, 0, `nbconvert failed:\n${run.stderr.slice(-3000)}`);
    const executed = JSON.parse(fs.readFileSync(path.join(out, '2-autoencoder.ipynb'), 'utf8')) as {
      cells: { outputs?: Output[] }[];
    };
    fs.rmSync(out, { recursive: true, force: true });
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    const errors = outputs.filter((o) => o.output_type === 'error');
    assert.deepEqual(
      errors.map((e) => `${e.ename}: ${e.evalue}`),
      [],
      'no cell raised an error',
    );
    const images = outputs.filter((o) => o.data?.['image/png'] !== undefined);
    assert.equal(images.length, EXPECTED_PNGS, 'PNG figures in the executed notebook');
  },
);
