import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { renderSystem } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { createSystemGenerateAction } from './systemGenerate';
import { examples } from './systemGenerate.examples';
import { actionContext, createRecordingLogger, listTree, makeTempDir } from '../__fixtures__/testUtils';

const goldenPaths = createGoldenPathRegistry();
const baseUrl = 'http://localhost:7007';

/** A small system: a frontend calling an API that uses PostgreSQL. */
const shop = (extra: Record<string, unknown> = {}) => ({
  name: 'shop',
  owner: 'group:default/team-a',
  description: 'Sells things.',
  parts: [
    { name: 'web', goldenPath: 'static-frontend', values: { description: "The shop's pages." } },
    { name: 'api', goldenPath: 'node-service', values: "description: The shop's API.\n" },
  ],
  resources: [{ name: 'shop-db', kind: 'postgres' }],
  edges: { calls: [{ from: 'web', to: 'api', pathPrefix: '/api' }], uses: [{ from: 'api', to: 'shop-db' }] },
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(() => undefined, (caught: Error) => caught);
  if (!error) throw new Error('expected the handler to fail');
  return error;
}

describe('slipway:system:generate', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await makeTempDir('system-generate');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('validates the whole system before writing: a repo that does not build fails with its problems, and nothing is written', async () => {
    // An edited copy of the skeletons whose node-service peers file renders empty while its overlay still lists it.
    const skeletonsDir = path.join(workspace, '..', `${path.basename(workspace)}-skeletons`);
    await fs.cp(path.join(__dirname, '..', '..', '..', '..', 'skeletons'), skeletonsDir, { recursive: true });
    try {
      await fs.writeFile(path.join(skeletonsDir, 'node-service', 'deploy/overlays/[environment]/networkpolicy-peers.yaml.hbs'), '{{!-- dropped --}}\n');
      const action = createSystemGenerateAction({ goldenPaths: createGoldenPathRegistry({ skeletonsDir }), baseUrl });
      const logger = createRecordingLogger();
      const error = await failure(action.handler(actionContext({ input: { values: shop() }, workspacePath: workspace, logger }).ctx));
      expect(error.message).toContain('slipway:system:generate: the system shop does not validate, so nothing was written');
      expect(error.message).toMatch(/^api:$/m);
      expect(error.message).toContain('networkpolicy-peers.yaml');
      expect(error.stack).toBe(error.message);
      expect(error.message).not.toContain(skeletonsDir);
      // The overlays were built in a temp folder: no path of it reaches the user.
      expect(error.message).not.toContain(os.tmpdir());
      expect(await listTree(workspace)).toEqual([]);
    } finally {
      await fs.rm(skeletonsDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('takes values, publisher, repoUrl and targetPath; only values is required', () => {
    const input = createSystemGenerateAction({ goldenPaths }).schema?.input as any;
    expect(Object.keys(input.properties).sort()).toEqual(['publisher', 'repoUrl', 'targetPath', 'values']);
    expect(input.required).toEqual(['values']);
  });

  // Every documented example runs through the handler: it writes what renderSystem renders, each part in its folder.
  const literalExamples = examples.filter(example => !example.example.includes('${{'));
  it.each(literalExamples.map(example => [example.description, example.example]))('runs its example: %s', async (_description, example) => {
    const input = parse(example).steps[0].input;
    const { ctx, outputs } = actionContext({ input, workspacePath: workspace });
    await createSystemGenerateAction({ goldenPaths }).handler(ctx);
    const parts = input.values.parts.map((part: { values: unknown }) => ({ ...part, values: typeof part.values === 'string' ? parse(part.values) : part.values }));
    const expected = await renderSystem({ ...input.values, parts }, { goldenPaths });
    if (!expected.ok) throw new Error('example values must render');
    const prefix = input.targetPath ? `${input.targetPath}/` : '';
    const partFiles = expected.parts.flatMap(part => part.files.map(file => `${prefix}${part.part.name}/${file.path}`));
    // The system's repo: its catalog files and, with app-repos, the Argo CD app-of-apps of each environment and the bootstrap.
    const systemFiles = expected.systemRepo.files.map(file => `${prefix}shop-system/${file.path}`);
    expect(systemFiles).toEqual(expect.arrayContaining([`${prefix}shop-system/README.md`, `${prefix}shop-system/catalog-info.yaml`, `${prefix}shop-system/argocd/apps.yaml`]));
    expect(await listTree(workspace)).toEqual([...partFiles, ...systemFiles].sort());
    for (const part of expected.parts) {
      for (const file of part.files) expect(await fs.readFile(path.join(workspace, `${prefix}${part.part.name}`, file.path), 'utf8')).toBe(file.content);
    }
    for (const file of expected.systemRepo.files) expect(await fs.readFile(path.join(workspace, `${prefix}shop-system`, file.path), 'utf8')).toBe(file.content);
    expect(outputs.system).toBe('system:default/shop');
    expect((outputs.parts as Array<{ name: string; targetPath: string }>).map(part => [part.name, part.targetPath])).toEqual(
      expected.parts.map(part => [part.part.name, `${prefix}${part.part.name}`]),
    );
    expect(outputs.files).toBe(partFiles.length + systemFiles.length);
  });

  it('with publisher local, puts each part in its own repo on the local remote, and its Argo CD Applications sync from that repo', async () => {
    // repoUrl '' is what the Template renders for the GitHub owner when publishing locally.
    const { ctx, outputs } = actionContext({ input: { values: shop(), publisher: 'local', repoUrl: '' }, workspacePath: workspace });
    await createSystemGenerateAction({ goldenPaths, baseUrl }).handler(ctx);
    const parts = outputs.parts as Array<Record<string, unknown>>;
    expect(parts).toEqual([
      expect.objectContaining({ name: 'web', goldenPath: 'static-frontend', targetPath: 'web', repoUrl: `${baseUrl}/api/slipway/git/web.git`, catalogInfoPath: '/catalog-info.yaml' }),
      expect.objectContaining({ name: 'api', goldenPath: 'node-service', targetPath: 'api', repoUrl: `${baseUrl}/api/slipway/git/api.git`, kubernetesId: 'api' }),
    ]);
    expect(parts[1]).toMatchObject({ argocdAppSelector: 'backstage.io/kubernetes-id=api', environments: ['staging', 'production'] });
    for (const name of ['web', 'api']) {
      for (const environment of ['staging', 'production']) {
        const application = parse(await fs.readFile(path.join(workspace, name, 'deploy/argocd', `${environment}.yaml`), 'utf8'));
        expect(application.spec.source.repoURL).toBe(`${baseUrl}/api/slipway/git/${name}.git`);
      }
      const component = parseAllDocuments(await fs.readFile(path.join(workspace, name, 'catalog-info.yaml'), 'utf8'))[0].toJS();
      expect(component.spec.system).toBe('system:shop');
    }
    expect(outputs.systemRepo).toEqual({
      name: 'shop-system',
      targetPath: 'shop-system',
      repoUrl: `${baseUrl}/api/slipway/git/shop-system.git`,
      catalogInfoPath: '/catalog-info.yaml',
    });
  });

  it('with layout config-repo and publisher local, writes and outputs the config repo beside the parts, its Applications syncing from it on the local remote', async () => {
    const values = shop({ layout: { kind: 'config-repo', repoUrl: 'https://github.com/example-org/shop-manifests.git' } });
    const { ctx, outputs } = actionContext({ input: { values, publisher: 'local', repoUrl: '' }, workspacePath: workspace });
    await createSystemGenerateAction({ goldenPaths, baseUrl }).handler(ctx);
    // The publisher decides the URL, the layout the name.
    const configRepoUrl = `${baseUrl}/api/slipway/git/shop-manifests.git`;
    expect(outputs.configRepo).toEqual({ name: 'shop-manifests', targetPath: 'shop-manifests', repoUrl: configRepoUrl, catalogInfoPath: '/catalog-info.yaml' });
    const tree = await listTree(workspace);
    expect(tree.filter(file => /^(web|api)\/deploy\//.test(file))).toEqual([]);
    for (const name of ['web', 'api']) {
      for (const environment of ['staging', 'production']) {
        const application = parse(await fs.readFile(path.join(workspace, 'shop-manifests/apps', name, 'argocd', `${environment}.yaml`), 'utf8'));
        expect(application.spec.source).toEqual({ repoURL: configRepoUrl, targetRevision: 'main', path: `apps/${name}/overlays/${environment}` });
      }
    }
    expect(parse(await fs.readFile(path.join(workspace, 'shop-manifests/catalog-info.yaml'), 'utf8'))).toMatchObject({ kind: 'Resource', metadata: { name: 'shop-manifests' } });
    expect(outputs.files).toBe(tree.length);
  });

  it("writes the System and the system's shared Resources into the system repo's catalog-info.yaml", async () => {
    const { ctx } = actionContext({ input: { values: shop() }, workspacePath: workspace });
    await createSystemGenerateAction({ goldenPaths }).handler(ctx);
    const entitiesIn = async (repo: string) => parseAllDocuments(await fs.readFile(path.join(workspace, repo, 'catalog-info.yaml'), 'utf8')).map(doc => doc.toJS());
    const entities = await entitiesIn('shop-system');
    // shop-db's holder, api (a node-service), runs its Cluster and declares it in its own
    // catalog-info.yaml (postgres.name): the system repo declares only what no part's repo does.
    const resources = async (repo: string) => (await entitiesIn(repo)).filter(entity => entity.kind === 'Resource').map(entity => entity.metadata.name);
    expect([await resources('api'), await resources('web')]).toEqual([['shop-db'], []]);
    expect(entities).toEqual([
      { apiVersion: 'backstage.io/v1alpha1', kind: 'System', metadata: { name: 'shop', description: 'Sells things.' }, spec: { owner: 'group:default/team-a' } },
    ]);
    expect(await fs.readFile(path.join(workspace, 'shop-system/README.md'), 'utf8')).toContain('- api (node-service): https://github.com/example-org/api.git');
  });

  it("names a part's refused value as values.parts.<part>.values.<field>, and writes nothing", async () => {
    const values = shop();
    values.parts[1] = { name: 'api', goldenPath: 'node-service', values: { description: 'The API.', port: 0 } } as never;
    const { ctx } = actionContext({ input: { values }, workspacePath: workspace });
    const error = await failure(createSystemGenerateAction({ goldenPaths }).handler(ctx));
    expect(error.name).toBe('SlipwayUserError');
    expect(error.message).toMatch(/^slipway:system:generate: invalid input, nothing was written:\n/);
    expect(error.message).toMatch(/^ {2}- values\.parts\.api\.values\.port: must be between 1 and 65535/m);
    expect(error.stack).toBe(error.message);
    expect(await listTree(workspace)).toEqual([]);
  });

  it("names a part whose values are not YAML, or not a mapping, by the part's name", async () => {
    const values = shop();
    values.parts[0] = { ...values.parts[0], values: 'description: [unclosed' } as never;
    values.parts[1] = { ...values.parts[1], values: '- a list\n- of things\n' };
    const { ctx } = actionContext({ input: { values }, workspacePath: workspace });
    const error = await failure(createSystemGenerateAction({ goldenPaths }).handler(ctx));
    expect(error.message).toMatch(/^ {2}- values\.parts\.web\.values: must be YAML of the golden path's values \(line 1, column \d+\): /m);
    expect(error.message).toMatch(/^ {2}- values\.parts\.api\.values: must be a YAML mapping/m);
    expect(await listTree(workspace)).toEqual([]);
  });

  it('refuses repos.urlPattern in the values when a publisher decides it, and local without backend.baseUrl', async () => {
    const action = createSystemGenerateAction({ goldenPaths });
    const { ctx } = actionContext({ input: { values: shop({ repos: { urlPattern: 'https://github.com/acme/{name}.git' } }), publisher: 'local' }, workspacePath: workspace });
    expect((await failure(action.handler(ctx))).message).toContain("values.repos.urlPattern: must not be set when publisher is given: the publisher decides each part's repo");
    const { ctx: noBase } = actionContext({ input: { values: shop(), publisher: 'local' }, workspacePath: workspace });
    expect((await failure(action.handler(noBase))).message).toContain('publisher: local needs backend.baseUrl');
    expect(await listTree(workspace)).toEqual([]);
  });

  it('with publisher github, makes every repo under the chosen owner and outputs the value publish:github takes', async () => {
    const action = createSystemGenerateAction({ goldenPaths, githubHosts: ['github.com'] });
    const { ctx, outputs } = actionContext({ input: { values: shop(), publisher: 'github', repoUrl: 'github.com?owner=acme' }, workspacePath: workspace });
    await action.handler(ctx);
    expect((outputs.parts as Array<Record<string, unknown>>).map(part => [part.repoUrl, part.githubRepoUrl])).toEqual([
      ['https://github.com/acme/web.git', 'github.com?owner=acme&repo=web'],
      ['https://github.com/acme/api.git', 'github.com?owner=acme&repo=api'],
    ]);
    expect(outputs.systemRepo).toMatchObject({ repoUrl: 'https://github.com/acme/shop-system.git', githubRepoUrl: 'github.com?owner=acme&repo=shop-system' });

    const { ctx: withRepo } = actionContext({ input: { values: shop(), publisher: 'github', repoUrl: 'github.com?owner=acme&repo=web' }, workspacePath: workspace });
    expect((await failure(action.handler(withRepo))).message).toContain('repoUrl: must be the owner the parts\' repos are created under');
    const { ctx: unconfigured } = actionContext({ input: { values: shop(), publisher: 'github', repoUrl: 'github.com?owner=acme' }, workspacePath: workspace });
    expect((await failure(createSystemGenerateAction({ goldenPaths, githubHosts: [] }).handler(unconfigured))).message).toContain('publisher: github is not available');
  });

  it("refuses a system whose repo already exists on the local remote before writing anything; a dry run only warns", async () => {
    const repos = { exists: async (name: string) => name === 'api' };
    const action = createSystemGenerateAction({ goldenPaths, baseUrl, repos });
    const { ctx } = actionContext({ input: { values: shop(), publisher: 'local' }, workspacePath: workspace });
    expect((await failure(action.handler(ctx))).message).toMatch(/^ {2}- values\.parts\.api: a repository named api already exists on this Backstage's Git remote/m);
    expect(await listTree(workspace)).toEqual([]);

    const logger = createRecordingLogger();
    const { ctx: dry } = actionContext({ input: { values: shop(), publisher: 'local' }, workspacePath: workspace, isDryRun: true, logger });
    await action.handler(dry);
    expect(logger.text()).toContain('warn: A real run would fail: values.parts.api: a repository named api already exists');
  });

  it('refuses a repo whose catalog entities the catalog already holds, before writing anything', async () => {
    const held = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'api' }, spec: { owner: 'group:default/team-b' } };
    const asked: string[][] = [];
    const catalog = {
      getEntitiesByRefs: async (request: { entityRefs: string[] }) => {
        asked.push(request.entityRefs);
        return { items: request.entityRefs.map(ref => (ref === 'component:default/api' ? held : undefined)) };
      },
    };
    const action = createSystemGenerateAction({ goldenPaths, baseUrl, catalog, auth: mockServices.auth() });
    const { ctx } = actionContext({ input: { values: shop(), publisher: 'local' }, workspacePath: workspace });
    const error = await failure(action.handler(ctx));
    expect(error.message).toMatch(/^ {2}- values\.parts\.api: describes what the catalog already holds \(component:default\/api, owned by group:default\/team-b\)/m);
    expect(await listTree(workspace)).toEqual([]);
    // Every repo's entities were asked about: the System, then each part's (api's with shop-db, the Resource it runs).
    expect(asked[0]).toEqual(['system:default/shop']);
    expect(asked.flat()).toEqual(expect.arrayContaining(['component:default/web', 'component:default/api', 'resource:default/shop-db']));
  });

  it('refuses to overwrite a file in any part folder, writing nothing', async () => {
    await fs.mkdir(path.join(workspace, 'api'));
    await fs.writeFile(path.join(workspace, 'api', 'catalog-info.yaml'), 'kept\n');
    const { ctx } = actionContext({ input: { values: shop() }, workspacePath: workspace });
    expect((await failure(createSystemGenerateAction({ goldenPaths }).handler(ctx))).message).toContain('refusing to overwrite existing files in the workspace, nothing was written');
    expect(await listTree(workspace)).toEqual(['api/catalog-info.yaml']);
  });

  it('refuses a system named so that its catalog repo takes a part\'s name, and a targetPath outside the workspace', async () => {
    const values = shop();
    values.parts[1] = { ...values.parts[1], name: 'shop-system' };
    values.edges = { calls: [{ from: 'web', to: 'shop-system', pathPrefix: '/api' }], uses: [{ from: 'shop-system', to: 'shop-db' }] };
    const { ctx } = actionContext({ input: { values }, workspacePath: workspace });
    expect((await failure(createSystemGenerateAction({ goldenPaths }).handler(ctx))).message).toContain("values.name: names the system's catalog repo shop-system");
    const { ctx: outside } = actionContext({ input: { values: shop(), targetPath: '../elsewhere' }, workspacePath: workspace });
    expect((await failure(createSystemGenerateAction({ goldenPaths }).handler(outside))).message).toContain("targetPath: must stay inside the workspace");
    expect(await listTree(workspace)).toEqual([]);
  });

  it('logs what it wrote without the values or the server paths', async () => {
    const logger = createRecordingLogger();
    const { ctx } = actionContext({ input: { values: shop() }, workspacePath: workspace, logger });
    await createSystemGenerateAction({ goldenPaths }).handler(ctx);
    expect(logger.text()).toMatch(/Generated system shop: 2 parts and its catalog repo, \d+ files \(environments: staging, production\)/);
    expect(logger.text()).toContain('  api: ');
    expect(logger.text()).not.toContain(workspace);
    expect(logger.text()).not.toContain("The shop's API.");
  });
});
