import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { DNS1123_LABEL_MAX, MAX_ENVIRONMENT_NAME_LENGTH, MAX_SERVICE_NAME_LENGTH, TLS_SECRET_SUFFIX, resolveServiceSpec } from '@slipway/common';
import { loadCompiledSkeleton, renderGoldenPath, renderService, RenderedFile } from './renderer';
import { createSkeletonContext, nodeServiceGoldenPath } from '@slipway/skeletons';
import { Lockfile, PackageJson, reconcileLock, stringifyLikeNpm } from './lockfile';

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

  it.each([
    // The longest name, with the longest environment names its certificate Secrets (<name>-<environment>-tls) allow.
    ['the longest name', MAX_SERVICE_NAME_LENGTH, DNS1123_LABEL_MAX - MAX_SERVICE_NAME_LENGTH - 1 - TLS_SECRET_SUFFIX.length],
    // The longest environment names (<name>-<environment> is an Application and a namespace), with the longest name they allow.
    ['the longest environment names', DNS1123_LABEL_MAX - MAX_ENVIRONMENT_NAME_LENGTH - 1 - TLS_SECRET_SUFFIX.length, MAX_ENVIRONMENT_NAME_LENGTH],
  ])('keeps every object name and namespace within 63 characters for %s allowed', async (_case, nameLength, environmentLength) => {
    const name = 'n'.repeat(nameLength);
    const environments = [{ name: 'a'.repeat(environmentLength) }, { name: 'b'.repeat(environmentLength) }];
    const files = await renderService(resolveServiceSpec({ ...minimal, name, database: 'postgres', environments }));
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

  it('renders a [environment] path once per environment, in promotion order, with the environment in the context', async () => {
    const dir = await tempSkeleton({
      'deploy/overlays/[environment]/env.yaml.hbs':
        'name: {{environment.name}}\nindex: {{environment.index}}\nfirst: {{environment.isFirst}}\nlast: {{environment.isLast}}\n' +
        'previous: {{#if environment.previous}}{{environment.previous}}{{else}}none{{/if}}\n' +
        'page: {{environment.alerts.pageSeverity}}\nticket: {{environment.alerts.ticketSeverity}}\nproduction: {{productionEnvironment.name}}\n',
      'deploy/argocd/[environment].yaml.hbs': 'application: {{environment.application}}\n',
      'list.yaml.hbs': 'all: [{{#each spec.environments}}{{name}}{{#unless isLast}}, {{/unless}}{{/each}}]\n',
    });
    const environments = [{ name: 'dev' }, { name: 'staging' }, { name: 'production' }];
    const files = await renderService(resolveServiceSpec({ ...minimal, environments }), { skeletonsDir: dir, skeleton: 'probe' });
    expect(files.map(file => file.path)).toEqual([
      'deploy/argocd/dev.yaml',
      'deploy/argocd/staging.yaml',
      'deploy/argocd/production.yaml',
      'deploy/overlays/dev/env.yaml',
      'deploy/overlays/staging/env.yaml',
      'deploy/overlays/production/env.yaml',
      'list.yaml',
    ]);
    const env = (name: string) => parse(byPath(files).get(`deploy/overlays/${name}/env.yaml`)!.content);
    expect(env('dev')).toEqual({ name: 'dev', index: 0, first: true, last: false, previous: 'none', page: 'warning', ticket: 'info', production: 'production' });
    expect(env('staging')).toMatchObject({ index: 1, first: false, last: false, previous: 'dev', page: 'warning' });
    expect(env('production')).toMatchObject({ index: 2, last: true, previous: 'staging', page: 'critical', ticket: 'warning' });
    expect(parse(byPath(files).get('deploy/argocd/staging.yaml')!.content)).toEqual({ application: 'orders-staging' });
    expect(parse(byPath(files).get('list.yaml')!.content)).toEqual({ all: ['dev', 'staging', 'production'] });
  });

  it('compiles a [environment] file once, however many environments it renders for', async () => {
    const dir = await tempSkeleton({ '[environment].yaml.hbs': 'name: {{environment.name}}\n' });
    const options = { skeletonsDir: dir, skeleton: 'probe' };
    const entries = await loadCompiledSkeleton(options);
    expect(entries).toHaveLength(1);
    const two = await renderService(resolveServiceSpec(minimal), options);
    const three = await renderService(resolveServiceSpec({ ...minimal, environments: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }), options);
    expect(two.map(file => file.path)).toEqual(['staging.yaml', 'production.yaml']);
    expect(three.map(file => file.path)).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(await loadCompiledSkeleton(options)).toBe(entries);
  });

  it('leaves a [environment] file out for the environments it renders to whitespace for', async () => {
    const dir = await tempSkeleton({ 'deploy/overlays/[environment]/backup.yaml.hbs': '{{#if environment.isLast}}schedule: daily\n{{/if}}' });
    const files = await renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' });
    expect(files.map(file => file.path)).toEqual(['deploy/overlays/production/backup.yaml']);
  });

  it('renders partials from the shared layers by prefix, the edited copy\'s own layer first and the packaged one where the copy has none', async () => {
    const dir = await tempSkeleton({
      'labels.yaml.hbs': '{{> shared/probe-labels}}\n{{> backing/labels labels=labels.common}}',
      '../_shared/probe-labels.hbs': 'name: {{spec.name}}\n',
      '../_shared/README.md': 'not a partial',
    });
    const files = await renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' });
    const rendered = parse(byPath(files).get('labels.yaml')!.content);
    // shared/ came from the copy (it has _shared); backing/ from the packaged skeletons (it has no _backing-services).
    expect(rendered).toMatchObject({ name: 'orders', 'app.kubernetes.io/name': 'orders' });
  });

  it('names the layer when a golden path\'s partial layer folder does not exist', async () => {
    const dir = await tempSkeleton({ 'a.yaml.hbs': 'a: 1\n' });
    const probe = { ...nodeServiceGoldenPath(path.join(dir, 'probe')), partialLayers: { team: path.join(dir, 'missing') } };
    await expect(renderGoldenPath(probe, resolveServiceSpec(minimal))).rejects.toThrow(`partial layer team: folder ${path.join(dir, 'missing')} does not exist`);
  });

  it('refuses `environment` outside a [environment] path, naming the skeleton file', async () => {
    const dir = await tempSkeleton({ 'base.yaml.hbs': 'name: {{environment.name}}\n' });
    await expect(renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' })).rejects.toThrow(/skeleton file base\.yaml\.hbs: .*environment/);
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

  it('leaves out exactly the files that render to what String.prototype.trim removes', async () => {
    const dir = await tempSkeleton({
      'blank.txt.hbs': '{{#if postgres}}x{{/if}} \t\n\r\v\f\u00a0\u2028\u2029\u3000\ufeff\n',
      'zero-width.txt.hbs': '\u200b\n',
      'kept.txt.hbs': '\n x \n',
    });
    const files = await renderService(resolveServiceSpec(minimal), { skeletonsDir: dir, skeleton: 'probe' });
    expect(files.map(file => [file.path, file.content])).toEqual([
      ['kept.txt', '\n x \n'],
      ['zero-width.txt', '\u200b\n'],
    ]);
  });

  it('rejects skeleton names that could leave the skeletons folder', async () => {
    await expect(renderService(resolveServiceSpec(minimal), { skeleton: '../etc' })).rejects.toThrow(/skeleton: must be/);
  });
});

describe('renderService against the reference path', () => {
  const examplesDir = path.resolve(__dirname, '../../../skeletons/node-service/examples');
  const example = async (name: string) => parse(await fs.readFile(path.join(examplesDir, `${name}.yaml`), 'utf8')) as Record<string, unknown>;

  /** The render without any reuse: every template run, whitespace-only output dropped by trim, the lock reconciled from scratch. */
  async function referenceRender(values: Record<string, unknown>): Promise<RenderedFile[]> {
    const spec = resolveServiceSpec(values);
    // The reference builds the context itself: node-service's own, plus the golden path's id every skeleton sees.
    const context = { ...createSkeletonContext(spec), goldenPath: { id: 'node-service', title: 'Node.js service' } };
    const files: RenderedFile[] = [];
    for (const entry of await loadCompiledSkeleton()) {
      const outputs = entry.perEnvironment
        ? spec.environments.map(environment => ({ path: entry.path.split('[environment]').join(environment.name), context: { ...context, environment } }))
        : [{ path: entry.path, context }];
      for (const output of outputs) {
        const content = entry.render ? entry.render(output.context) : entry.content!;
        if (entry.render && content.trim() === '') continue;
        files.push({ path: output.path, content, executable: entry.executable });
      }
    }
    const pkg = files.find(file => file.path === 'package.json')!;
    const lock = files.find(file => file.path === 'package-lock.json')!;
    lock.content = stringifyLikeNpm(reconcileLock(JSON.parse(pkg.content) as PackageJson, JSON.parse(lock.content) as Lockfile));
    return files;
  }

  it.each(['minimal', 'postgres', 'three-environments'])('renders skeletons/node-service/examples/%s.yaml byte for byte, service after service', async name => {
    const values = await example(name);
    // The second and third renders reuse what the first one made (the reconciled lock, parses).
    for (const serviceName of [values.name, 'second-service', 'third']) {
      const valuesOfService = { ...values, name: serviceName };
      const rendered = await renderService(resolveServiceSpec(valuesOfService));
      expect(rendered.map(file => file.path)).toContain('package-lock.json');
      expect(rendered).toEqual(await referenceRender(valuesOfService));
    }
  });
});

describe('the node-service skeleton', () => {
  it('patches an environment\'s own CPU target into its overlay when it differs from the production tier\'s in the base', async () => {
    const environments = [{ name: 'staging', autoscaling: { targetCpuPercent: 50 } }, { name: 'production' }];
    const files = byPath(await renderService(resolveServiceSpec({ ...minimal, environments })));
    expect(parse(files.get('deploy/base/hpa.yaml')!.content).spec.metrics[0].resource.target.averageUtilization).toBe(70);
    expect(parse(files.get('deploy/overlays/staging/hpa.yaml')!.content).spec.metrics[0].resource.target.averageUtilization).toBe(50);
    expect(parse(files.get('deploy/overlays/production/hpa.yaml')!.content).spec.metrics).toBeUndefined();
  });

  // Free text through quoting helpers only: skeletonFreeText.test.ts, for every skeleton.
});
