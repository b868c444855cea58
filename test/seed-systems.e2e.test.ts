/**
 * The seed systems not created elsewhere, each in one Create through the embedded Backstage's
 * REST API: todo (seed 000, config-repo layout), goals (seed 002) and voting (seed 003). The
 * bookstore (seed 004) is test/system.e2e.test.ts's and log-pong (seed 001)
 * test/system-config-repo.e2e.test.ts's. Each is submitted as the System Template's form sends it
 * (parts' values as YAML text; the layout's kind only, since the publisher decides the URLs); every
 * repo the task published is cloned over HTTP from the local Git remote and must be exactly what
 * renderSystem makes of the same values (so what test/system-peers.test.ts and
 * test/system-app-of-apps.test.ts prove of the rendered repos holds for the published ones), and
 * must validate with no problems; the catalog must hold the System with every part in it.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';
import { renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { requireShippedKustomize, validateRepoDir } from '@slipway/validate';
import { RunningBackend, startBackend } from './support/backend';
import { readValuesFile } from './support/generatedRepo';
import { runOk } from './support/processes';
import { eventualEntity } from './support/catalog';
import { submitTask, waitForTask } from './support/tasks';

const SYSTEM_TEMPLATE = 'template:default/slipway-system';

type Values = Record<string, unknown>;

/** The example's values as the form sends them. */
async function formOf(example: string): Promise<Values> {
  const { repos: _repos, layout, ...values } = await readValuesFile(`examples/systems/${example}.yaml`);
  const kind = (layout as { kind?: string } | undefined)?.kind;
  return {
    ...values,
    ...(kind === 'config-repo' ? { layout: { kind } } : {}),
    parts: (values.parts as Values[]).map(part => ({ ...part, values: stringify(part.values ?? {}) })),
    publisher: 'local',
  };
}


describe('the seed systems through the embedded Backstage', () => {
  let backend: RunningBackend;
  let clones: string;

  beforeAll(async () => {
    backend = await startBackend();
    clones = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-seed-systems-'));
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
    if (clones) await fs.rm(clones, { recursive: true, force: true });
  });

  it.each(['todo', 'goals', 'voting'])('creates %s: every repo published as rendered, valid, and in the catalog under its System', async example => {
    const form = await formOf(example);
    const task = await waitForTask(backend, await submitTask(backend, form, { templateRef: SYSTEM_TEMPLATE }), 300_000);
    expect({ status: task.status, log: task.status === 'completed' ? '' : task.log }).toEqual({ status: 'completed', log: '' });

    // What the repos must hold: renderSystem of the same values, with the repos where publisher local puts them.
    const cloneUrl = (name: string) => `${backend.baseUrl}/api/slipway/git/${name}.git`;
    const { publisher: _publisher, parts: _formParts, ...systemValues } = form;
    const values = await readValuesFile(`examples/systems/${example}.yaml`);
    const expected = await renderSystem({ ...systemValues, parts: values.parts, repos: { urlPattern: cloneUrl('{name}') } }, { goldenPaths: createGoldenPathRegistry() });
    if (!expected.ok) throw new Error(JSON.stringify(expected.issues));
    const repos: Array<{ name: string; files: readonly RenderedFile[] }> = [
      ...expected.parts.map(({ part, files }) => ({ name: part.name, files })),
      { name: expected.systemRepo.name, files: expected.systemRepo.files },
      ...(expected.configRepo ? [{ name: expected.configRepo.name, files: expected.configRepo.files }] : []),
    ];

    // Side by side in one folder, as render-system writes them: validating a config repo finds its app repos beside it.
    const home = path.join(clones, example);
    for (const { name, files } of repos) {
      const dir = path.join(home, name);
      await runOk('git', ['clone', '--quiet', cloneUrl(name), dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      const tracked = (await runOk('git', ['ls-files'], { cwd: dir })).stdout.trim().split('\n').sort();
      expect({ repo: name, files: tracked }).toEqual({ repo: name, files: files.map(file => file.path).sort() });
      for (const file of files) {
        expect({ file: `${name}/${file.path}`, content: await fs.readFile(path.join(dir, file.path), 'utf8') }).toEqual({ file: `${name}/${file.path}`, content: file.content });
      }
    }

    const kustomize = await requireShippedKustomize();
    for (const name of [...expected.parts.map(({ part }) => part.name), ...(expected.configRepo ? [expected.configRepo.name] : [])]) {
      const report = await validateRepoDir(path.join(home, name), { kustomize });
      expect({ repo: name, problems: report.problems }).toEqual({ repo: name, problems: [] });
    }

    const system = await eventualEntity(backend, 'system', example);
    expect(system.spec).toMatchObject({ owner: form.owner });
    for (const { part } of expected.parts) {
      const component = await eventualEntity(backend, 'component', part.name, entity => (entity.relations ?? []).some(relation => relation.type === 'partOf'));
      expect({ part: part.name, relations: component.relations }).toEqual({
        part: part.name,
        relations: expect.arrayContaining([expect.objectContaining({ type: 'partOf', targetRef: `system:default/${example}` })]),
      });
    }
  }, 400_000);
});
