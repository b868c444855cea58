import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { gzipSync } from 'zlib';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { GitCommandError, LocalRepoStore, runGit } from '@slipway/git';
import slipwayPlugin from './index';

const author = { name: 'Slipway', email: 'slipway@localhost' };

describe('slipway backend plugin (real HTTP, real git)', () => {
  let tmp: string;
  let home: string;
  let store: LocalRepoStore;
  let api: string;
  let commitSha: string;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-backend-'));
    home = path.join(tmp, 'home');
    await fs.mkdir(home);
    const dataDir = path.join(tmp, 'data');
    store = LocalRepoStore.forDataDir(dataDir);
    const source = path.join(tmp, 'src');
    await fs.mkdir(path.join(source, 'deploy'), { recursive: true });
    await fs.writeFile(path.join(source, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n');
    await fs.writeFile(path.join(source, 'deploy', 'rollout.yaml'), 'kind: Rollout\n');
    // A binary file: served as application/octet-stream, byte for byte.
    await fs.writeFile(path.join(source, 'data.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    const staged = await store.stage('orders', source, { branch: 'main', author, message: 'Initial commit of orders' });
    commitSha = staged.commitSha;
    await store.publish(staged);

    const backend = await startTestBackend({
      features: [
        slipwayPlugin,
        mockServices.rootConfig.factory({ data: { slipway: { dataDir } } }),
        // Requests without a token are anonymous (the mock default would be a signed-in user),
        // so every test below also proves the unauthenticated auth policies.
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
      ],
    });
    api = `http://localhost:${backend.server.port()}/api/slipway`;
  });

  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  async function git(args: string[], cwd?: string): Promise<string> {
    return (await runGit(args, { home, cwd })).toString('utf8').trim();
  }

  async function gitFailure(args: string[], cwd?: string): Promise<GitCommandError> {
    const error = await runGit(args, { home, cwd }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitCommandError);
    return error as GitCommandError;
  }

  it.each([['2'], ['0']])('clones over smart HTTP with protocol version %s', async version => {
    const into = path.join(tmp, `clone-v${version}`);
    await git(['-c', `protocol.version=${version}`, 'clone', '--quiet', `${api}/git/orders.git`, into]);
    expect(await git(['ls-files'], into)).toBe(['catalog-info.yaml', 'data.bin', 'deploy/rollout.yaml'].join('\n'));
    expect(await git(['log', '--format=%H %an'], into)).toBe(`${commitSha} Slipway`);
    expect(await git(['rev-parse', '--abbrev-ref', 'HEAD'], into)).toBe('main');
    // And a later fetch (a second upload-pack exchange with "have" lines) works too.
    await git(['-c', `protocol.version=${version}`, 'fetch', '--quiet', 'origin'], into);
  });

  it('passes a gzip-encoded upload-pack request through to http-backend', async () => {
    const want = `want ${commitSha}\n`;
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt(want)}0000${pkt('done\n')}`));
    const response = await fetch(`${api}/git/orders.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-git-upload-pack-request', 'Content-Encoding': 'gzip' },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    const result = Buffer.from(await response.arrayBuffer());
    expect(result.subarray(0, 8).toString('latin1')).toBe('0008NAK\n');
    expect(result.includes(Buffer.from('PACK'))).toBe(true);
  });

  it('refuses pushes with a clear message and leaves the repo unchanged', async () => {
    const into = path.join(tmp, 'clone-push');
    await git(['clone', '--quiet', `${api}/git/orders.git`, into]);
    await fs.writeFile(path.join(into, 'new.txt'), 'new');
    await git(['add', 'new.txt'], into);
    await git(['-c', 'user.name=x', '-c', 'user.email=x@y', 'commit', '--quiet', '-m', 'try'], into);
    const error = await gitFailure(['push', 'origin', 'main'], into);
    expect(error.stderr).toMatch(/403/);
    expect(error.stderr).toMatch(/read-only/);
    expect((await store.describe('orders')).lastCommit?.sha).toBe(commitSha);

    const direct = await fetch(`${api}/git/orders.git/git-receive-pack`, { method: 'POST', body: '0000' });
    expect(direct.status).toBe(403);
    expect(await direct.text()).toMatch(/pushing is not supported/);
  });

  it('answers 404 for unknown repos, the staging area and dumb-protocol requests', async () => {
    const error = await gitFailure(['clone', '--quiet', `${api}/git/missing.git`, path.join(tmp, 'clone-missing')]);
    expect(error.stderr).toMatch(/not found|404/);
    for (const url of [
      `${api}/git/missing.git/info/refs?service=git-upload-pack`,
      `${api}/git/.staging/info/refs?service=git-upload-pack`,
      `${api}/git/..%2Forders.git/info/refs?service=git-upload-pack`,
      `${api}/git/orders/info/refs?service=git-upload-pack`,
      `${api}/git/orders.git/info/refs`,
      `${api}/git/orders.git/HEAD`,
      `${api}/git/orders.git/objects/info/packs`,
    ]) {
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
    }
    const missingPost = await fetch(`${api}/git/missing.git/git-upload-pack`, { method: 'POST', body: '0000' });
    expect(missingPost.status).toBe(404);
  });

  it('serves raw files at a ref, and 404 for anything missing', async () => {
    const response = await fetch(`${api}/repos/orders/raw/main/catalog-info.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toMatch(/^apiVersion: backstage.io\/v1alpha1\nkind: Component/);

    const byCommit = await fetch(`${api}/repos/orders/raw/${commitSha}/deploy/rollout.yaml`);
    expect(await byCommit.text()).toBe('kind: Rollout\n');

    const binary = await fetch(`${api}/repos/orders/raw/main/data.bin`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 3, 0, 255]));

    for (const url of [
      `${api}/repos/orders/raw/main/missing.yaml`,
      `${api}/repos/orders/raw/nope/catalog-info.yaml`,
      `${api}/repos/orders/raw/main/deploy`,
      `${api}/repos/orders/raw/main/..%2F..%2Fetc%2Fpasswd`,
      `${api}/repos/missing/raw/main/catalog-info.yaml`,
      `${api}/repos/.staging/raw/main/catalog-info.yaml`,
    ]) {
      const missing = await fetch(url);
      expect({ url, status: missing.status }).toEqual({ url, status: 404 });
    }
  });

  it('lists repos with clone URL, default branch and last commit', async () => {
    const response = await fetch(`${api}/repos`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        name: 'orders',
        cloneUrl: `${api}/git/orders.git`,
        defaultBranch: 'main',
        lastCommit: { sha: commitSha, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      },
    ]);
  });

  it('opens only /git and /repos to unauthenticated callers', async () => {
    expect((await fetch(`${api}/elsewhere`)).status).toBe(401);
  });
});

describe('slipway backend plugin without slipway.dataDir', () => {
  it('starts and answers 503 with the reason', async () => {
    const backend = await startTestBackend({ features: [slipwayPlugin] });
    try {
      const response = await fetch(`http://localhost:${backend.server.port()}/api/slipway/repos`);
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/slipway\.dataDir is not configured/);
    } finally {
      await backend.stop();
    }
  });
});
