/**
 * The config-repo layout (issue 10, seeds 000 and 001): todo and log-pong render their parts' app
 * repos without deploy/ and one config repo holding every part's manifests under apps/<part>.
 * Every repo validates with no problems: each app repo alone (its manifests are elsewhere, and it
 * says where), and the config repo with the app repos, each apps/<part> built with kustomize and
 * checked by every rule as that part's deploy/.
 */
import { parse, parseAllDocuments } from 'yaml';
import { renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { MANIFESTS_LOCATION_ANNOTATION, validateConfigRepoFiles, validateRenderedFiles } from '@slipway/validate';
import { readValuesFile } from './support/generatedRepo';

type Rendered = Extract<Awaited<ReturnType<typeof renderSystem>>, { ok: true }>;

async function renderExample(example: string): Promise<Rendered> {
  const rendered = await renderSystem(await readValuesFile(`examples/systems/${example}.yaml`), { goldenPaths: createGoldenPathRegistry() });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
  return rendered;
}

function fileIn(files: readonly RenderedFile[], path: string): string {
  const found = files.find(file => file.path === path);
  if (!found) throw new Error(`no ${path} in ${files.map(file => file.path).join(', ')}`);
  return found.content;
}

describe.each([
  ['todo', 'todo-config', 'https://github.com/example-org/todo-config.git'],
  ['log-pong', 'log-pong-config', 'https://github.com/example-org/log-pong-config.git'],
])('the %s system in the config-repo layout', (example, configRepoName, configRepoUrl) => {
  let rendered: Rendered;
  beforeAll(async () => {
    rendered = await renderExample(example);
  }, 60_000);

  it('renders the app repos without deploy/ and one config repo with apps/<part> for each part', () => {
    const { configRepo, parts, system } = rendered;
    expect(configRepo).toMatchObject({ name: configRepoName, repoUrl: configRepoUrl, branch: 'main' });
    for (const { part, files } of parts) {
      expect({ part: part.name, deploy: files.filter(file => file.path.startsWith('deploy/')).map(file => file.path) }).toEqual({ part: part.name, deploy: [] });
      for (const environment of system.environments) {
        expect(configRepo!.files.some(file => file.path === `apps/${part.name}/overlays/${environment.name}/kustomization.yaml`)).toBe(true);
      }
    }
    const catalog = parse(fileIn(configRepo!.files, 'catalog-info.yaml'));
    expect(catalog).toMatchObject({ kind: 'Resource', metadata: { name: configRepoName, annotations: { 'slipway.dev/layout': 'config-repo' } }, spec: { system: system.name } });
  });

  it("renders each resource in the folder its resolved location names (its holder's apps/<part>)", () => {
    const { configRepo, system } = rendered;
    for (const resource of system.resources) {
      expect(resource.deploy).toMatchObject({ repoUrl: configRepoUrl, path: `apps/${resource.heldBy}` });
      // Read from the rendered files: a document naming the resource (its operator's object, or its chart's Application).
      const holding = configRepo!.files
        .filter(file => file.path.startsWith(`${resource.deploy.path}/`) && file.path.endsWith('.yaml'))
        .filter(file => parseAllDocuments(file.content).some(document => {
          const object = document.toJS() as { kind?: string; metadata?: { name?: string } } | null;
          return object?.metadata?.name === resource.name && object.kind !== 'NetworkPolicy' && object.kind !== 'Secret';
        }))
        .map(file => file.path);
      expect({ resource: resource.name, holding: holding.length > 0 }).toEqual({ resource: resource.name, holding: true });
    }
  });

  it("points each part's Argo CD Applications at its folder of the config repo, and its catalog entity at them", () => {
    const { configRepo, parts, system } = rendered;
    for (const { part, files } of parts) {
      // The system's app-of-apps per environment (argocd/ of the config repo) own the part's Applications: it has no apps.yaml.
      expect(configRepo!.files.some(file => file.path === `apps/${part.name}/argocd/apps.yaml`)).toBe(false);
      for (const environment of system.environments) {
        const appOfApps = parse(fileIn(configRepo!.files, `argocd/${environment.name}.yaml`));
        expect(appOfApps.spec.sources).toContainEqual(expect.objectContaining({ name: part.name, repoURL: configRepoUrl, targetRevision: 'main', path: `apps/${part.name}/argocd` }));
      }
      const [component] = parseAllDocuments(fileIn(files, 'catalog-info.yaml')).map(document => document.toJS());
      const annotations = component.metadata.annotations as Record<string, string>;
      expect(annotations[MANIFESTS_LOCATION_ANNOTATION]).toBe(`url:${configRepoUrl.replace(/\.git$/, '')}/tree/main/apps/${part.name}`);
      for (const environment of system.environments) {
        const application = parse(fileIn(configRepo!.files, `apps/${part.name}/argocd/${environment.name}.yaml`));
        expect(application.spec.source).toEqual({ repoURL: configRepoUrl, targetRevision: 'main', path: `apps/${part.name}/overlays/${environment.name}` });
        // What the Argo CD plugin and the status card select the Applications by.
        const [key, value] = annotations['argocd/app-selector'].split('=');
        expect(application.metadata.labels[key]).toBe(value);
        expect(application.metadata.labels['backstage.io/kubernetes-id']).toBe(annotations['backstage.io/kubernetes-id']);
      }
    }
  });

  it('validates every app repo alone with no problems, saying where its manifests are', async () => {
    for (const { part, files } of rendered.parts) {
      const report = await validateRenderedFiles(files);
      expect({ part: part.name, problems: report.problems }).toEqual({ part: part.name, problems: [] });
      expect(report.notices.join('\n')).toContain(`/tree/main/apps/${part.name}`);
    }
  }, 120_000);

  it('validates the config repo with the app repos: every apps/<part> overlay built, every rule passing', async () => {
    const { configRepo, parts, system } = rendered;
    const report = await validateConfigRepoFiles(configRepo!.files, parts.map(part => part.files));
    expect(report.problems).toEqual([]);
    expect(report.stats.overlaysBuilt.sort()).toEqual(
      parts.flatMap(({ part }) => system.environments.map(environment => `apps/${part.name}/${environment.name}`)).sort(),
    );
    // Each app was checked with its app repo (its catalog and CI rules ran), not alone.
    expect(report.notices.join('\n')).not.toContain('was not at hand');
  }, 240_000);

  it('reports a broken Application in the config repo at its file', async () => {
    const { configRepo, parts, system } = rendered;
    const [{ part }] = parts;
    const environment = system.environments[0].name;
    const file = `apps/${part.name}/argocd/${environment}.yaml`;
    const broken = configRepo!.files.map(own =>
      own.path === file ? { ...own, content: own.content.replace(`path: apps/${part.name}/overlays/${environment}`, `path: deploy/overlays/${environment}`) } : own,
    );
    const report = await validateConfigRepoFiles(broken, parts.map(rendered => rendered.files), { kustomize: 'skip' });
    expect(report.problems.map(problem => [problem.rule, problem.file])).toEqual([['argocd-source-path', file]]);
  }, 120_000);
});
