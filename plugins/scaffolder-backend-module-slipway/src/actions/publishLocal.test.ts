import { promises as fs } from 'fs';
import path from 'path';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { LocalRepoStore, runGit, StagedRepo, StageOptions } from '@slipway/git';
import { createPublishLocalAction, PublishLocalActionOptions } from './publishLocal';
import { createServiceGenerateAction } from './serviceGenerate';
import { actionContext, createRecordingLogger, makeTempDir } from '../__fixtures__/testUtils';

const BASE_URL = 'http://localhost:7007';
const author = { name: 'Platform Bot', email: 'platform-bot@example.test' };

type AddLocationRequest = Parameters<CatalogService['addLocation']>[0];
type AddLocationResponse = Awaited<ReturnType<CatalogService['addLocation']>>;

/** A real-shaped catalog that records what it is asked, holds some entities, and can be told to fail. */
class RecordingCatalog implements Pick<CatalogService, 'addLocation' | 'getEntitiesByRefs' | 'removeLocationById' | 'getLocationByRef'> {
  readonly calls: Array<{ location: AddLocationRequest; credentials: BackstageCredentials<{ type: string }> }> = [];
  readonly removed: string[] = [];
  /** Entities already in the catalog, by ref. */
  readonly existing = new Map<string, Entity>();
  /** Extra entities the catalog's own reading of the file yields in the dry run (beyond the Location). */
  previewEntities: Entity[] = [];
  failWith: Error | undefined;

  async addLocation(location: AddLocationRequest, options: { credentials: BackstageCredentials }): Promise<AddLocationResponse> {
    this.calls.push({ location, credentials: options.credentials as BackstageCredentials<{ type: string }> });
    if (this.failWith && !location.dryRun) throw this.failWith;
    const id = `loc-${this.calls.length}`;
    return {
      location: { id, type: location.type ?? 'url', target: location.target, entityRef: `location:default/${id}` },
      entities: location.dryRun ? this.previewEntities : [],
    };
  }

  async getEntitiesByRefs(request: { entityRefs: string[] }): Promise<{ items: Array<Entity | undefined> }> {
    return { items: request.entityRefs.map(ref => this.existing.get(ref)) };
  }

  async removeLocationById(id: string): Promise<void> {
    this.removed.push(id);
  }

  async getLocationByRef(ref: string): Promise<Awaited<ReturnType<CatalogService['getLocationByRef']>>> {
    const index = this.calls.findIndex(call => !call.location.dryRun && `url:${call.location.target}` === ref);
    const id = `loc-${index + 1}`;
    return index < 0 ? undefined : { id, type: 'url', target: this.calls[index].location.target, entityRef: `location:default/${id}` };
  }
}

describe('slipway:publish:local', () => {
  let tmp: string;
  let workspace: string;
  let repos: LocalRepoStore;
  let catalog: RecordingCatalog;
  let home: string;

  beforeEach(async () => {
    tmp = await makeTempDir('publish-local');
    workspace = path.join(tmp, 'workspace');
    home = path.join(tmp, 'home');
    await fs.mkdir(workspace);
    await fs.mkdir(home);
    repos = LocalRepoStore.forDataDir(path.join(tmp, 'data'));
    catalog = new RecordingCatalog();
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  function action(overrides: Partial<PublishLocalActionOptions> = {}) {
    return createPublishLocalAction({ repos, baseUrl: BASE_URL, author, catalog, auth: mockServices.auth(), ...overrides });
  }

  async function generateService(name = 'orders') {
    const generate = createServiceGenerateAction();
    await generate.handler(actionContext({ input: { name, owner: 'group:default/team-a', description: 'Takes orders.' }, workspacePath: workspace }).ctx);
  }

  async function git(args: string[], cwd?: string): Promise<string> {
    return (await runGit(args, { home, cwd })).toString('utf8').trim();
  }

  async function failureOf(promise: Promise<unknown>): Promise<Error> {
    return promise.then(
      () => {
        throw new Error('expected the action to fail');
      },
      (error: Error) => error,
    );
  }

  async function stagingLeftovers(): Promise<string[]> {
    const entries = await fs.readdir(path.join(repos.reposDir, '.staging')).catch(() => []);
    return entries.filter(entry => entry !== '.home');
  }

  it('publishes the workspace as one commit, registers it, and outputs the URLs', async () => {
    await generateService();
    const logger = createRecordingLogger();
    const { ctx, outputs } = actionContext({
      input: { name: 'orders', description: 'Takes orders.' },
      workspacePath: workspace,
      logger,
      secrets: { token: 'super-secret-token' },
    });
    await action().handler(ctx);

    const api = `${BASE_URL}/api/slipway`;
    expect(outputs).toEqual({
      remoteUrl: `${api}/git/orders.git`,
      cloneUrl: `${api}/git/orders.git`,
      repoContentsUrl: `${api}/repos/orders/raw/main`,
      catalogInfoUrl: `${api}/repos/orders/raw/main/catalog-info.yaml`,
      entityRef: 'component:default/orders',
      commitSha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(await repos.list()).toEqual(['orders']);
    expect(await stagingLeftovers()).toEqual([]);

    const clone = path.join(tmp, 'clone');
    await git(['clone', '--quiet', repos.pathOf('orders'), clone]);
    expect(await git(['log', '--format=%H|%an <%ae>|%cn <%ce>|%s'], clone)).toBe(
      `${outputs.commitSha}|Platform Bot <platform-bot@example.test>|Platform Bot <platform-bot@example.test>|Initial commit of orders`,
    );
    expect(await git(['log', '-1', '--format=%b'], clone)).toBe('Takes orders.');
    const files = (await git(['ls-files'], clone)).split('\n');
    expect(files).toEqual(expect.arrayContaining(['catalog-info.yaml', 'deploy/base/rollout.yaml', 'package.json', '.gitignore']));
    expect(await fs.readFile(path.join(clone, 'catalog-info.yaml'), 'utf8')).toBe(await fs.readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8'));

    // Checked with a dry run first (the catalog reads the file now), then registered, as the initiator.
    expect(catalog.calls.map(call => call.location)).toEqual([
      { type: 'url', target: outputs.catalogInfoUrl, dryRun: true },
      { type: 'url', target: outputs.catalogInfoUrl },
    ]);
    expect(catalog.calls.every(call => call.credentials.principal.type === 'user')).toBe(true);
    expect(logger.text()).not.toContain('super-secret-token');
    expect(await git(['grep', '-l', 'super-secret-token', 'HEAD'], clone).catch(() => '')).toBe('');
  });

  it('refuses an existing name and changes nothing', async () => {
    await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n');
    const first = await repos.stage('orders', workspace, { branch: 'main', author, message: 'theirs' });
    await repos.publish(first);

    const { ctx, outputs } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    const error = await failureOf(action().handler(ctx));
    expect(error.message).toBe(
      "slipway:publish:local: a repository named orders already exists on this Backstage's Git remote; choose another name (nothing was written or registered)",
    );
    expect((await repos.describe('orders')).lastCommit?.sha).toBe(first.commitSha);
    expect(catalog.calls).toEqual([]);
    expect(outputs).toEqual({});
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('loses a publish race cleanly: the winner stays, nothing of this task is kept', async () => {
    await generateService();
    const competitor = path.join(tmp, 'competitor');
    await fs.mkdir(competitor);
    await fs.writeFile(path.join(competitor, 'README.md'), 'first!\n');
    // Someone else publishes the same name between this task's existence check and its rename.
    class RacedStore extends LocalRepoStore {
      override async stage(name: string, sourceDir: string, options: StageOptions): Promise<StagedRepo> {
        const staged = await super.stage(name, sourceDir, options);
        await repos.publish(await repos.stage(name, competitor, options));
        return staged;
      }
    }
    const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    const error = await failureOf(action({ repos: new RacedStore(repos.reposDir) }).handler(ctx));
    expect(error.message).toMatch(/^slipway:publish:local: a repository named orders already exists on this Backstage's Git remote; choose another name/);
    expect(error.message).not.toContain(repos.reposDir);
    expect(await repos.journal.pending()).toEqual([]);
    expect((await repos.readFile('orders', 'main', 'README.md'))?.toString()).toBe('first!\n');
    expect(catalog.calls).toEqual([]);
    expect(await stagingLeftovers()).toEqual([]);
  });

  it('removes the published repo when registration fails, and says why', async () => {
    await generateService();
    catalog.failWith = new Error('Location url:http://localhost:7007/... already exists');
    const { ctx, outputs } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    const error = await failureOf(action().handler(ctx));
    expect(error.message).toContain(
      'slipway:publish:local: registering http://localhost:7007/api/slipway/repos/orders/raw/main/catalog-info.yaml in the catalog failed: ' +
        'Location url:http://localhost:7007/... already exists.',
    );
    expect(error.message).toContain('make sure backend.reading.allow includes localhost:7007');
    expect(error.message).toContain('(the published repository orders was removed again)');
    expect(await repos.journal.pending()).toEqual([]);
    expect(await repos.exists('orders')).toBe(false);
    expect(await repos.list()).toEqual([]);
    expect(await stagingLeftovers()).toEqual([]);
    expect(outputs).toEqual({});
  });

  // Issue 7: "A name already held by a catalog entity publishes anyway, then the catalog stalls."
  describe('finding: a name already held by a catalog entity publishes anyway', () => {
    const theirs: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders', namespace: 'default' },
      spec: { owner: 'group:default/platform' },
    };

    it('refuses before anything is written or registered, naming the entity and its owner', async () => {
      await generateService();
      catalog.existing.set('component:default/orders', theirs);
      const { ctx, outputs } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
      const error = await failureOf(action().handler(ctx));
      expect(error.message).toBe(
        'slipway:publish:local: catalog-info.yaml describes an entity the catalog already holds: ' +
          'component:default/orders, owned by group:default/platform. Registering it would conflict with the existing entity, ' +
          'so nothing was published or registered; choose another name',
      );
      expect(await repos.list()).toEqual([]);
      expect(catalog.calls).toEqual([]);
      expect(await repos.journal.pending()).toEqual([]);
      expect(await stagingLeftovers()).toEqual([]);
      expect(outputs).toEqual({});
    });

    it("also checks the entities the catalog's own reading yields, and then takes the repo away again", async () => {
      await generateService();
      // The workspace copy names only orders; the catalog's reading adds an entity someone else owns.
      catalog.previewEntities = [
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'generated-x' } },
        { ...theirs, kind: 'API', metadata: { name: 'orders-api', namespace: 'default' } },
      ];
      catalog.existing.set('api:default/orders-api', theirs);
      const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
      const error = await failureOf(action().handler(ctx));
      expect(error.message).toContain('the catalog already holds: api:default/orders-api, owned by group:default/platform');
      expect(error.message).toContain('(the published repository orders was removed again)');
      // Only the dry run reached the catalog: no location was stored.
      expect(catalog.calls.map(call => call.location.dryRun)).toEqual([true]);
      expect(await repos.list()).toEqual([]);
      expect(await repos.journal.pending()).toEqual([]);
    });

    it('a dry run warns that a real run would fail', async () => {
      await generateService();
      catalog.existing.set('component:default/orders', theirs);
      const logger = createRecordingLogger();
      const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace, isDryRun: true, logger });
      await action().handler(ctx);
      expect(logger.text()).toContain('warn: A real run would fail: catalog-info.yaml describes an entity the catalog already holds');
    });
  });

  it('refuses a name another task is publishing right now (the journal record is the per-name lock)', async () => {
    await generateService();
    await repos.journal.begin({ name: 'orders', taskId: 'other-task', startedAt: new Date().toISOString() });
    const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    const error = await failureOf(action().handler(ctx));
    expect(error.message).toBe(
      'slipway:publish:local: a repository named orders is being published by another task right now; wait for it, or choose another name ' +
        '(nothing of this task was written)',
    );
    expect(await repos.list()).toEqual([]);
    // The other task's record is untouched.
    expect((await repos.journal.pending()).map(intent => intent.taskId)).toEqual(['other-task']);
  });

  // Issue 7: "Failed-task events carry stack traces and absolute server paths."
  it('finding: failures carry stack traces and server paths — the error is its message alone', async () => {
    await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n');
    await repos.publish(await repos.stage('orders', workspace, { branch: 'main', author, message: 'theirs' }));
    const failures = [
      await failureOf(action().handler(actionContext({ input: { name: 'orders' }, workspacePath: workspace }).ctx)),
      await failureOf(action().handler(actionContext({ input: { name: 'Orders!' }, workspacePath: workspace }).ctx)),
      await failureOf(action({ repos: undefined }).handler(actionContext({ input: { name: 'x' }, workspacePath: workspace }).ctx)),
    ];
    for (const error of failures) {
      // Backstage writes String(err.stack) into the task log: it must be the message, no frames.
      expect(String(error.stack)).toBe(error.message);
      expect(error.message).not.toContain(tmp);
      expect(error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('registers as the scaffolder service when the task has no signed-in initiator', async () => {
    await generateService();
    const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    await action().handler({ ...ctx, getInitiatorCredentials: async () => mockCredentials.none() });
    expect(catalog.calls).toHaveLength(2);
    expect(catalog.calls.every(call => call.credentials.principal.type === 'service')).toBe(true);
  });

  it('dry run validates and reports the would-be URLs, writing and registering nothing', async () => {
    await generateService();
    const { ctx, outputs } = actionContext({ input: { name: 'orders', defaultBranch: 'trunk' }, workspacePath: workspace, isDryRun: true });
    await action().handler(ctx);
    expect(outputs).toEqual({
      remoteUrl: `${BASE_URL}/api/slipway/git/orders.git`,
      cloneUrl: `${BASE_URL}/api/slipway/git/orders.git`,
      repoContentsUrl: `${BASE_URL}/api/slipway/repos/orders/raw/trunk`,
      catalogInfoUrl: `${BASE_URL}/api/slipway/repos/orders/raw/trunk/catalog-info.yaml`,
      entityRef: 'component:default/orders',
    });
    await expect(fs.access(path.join(tmp, 'data'))).rejects.toThrow();
    expect(catalog.calls).toEqual([]);

    // Without slipway.dataDir a dry run still reports; bad input still fails.
    const noData = actionContext({ input: { name: 'orders' }, workspacePath: workspace, isDryRun: true });
    await action({ repos: undefined }).handler(noData.ctx);
    expect(noData.outputs.cloneUrl).toBe(`${BASE_URL}/api/slipway/git/orders.git`);
    const bad = actionContext({ input: { name: 'Orders!' }, workspacePath: workspace, isDryRun: true });
    await expect(action().handler(bad.ctx)).rejects.toThrow(/- name: must be a DNS-1123 label/);
  });

  it('publishes a sub-folder on another branch without registering', async () => {
    await fs.mkdir(path.join(workspace, 'svc'));
    await fs.writeFile(path.join(workspace, 'svc', 'README.md'), '# svc\n');
    await fs.writeFile(path.join(workspace, 'outside.txt'), 'not published\n');
    const { ctx, outputs } = actionContext({
      input: { name: 'svc', sourcePath: 'svc', defaultBranch: 'release/1.0', register: false },
      workspacePath: workspace,
    });
    await action().handler(ctx);
    expect(outputs.repoContentsUrl).toBe(`${BASE_URL}/api/slipway/repos/svc/raw/release%2F1.0`);
    expect(outputs.entityRef).toBeUndefined();
    expect(catalog.calls).toEqual([]);
    expect(await repos.describe('svc')).toMatchObject({ defaultBranch: 'release/1.0' });
    expect((await repos.readFile('svc', 'release/1.0', 'README.md'))?.toString()).toBe('# svc\n');
    expect(await repos.readFile('svc', 'release/1.0', 'outside.txt')).toBeUndefined();
  });

  it('names every broken field and rule, before anything is written', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /- name: must be a string/],
      [{ name: '../etc' }, /- name: must be a DNS-1123 label/],
      [{ name: 'x'.repeat(64) }, /- name: must be a DNS-1123 label/],
      [{ name: 'ok', defaultBranch: '-x' }, /- defaultBranch: must be a branch name/],
      [{ name: 'ok', sourcePath: '../elsewhere' }, /- sourcePath: must stay inside the workspace/],
      [{ name: 'ok', catalogInfoPath: '/../x.yaml' }, /- catalogInfoPath: must stay inside the workspace/],
      [{ name: 'ok', register: 'yes' }, /- register: must be true or false/],
    ];
    for (const [input, message] of cases) {
      const { ctx } = actionContext({ input, workspacePath: workspace });
      await expect(action().handler(ctx)).rejects.toThrow(message);
    }
    const missingCatalog = actionContext({ input: { name: 'ok' }, workspacePath: workspace });
    await expect(action().handler(missingCatalog.ctx)).rejects.toThrow(
      'slipway:publish:local: catalogInfoPath: catalog-info.yaml does not exist in the workspace; point catalogInfoPath at the catalog file or set register: false',
    );
    await expect(fs.access(path.join(tmp, 'data', 'repos'))).rejects.toThrow();
    expect(catalog.calls).toEqual([]);
  });

  it('fails with a clear message when slipway.dataDir is not set', async () => {
    await generateService();
    const { ctx } = actionContext({ input: { name: 'orders' }, workspacePath: workspace });
    await expect(action({ repos: undefined }).handler(ctx)).rejects.toThrow(
      /^slipway:publish:local: slipway.dataDir is not set, so there is nowhere to publish local repositories; set slipway.dataDir/,
    );
    expect(catalog.calls).toEqual([]);
  });
});
