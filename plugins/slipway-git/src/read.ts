import { GitCommandError } from './errors';
import { runGit } from './run';

/** What a published repo looks like from outside: enough to list it and clone it. */
export interface RepoSummary {
  name: string;
  defaultBranch: string;
  /** The default branch's tip; null for a repo without commits. */
  lastCommit: { sha: string; time: string } | null;
}

/**
 * A ref as it may appear in a URL: a branch or tag name (as `isBranchName` allows) or a
 * commit sha. Never an option or a revision expression.
 */
export function isReadableRef(value: string): boolean {
  if (/^[0-9a-f]{7,64}$/.test(value)) return true;
  if (!/^[A-Za-z0-9._/-]{1,200}$/.test(value) || value.startsWith('-') || value.includes('..')) return false;
  return value.split('/').every(part => part !== '' && !part.startsWith('.'));
}

/**
 * A repo-relative file path from a URL, normalised to git's form ('a/b.yaml'), or
 * undefined when it is empty or tries to climb out ('..').
 */
export function normaliseRepoPath(value: string): string | undefined {
  const parts = value.replace(/\\/g, '/').split('/').filter(part => part !== '' && part !== '.');
  if (parts.length === 0 || parts.some(part => part === '..' || part.includes('\0'))) return undefined;
  return parts.join('/');
}

/** `runGit` that answers undefined instead of failing when git says the thing is not there. */
async function gitOrMissing(args: string[], home: string): Promise<Buffer | undefined> {
  try {
    return await runGit(args, { home });
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode !== null) return undefined;
    throw error;
  }
}

export async function describeRepo(gitDir: string, name: string, home: string): Promise<RepoSummary> {
  const head = await gitOrMissing([`--git-dir=${gitDir}`, 'symbolic-ref', '--short', 'HEAD'], home);
  const defaultBranch = head?.toString('utf8').trim() || 'main';
  const tip = await gitOrMissing([`--git-dir=${gitDir}`, 'log', '-1', '--format=%H%x00%cI', `refs/heads/${defaultBranch}`, '--'], home);
  const [sha, time] = tip ? tip.toString('utf8').trim().split('\0') : [];
  return { name, defaultBranch, lastCommit: sha && time ? { sha, time } : null };
}

/**
 * The bytes of `filePath` at `ref`, or undefined when the ref, the path, or a file
 * (rather than a folder) at that path does not exist. Callers validate `ref` and
 * `filePath` with `isReadableRef` / `normaliseRepoPath`.
 */
export async function readRepoFile(gitDir: string, ref: string, filePath: string, home: string): Promise<Buffer | undefined> {
  if (!isReadableRef(ref)) return undefined;
  const relative = normaliseRepoPath(filePath);
  if (!relative) return undefined;
  const object = `${ref}:${relative}`;
  const type = await gitOrMissing([`--git-dir=${gitDir}`, 'cat-file', '-t', object], home);
  if (type?.toString('utf8').trim() !== 'blob') return undefined;
  return runGit([`--git-dir=${gitDir}`, 'cat-file', 'blob', object], { home });
}
