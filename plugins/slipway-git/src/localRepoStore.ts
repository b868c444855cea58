import { promises as fs } from 'fs';
import path from 'path';
import { RepoExistsError } from './errors';
import { assertBranchName, assertRepoName, isRepoName } from './names';
import { PublishJournal } from './publishJournal';
import { describeRepo, readRepoFile, RepoSummary } from './read';
import { runGit } from './run';

export interface GitAuthor {
  name: string;
  email: string;
}

export interface StageOptions {
  /** Branch the commit lands on; it also becomes the repo's HEAD (default branch). */
  branch: string;
  /** Author and committer of the single commit. */
  author: GitAuthor;
  message: string;
}

/** A bare repo committed and pushed in the staging area, ready to be published (or discarded). */
export interface StagedRepo {
  readonly name: string;
  readonly branch: string;
  readonly commitSha: string;
  /** The staged bare repo: `<repos>/.staging/<random>/<name>.git`. */
  readonly path: string;
  /** Its private staging folder, removed by `publish` and `discard`. */
  readonly stagingDir: string;
}

/** Staging lives inside the repos folder so publishing is a same-filesystem, atomic rename. */
const STAGING_DIR = '.staging';
/** An empty HOME for git (inside the staging area, so nothing of the machine's is read). */
const HOME_DIR = '.home';

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

async function pathExists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    error => {
      if (codeOf(error) === 'ENOENT') return false;
      throw error;
    },
  );
}

function assertAuthor(author: GitAuthor): void {
  for (const [field, value] of Object.entries({ name: author.name, email: author.email })) {
    // git would strip or reject these; refusing is clearer than a mangled identity.
    if (typeof value !== 'string' || value.trim() === '' || /[<>\n\r\0]/.test(value)) {
      throw new Error(`invalid git author ${field} ${JSON.stringify(value)}: must be non-empty, without '<', '>' or line breaks`);
    }
  }
}

/**
 * Bare Git repos in one folder (`<repos>/<name>.git`), written with the real `git`
 * binary. New repos are built in a staging area and published with one `rename`, so
 * a repo is either fully there or not there at all, and of two concurrent publishes of
 * the same name exactly one wins.
 */
export class LocalRepoStore {
  readonly reposDir: string;
  /** Publishes under way: the per-name lock, and what a restart undoes after a crash. */
  readonly journal: PublishJournal;

  constructor(reposDir: string) {
    this.reposDir = path.resolve(reposDir);
    this.journal = new PublishJournal(this.reposDir);
  }

  /** The store for Slipway's data folder (`slipway.dataDir`): repos live in `<dataDir>/repos`. */
  static forDataDir(dataDir: string): LocalRepoStore {
    return new LocalRepoStore(path.join(path.resolve(dataDir), 'repos'));
  }

  /** Path of the bare repo `<name>.git` (whether it exists or not). Throws for names that are not DNS-1123 labels. */
  pathOf(name: string): string {
    assertRepoName(name);
    return path.join(this.reposDir, `${name}.git`);
  }

  async exists(name: string): Promise<boolean> {
    return pathExists(this.pathOf(name));
  }

  /** Names of the published repos, sorted. The staging area and anything not named like a repo are left out. */
  async list(): Promise<string[]> {
    const entries = await fs.readdir(this.reposDir, { withFileTypes: true }).catch(error => {
      if (codeOf(error) === 'ENOENT') return [];
      throw error;
    });
    return entries
      .filter(entry => entry.isDirectory() && entry.name.endsWith('.git'))
      .map(entry => entry.name.slice(0, -'.git'.length))
      .filter(isRepoName)
      .sort();
  }

  /** An empty HOME for git processes (also for `git http-backend` when serving). */
  async gitHome(): Promise<string> {
    const home = path.join(this.reposDir, STAGING_DIR, HOME_DIR);
    await fs.mkdir(home, { recursive: true });
    return home;
  }

  async describe(name: string): Promise<RepoSummary> {
    return describeRepo(this.pathOf(name), name, await this.gitHome());
  }

  /** The bytes of a file at a ref (branch, tag or sha), or undefined when any of them is missing. */
  async readFile(name: string, ref: string, filePath: string): Promise<Buffer | undefined> {
    if (!(await this.exists(name))) return undefined;
    return readRepoFile(this.pathOf(name), ref, filePath, await this.gitHome());
  }

  /**
   * Commits everything in `sourceDir` (honouring its .gitignore, like `publish:github`;
   * symbolic links are committed as links, never followed) as one commit on `branch`,
   * in a new bare repo in the staging area. `sourceDir` itself is never written to.
   */
  async stage(name: string, sourceDir: string, options: StageOptions): Promise<StagedRepo> {
    assertRepoName(name);
    assertBranchName(options.branch);
    assertAuthor(options.author);
    const source = await fs.realpath(sourceDir);
    if (!(await fs.stat(source)).isDirectory()) throw new Error(`cannot publish ${sourceDir}: not a folder`);

    const home = await this.gitHome();
    const stagingDir = await fs.mkdtemp(path.join(this.reposDir, STAGING_DIR, 'stage-'));
    try {
      const bare = path.join(stagingDir, `${name}.git`);
      const scratch = path.join(stagingDir, 'scratch.git');
      const git = (args: string[], env?: Record<string, string>, input?: string) => runGit(args, { home, env, input, cwd: source });
      // `--template=` copies no sample hooks or excludes from the machine's template folder.
      await git(['init', '--quiet', '--bare', '--template=', `--initial-branch=${options.branch}`, bare]);
      // Served read-only: http-backend must never accept a push, even if a route were to forward one.
      await git([`--git-dir=${bare}`, 'config', 'http.receivepack', 'false']);
      await git([`--git-dir=${bare}`, 'config', 'http.uploadpack', 'true']);

      // A scratch git dir whose work tree is the source: nothing is copied, nothing written into the source.
      await git(['init', '--quiet', '--bare', '--template=', `--initial-branch=${options.branch}`, scratch]);
      const inSource = [`--git-dir=${scratch}`, `--work-tree=${source}`];
      await git([...inSource, 'add', '--all', '--', '.']);
      const staged = await git([`--git-dir=${scratch}`, 'ls-files', '--cached', '-z']);
      if (staged.length === 0) throw new Error(`nothing to publish: ${sourceDir} has no files (after .gitignore)`);
      const identity = {
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_COMMITTER_NAME: options.author.name,
        GIT_COMMITTER_EMAIL: options.author.email,
      };
      await git([...inSource, 'commit', '--quiet', '--no-verify', '--file=-'], identity, options.message);
      const commitSha = (await git([`--git-dir=${scratch}`, 'rev-parse', 'HEAD'])).toString('utf8').trim();
      await git([`--git-dir=${scratch}`, 'push', '--quiet', bare, `HEAD:refs/heads/${options.branch}`]);
      await fs.rm(scratch, { recursive: true, force: true });
      return { name, branch: options.branch, commitSha, path: bare, stagingDir };
    } catch (error) {
      await fs.rm(stagingDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Moves a staged repo into place with one `rename`. Throws RepoExistsError when the
   * name is taken, including by a concurrent publish that won: renaming a folder onto a
   * non-empty folder fails. The staging folder is removed either way.
   */
  async publish(staged: StagedRepo): Promise<string> {
    const target = this.pathOf(staged.name);
    try {
      // Catches an existing empty folder or a file too, which rename alone would replace or misreport.
      if (await pathExists(target)) throw new RepoExistsError(staged.name, target);
      try {
        await fs.rename(staged.path, target);
      } catch (error) {
        if (['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EPERM'].includes(codeOf(error) ?? '') && (await pathExists(target))) {
          throw new RepoExistsError(staged.name, target);
        }
        throw error;
      }
      return target;
    } finally {
      await this.discard(staged);
    }
  }

  /** Removes a staged repo that will not be published. */
  async discard(staged: StagedRepo): Promise<void> {
    const stagingRoot = path.join(this.reposDir, STAGING_DIR);
    const dir = path.resolve(staged.stagingDir);
    // Only ever delete our own staging folders, whatever object is passed in.
    if (path.dirname(dir) !== stagingRoot || !path.basename(dir).startsWith('stage-')) {
      throw new Error(`refusing to discard ${staged.stagingDir}: not a staging folder of ${this.reposDir}`);
    }
    await fs.rm(dir, { recursive: true, force: true });
  }

  /**
   * Removes every staging folder. Only safe when no publish can be running against this
   * folder: the embedded backend calls it at startup while it holds the data folder's
   * lock. Returns how many were removed.
   */
  async removeStaleStaging(): Promise<number> {
    const stagingRoot = path.join(this.reposDir, STAGING_DIR);
    const entries = await fs.readdir(stagingRoot).catch(error => {
      if (codeOf(error) === 'ENOENT') return [] as string[];
      throw error;
    });
    const stale = entries.filter(entry => entry.startsWith('stage-'));
    for (const entry of stale) await fs.rm(path.join(stagingRoot, entry), { recursive: true, force: true });
    return stale.length;
  }

  /**
   * Deletes a published repo (rollback after a failed catalog registration). It is first
   * renamed into the staging area, so it stops being served at once rather than half-deleted.
   */
  async remove(name: string): Promise<void> {
    const target = this.pathOf(name);
    if (!(await pathExists(target))) return;
    await this.gitHome(); // makes sure the staging area exists
    const trash = await fs.mkdtemp(path.join(this.reposDir, STAGING_DIR, 'stage-'));
    await fs.rename(target, path.join(trash, `${name}.git`));
    await fs.rm(trash, { recursive: true, force: true });
  }
}
