import fs from 'fs';
import path from 'path';

/** A file to write: repo-relative path with '/' separators. */
export interface FileToWrite {
  path: string;
  content: string | Buffer;
  executable: boolean;
}

/** Thrown before anything is written when writing would touch something that exists. */
export class WriteConflictError extends Error {
  /** One readable line per conflict, e.g. `catalog-info.yaml already exists`. */
  readonly conflicts: string[];
  constructor(conflicts: string[]) {
    const shown = conflicts.slice(0, 10).map(line => `  - ${line}`);
    if (conflicts.length > 10) shown.push(`  - and ${conflicts.length - 10} more`);
    super(`refusing to overwrite anything, nothing was written:\n${shown.join('\n')}`);
    this.name = 'WriteConflictError';
    this.conflicts = conflicts;
  }
}

function targetOf(root: string, file: FileToWrite): string {
  const target = path.resolve(root, ...file.path.split('/'));
  if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`refusing to write ${file.path}: it is outside ${root}`);
  return target;
}

function lstatIfPresent(file: string): fs.Stats | undefined {
  return fs.lstatSync(file, { throwIfNoEntry: false });
}

/**
 * Every reason writing `files` under `root` would touch something that exists: an
 * existing file, a non-folder where a folder is needed, or a symbolic link on the way
 * (which could lead outside `root`).
 */
export function findWriteConflicts(files: readonly FileToWrite[], root: string): string[] {
  const conflicts = new Set<string>();
  const folderState = new Map<string, boolean>();
  const folderIsUsable = (relative: string): boolean => {
    const known = folderState.get(relative);
    if (known !== undefined) return known;
    const stat = lstatIfPresent(path.join(root, relative));
    let usable = true;
    if (stat?.isSymbolicLink()) {
      conflicts.add(`${relative} is a symbolic link`);
      usable = false;
    } else if (stat && !stat.isDirectory()) {
      conflicts.add(`${relative} exists and is not a folder`);
      usable = false;
    }
    folderState.set(relative, usable);
    return usable;
  };
  for (const file of files) {
    const segments = file.path.split('/');
    const foldersUsable = segments.slice(0, -1).every((_, i) => folderIsUsable(segments.slice(0, i + 1).join('/')));
    if (!foldersUsable) continue;
    const stat = lstatIfPresent(path.join(root, file.path));
    if (stat?.isSymbolicLink()) conflicts.add(`${file.path} is a symbolic link`);
    else if (stat) conflicts.add(`${file.path} already exists`);
  }
  return [...conflicts].sort();
}

/**
 * The one write path of the actions, the CLI and the benchmark: writes a repo under
 * `root` (created if needed), after checking every target first, so a conflict stops
 * the write before any file is touched.
 *
 * The I/O is synchronous on purpose: a repo is a few dozen small files, written in about
 * a millisecond, while a thread-pool round trip per file took about nine times as long.
 */
export async function writeRenderedFiles(files: readonly FileToWrite[], root: string): Promise<void> {
  const resolvedRoot = path.resolve(root);
  const targets = files.map(file => targetOf(resolvedRoot, file));
  const conflicts = findWriteConflicts(files, resolvedRoot);
  if (conflicts.length) throw new WriteConflictError(conflicts);

  const made = new Set<string>();
  files.forEach((file, index) => {
    const folder = path.dirname(targets[index]);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    // 'wx' also refuses a file that appeared since the check above.
    fs.writeFileSync(targets[index], file.content, { flag: 'wx', mode: file.executable ? 0o755 : 0o644 });
  });
}
