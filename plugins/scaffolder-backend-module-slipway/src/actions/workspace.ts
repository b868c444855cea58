import { promises as fs } from 'fs';
import path from 'path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { RenderedFile } from '@slipway/node';
import type { SpecIssue } from '@slipway/common';

/** Formats input problems as one error message: a line per `field: rule`. */
export function formatInputIssues(actionId: string, issues: SpecIssue[], note = ''): string {
  return `${actionId}: invalid input${note}:\n${issues.map(i => `  - ${i.path}: ${i.message}`).join('\n')}`;
}

/**
 * Checks a workspace-relative path given as action input. Returns the normalised
 * posix path ('.' for the workspace itself) or records an issue for `field`.
 */
export function checkRelativePath(field: string, value: unknown, issues: SpecIssue[]): string | undefined {
  if (value === undefined) return '.';
  if (typeof value !== 'string') {
    issues.push({ path: field, message: 'must be a string' });
    return undefined;
  }
  if (value.trim() === '') return '.';
  if (value.includes('\0')) {
    issues.push({ path: field, message: 'must not contain NUL characters' });
    return undefined;
  }
  const posix = value.replace(/\\/g, '/');
  if (posix.startsWith('/') || path.isAbsolute(value) || /^[A-Za-z]:/.test(posix)) {
    issues.push({ path: field, message: 'must be a path relative to the workspace, not an absolute path' });
    return undefined;
  }
  if (posix.split('/').includes('..')) {
    issues.push({ path: field, message: "must stay inside the workspace: '..' is not allowed" });
    return undefined;
  }
  return path.posix.normalize(posix).replace(/\/$/, '') || '.';
}

/** Resolves a path checked by `checkRelativePath` inside the workspace, refusing symlink escapes. */
export function resolveInWorkspace(workspacePath: string, relative: string): string {
  return resolveSafeChildPath(workspacePath, relative);
}

async function lstatOrUndefined(file: string) {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Finds every reason writing `files` under `dir` would touch something that exists:
 * an existing file, a non-directory where a directory is needed, or a symlink on
 * the way (which could point outside the workspace). Returns human-readable lines.
 */
export async function findWriteConflicts(dir: string, files: RenderedFile[]): Promise<string[]> {
  const conflicts = new Set<string>();
  const checked = new Map<string, 'dir' | 'missing' | 'conflict'>();
  const check = async (relative: string, wantDir: boolean): Promise<'dir' | 'missing' | 'conflict'> => {
    const key = `${relative}|${wantDir}`;
    const known = checked.get(key);
    if (known) return known;
    const stat = await lstatOrUndefined(path.join(dir, relative));
    let state: 'dir' | 'missing' | 'conflict';
    if (!stat) state = 'missing';
    else if (stat.isSymbolicLink()) {
      conflicts.add(`${relative} is a symbolic link`);
      state = 'conflict';
    } else if (wantDir && stat.isDirectory()) state = 'dir';
    else {
      conflicts.add(wantDir ? `${relative} exists and is not a directory` : `${relative} already exists`);
      state = 'conflict';
    }
    checked.set(key, state);
    return state;
  };
  for (const file of files) {
    const segments = file.path.split('/');
    let blocked = false;
    for (let i = 1; i < segments.length && !blocked; i++) {
      const state = await check(segments.slice(0, i).join('/'), true);
      blocked = state !== 'dir';
    }
    if (!blocked) await check(file.path, false);
  }
  return [...conflicts].sort();
}

/** Writes rendered files under `dir`; `wx` makes a file that appeared since the check fail instead of being overwritten. */
export async function writeRenderedFiles(dir: string, files: RenderedFile[]): Promise<void> {
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, { flag: 'wx', mode: file.executable ? 0o755 : 0o644 });
    if (file.executable) await fs.chmod(target, 0o755);
  }
}
