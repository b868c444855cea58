import { DNS1123_LABEL_MAX, DNS1123_LABEL_PATTERN } from '@slipway/common';

const REPO_NAME = new RegExp(DNS1123_LABEL_PATTERN);

/** Thrown when a repo or branch name would not be safe to use as a path or ref. */
export class InvalidGitNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidGitNameError';
  }
}

/**
 * Repo names are DNS-1123 labels: they become folder names (`<name>.git`) and URL
 * segments, so '/', '.', '..' and everything else that could escape the repos folder
 * is ruled out by the pattern itself.
 */
export function isRepoName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DNS1123_LABEL_MAX && REPO_NAME.test(value);
}

export function assertRepoName(value: unknown): asserts value is string {
  if (!isRepoName(value)) {
    throw new InvalidGitNameError(
      `invalid repository name ${JSON.stringify(value)}: must be a DNS-1123 label ` +
        `(lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${DNS1123_LABEL_MAX} characters)`,
    );
  }
}

/**
 * A conservative subset of what `git check-ref-format --branch` allows: enough for
 * `main`, `release/1.2`, `feat_x`, and never an option (`-x`), a revision expression
 * (`a..b`, `x^`, `x~1`, `x@{1}`), a `.lock` name or a path trick.
 */
export function isBranchName(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return false;
  if (!/^[A-Za-z0-9._/-]+$/.test(value)) return false;
  if (value === 'HEAD' || value.startsWith('-') || value.includes('..') || value.includes('//')) return false;
  return value.split('/').every(part => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

export function assertBranchName(value: unknown): asserts value is string {
  if (!isBranchName(value)) {
    throw new InvalidGitNameError(
      `invalid branch name ${JSON.stringify(value)}: use letters, digits, '.', '_', '-' and '/' ` +
        "(not starting with '-' or '.', no '..', no '.lock' part), e.g. main",
    );
  }
}
