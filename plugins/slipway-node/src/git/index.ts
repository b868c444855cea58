export { LocalRepoStore, type GitAuthor, type StageOptions, type StagedRepo } from './localRepoStore';
export { RepoExistsError, GitCommandError } from './errors';
export { PublishJournal, PublishInProgressError, type PublishIntent } from './publishJournal';
export { InvalidGitNameError, isRepoName, assertRepoName, isBranchName, assertBranchName } from './names';
export { isReadableRef, normaliseRepoPath, type RepoSummary } from './read';
export { isolatedGitEnv, runGit, type RunGitOptions } from './run';
export { localRepoUrls, slipwayApiBaseUrl, SLIPWAY_API_PATH, type LocalRepoUrls } from './urls';
