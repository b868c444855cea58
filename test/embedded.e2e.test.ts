/**
 * The embedded Backstage, end to end, with real parts only: the real backend
 * (packages/backend) on a free port with its own data directory (SQLite files),
 * the real scaffolder REST API, real git over HTTP, the Slipway validator on the
 * clone, and the catalog API. Covers the failure cases: an existing repo, a failure
 * after the repo was staged, concurrent submissions, secrets, and a restart.
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { specPathSegments } from '@slipway/common';
import { requireShippedKustomize, SKELETON_ANNOTATION, validateRepoDir } from '@slipway/validate';
import { templateBindings } from '@slipway/plugin-scaffolder-backend-module-slipway';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { RunningBackend, startBackend } from './support/backend';
import { REPO_ROOT } from './support/generatedRepo';
import { run, runOk } from './support/processes';
import { NODE_SERVICE_TEMPLATE, runTask, submitTask, waitForTask } from './support/tasks';
import { waitFor } from './support/ports';
import { registerTemplateVariant } from './support/templates';
import { LocalRepoStore } from '@slipway/git';

const owner = 'group:default/team-a';
const GOLDEN_PATHS = createGoldenPathRegistry();
// The REST API takes the form's values as they are: form defaults (publisher: local) are not applied.
const values = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  owner,
  description: `The ${name} service.`,
  publisher: 'local',
  ...extra,
});

type Entity = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

async function clone(url: string): Promise<string> {
  const dir = path.join(await tempDir('slipway-clone-'), 'repo');
  await runOk('git', ['clone', '--quiet', url, dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return dir;
}

async function repoNames(backend: RunningBackend): Promise<string[]> {
  const entries = await fs.readdir(path.join(backend.dataDir, 'repos'));
  return entries.filter(entry => entry.endsWith('.git')).map(entry => entry.slice(0, -'.git'.length)).sort();
}

async function component(backend: RunningBackend, name: string): Promise<Entity | undefined> {
  const response = await backend.request<Entity>('GET', `/api/catalog/entities/by-name/component/default/${name}`, undefined, [404]);
  return response.status === 404 ? undefined : response.body;
}

/** The catalog processes a new location asynchronously: the entity appears shortly after the task. */
async function eventualComponent(backend: RunningBackend, name: string): Promise<Entity> {
  let entity: Entity | undefined;
  await waitFor(`component ${name} in the catalog`, async () => (entity = await component(backend, name)) !== undefined, 30_000);
  return entity!;
}

async function locationTargets(backend: RunningBackend): Promise<string[]> {
  const locations = await backend.request<Array<{ data: { target: string } }>>('GET', '/api/catalog/locations');
  return locations.body.map(location => location.data.target);
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Every file under `root` whose content contains `needle` (binary files included). The tree may
 * be live: the scaffolder removes a task's workspace when the task ends, so a file listed a
 * moment ago can be gone when it is read, and is then skipped (it holds nothing any more).
 */
async function filesContaining(root: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (await readIfPresent(full))?.includes(needle)) found.push(full);
    }
  };
  await walk(root);
  return found;
}

describe('the embedded Backstage', () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await startBackend({
      // Test-only: lets the tests register template variants through the catalog API.
      extraConfig: ['catalog:', '  rules:', '    - allow: [Component, System, API, Resource, Location, Group, User, Template]'].join('\n'),
    });
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  it('lists the Slipway template through the catalog API', async () => {
    const templates = await backend.request<Entity[]>('GET', '/api/catalog/entities?filter=kind=template');
    expect(templates.body.map(entity => entity.metadata.name)).toContain('slipway-node-service');
  });

  it('scaffolds a service through the REST API; the repo clones over HTTP, validates, and is in the catalog', async () => {
    const task = await runTask(backend, values('orders'));
    expect({ status: task.status, log: task.status === 'completed' ? '' : task.log }).toEqual({ status: 'completed', log: '' });

    const cloneUrl = `${backend.baseUrl}/api/slipway/git/orders.git`;
    expect(task.output.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ title: 'Repository', url: cloneUrl }),
        expect.objectContaining({ entityRef: 'component:default/orders' }),
      ]),
    );

    const dir = await clone(cloneUrl);
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    // Argo CD syncs from the same local remote the repo was cloned from.
    const application = parse(await fs.readFile(path.join(dir, 'deploy/argocd/staging.yaml'), 'utf8'));
    expect(application.spec.source.repoURL).toBe(cloneUrl);
    const log = await runOk('git', ['log', '--format=%an <%ae>|%s'], { cwd: dir });
    expect(log.stdout.trim().split('\n')).toHaveLength(1);
    expect(log.stdout).toContain('Slipway <slipway@localhost>');

    const entity = await eventualComponent(backend, 'orders');
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'orders',
      'argocd/app-selector': 'backstage.io/kubernetes-id=orders',
    });
    expect(entity.spec).toMatchObject({ owner, type: 'service', lifecycle: 'experimental' });
  }, 120_000);

  it('refuses a name whose repo already exists, overwriting and registering nothing', async () => {
    const repoDir = path.join(backend.dataDir, 'repos', 'orders.git');
    const headBefore = (await runOk('git', ['--git-dir', repoDir, 'rev-parse', 'main'])).stdout;
    const locationsBefore = await locationTargets(backend);

    const task = await runTask(backend, values('orders', { description: 'A second, different orders service.' }));

    expect(task.status).toBe('failed');
    expect(task.log).toMatch(/a repository named orders already exists/);
    expect((await runOk('git', ['--git-dir', repoDir, 'rev-parse', 'main'])).stdout).toBe(headBefore);
    expect(await locationTargets(backend)).toEqual(locationsBefore);
    expect((await component(backend, 'orders'))?.metadata).not.toHaveProperty('description', 'A second, different orders service.');
  }, 120_000);

  it('leaves no repo behind when a step fails after the repo was staged and moved into place', async () => {
    // The catalog cannot read the location this variant registers, so registration fails
    // after the publish step has staged the repo and moved it into place: it must be rolled back.
    const templateRef = await registerTemplateVariant(backend, 'slipway-node-service-broken-register', steps => {
      steps.find(step => step.id === 'publish-local')!.input.catalogInfoPath = '/no-such-catalog-info.yaml';
    });
    const reposBefore = await repoNames(backend);
    const task = await runTask(backend, values('ledger'), { templateRef });

    expect(task.status).toBe('failed');
    expect(await repoNames(backend)).toEqual(reposBefore);
    expect(await component(backend, 'ledger')).toBeUndefined();
    const clone = await run('git', ['ls-remote', `${backend.baseUrl}/api/slipway/git/ledger.git`]);
    expect(clone.code).not.toBe(0);
    // No staged copy left either (.home is the store's own git HOME, not a repo).
    const staging = await fs.readdir(path.join(backend.dataDir, 'repos', '.staging')).catch(() => [] as string[]);
    expect(staging.filter(entry => entry !== '.home')).toEqual([]);
  }, 120_000);

  it('completes 20 concurrent submissions for 20 names, each repo holding exactly its own service', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `fleet-${String(i).padStart(2, '0')}`);
    const ids = await Promise.all(names.map(name => submitTask(backend, values(name))));
    const tasks = await Promise.all(ids.map(id => waitForTask(backend, id, 300_000)));
    expect(tasks.map(task => task.status)).toEqual(names.map(() => 'completed'));

    for (const name of names) {
      const dir = await clone(`${backend.baseUrl}/api/slipway/git/${name}.git`);
      // The Component is the first entity; a path may add others after it (node-worker: its broker as a Resource).
      const catalogInfo = parseAllDocuments(await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8'))[0].toJS();
      const packageJson = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
      const rollout = parse(await fs.readFile(path.join(dir, 'deploy/base/rollout.yaml'), 'utf8'));
      expect([catalogInfo.metadata.name, packageJson.name, rollout.metadata.name]).toEqual([name, name, name]);
      expect((await eventualComponent(backend, name)).metadata.name).toBe(name);
      await fs.rm(path.dirname(dir), { recursive: true, force: true });
    }
  }, 400_000);

  it('gives exactly one repo and one clear failure for two concurrent submissions of the same name', async () => {
    const ids = await Promise.all([submitTask(backend, values('twin')), submitTask(backend, values('twin'))]);
    const tasks = await Promise.all(ids.map(id => waitForTask(backend, id)));
    expect(tasks.map(task => task.status).sort()).toEqual(['completed', 'failed']);
    const failed = tasks.find(task => task.status === 'failed')!;
    // Whichever moment the loser reaches: the repo is in place, or the winner holds the name's publish record.
    expect(failed.log).toMatch(/a repository named twin (already exists|is being published by another task right now)/);
    expect((await repoNames(backend)).filter(name => name === 'twin')).toEqual(['twin']);
    const dir = await clone(`${backend.baseUrl}/api/slipway/git/twin.git`);
    expect((await runOk('git', ['rev-list', '--count', 'main'], { cwd: dir })).stdout.trim()).toBe('1');
  }, 120_000);

  it('never writes a task secret to the task log, the workspace or the published repo', async () => {
    const secret = `slipway-secret-${randomBytes(12).toString('hex')}`;
    // A variant that pauses after generating, so the test can read the live workspace.
    const templateRef = await registerTemplateVariant(backend, 'slipway-node-service-paused', steps => {
      steps.splice(1, 0, { id: 'pause', name: 'Pause', action: 'debug:wait', input: { seconds: 3 } });
    });
    const id = await submitTask(backend, values('vault'), { templateRef, secrets: { githubToken: secret, apiKey: secret } });

    const workRoot = path.join(backend.dataDir, 'work');
    let sawWorkspace = false;
    const workspaceHits: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const status = (await backend.request<{ status: string }>('GET', `/api/scaffolder/v2/tasks/${id}`)).body.status;
      const workspaceFiles = await filesContaining(workRoot, 'backstage.io/kubernetes-id: vault');
      if (workspaceFiles.length) {
        sawWorkspace = true;
        workspaceHits.push(...(await filesContaining(workRoot, secret)));
      }
      if (['completed', 'failed', 'cancelled'].includes(status)) break;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    const task = await waitForTask(backend, id);
    expect(task.status).toBe('completed');
    expect(sawWorkspace).toBe(true);
    expect(workspaceHits).toEqual([]);
    expect(JSON.stringify(task.events)).not.toContain(secret);

    const dir = await clone(`${backend.baseUrl}/api/slipway/git/vault.git`);
    expect(await filesContaining(dir, secret)).toEqual([]);
    const history = await runOk('git', ['log', '-p', '--all', '--format=%an %ae %s %b'], { cwd: dir });
    expect(history.stdout).not.toContain(secret);
    expect(await filesContaining(path.join(backend.dataDir, 'repos'), secret)).toEqual([]);
  }, 120_000);

  it.each(GOLDEN_PATHS.list().map(goldenPath => [goldenPath.id, goldenPath] as const))(
    'scaffolds the %s golden path through its own Template over REST; the clone validates with its check profile and is in the catalog',
    async (id, goldenPath) => {
      const template = parse(await fs.readFile(path.join(goldenPath.dir, 'template.yaml'), 'utf8'));
      // What a user would type: each form field the generate step binds gets the first example's value at its spec path.
      const examples = (await fs.readdir(path.join(goldenPath.dir, 'examples'))).filter(file => file.endsWith('.yaml')).sort();
      const example = parse(await fs.readFile(path.join(goldenPath.dir, 'examples', examples[0]), 'utf8'));
      const form: Record<string, unknown> = {};
      for (const [field, specPath] of Object.entries(templateBindings(template).bindings)) {
        const value = specPathSegments(specPath).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], example);
        if (value !== undefined) form[field] = value;
      }
      const name = `rest-${id}`;
      const task = await runTask(backend, { ...form, ...values(name) }, { templateRef: `template:default/${template.metadata.name}` });
      expect({ status: task.status, log: task.status === 'completed' ? '' : task.log }).toEqual({ status: 'completed', log: '' });

      const dir = await clone(`${backend.baseUrl}/api/slipway/git/${name}.git`);
      const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize(), goldenPaths: GOLDEN_PATHS });
      expect(report.problems).toEqual([]);
      expect(report.stats.overlaysBuilt.length).toBeGreaterThan(0);
      // The Component is the first entity; a path may add others after it (node-worker: its broker as a Resource).
      const catalogInfo = parseAllDocuments(await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8'))[0].toJS();
      expect(catalogInfo.metadata.annotations[SKELETON_ANNOTATION]).toMatch(new RegExp(`^${id}@`));
      const entity = await eventualComponent(backend, name);
      expect(entity.metadata.annotations).toMatchObject({ 'backstage.io/kubernetes-id': name, [SKELETON_ANNOTATION]: catalogInfo.metadata.annotations[SKELETON_ANNOTATION] });
    },
    120_000,
  );

  it('keeps the catalog and the repos across a restart', async () => {
    await backend.stop();
    backend = await startBackend({
      dataDir: backend.dataDir,
      extraConfig: ['catalog:', '  rules:', '    - allow: [Component, System, API, Resource, Location, Group, User, Template]'].join('\n'),
    });
    const entity = await component(backend, 'orders');
    expect(entity?.metadata.annotations?.['backstage.io/kubernetes-id']).toBe('orders');
    // The clone URL follows the new port; the repo is the same one.
    const dir = await clone(`${backend.baseUrl}/api/slipway/git/orders.git`);
    expect(parse(await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8')).metadata.name).toBe('orders');
    const tasks = await backend.request<{ tasks: Array<{ status: string; spec: { templateInfo?: { entityRef?: string } } }> }>(
      'GET',
      '/api/scaffolder/v2/tasks',
    );
    expect(tasks.body.tasks.filter(task => task.status === 'completed').length).toBeGreaterThanOrEqual(23);
    expect(tasks.body.tasks.some(task => task.spec.templateInfo?.entityRef === NODE_SERVICE_TEMPLATE)).toBe(true);
  }, 120_000);
});
