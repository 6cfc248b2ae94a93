/**
 * Finding the tools the submission needs: the Python that runs Jupyter (found the way
 * set-up finds it, from the `jupyter-nbconvert` launcher on PATH), XeLaTeX and pandoc.
 * Each failure is a sentence that says what is missing and how to get it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A missing tool or a broken set-up, reported without a stack trace by the CLI. */
export class SetupError extends Error {
  override name = 'SetupError';
}

const SETUP_HINT = 'Run "npm run setup" (or: bash lib/setup/setup.sh) to install it.';

/** The Python interpreter that runs Jupyter and can import nbclient and nbconvert. */
export function jupyterPython(env: NodeJS.ProcessEnv = process.env): string {
  const launcher = findOnPath('jupyter-nbconvert', env);
  if (!launcher) {
    throw new SetupError(`Jupyter not found: no jupyter-nbconvert on PATH. ${SETUP_HINT}`);
  }
  const python = shebangInterpreter(launcher, env);
  if (!python) throw new SetupError(`Jupyter: cannot tell which Python runs ${launcher}`);
  const check = spawnSync(python, ['-c', 'import nbclient, nbconvert'], { env, encoding: 'utf8' });
  if (check.status !== 0) {
    throw new SetupError(
      `Jupyter: ${python} (which runs ${launcher}) cannot import nbclient and nbconvert. ` +
        SETUP_HINT,
    );
  }
  return python;
}

/** Checks that the LaTeX route to PDF is complete: xelatex and pandoc on PATH. */
export function checkLatexTools(env: NodeJS.ProcessEnv = process.env): void {
  const missing = ['xelatex', 'pandoc'].filter((tool) => !findOnPath(tool, env));
  if (missing.length > 0) {
    throw new SetupError(
      `PDF export needs LaTeX: ${missing.join(' and ')} not found on PATH. ` +
        'On Debian/Ubuntu: apt-get install texlive-xetex texlive-fonts-recommended ' +
        `texlive-plain-generic pandoc. ${SETUP_HINT}`,
    );
  }
}

/** The first executable file named `name` in the PATH of `env`, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `#!/usr/bin/python3` gives /usr/bin/python3; `#!/usr/bin/env python3` looks it up. */
function shebangInterpreter(launcher: string, env: NodeJS.ProcessEnv): string | undefined {
  const first = fs.readFileSync(launcher, 'utf8').split('\n', 1)[0];
  if (!first.startsWith('#!')) return undefined;
  const words = first.slice(2).trim().split(/\s+/);
  if (path.basename(words[0]) === 'env') {
    const program = words.find((word, i) => i > 0 && !word.startsWith('-'));
    return program ? findOnPath(program, env) : undefined;
  }
  return words[0];
}
