/**
 * The first cell of every notebook: what this notebook runs on, so that a surprise (the
 * wrong backend, data not found, quick mode left on) shows before any long work starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir, quickMode } from './env';
import { initBackend } from './nn/backend';
import { showMarkdown } from './plot/display';

/** One row of the environment table. */
export interface EnvironmentRow {
  name: string;
  value: string;
}

/** Initialises the tfjs backend and lists versions, backend, data sets and quick mode. */
export async function describeEnvironment(): Promise<EnvironmentRow[]> {
  const backend = await initBackend({ log: false });
  const tslab = tslabVersions();
  const rows: EnvironmentRow[] = [
    { name: 'Node.js', value: process.version },
    { name: 'tslab', value: tslab.tslab },
    { name: 'TypeScript (notebook cells)', value: tslab.typescript },
    { name: 'TensorFlow.js backend', value: `${backend.name} (${backend.version})` },
    { name: 'why this backend', value: backend.reason },
    { name: 'data folder', value: dataDir() },
  ];
  for (const [name, relative] of DATA_SETS) {
    const where = path.join(dataDir(), relative);
    rows.push({ name, value: fs.existsSync(where) ? fs.realpathSync(where) : 'not found' });
  }
  rows.push({ name: 'quick mode (LATENTLAB_QUICK)', value: quickMode() ? 'on' : 'off' });
  return rows;
}

/** Shows the environment as a table in the notebook (printed outside one). */
export async function showEnvironment(): Promise<void> {
  const rows = await describeEnvironment();
  const lines = ['| | |', '|---|---|', ...rows.map((r) => `| ${r.name} | ${cell(r.value)} |`)];
  showMarkdown(lines.join('\n'));
}

const DATA_SETS: [string, string][] = [
  ['Fashion-MNIST', 'fashion-mnist'],
  ['MovieLens latest-small', 'ml-latest-small'],
  ['homework ratings.npy', 'ratings.npy'],
];

/** Versions from the tslab that runs this kernel, or 'not in a notebook'. */
function tslabVersions(): { tslab: string; typescript: string } {
  const hooked = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
  try {
    const tslab = hooked?.require?.('tslab') as
      { versions?: { tslab: string; typescript: string } } | undefined;
    if (tslab?.versions) return tslab.versions;
  } catch {
    // not inside tslab
  }
  return { tslab: 'not in a notebook', typescript: 'not in a notebook' };
}

/** Markdown table cells cannot hold a bare pipe. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
