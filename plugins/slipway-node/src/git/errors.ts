/** Publishing lost: a repo of that name is already in place (possibly published a moment earlier by someone else). */
export class RepoExistsError extends Error {
  constructor(
    readonly repoName: string,
    readonly repoPath: string,
  ) {
    super(`a repository named ${repoName} already exists at ${repoPath}; choose another name`);
    this.name = 'RepoExistsError';
  }
}

/** A git command exited non-zero; the message carries git's own explanation (stderr). */
export class GitCommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${command} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no message'}`);
    this.name = 'GitCommandError';
  }
}
