/**
 * Folders for saved models: created and tried before a long training, and file errors told
 * in words (`read-only file system (EROFS)`) instead of Node's raw `EROFS: ..., open '...'`.
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
 * Creates `folder` and its missing parents, then writes and removes a small file in it, so
 * that saving later cannot fail on permissions. Throws with the reason and the exact path at
 * fault (a parent that is a file, a broken symbolic link, a read-only disk).
 */
export function prepareFolder(folder: string): void {
  // 1. Walk up to the first folder that exists. Node's own recursive mkdir reports a broken
  //    link as ENOENT, and never returns under /proc.
  const missing: string[] = [];
  let at = path.resolve(folder);
  while (!fs.existsSync(at)) {
    const target = linkTarget(at);
    if (target !== undefined) {
      throw new FileError(`${at} is a symbolic link to ${target}, which does not exist`);
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (fs.existsSync(at) && !fs.statSync(at).isDirectory()) {
    throw new FileError(`${at} is a file, not a folder`);
  }

  // 2. Create what is missing, one level at a time, then try a write.
  for (const part of missing) attempt(() => fs.mkdirSync(part), `cannot create ${part}`);
  const probe = path.join(folder, `.latentlab-write-test-${process.pid}`);
  attempt(() => fs.writeFileSync(probe, ''), `cannot write to ${folder}`);
  fs.rmSync(probe, { force: true });
}

/** Runs `action`, turning a file error into `what: reason`. */
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
  EISDIR: 'is a folder, expected a file',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the disk',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
};
