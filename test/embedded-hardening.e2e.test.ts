/**
 * Issue 7 findings about what the embedded Backstage accepts and publishes, against the
 * real backend (packages/backend as a child process, SQLite files in its own data
 * directory), the real scaffolder REST API, the real catalog and real git over HTTP.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { LocalRepoStore } from '@slipway/git';
import { RunningBackend, startBackend } from './support/backend';
import { waitFor } from './support/ports';
import { run } from './support/processes';
import { NODE_SERVICE_TEMPLATE, runTask } from './support/tasks';

const values = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  owner: 'group:default/team-a',
  description: `The ${name} service.`,
  publisher: 'local',
  ...extra,
});

async function taskCount(backend: RunningBackend): Promise<number> {
  return (await backend.request<{ tasks: unknown[] }>('GET', '/api/scaffolder/v2/tasks')).body.tasks.length;
}

async function repoNames(backend: RunningBackend): Promise<string[]> {
  return LocalRepoStore.forDataDir(backend.dataDir).list();
}

async function locationTargets(backend: RunningBackend): Promise<string[]> {
  return (await backend.request<Array<{ data: { target: string } }>>('GET', '/api/catalog/locations')).body.map(l => l.data.target);
}

async function served(backend: RunningBackend, name: string): Promise<boolean> {
  const result = await run('git', ['ls-remote', `${backend.baseUrl}/api/slipway/git/${name}.git`], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return result.code === 0;
}

describe('the embedded Backstage refuses what it must not publish', () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await startBackend({
      // A GITHUB_TOKEN of the machine running the tests must not turn GitHub on here.
      env: { GITHUB_TOKEN: '' },
      // Makes a pool stall visible within seconds instead of knex's default 60 s.
      extraConfig: ['  database:', '    knexConfig:', '      acquireConnectionTimeout: 3000'].join('\n'),
    });
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  // "Unknown value keys are accepted and stored (low): a 9 MiB unknown value made GET /v2/tasks/<id> … return 9.4 MB."
  it('finding: unknown value keys are accepted and stored — refused with 400 naming the key, no task stored', async () => {
    const before = await taskCount(backend);
    const response = await backend.request<{ error: { message: string } }>(
      'POST',
      '/api/scaffolder/v2/tasks',
      { templateRef: NODE_SERVICE_TEMPLATE, values: values('unknown-keys', { bogus: 'x', 'ui:extra': 1 }) },
      [400],
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^values\.bogus, values\["ui:extra"\]: are not fields of template:default\/slipway-node-service \(its fields: [a-zA-Z, ]+\)\. /);
    // The fields it lists, in name order, include every parameter step's properties (and the
    // ones the form's dependencies add, such as repoUrl).
    const form = parse(await fs.readFile(path.join(__dirname, '../skeletons/node-service/template.yaml'), 'utf8')) as { spec: { parameters: Array<{ properties?: Record<string, unknown> }> } };
    const listed = /\(its fields: ([a-zA-Z, ]+)\)/.exec(response.body.error.message)![1].split(', ');
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining(form.spec.parameters.flatMap(step => Object.keys(step.properties ?? {}))));
    expect(await taskCount(backend)).toBe(before);
    // The same rule for the dry run (Template Editor), against the template it carries.
    const template = (await backend.request<Record<string, unknown>>('GET', '/api/catalog/entities/by-name/template/default/slipway-node-service')).body;
    const dryRun = await backend.request<{ error: { message: string } }>(
      'POST',
      '/api/scaffolder/v2/dry-run',
      { template, values: values('unknown-keys', { bogus: 'x' }), directoryContents: [] },
      [400],
    );
    expect(dryRun.body.error.message).toMatch(/^values\.bogus: is not a field of template slipway-node-service/);
  });

  // "A NUL byte in the description passes the form and the spec and fails at the git commit."
  it('finding: a NUL byte in the description fails at the git commit — refused at submission, naming the field', async () => {
    const response = await backend.request<{ error: { message: string } }>(
      'POST',
      '/api/scaffolder/v2/tasks',
      { templateRef: NODE_SERVICE_TEMPLATE, values: values('nul-byte', { description: 'Takes\u0000orders.' }) },
      [400],
    );
    expect(response.body.error.message).toMatch(/^values\.description: /);
    expect(await repoNames(backend)).not.toContain('nul-byte');
  });

  // "A task without publisher ends completed with nothing published (low, but it lies)."
  it('finding: a task without publisher ends completed with nothing published — it publishes to the local remote', async () => {
    const { publisher: _publisher, ...withoutPublisher } = values('no-publisher');
    const task = await runTask(backend, withoutPublisher);
    expect(task.status).toBe('completed');
    expect(await served(backend, 'no-publisher')).toBe(true);
    expect(task.output.links?.find(link => link.title === 'Repository')?.url).toBe(`${backend.baseUrl}/api/slipway/git/no-publisher.git`);
    expect(await locationTargets(backend)).toContain(`${backend.baseUrl}/api/slipway/repos/no-publisher/raw/main/catalog-info.yaml`);
  });

  // "A name already held by a catalog entity publishes anyway, then the catalog stalls (high)."
  it('finding: a name already held by a catalog entity publishes anyway — the task fails, naming the entity, and leaves nothing', async () => {
    const locationsBefore = await locationTargets(backend);
    // slipway-backend is one of the embedded catalog's own Components (catalog-info.yaml).
    const task = await runTask(backend, values('slipway-backend'));
    expect(task.status).toBe('failed');
    expect(task.log).toContain(
      'catalog-info.yaml describes an entity the catalog already holds: component:default/slipway-backend, owned by group:default/platform',
    );
    expect(task.log).toContain('nothing was published or registered; choose another name');
    expect(await repoNames(backend)).not.toContain('slipway-backend');
    expect(await served(backend, 'slipway-backend')).toBe(false);
    expect(await locationTargets(backend)).toEqual(locationsBefore);
    // "Open in catalog" never pointed at somebody else's component: the task has no output links.
    expect(task.output.links ?? []).toEqual([]);
  });

  it('finding: one conflicting location exhausts the database pool — the catalog keeps its connection', async () => {
    // A location whose entity conflicts, registered past Slipway (straight through the catalog API),
    // as an older Slipway did: the catalog processes it and hits the conflict on every round.
    const source = await fs.mkdtemp(path.join(backend.dataDir, 'conflict-'));
    await fs.writeFile(
      path.join(source, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: slipway-validate\nspec:\n  type: library\n  lifecycle: experimental\n  owner: group:default/platform\n',
    );
    const store = LocalRepoStore.forDataDir(backend.dataDir);
    await store.publish(await store.stage('conflicting', source, { branch: 'main', author: { name: 'T', email: 't@slipway.invalid' }, message: 'x' }));
    await backend.request('POST', '/api/catalog/locations', {
      type: 'url',
      target: `${backend.baseUrl}/api/slipway/repos/conflicting/raw/main/catalog-info.yaml`,
    });
    await waitFor('the catalog to detect the conflict', async () => backend.logs().includes('Detected conflicting entityRef component:default/slipway-validate'), 60_000);
    // With the event bus on ('auto'), publishing the conflict event inside the processing
    // transaction asks for the catalog's own DB connection, held by that transaction: a
    // KnexTimeoutError after acquireConnectionTimeout (3 s here, 60 s by default).
    await new Promise(resolve => setTimeout(resolve, 5_000));
    expect(backend.logs()).not.toContain('Timeout acquiring a connection');
    // And the catalog still takes writes.
    const added = await backend.request<{ location: { id: string } }>('POST', '/api/catalog/locations', {
      type: 'url',
      target: `${backend.baseUrl}/api/slipway/repos/no-publisher/raw/main/catalog-info.yaml?again`,
    }, [201, 409]);
    expect([201, 409]).toContain(added.status);
  }, 120_000);
});

// "The form offers GitHub, and the task fails after generate and validate with 'Template action
// with ID publish:github is not registered'."
describe('finding: the form offers GitHub, and the task fails after generate and validate', () => {
  let backend: RunningBackend | undefined;

  afterEach(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
    backend = undefined;
  });

  it('without GitHub credentials: publish:github is installed, GitHub is not offered, and choosing it fails first, writing nothing', async () => {
    backend = await startBackend({ env: { GITHUB_TOKEN: '' } });
    const actions = (await backend.request<Array<{ id: string }>>('GET', '/api/scaffolder/v2/actions')).body.map(action => action.id);
    expect(actions).toEqual(expect.arrayContaining(['publish:github', 'slipway:publish:local']));
    const publishers = (await backend.request<{ publishers: Array<{ id: string; available: boolean; reason?: string }> }>('GET', '/api/slipway/publishers')).body;
    expect(publishers.publishers).toEqual([
      { id: 'local', available: true },
      { id: 'github', available: false, hosts: [], reason: expect.stringContaining('no GitHub integration with credentials') },
    ]);

    const task = await runTask(backend, values('wants-github', { publisher: 'github', repoUrl: 'github.com?owner=acme&repo=wants-github' }));
    expect(task.status).toBe('failed');
    const failed = task.events.find(event => event.body.status === 'failed' && event.body.stepId);
    expect(failed?.body.stepId).toBe('generate');
    expect(task.log).toContain('publisher: github is not available on this Backstage: no GitHub integration has credentials');
    expect(task.log).not.toContain('is not registered');
    expect(await repoNames(backend)).toEqual([]);
  }, 120_000);

  it('with a token in GITHUB_TOKEN: GitHub is offered for github.com', async () => {
    backend = await startBackend({ env: { GITHUB_TOKEN: 'ghp_not-a-real-token' } });
    const publishers = (await backend.request<{ publishers: Array<{ id: string; available: boolean; hosts?: string[] }> }>('GET', '/api/slipway/publishers')).body;
    expect(publishers.publishers.find(p => p.id === 'github')).toEqual({ id: 'github', available: true, hosts: ['github.com'] });
    // The token is configuration, never an answer.
    expect(JSON.stringify(publishers)).not.toContain('ghp_not-a-real-token');
  }, 120_000);
});
