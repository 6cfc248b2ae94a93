/**
 * Executing a notebook top to bottom in a fresh kernel, through nbclient (execute.py beside
 * this file). Progress comes back one line per code cell, then what the cell prints; a
 * failing cell becomes a NotebookError naming the notebook, the cell and the error, after
 * the partly executed copy has been written.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../env';
import { jupyterPython, SetupError } from './jupyter';

export interface ExecuteOptions {
  /** Jupyter kernel name. Default `'tslab'`. */
  kernel?: string;
  /** Seconds one cell may run before the run stops (a full autoencoder training is one long
   *  cell). Default 14400, 4 hours. */
  timeout?: number;
  /** Receives each progress line (`autoencoder.ipynb: cell 7/31`) and, indented by two
   *  spaces, each line the cells print. Default console.log. */
  onProgress?: (line: string) => void;
  /** Environment of the kernel (LATENTLAB_* pass through). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A cell failed (or the kernel did); `partial` is the partly executed copy. */
export class NotebookError extends Error {
  override name = 'NotebookError';
  constructor(
    readonly notebook: string,
    readonly cell: number | undefined,
    readonly errorName: string,
    readonly errorMessage: string,
    readonly partial: string | undefined,
  ) {
    const where = cell === undefined ? notebook : `${notebook}, cell ${cell}`;
    const kept = partial ? ` (partly executed copy: ${partial})` : '';
    super(`${where}: ${errorName}: ${errorMessage}${kept}`);
  }
}

const ERROR_PREFIX = 'latentlab-error: ';

/** Runs `input` in a fresh kernel started in its folder and writes the result to `output`. */
export async function executeNotebook(
  input: string,
  output: string,
  options: ExecuteOptions = {},
): Promise<void> {
  const { kernel = 'tslab', timeout = 14400, onProgress = console.log } = options;
  const env = options.env ?? process.env;
  if (!(timeout > 0 && Number.isFinite(timeout))) {
    throw new RangeError(`invalid timeout: ${timeout} (expected a finite number of seconds > 0)`);
  }
  const python = jupyterPython(env);
  const driver = path.join(projectRoot(), 'lib', 'notebook', 'execute.py');
  const args = [driver, '--input', input, '--output', output];
  args.push('--kernel', kernel, '--timeout', String(Math.ceil(timeout)));

  const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let report: { kind: string; cell: number | null; ename: string; evalue: string } | undefined;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith(ERROR_PREFIX)) report = JSON.parse(line.slice(ERROR_PREFIX.length));
      else if (line.trim() !== '') onProgress(line);
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });

  const name = path.basename(input);
  if (code === 0) return;
  if (report?.kind === 'no-kernel') {
    throw new SetupError(
      `${name}: no Jupyter kernel named '${kernel}' is registered. ` +
        'Run "npm run setup" to register the tslab kernel.',
    );
  }
  if (report?.kind === 'jupyter') throw new SetupError(`Jupyter: ${report.evalue}`);
  if (report) {
    const partial = report.kind === 'kernel-start' ? undefined : output;
    throw new NotebookError(name, report.cell ?? undefined, report.ename, report.evalue, partial);
  }
  const lastLine = stderr.trim().split('\n').pop() ?? '';
  throw new NotebookError(
    name,
    undefined,
    'ExecutionFailed',
    `exit code ${code}: ${lastLine}`,
    undefined,
  );
}
