/** Running one of the assignment notebooks in quick mode, for the notebook tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeNotebook } from '../../lib/notebook/execute';

export const notebooksDir = path.join(__dirname, '..', '..', 'notebooks');

/** One output of an executed code cell, as nbformat stores it. */
export interface CellOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

/**
 * Executes `notebooks/<name>` with LATENTLAB_QUICK=1 in a fresh tslab kernel and returns
 * every output. A failing cell rejects with the notebook, the cell and the error.
 */
export async function runAssignmentQuick(name: string): Promise<CellOutput[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'latentlab-assignment-'));
  try {
    const output = path.join(scratch, name);
    await executeNotebook(path.join(notebooksDir, name), output, {
      timeout: 600,
      onProgress: () => {},
      env: { ...process.env, LATENTLAB_QUICK: '1' },
    });
    const executed = JSON.parse(fs.readFileSync(output, 'utf8')) as {
      cells: { outputs?: CellOutput[] }[];
    };
    return executed.cells.flatMap((cell) => cell.outputs ?? []);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Outputs that carry a PNG figure. */
export function pngOutputs(outputs: CellOutput[]): CellOutput[] {
  return outputs.filter((o) => o.data?.['image/png'] !== undefined);
}
