/**
 * Files and folders that latentlab writes: checked before a long run, created and tried
 * before training, and every file-system error told in words (`read-only file system
 * (EROFS)`) with the path at fault, instead of Node's raw `EROFS: ..., open '...'`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file or folder that cannot be created, read or written; the message says which and why. */
export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}

/**
 * Why files cannot be written in `dir` (created if missing), or undefined when they can:
 * the nearest folder that exists must be a writable folder outside /proc and /sys. Nothing
 * is created.
 */
export function folderProblem(dir: string): string | undefined {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  // Node 20's recursive mkdir never returns under /proc, so these are refused up front.
  if (/^\/(proc|sys)(\/|$)/.test(fs.realpathSync(existing))) {
    return `${existing} is a system folder, not a place for files`;
  }
  if (!fs.statSync(existing).isDirectory()) return `${existing} is a file, not a folder`;
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (error) {
    return `${existing} is not writable (${fileErrorReason(error)})`;
  }
  return undefined;
}

/**
 * Creates `folder` and its missing parents, then writes and removes a small file in it, so
 * that saving later cannot fail on permissions. Throws with the reason and the exact path at
 * fault (a parent that is a file, a broken symbolic link, a read-only disk).
 */
export function prepareFolder(folder: string): void {
  // 1. The nearest folder that exists must take files; the missing ones below it are made
  //    here one at a time, as Node's recursive mkdir calls a broken link ENOENT.
  const problem = folderProblem(folder);
  if (problem !== undefined) throw new FileError(problem);
  const missing: string[] = [];
  let at = path.resolve(folder);
  while (!fs.existsSync(at)) {
    const target = linkTarget(at);
    if (target !== undefined) {
      throw new FileError(`${at} is a symbolic link to ${target}, which does not exist`);
    }
    missing.unshift(at);
    at = path.dirname(at);
  }

  // 2. Create what is missing, one level at a time, then try a write.
  for (const part of missing) attempt(() => fs.mkdirSync(part), `cannot create ${part}`);
  const probe = path.join(folder, `.latentlab-write-test-${process.pid}`);
  attempt(() => fs.writeFileSync(probe, ''), `cannot write to ${folder}`);
  fs.rmSync(probe, { force: true });
}

/** Runs `action`, turning a file error into a FileError `what: reason`. */
export function attempt<T>(action: () => T, what: string): T {
  try {
    return action();
  } catch (error) {
    throw new FileError(`${what}: ${fileErrorReason(error)}`);
  }
}

/** A file error in words with its code, e.g. `read-only file system (EROFS)`. */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return (error as Error).message;
  return `${REASONS[code] ?? (error as Error).message.replace(/^\w+: /, '')} (${code})`;
}

/** Where the symbolic link `file` points, or undefined when it is not one. */
function linkTarget(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'something else has that name',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the disk',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};
