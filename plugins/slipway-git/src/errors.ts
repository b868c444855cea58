/**
 * Publishing lost: a repo of that name is already in place (possibly published a moment
 * earlier by someone else). The message is shown to users, so it names the repo, never
 * where the server keeps it; `repoPath` is there for the server's own log.
 */
export class RepoExistsError extends Error {
  constructor(
    readonly repoName: string,
    readonly repoPath: string,
  ) {
    super(`a repository named ${repoName} already exists on this Backstage's Git remote; choose another name`);
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
