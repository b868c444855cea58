/**
 * Argo CD per environment (issue 10): every example system renders one app-of-apps per
 * environment (`<system>-apps-<environment>`) and one bootstrap (`<system>-apps`) in argocd/ of the
 * system's repo (app-repos: `<system>-system`; config-repo: the config repo), each environment's
 * app-of-apps listing exactly that environment's Application files of every part, from the part's
 * own argocd folder. No part renders an app-of-apps of its own. The waves follow the edges:
 * checkAppOfApps (the app-of-apps-membership rule across the system's repos) passes on every
 * system and names a part left out, an include that matches no file and a caller synced too early.
 */
import { parse, parseAllDocuments } from 'yaml';
import { renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { checkAppOfApps, systemWaveOrder, validateRenderedFiles, type AppOfAppsRepo } from '@slipway/validate';
import { readValuesFile } from './support/generatedRepo';

type Rendered = Extract<Awaited<ReturnType<typeof renderSystem>>, { ok: true }>;

const EXAMPLES = ['bookstore', 'todo', 'log-pong', 'goals', 'voting'];

async function renderExample(example: string): Promise<Rendered> {
  const rendered = await renderSystem(await readValuesFile(`examples/systems/${example}.yaml`), { goldenPaths: createGoldenPathRegistry() });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
  return rendered;
}

const toMap = (files: readonly RenderedFile[]) => new Map(files.map(file => [file.path, file.content]));

/** Every repo of the system, as checkAppOfApps reads them. */
function systemRepos(rendered: Rendered): AppOfAppsRepo[] {
  return [
    ...rendered.parts.map(({ part, files }) => ({ name: part.name, repoUrl: part.repo.url, files: toMap(files) })),
    { name: rendered.systemRepo.name, repoUrl: rendered.systemRepo.repoUrl, files: toMap(rendered.systemRepo.files) },
    ...(rendered.configRepo ? [{ name: rendered.configRepo.name, repoUrl: rendered.configRepo.repoUrl, files: toMap(rendered.configRepo.files) }] : []),
  ];
}

/** The repo holding the app-of-apps, and every part's files wherever its deploy tree is. */
const homeOf = (rendered: Rendered) => rendered.configRepo ?? rendered.systemRepo;
const deployFilesOf = (rendered: Rendered, part: Rendered['parts'][number]) =>
  rendered.configRepo ? rendered.configRepo.files.filter(file => file.path.startsWith(`${part.part.deploy.path}/`)) : part.files;

/** The part's Applications of one environment, read from the files (not from the renderer): `<env>.yaml` and `<env>-<chart>.yaml`. */
function environmentApplicationFiles(files: readonly RenderedFile[], argocdDir: string, environment: string): string[] {
  return files
    .filter(file => file.path.startsWith(`${argocdDir}/`))
    .map(file => file.path.slice(argocdDir.length + 1))
    .filter(name => name === `${environment}.yaml` || (name.startsWith(`${environment}-`) && name.endsWith('.yaml')))
    .sort();
}

const includeList = (include: string) => (include.startsWith('{') ? include.slice(1, -1).split(',') : [include]).sort();

describe.each(EXAMPLES)('the %s system: Argo CD per environment', example => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await renderExample(example);
  }, 60_000);

  it("renders one app-of-apps per environment in the system's repo, each listing exactly that environment's Applications of every part", () => {
    const { system } = rendered;
    const home = homeOf(rendered);
    const argocd = home.files.filter(file => file.path.startsWith('argocd/')).map(file => file.path).sort();
    expect(argocd).toEqual(['argocd/apps.yaml', ...system.environments.map(environment => `argocd/${environment.name}.yaml`)].sort());
    if (rendered.configRepo) expect(rendered.systemRepo.files.some(file => file.path.startsWith('argocd/'))).toBe(false);

    const bootstrap = parse(home.files.find(file => file.path === 'argocd/apps.yaml')!.content);
    expect(bootstrap).toMatchObject({ kind: 'Application', metadata: { name: `${system.name}-apps`, namespace: 'argocd' } });
    expect(bootstrap.spec.source).toEqual({ repoURL: home.repoUrl, targetRevision: home.branch, path: 'argocd', directory: { include: '*.yaml' } });
    expect(home.files.find(file => file.path === 'README.md')!.content).toContain('kubectl apply -n argocd -f argocd/apps.yaml');

    for (const environment of system.environments) {
      const appOfApps = parse(home.files.find(file => file.path === `argocd/${environment.name}.yaml`)!.content);
      expect(appOfApps.metadata.name).toBe(`${system.name}-apps-${environment.name}`);
      expect(appOfApps.spec.source).toBeUndefined();
      const sources = appOfApps.spec.sources as Array<{ name: string; repoURL: string; targetRevision: string; path: string; directory: { include: string } }>;
      expect(sources.map(source => source.name)).toEqual(system.parts.map(part => part.name));
      for (const source of sources) {
        const part = rendered.parts.find(candidate => candidate.part.name === source.name)!;
        expect(source).toMatchObject({ repoURL: part.part.deploy.repoUrl, targetRevision: part.part.deploy.branch, path: `${part.part.deploy.path}/argocd` });
        expect(includeList(source.directory.include)).toEqual(environmentApplicationFiles(deployFilesOf(rendered, part), `${part.part.deploy.path}/argocd`, environment.name));
      }
    }
  });

  it('renders no app-of-apps in any part, and each part\'s Applications carry their wave and their owner', () => {
    for (const part of rendered.parts) {
      const argocdDir = `${part.part.deploy.path}/argocd`;
      const files = deployFilesOf(rendered, part);
      expect(files.some(file => file.path === `${argocdDir}/apps.yaml`)).toBe(false);
      const kustomization = parse(files.find(file => file.path === `${argocdDir}/kustomization.yaml`)!.content);
      expect(kustomization.resources).not.toContain('apps.yaml');
      for (const file of files.filter(own => own.path.startsWith(`${argocdDir}/`) && own.path !== `${argocdDir}/kustomization.yaml`)) {
        for (const application of parseAllDocuments(file.content).map(document => document.toJS())) {
          const environment = rendered.system.environments.find(candidate => file.path.endsWith(`/${candidate.name}.yaml`) || file.path.includes(`/${candidate.name}-`))!;
          expect({ file: file.path, wave: application.metadata.annotations['argocd.argoproj.io/sync-wave'], owner: application.metadata.labels['slipway.dev/app-of-apps'] }).toEqual({
            file: file.path,
            wave: String(part.part.wave),
            owner: `${rendered.system.name}-apps-${environment.name}`,
          });
        }
      }
    }
  });

  it("passes checkAppOfApps across its repos, and slipway validate finds nothing in the app-of-apps' files", async () => {
    expect(checkAppOfApps(systemRepos(rendered), systemWaveOrder(rendered.system))).toEqual([]);
    // The validator has no notion of a system's catalog repo yet (it asks every repo for a Component), so only the Argo CD files are judged here.
    const report = await validateRenderedFiles(homeOf(rendered).files, { kustomize: 'skip' });
    expect(report.problems.filter(problem => problem.file?.startsWith('argocd/') || problem.rule === 'app-of-apps-membership')).toEqual([]);
  });
});

describe('the bookstore: waves and what checkAppOfApps names', () => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await renderExample('bookstore');
  }, 60_000);

  const waveOf = (name: string) => rendered.system.parts.find(part => part.name === name)!.wave;

  it("syncs the resources' holders before their users and the callees before the storefront", () => {
    // catalog holds bookstore-db (and runs its migrations) and the cache; payments-worker holds the broker.
    expect(rendered.system.resources.map(resource => [resource.name, resource.heldBy])).toEqual([['bookstore-db', 'catalog'], ['bookstore-cache', 'catalog'], ['bookstore-mq', 'payments-worker']]);
    expect(waveOf('catalog')).toBeLessThan(waveOf('orders'));
    expect(waveOf('payments-worker')).toBeLessThan(waveOf('orders'));
    expect(waveOf('orders')).toBeLessThan(waveOf('storefront'));
    expect(waveOf('catalog')).toBeLessThan(waveOf('storefront'));
    // The cache's chart Application is in its holder's wave.
    const cache = parse(rendered.parts.find(part => part.part.name === 'catalog')!.files.find(file => file.path === 'deploy/argocd/staging-cache.yaml')!.content);
    expect(cache.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(waveOf('catalog')));
  });

  const editSystemRepo = (repos: AppOfAppsRepo[], file: string, change: (content: string) => string): AppOfAppsRepo[] =>
    repos.map(repo => (repo.name === 'bookstore-system' ? { ...repo, files: new Map([...repo.files].map(([path, content]) => [path, path === file ? change(content) : content])) } : repo));

  it('names a part the app-of-apps leaves out, and an include naming no file', () => {
    const order = systemWaveOrder(rendered.system);
    const withoutOrders = editSystemRepo(systemRepos(rendered), 'argocd/staging.yaml', content => {
      const appOfApps = parse(content);
      appOfApps.spec.sources = appOfApps.spec.sources.filter((source: { name: string }) => source.name !== 'orders');
      return JSON.stringify(appOfApps);
    });
    const [left, ...none] = checkAppOfApps(withoutOrders, order);
    expect(none).toEqual([]);
    expect(left).toMatchObject({ rule: 'app-of-apps-membership', repo: 'orders', object: 'Application/orders-staging' });
    expect(left.message).toContain('names the app-of-apps bookstore-apps-staging, but bookstore-apps-staging does not list deploy/argocd/staging.yaml');

    const misnamed = editSystemRepo(systemRepos(rendered), 'argocd/staging.yaml', content => content.replace('{staging-cache.yaml,staging.yaml}', '{staging-redis.yaml,staging.yaml}'));
    const problems = checkAppOfApps(misnamed, order);
    expect(problems.map(problem => [problem.repo, problem.object])).toEqual([['bookstore-system', 'Application/bookstore-apps-staging'], ['catalog', 'Application/bookstore-cache-staging']]);
    expect(problems[0].message).toContain('directory.include names staging-redis.yaml, which is not a file of deploy/argocd in repo catalog');
  });

  it('names orders when its wave is not above the wave of catalog, whose database it uses', () => {
    const repos = systemRepos(rendered).map(repo =>
      repo.name === 'orders'
        ? { ...repo, files: new Map([...repo.files].map(([path, content]) => [path, path === 'deploy/argocd/dev.yaml' ? content.replace(`sync-wave: "${waveOf('orders')}"`, `sync-wave: "${waveOf('catalog')}"`) : content])) }
        : repo,
    );
    const problems = checkAppOfApps(repos, systemWaveOrder(rendered.system));
    expect(problems.map(problem => [problem.repo, problem.object, problem.file])).toEqual([
      ['orders', 'Application/orders-dev', 'deploy/argocd/dev.yaml'],
      ['orders', 'Application/orders-dev', 'deploy/argocd/dev.yaml'],
    ]);
    expect(problems.map(problem => problem.message).join('\n')).toContain('orders uses bookstore-db, held by catalog');
    expect(problems.map(problem => problem.message).join('\n')).toContain('orders publishes to bookstore-mq, held by payments-worker');
  });
});

it("refuses a system whose app-of-apps would take the name of a part's Application", async () => {
  const rendered = await renderSystem(
    {
      name: 'shop',
      owner: 'group:default/team-a',
      description: 'Sells things.',
      parts: [{ name: 'shop-apps', goldenPath: 'node-service', values: { description: 'The API.' } }],
    },
    { goldenPaths: createGoldenPathRegistry() },
  );
  expect(rendered.ok).toBe(false);
  if (rendered.ok) return;
  expect(rendered.issues).toContainEqual({ path: 'name', message: "gives the app-of-apps shop-apps-staging, the name of a part's Argo CD Application: rename the system or that part" });
});
