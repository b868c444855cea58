/**
 * A whole system in one Create, through the embedded Backstage's REST API: the real backend
 * (packages/backend) runs the system Template (templates/system/template.yaml), whose steps are
 * slipway:system:generate (which validates the whole system before it writes), then
 * slipway:publish:local once per part (`each:`) and slipway:publish:local:finish.
 * The bookstore (examples/systems/bookstore.yaml) is submitted as the form sends it, each part's
 * values as YAML text. Each repo is cloned over HTTP from the local Git remote and compared with
 * renderSystem's output for the same values; its Argo CD Applications must sync from that repo;
 * the catalog must hold the System and every Component in it, with the relations the edges make
 * (catalog dependsOn its database, the storefront consumesApi catalog's, the catalog API entity
 * with its OpenAPI definition read from the repo); and each clone must validate.
 * A part whose values its golden path refuses fails the task with the field named, and nothing is
 * published.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { renderSystem } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { requireShippedKustomize, validateRepoDir } from '@slipway/validate';
import { RunningBackend, startBackend } from './support/backend';
import { readValuesFile } from './support/generatedRepo';
import { runOk } from './support/processes';
import { eventualEntity, type CatalogEntity } from './support/catalog';
import { submitTask, waitForTask } from './support/tasks';

const SYSTEM_TEMPLATE = 'template:default/slipway-system';


type Values = Record<string, unknown>;

/** The bookstore's values as the form sends them: parts' values as YAML text; repos and layout are not form fields (the publisher decides the repos). */
async function bookstoreForm(edit: (parts: Values[]) => void = () => undefined): Promise<Values> {
  const { repos: _repos, layout: _layout, ...values } = await readValuesFile('examples/systems/bookstore.yaml');
  const parts = structuredClone(values.parts) as Values[];
  edit(parts);
  return { ...values, parts: parts.map(part => ({ ...part, values: stringify(part.values) })), publisher: 'local' };
}

async function repoNames(backend: RunningBackend): Promise<string[]> {
  const entries = await fs.readdir(path.join(backend.dataDir, 'repos')).catch(() => [] as string[]);
  return entries.filter(entry => entry.endsWith('.git')).map(entry => entry.slice(0, -'.git'.length)).sort();
}

async function clone(url: string): Promise<string> {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-system-clone-')), 'repo');
  await runOk('git', ['clone', '--quiet', url, dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return dir;
}

describe('a system through the embedded Backstage', () => {
  let backend: RunningBackend;
  const clones: string[] = [];

  beforeAll(async () => {
    backend = await startBackend();
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
    for (const dir of clones) await fs.rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('lists the system Template through the catalog API', async () => {
    const template = await backend.request<CatalogEntity>('GET', '/api/catalog/entities/by-name/template/default/slipway-system');
    expect(template.body.spec).toMatchObject({ type: 'system' });
  });

  // Runs first, on a remote with no repo yet, so "nothing published" means none of the system's repos exists.
  it("fails a part whose values its golden path refuses, naming parts.<name>.values.<field>, and publishes nothing", async () => {
    const values = await bookstoreForm(parts => {
      (parts.find(part => part.name === 'catalog')!.values as Values).port = 0;
    });
    const task = await waitForTask(backend, await submitTask(backend, values, { templateRef: SYSTEM_TEMPLATE }), 120_000);
    expect(task.status).toBe('failed');
    expect(task.log).toMatch(/values\.parts\.catalog\.values\.port: must be between 1 and 65535/);
    expect(task.log).toContain('nothing was written');
    // A user-facing message: no stack frames, no server paths.
    expect(task.log).not.toMatch(/\n\s+at /);
    expect(task.log).not.toContain(backend.dataDir);
    expect(await repoNames(backend)).toEqual([]);
    const locations = await backend.request<Array<{ data: { target: string } }>>('GET', '/api/catalog/locations');
    expect(locations.body.map(location => location.data.target).filter(target => target.includes('/api/slipway/'))).toEqual([]);
  }, 150_000);

  it('creates the bookstore: every part in its own repo, syncing from it, in the catalog under its System, and valid', async () => {
    const values = await bookstoreForm();
    const task = await waitForTask(backend, await submitTask(backend, values, { templateRef: SYSTEM_TEMPLATE }), 300_000);
    expect({ status: task.status, log: task.status === 'completed' ? '' : task.log }).toEqual({ status: 'completed', log: '' });
    expect(task.output.links).toEqual(expect.arrayContaining([expect.objectContaining({ entityRef: 'system:default/bookstore' })]));

    // What the repos must hold: renderSystem of the same values, with the repos where publisher local puts them.
    const cloneUrl = (name: string) => `${backend.baseUrl}/api/slipway/git/${name}.git`;
    const { publisher: _publisher, ...systemValues } = await bookstoreForm();
    const bookstore = await readValuesFile('examples/systems/bookstore.yaml');
    const expected = await renderSystem(
      { ...systemValues, parts: bookstore.parts, repos: { urlPattern: cloneUrl('{name}') } },
      { goldenPaths: createGoldenPathRegistry() },
    );
    if (!expected.ok) throw new Error(JSON.stringify(expected.issues));
    const partNames = expected.parts.map(part => part.part.name);
    expect(partNames).toEqual(['storefront', 'catalog', 'orders', 'payments-worker']);
    expect(await repoNames(backend)).toEqual(['bookstore-system', ...partNames].sort());

    const kustomize = await requireShippedKustomize();
    for (const { part, files } of expected.parts) {
      const dir = await clone(cloneUrl(part.name));
      clones.push(dir);
      // Every rendered file, as rendered (the parts' wiring included), and nothing else.
      const tracked = (await runOk('git', ['ls-files'], { cwd: dir })).stdout.trim().split('\n').sort();
      expect({ part: part.name, files: tracked }).toEqual({ part: part.name, files: files.map(file => file.path).sort() });
      for (const file of files) expect({ file: `${part.name}/${file.path}`, content: await fs.readFile(path.join(dir, file.path), 'utf8') }).toEqual({ file: `${part.name}/${file.path}`, content: file.content });

      // Its Argo CD Applications (one per environment, with no app-of-apps of its own: the system's own them) sync from its own repo.
      const argocd = files.filter(file => file.path.startsWith('deploy/argocd/') && file.path !== 'deploy/argocd/kustomization.yaml');
      expect(argocd.map(file => path.posix.basename(file.path)).filter(name => !name.includes('-')).sort()).toEqual(['dev.yaml', 'production.yaml', 'staging.yaml']);
      expect(argocd.some(file => file.path === 'deploy/argocd/apps.yaml')).toBe(false);
      for (const file of argocd) {
        for (const document of parseAllDocuments(await fs.readFile(path.join(dir, file.path), 'utf8'))) {
          const application = document.toJS();
          // A chart's Application (the catalog's Valkey cache) syncs from the chart's repository.
          if (application?.kind === 'Application' && !application.spec.source.chart) expect({ file: `${part.name}/${file.path}`, repoURL: application.spec.source.repoURL }).toEqual({ file: `${part.name}/${file.path}`, repoURL: cloneUrl(part.name) });
        }
      }

      const report = await validateRepoDir(dir, { kustomize });
      expect({ part: part.name, problems: report.problems }).toEqual({ part: part.name, problems: [] });
    }
    // The system's repo: its catalog files and the app-of-apps per environment, whose sources are the parts' repos.
    const systemDir = await clone(cloneUrl('bookstore-system'));
    clones.push(systemDir);
    const systemTracked = (await runOk('git', ['ls-files'], { cwd: systemDir })).stdout.trim().split('\n').sort();
    expect(systemTracked).toEqual(expected.systemRepo.files.map(file => file.path).sort());
    expect(systemTracked).toEqual(['README.md', 'argocd/apps.yaml', 'argocd/dev.yaml', 'argocd/production.yaml', 'argocd/staging.yaml', 'catalog-info.yaml']);
    for (const file of expected.systemRepo.files) expect({ file: file.path, content: await fs.readFile(path.join(systemDir, file.path), 'utf8') }).toEqual({ file: file.path, content: file.content });
    const staging = parseAllDocuments(await fs.readFile(path.join(systemDir, 'argocd/staging.yaml'), 'utf8'))[0].toJS();
    expect(staging.spec.sources.map((source: { name: string; repoURL: string }) => [source.name, source.repoURL])).toEqual(partNames.map(name => [name, cloneUrl(name)]));

    // The catalog's peers file the edges made (catalog's callers and its database, cache).
    const catalogDir = clones[partNames.indexOf('catalog')];
    expect(await fs.readFile(path.join(catalogDir, 'deploy/overlays/staging/networkpolicy-peers.yaml'), 'utf8')).toContain('storefront');

    // The catalog holds the System (from bookstore-system) and each Component, part of it.
    const system = await eventualEntity(backend, 'system', 'bookstore');
    expect(system.spec).toMatchObject({ owner: 'group:default/team-books' });
    for (const name of partNames) {
      const component = await eventualEntity(backend, 'component', name, entity => (entity.relations ?? []).some(relation => relation.type === 'partOf'));
      expect({ name, system: component.spec?.system }).toEqual({ name, system: 'system:bookstore' });
      expect(component.relations).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'partOf', targetRef: 'system:default/bookstore' })]));
    }
    // Part of the System whichever repo declares it (the system repo, or the part that runs it, writing system:bookstore).
    for (const resource of ['bookstore-db', 'bookstore-cache', 'bookstore-mq']) {
      const entity = await eventualEntity(backend, 'resource', resource, candidate => (candidate.relations ?? []).some(relation => relation.type === 'partOf'));
      expect({ resource, relations: entity.relations }).toEqual({ resource, relations: expect.arrayContaining([expect.objectContaining({ type: 'partOf', targetRef: 'system:default/bookstore' })]) });
    }

    // The dependency and API cards: the relations the edges make, as the catalog stored them
    // (BuiltinKindsEntityProcessor turns spec.dependsOn/consumesApis/providesApis into relations).
    const relationsOf = async (name: string, type: string, target: string) => {
      const entity = await eventualEntity(backend, 'component', name, candidate => (candidate.relations ?? []).some(relation => relation.type === type && relation.targetRef === target));
      return (entity.relations ?? []).filter(relation => relation.type === type).map(relation => relation.targetRef).sort();
    };
    const uses = (from: string) => (bookstore.edges as Record<string, Array<{ from: string; to: string }>>).uses.filter(edge => edge.from === from).map(edge => `resource:default/${edge.to}`);
    expect(await relationsOf('catalog', 'dependsOn', 'resource:default/bookstore-db')).toEqual(expect.arrayContaining(uses('catalog')));
    expect(await relationsOf('storefront', 'consumesApi', 'api:default/catalog')).toEqual(['api:default/catalog', 'api:default/orders']);
    expect(await relationsOf('catalog', 'providesApi', 'api:default/catalog')).toEqual(['api:default/catalog']);
    // The API entity, its definition the repo's openapi.yaml as the $text placeholder read it.
    const api = await eventualEntity(backend, 'api', 'catalog', entity => (entity.relations ?? []).some(relation => relation.type === 'apiProvidedBy'));
    expect(api.spec).toMatchObject({ type: 'openapi', system: 'system:bookstore' });
    expect(api.spec?.definition).toBe(await fs.readFile(path.join(catalogDir, 'openapi.yaml'), 'utf8'));
    expect(api.relations).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'apiProvidedBy', targetRef: 'component:default/catalog' })]));
  }, 400_000);

  it('refuses the same system again before publishing anything, naming each repo that exists', async () => {
    const before = await repoNames(backend);
    const task = await waitForTask(backend, await submitTask(backend, await bookstoreForm(), { templateRef: SYSTEM_TEMPLATE }), 120_000);
    expect(task.status).toBe('failed');
    expect(task.log).toContain("values.name: a repository named bookstore-system already exists on this Backstage's Git remote");
    expect(task.log).toContain("values.parts.payments-worker: a repository named payments-worker already exists");
    // The failure is the generate step's: no step after it ran.
    expect(task.log).not.toMatch(/Beginning step (Validate|Publish)/);
    expect(await repoNames(backend)).toEqual(before);
  }, 150_000);
});
