/**
 * Checking a notebook before a long run: nbformat would find a file that is not a notebook
 * only when its turn comes, and a notebook for another kernel would fail cell by cell in
 * tslab. Each problem is one error naming the file and what was found.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The kernel the notebooks are run in. */
export const KERNEL = 'tslab';

interface NotebookJson {
  nbformat?: unknown;
  cells?: unknown;
  metadata?: { kernelspec?: { name?: unknown } };
}

/**
 * Throws unless `file` is a notebook tslab can run from where it lies: JSON in nbformat 4,
 * with no kernelspec or the tslab one, and, when it imports latentlab, a node_modules/ above
 * its folder that holds latentlab.
 */
export function checkNotebook(file: string): void {
  // 1. A JSON notebook in nbformat 4.
  let content: NotebookJson;
  try {
    content = JSON.parse(fs.readFileSync(file, 'utf8')) as NotebookJson;
  } catch (error) {
    throw new Error(`${file}: not a notebook, its JSON cannot be read (${reasonOf(error)})`);
  }
  if (content === null || typeof content !== 'object' || !Array.isArray(content.cells)) {
    throw new Error(`${file}: not a notebook (expected a JSON object with a "cells" list)`);
  }
  if (content.nbformat !== 4) {
    throw new Error(
      `${file}: notebook format ${JSON.stringify(content.nbformat)}, expected 4. ` +
        'Open it in Jupyter and save it again.',
    );
  }

  // 2. Written for tslab, or for no kernel in particular.
  const kernel = content.metadata?.kernelspec?.name;
  if (kernel !== undefined && kernel !== KERNEL) {
    throw new Error(
      `${file}: written for the kernel ${JSON.stringify(kernel)}, expected "${KERNEL}" ` +
        '(TypeScript). Choose the TypeScript kernel in Jupyter, or move the notebook out of ' +
        'the --notebooks folder.',
    );
  }

  // 3. TypeScript resolves `latentlab` only from a node_modules/ above the kernel's folder,
  //    the notebook's own; tslab ignores NODE_PATH.
  const dir = path.dirname(path.resolve(file));
  if (content.cells.some(importsLatentlab) && !findsLatentlab(dir)) {
    throw new Error(
      `${file}: imports latentlab, which the kernel cannot find from ${dir} (it looks in ` +
        'node_modules/ above the notebook). Notebooks outside the project cannot import ' +
        'latentlab: copy them into the project, for example into notebooks/.',
    );
  }
}

function importsLatentlab(cell: unknown): boolean {
  const { cell_type: type, source } = (cell ?? {}) as { cell_type?: unknown; source?: unknown };
  if (type !== 'code') return false;
  const text = Array.isArray(source) ? source.join('') : String(source ?? '');
  return /\b(?:from|import|require)\s*\(?\s*['"]latentlab(?:\/[^'"]*)?['"]/.test(text);
}

function findsLatentlab(dir: string): boolean {
  for (;;) {
    if (fs.existsSync(path.join(dir, 'node_modules', 'latentlab', 'package.json'))) return true;
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return (error as Error).message;
}
