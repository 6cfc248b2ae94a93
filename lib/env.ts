/**
 * The three environment variables latentlab reads, in one place:
 *
 * - `LATENTLAB_QUICK=1` runs every notebook and the main job with small parameters (tests).
 * - `LATENTLAB_DATA` is the data folder; default `data/` at the project root.
 * - `LATENTLAB_BACKEND` forces the tfjs backend: `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const QUICK_VARIABLE = 'LATENTLAB_QUICK';
export const DATA_VARIABLE = 'LATENTLAB_DATA';
export const BACKEND_VARIABLE = 'LATENTLAB_BACKEND';

/**
 * True when `LATENTLAB_QUICK` is `1`, `true`, `yes` or `on`; false when it is unset, empty,
 * `0`, `false`, `no` or `off`. Anything else is an error rather than a guess.
 */
export function quickMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env[QUICK_VARIABLE] ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error(
    `${QUICK_VARIABLE}=${env[QUICK_VARIABLE]}: expected 1 (quick mode) or 0 (full size); ` +
      'true/false, yes/no and on/off work too',
  );
}

/** Picks the full-size value, or the small one under `LATENTLAB_QUICK=1`. */
export function quickOr<T>(full: T, quick: T, env: NodeJS.ProcessEnv = process.env): T {
  return quickMode(env) ? quick : full;
}

/**
 * The project root: the nearest folder above this module holding latentlab's package.json.
 * Works from `lib/` (tsx) and from `dist/lib/` (compiled) alike.
 */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && readPackageName(manifest) === 'latentlab') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`latentlab: no package.json found above ${__dirname}`);
    dir = parent;
  }
}

/** The data folder: `LATENTLAB_DATA` when set, else `data/` at the project root. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[DATA_VARIABLE];
  if (chosen !== undefined && chosen.trim() !== '') return path.resolve(chosen);
  return path.join(projectRoot(), 'data');
}

/**
 * A file or folder inside the data folder. Throws a message that says where it looked and
 * how to get the data there when it is missing.
 */
export function dataPath(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = dataDir(env);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new Error(`data folder ${dir} is a file; set ${DATA_VARIABLE} to a folder`);
  }
  if (!fs.existsSync(dir)) {
    throw new Error(
      `data folder not found: ${dir}. Run "npm run setup" to link the data sets there, ` +
        `or set ${DATA_VARIABLE} to the folder that holds them.`,
    );
  }
  const target = path.join(dir, relative);
  if (!fs.existsSync(target)) {
    throw new Error(
      `missing data: ${target}. Run "npm run setup" to link the data sets, ` +
        `or put the file there (see data/README.md).`,
    );
  }
  return target;
}

/** The backend named by `LATENTLAB_BACKEND`, or undefined when the choice is automatic. */
export function requestedBackend(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = (env[BACKEND_VARIABLE] ?? '').trim().toLowerCase();
  return value === '' || value === 'auto' ? undefined : value;
}

function readPackageName(manifest: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
