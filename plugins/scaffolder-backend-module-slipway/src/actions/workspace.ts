import path from 'path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
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
