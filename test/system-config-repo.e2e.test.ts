/**
 * The config-repo layout in one Create, through the embedded Backstage's REST API: log-pong
 * (examples/systems/log-pong.yaml, seed 001) with `layout: {kind: config-repo}` as the System
 * Template's form sends it. The Template publishes and registers the config repo like the other
 * repos: the local Git remote holds log-pong-config beside the parts' repos and the system repo,
 * the config repo's Applications sync from it there, the parts' repos hold no deploy/, the
 * catalog holds the config repo's Resource and each Component with its manifests location, and
 * the config repo, cloned beside the parts' clones, validates with no problems (each apps/<part>
 * built and checked with its app repo).
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { requireShippedKustomize, validateRepoDir } from '@slipway/validate';
import { RunningBackend, startBackend } from './support/backend';
import { readValuesFile } from './support/generatedRepo';
import { runOk } from './support/processes';
import { eventualEntity } from './support/catalog';
import { submitTask, waitForTask } from './support/tasks';

const SYSTEM_TEMPLATE = 'template:default/slipway-system';



describe('a config-repo system through the embedded Backstage', () => {
  let backend: RunningBackend;
  let clones: string;

  beforeAll(async () => {
    backend = await startBackend();
    clones = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-config-repo-clones-'));
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
    if (clones) await fs.rm(clones, { recursive: true, force: true });
  });

  it('creates log-pong with its config repo: published, registered, syncing from it, and valid', async () => {
    // As the form sends it: parts' values as YAML text, the layout's kind only (the publisher decides the URLs).
    const { repos: _repos, layout: _layout, ...values } = await readValuesFile('examples/systems/log-pong.yaml');
    const parts = values.parts as Array<Record<string, unknown>>;
    const form = { ...values, layout: { kind: 'config-repo' }, parts: parts.map(part => ({ ...part, values: stringify(part.values) })), publisher: 'local' };
    const task = await waitForTask(backend, await submitTask(backend, form, { templateRef: SYSTEM_TEMPLATE }), 300_000);
    expect({ status: task.status, log: task.status === 'completed' ? '' : task.log }).toEqual({ status: 'completed', log: '' });
    // The Template's config-repo steps ran (they are skipped when generate outputs no configRepo).
    const finished = (step: string) => task.events.some(event => event.body.stepId === step && event.body.status === 'completed');
    expect(['publish-config-local'].filter(step => !finished(step))).toEqual([]);
    expect(finished('publish-config-github')).toBe(false);

    const cloneUrl = (name: string) => `${backend.baseUrl}/api/slipway/git/${name}.git`;
    const repos = (await fs.readdir(path.join(backend.dataDir, 'repos'))).filter(entry => entry.endsWith('.git')).sort();
    expect(repos).toEqual(['log-output.git', 'log-pong-config.git', 'log-pong-system.git', 'pingpong.git']);
    for (const name of ['pingpong', 'log-output', 'log-pong-config']) {
      await runOk('git', ['clone', '--quiet', cloneUrl(name), path.join(clones, name)], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    }

    for (const part of ['pingpong', 'log-output']) {
      const tracked = (await runOk('git', ['ls-files'], { cwd: path.join(clones, part) })).stdout.trim().split('\n');
      expect({ part, deploy: tracked.filter(file => file.startsWith('deploy/')) }).toEqual({ part, deploy: [] });
      const application = parse(await fs.readFile(path.join(clones, 'log-pong-config/apps', part, 'argocd/production.yaml'), 'utf8'));
      expect(application.spec.source).toEqual({ repoURL: cloneUrl('log-pong-config'), targetRevision: 'main', path: `apps/${part}/overlays/production` });

      const [component] = parseAllDocuments(await fs.readFile(path.join(clones, part, 'catalog-info.yaml'), 'utf8')).map(document => document.toJS());
      const registered = await eventualEntity(backend, 'component', part);
      expect(registered.metadata.annotations?.['slipway.dev/manifests-location']).toBe(component.metadata.annotations['slipway.dev/manifests-location']);
      expect(registered.metadata.annotations?.['slipway.dev/manifests-location']).toBe(`url:${backend.baseUrl}/api/slipway/git/log-pong-config/tree/main/apps/${part}`);
    }
    const configRepo = await eventualEntity(backend, 'resource', 'log-pong-config');
    expect(configRepo.metadata.annotations?.['slipway.dev/layout']).toBe('config-repo');
    expect(configRepo.spec).toMatchObject({ type: 'gitops-repository', system: 'log-pong' });

    const report = await validateRepoDir(path.join(clones, 'log-pong-config'), { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.stats.overlaysBuilt.sort()).toEqual(['apps/log-output/production', 'apps/pingpong/production']);
    expect(report.notices.join('\n')).not.toContain('was not at hand');
  }, 400_000);
});
