import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { LocalRepoStore, StagedRepo } from './localRepoStore';
import { RepoExistsError } from './errors';
import { InvalidGitNameError } from './names';
import { runGit } from './run';

const author = { name: 'Slipway Bot', email: 'bot@slipway.test' };
const stageOptions = { branch: 'main', author, message: 'Initial commit of orders\n\nTakes orders.' };

describe('LocalRepoStore', () => {
  let tmp: string;
  let store: LocalRepoStore;
  let home: string;

  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-git-'));
    store = LocalRepoStore.forDataDir(path.join(tmp, 'data'));
    home = path.join(tmp, 'home');
    await fs.mkdir(home);
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  async function source(files: Record<string, string>, dir = path.join(tmp, 'src')): Promise<string> {
    for (const [file, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await fs.writeFile(path.join(dir, file), content);
    }
    return dir;
  }

  async function git(args: string[], cwd?: string): Promise<string> {
    return (await runGit(args, { home, cwd })).toString('utf8').trim();
  }

  async function clone(name: string): Promise<string> {
    const into = path.join(tmp, `clone-${name}-${Date.now()}`);
    await git(['clone', '--quiet', store.pathOf(name), into]);
    return into;
  }

  async function stagingEntries(): Promise<string[]> {
    const entries = await fs.readdir(path.join(store.reposDir, '.staging')).catch(() => []);
    return entries.filter(entry => entry !== '.home');
  }

  it('stages and publishes one commit by the given author, with the files as they are', async () => {
    const dir = await source({
      'catalog-info.yaml': 'kind: Component\n',
      'src/app.ts': 'export {};\n',
      'run.sh': '#!/bin/sh\necho hi\n',
      '.gitignore': 'node_modules/\n',
      'node_modules/left-out/index.js': 'ignored\n',
    });
    await fs.chmod(path.join(dir, 'run.sh'), 0o755);
    // A link pointing out of the source is committed as a link, never followed.
    await fs.writeFile(path.join(tmp, 'outside-secret.txt'), 'secret');
    await fs.symlink(path.join(tmp, 'outside-secret.txt'), path.join(dir, 'link'));

    const staged = await store.stage('orders', dir, stageOptions);
    expect(staged.path).toBe(path.join(store.reposDir, '.staging', path.basename(staged.stagingDir), 'orders.git'));
    expect(await store.exists('orders')).toBe(false);

    expect(await store.publish(staged)).toBe(store.pathOf('orders'));
    expect(await store.exists('orders')).toBe(true);
    expect(await store.list()).toEqual(['orders']);
    expect(await stagingEntries()).toEqual([]);

    const bare = store.pathOf('orders');
    expect(await git([`--git-dir=${bare}`, 'symbolic-ref', 'HEAD'])).toBe('refs/heads/main');
    expect(await git([`--git-dir=${bare}`, 'config', 'http.receivepack'])).toBe('false');

    const work = await clone('orders');
    expect(await git(['ls-files'], work)).toBe(['.gitignore', 'catalog-info.yaml', 'link', 'run.sh', 'src/app.ts'].join('\n'));
    expect(await git(['log', '--format=%H|%an <%ae>|%cn <%ce>|%s'], work)).toBe(
      `${staged.commitSha}|Slipway Bot <bot@slipway.test>|Slipway Bot <bot@slipway.test>|Initial commit of orders`,
    );
    expect(await git(['log', '-1', '--format=%b'], work)).toBe('Takes orders.');
    expect((await fs.lstat(path.join(work, 'link'))).isSymbolicLink()).toBe(true);
    expect(await git(['ls-files', '-s', 'run.sh'], work)).toMatch(/^100755 /);
    // The source folder is left exactly as it was.
    await expect(fs.access(path.join(dir, '.git'))).rejects.toThrow();
  });

  it('keeps the machine environment out of the commit (isolated env)', async () => {
    const dir = await source({ 'a.txt': 'a' });
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_AUTHOR_NAME: 'Intruder', GIT_DIR: path.join(tmp, 'nowhere'), HOME: path.join(tmp, 'nohome') });
    try {
      const staged = await store.stage('isolated', dir, stageOptions);
      await store.publish(staged);
    } finally {
      for (const key of ['GIT_AUTHOR_NAME', 'GIT_DIR', 'HOME']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(await git([`--git-dir=${store.pathOf('isolated')}`, 'log', '--format=%an'])).toBe('Slipway Bot');
  });

  it('uses the branch as the default branch', async () => {
    await store.publish(await store.stage('dev-repo', await source({ 'a.txt': 'a' }), { ...stageOptions, branch: 'develop' }));
    expect(await store.describe('dev-repo')).toEqual({
      name: 'dev-repo',
      defaultBranch: 'develop',
      lastCommit: { sha: expect.stringMatching(/^[0-9a-f]{40}$/), time: expect.any(String) },
    });
    expect((await store.readFile('dev-repo', 'develop', '/a.txt'))?.toString()).toBe('a');
  });

  it('reads files at a ref and answers undefined for anything missing', async () => {
    const staged = await store.stage('orders', await source({ 'catalog-info.yaml': 'kind: Component\n', 'deploy/x.yaml': 'x: 1\n' }), stageOptions);
    await store.publish(staged);
    expect((await store.readFile('orders', 'main', 'catalog-info.yaml'))?.toString()).toBe('kind: Component\n');
    expect((await store.readFile('orders', staged.commitSha, 'deploy/x.yaml'))?.toString()).toBe('x: 1\n');
    expect(await store.readFile('orders', 'main', 'missing.yaml')).toBeUndefined();
    expect(await store.readFile('orders', 'main', 'deploy')).toBeUndefined(); // a folder
    expect(await store.readFile('orders', 'nope', 'catalog-info.yaml')).toBeUndefined();
    expect(await store.readFile('orders', '--output=/tmp/x', 'catalog-info.yaml')).toBeUndefined();
    expect(await store.readFile('orders', 'main', '../../etc/passwd')).toBeUndefined();
    expect(await store.readFile('other', 'main', 'catalog-info.yaml')).toBeUndefined();
  });

  it('refuses to publish over an existing repo and discards the staged copy', async () => {
    await store.publish(await store.stage('orders', await source({ 'a.txt': 'first' }), stageOptions));
    const second = await store.stage('orders', await source({ 'a.txt': 'second' }, path.join(tmp, 'src2')), stageOptions);
    const error = await store.publish(second).catch(e => e);
    expect(error).toBeInstanceOf(RepoExistsError);
    expect(error.message).toBe("a repository named orders already exists on this Backstage's Git remote; choose another name");
    expect(error.message).not.toContain(store.reposDir);
    expect(await stagingEntries()).toEqual([]);
    expect((await store.readFile('orders', 'main', 'a.txt'))?.toString()).toBe('first');
  });

  it('treats an empty folder at the target as taken', async () => {
    await fs.mkdir(store.pathOf('orders'), { recursive: true });
    const staged = await store.stage('orders', await source({ 'a.txt': 'a' }), stageOptions);
    await expect(store.publish(staged)).rejects.toThrow(RepoExistsError);
  });

  it('lets exactly one of several concurrent publishes of one name win', async () => {
    const staged: StagedRepo[] = [];
    for (let i = 0; i < 6; i++) {
      staged.push(await store.stage('race', await source({ 'who.txt': `publisher ${i}` }, path.join(tmp, `src-${i}`)), stageOptions));
    }
    const results = await Promise.allSettled(staged.map(repo => store.publish(repo)));
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(RepoExistsError);
    }
    const summary = await store.describe('race');
    expect(summary.lastCommit?.sha).toBe(staged[winners[0]].commitSha);
    expect((await store.readFile('race', 'main', 'who.txt'))?.toString()).toBe(`publisher ${winners[0]}`);
    expect(await stagingEntries()).toEqual([]);
  });

  it('relies on rename failing onto a non-empty folder (the filesystem guarantee publish builds on)', async () => {
    await store.publish(await store.stage('orders', await source({ 'a.txt': 'a' }), stageOptions));
    const staged = await store.stage('orders', await source({ 'b.txt': 'b' }, path.join(tmp, 'src2')), stageOptions);
    const attempts = await Promise.allSettled([1, 2, 3].map(() => fs.rename(staged.path, store.pathOf('orders'))));
    for (const attempt of attempts) {
      expect(attempt.status).toBe('rejected');
      if (attempt.status === 'rejected') expect(['ENOTEMPTY', 'EEXIST']).toContain(attempt.reason.code);
    }
    await store.discard(staged);
  });

  it('removes a published repo and discards staged ones', async () => {
    await store.publish(await store.stage('orders', await source({ 'a.txt': 'a' }), stageOptions));
    await store.remove('orders');
    expect(await store.exists('orders')).toBe(false);
    await store.remove('orders'); // nothing left: no error
    const staged = await store.stage('orders', await source({ 'a.txt': 'a' }), stageOptions);
    await store.discard(staged);
    expect(await stagingEntries()).toEqual([]);
    expect(await store.list()).toEqual([]);
    await expect(store.discard({ ...staged, stagingDir: tmp })).rejects.toThrow(/refusing to discard/);
  });

  it('rejects names that are not DNS-1123 labels', async () => {
    const dir = await source({ 'a.txt': 'a' });
    for (const name of ['../evil', '.staging', 'Orders', '', 'a/b', '-x', 'x'.repeat(64), 'a.git']) {
      expect(() => store.pathOf(name)).toThrow(InvalidGitNameError);
      await expect(store.stage(name, dir, stageOptions)).rejects.toThrow(/must be a DNS-1123 label/);
    }
    for (const branch of ['-x', 'a..b', 'HEAD', 'x.lock', 'a b', '.hidden', 'x^1']) {
      await expect(store.stage('ok', dir, { ...stageOptions, branch })).rejects.toThrow(/invalid branch name/);
    }
    await expect(store.stage('ok', dir, { ...stageOptions, author: { name: 'A <b>', email: 'a@b' } })).rejects.toThrow(/invalid git author name/);
    expect(await stagingEntries()).toEqual([]);
  });

  it('lists only published repos, ignoring the staging area and stray entries', async () => {
    await store.publish(await store.stage('b-repo', await source({ 'a.txt': 'a' }), stageOptions));
    await store.publish(await store.stage('a-repo', await source({ 'a.txt': 'a' }), stageOptions));
    await store.stage('staged-only', await source({ 'a.txt': 'a' }), stageOptions);
    await fs.writeFile(path.join(store.reposDir, 'file.git'), '');
    await fs.mkdir(path.join(store.reposDir, 'Not_A_Name.git'));
    expect(await store.list()).toEqual(['a-repo', 'b-repo']);
  });

  it('refuses an empty source and leaves nothing staged', async () => {
    const empty = path.join(tmp, 'empty');
    await fs.mkdir(empty);
    await expect(store.stage('orders', empty, stageOptions)).rejects.toThrow(/nothing to publish/);
    expect(await stagingEntries()).toEqual([]);
    expect(await store.list()).toEqual([]);
  });
});
