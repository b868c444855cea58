import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { MAX_SERVICE_NAME_LENGTH, resolveServiceSpec } from '@slipway/common';
import { skeletonDir } from '@slipway/skeletons';
import { renderService, RenderedFile } from './renderer';

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

const byPath = (files: RenderedFile[]) => new Map(files.map(file => [file.path, file]));

function yamlDocuments(file: RenderedFile): Array<Record<string, any>> {
  return parseAllDocuments(file.content).map(doc => doc.toJS()).filter(Boolean);
}

async function tempSkeleton(files: Record<string, string>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-skeleton-'));
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, 'probe', file)), { recursive: true });
    await fs.writeFile(path.join(root, 'probe', file), content);
  }
  return root;
}

describe('renderService', () => {
  it('renders the deploy tree, CI and catalog for the default spec', async () => {
    const files = byPath(await renderService(resolveServiceSpec(minimal)));
    for (const expected of [
      'catalog-info.yaml',
      '.github/workflows/ci.yaml',
      'deploy/base/kustomization.yaml',
      'deploy/base/rollout.yaml',
      'deploy/base/analysistemplate.yaml',
      'deploy/overlays/staging/kustomization.yaml',
      'deploy/overlays/production/kustomization.yaml',
      'deploy/argocd/staging.yaml',
      'deploy/argocd/production.yaml',
    ]) {
      expect(files.has(expected)).toBe(true);
    }
    // Postgres-only files render to whitespace and are left out; skeleton metadata never ships.
    expect(files.has('deploy/base/database.yaml')).toBe(false);
    expect(files.has('deploy/base/migration-job.yaml')).toBe(false);
    expect([...files.keys()].some(file => file.startsWith('_partials/'))).toBe(false);
    expect(files.has('README.md.hbs')).toBe(false);
  });

  it('adds the CloudNativePG cluster, migration Job and DB policies for postgres', async () => {
    const files = byPath(await renderService(resolveServiceSpec({ ...minimal, database: 'postgres' })));
    const cluster = yamlDocuments(files.get('deploy/base/database.yaml')!)[0];
    expect(cluster).toMatchObject({ kind: 'Cluster', metadata: { name: 'orders-db' } });
    const job = yamlDocuments(files.get('deploy/base/migration-job.yaml')!)[0];
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    const policies = yamlDocuments(files.get('deploy/base/networkpolicies.yaml')!).map(doc => doc.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['orders-allow-db', 'orders-db-allow-app']));
    expect(parse(files.get('deploy/base/kustomization.yaml')!.content).resources).toEqual(
      expect.arrayContaining(['database.yaml', 'migration-job.yaml']),
    );
  });

  it.each([
    'plain words',
    'key: value',
    'first line\nsecond: line\n---\nthird',
    '{{ spec.name }} and ${{ values.token }} and {{#each x}}',
    '"quoted" and \'single\' # not a comment',
    '- a list item?\n  indented: true',
    '--- \n... \n%YAML 1.2',
  ])('writes the description %j verbatim as one string', async description => {
    const files = byPath(await renderService(resolveServiceSpec({ ...minimal, description })));
    const catalog = yamlDocuments(files.get('catalog-info.yaml')!);
    expect(catalog).toHaveLength(1);
    expect(catalog[0].metadata.description).toBe(description);
    expect(Object.keys(catalog[0].metadata).sort()).toEqual(['annotations', 'description', 'links', 'name', 'tags']);
    const packageJson = files.get('package.json');
    expect(packageJson).toBeDefined();
    expect(JSON.parse(packageJson!.content).description).toBe(description);
  });

  it('keeps every object name and namespace within 63 characters for the longest allowed name', async () => {
    const name = 'n'.repeat(MAX_SERVICE_NAME_LENGTH);
    const files = await renderService(resolveServiceSpec({ ...minimal, name, database: 'postgres' }));
    const names: string[] = [];
    for (const file of files.filter(f => f.path.startsWith('deploy/') && f.path.endsWith('.yaml'))) {
      for (const doc of yamlDocuments(file)) {
        if (doc.metadata?.name) names.push(doc.metadata.name);
        if (doc.namespace) names.push(doc.namespace);
      }
    }
    expect(names.length).toBeGreaterThan(20);
    for (const objectName of names) expect(objectName.length).toBeLessThanOrEqual(63);
  });

  it('fails on a misspelt field, naming the skeleton file', async () => {
    const dir = await tempSkeleton({ 'a.yaml.hbs': 'name: {{spec.nmae}}\n' });
    await expect(renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' })).rejects.toThrow(
      /skeleton file a\.yaml\.hbs: .*nmae/,
    );
  });

  it('refuses a skeleton edit that renders invalid YAML before anything is written', async () => {
    const dir = await tempSkeleton({ 'a.yaml.hbs': 'name: {{spec.name}}\n  bad: [\n' });
    await expect(renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' })).rejects.toThrow(
      /rendered a\.yaml is not valid YAML/,
    );
  });

  it('rejects skeleton names that could leave the skeletons folder', async () => {
    await expect(renderService(resolveServiceSpec(minimal), { skeleton: '../etc' })).rejects.toThrow(/skeleton: must be/);
  });
});

describe('the node-service skeleton', () => {
  /** Free-text spec fields: they may only be emitted through a quoting helper. */
  const FREE_TEXT_FIELDS = ['spec.description'];

  it('never writes free text bare', async () => {
    const root = skeletonDir('node-service');
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith('.hbs')) {
          const source = await fs.readFile(full, 'utf8');
          for (const mustache of source.match(/(?<!\\)\{\{[^}]*\}\}/g) ?? []) {
            const usesFreeText = FREE_TEXT_FIELDS.some(field => mustache.includes(field));
            if (usesFreeText && !/^\{\{(yaml|json)\s/.test(mustache)) offenders.push(`${path.relative(root, full)}: ${mustache}`);
          }
        }
      }
    };
    await walk(root);
    expect(offenders).toEqual([]);
  });
});
