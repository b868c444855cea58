/**
 * Slipway's Git side: the local Git store (bare repos under a data directory, staged and
 * published by atomic rename, with a publish journal so a crash leaves nothing half-done)
 * and which publishers (local remote, GitHub hosts) a backend offers.
 *
 * @packageDocumentation
 */
export { LocalRepoStore, type GitAuthor, type StageOptions, type StagedRepo } from './localRepoStore';
export { RepoExistsError, GitCommandError } from './errors';
export { PublishJournal, PublishInProgressError, type PublishIntent } from './publishJournal';
export { InvalidGitNameError, isRepoName, assertRepoName, isBranchName, assertBranchName } from './names';
export { isReadableRef, normaliseRepoPath, type RepoSummary } from './read';
export { isolatedGitEnv, runGit, type RunGitOptions } from './run';
export { localRepoUrls, slipwayApiBaseUrl, SLIPWAY_API_PATH, type LocalRepoUrls } from './urls';
export * from './publishers';
