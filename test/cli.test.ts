/**
 * The built `slipway` bin, run as a user runs it: render → validate for both
 * variants, bad input, and a dry run of the real template through a real,
 * in-process Backstage backend. Needs `npx tsc -b` first (npm test does it).
 */
import { execFile } from 'child_process';
import { promises as fs, existsSync } from 'fs';
import os from 'os';
import path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'packages/slipway-cli/bin/slipway.js');
const TEMPLATE = path.join(ROOT, 'skeletons/node-service/template.yaml');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function slipway(args: string[], cwd: string): Promise<Run> {
  return new Promise(resolve => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

async function listTree(dir: string, relative = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(dir, child)));
    else out.push(child);
  }
  return out.sort();
}

describe('slipway CLI (built bin)', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(path.join(ROOT, 'packages/slipway-cli/dist/cli.js'))) {
      throw new Error('packages/slipway-cli/dist is missing: run `npx tsc -b` (npm test does) before this test');
    }
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-cli-e2e-'));
    await fs.writeFile(path.join(dir, 'values.yaml'), 'name: orders\nowner: group:default/team-a\ndescription: Takes orders.\n');
    await fs.writeFile(
      path.join(dir, 'postgres.yaml'),
      'name: billing\nowner: group:default/payments\ndescription: Issues invoices.\ndatabase: postgres\n',
    );
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['default values', 'values.yaml', 'orders'],
    ['database: postgres', 'postgres.yaml', 'billing'],
  ])('renders and validates %s (exit 0)', async (_title, values, name) => {
    const render = await slipway(['render', '--template', 'node-service', '--values', values, '--out', 'repo'], dir);
    expect(render).toMatchObject({ code: 0, stderr: '' });
    expect(render.stdout).toMatch(new RegExp(`Rendered ${name} .*files into repo`));
    const files = await listTree(path.join(dir, 'repo'));
    expect(files).toEqual(expect.arrayContaining(['catalog-info.yaml', 'package.json', 'deploy/base/kustomization.yaml']));

    const validate = await slipway(['validate', 'repo'], dir);
    expect({ code: validate.code, stdout: validate.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/No problems/) });
  });

  it('exits 2 on bad input, prints each field: rule, and writes nothing', async () => {
    await fs.writeFile(path.join(dir, 'bad.yaml'), 'name: Foo_Bar\nowner: group:default/team-a\ndescription: x\nport: 70000\n');
    const run = await slipway(['render', '--values', 'bad.yaml', '--out', 'repo'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ {2}name: must be a DNS-1123 label/m);
    expect(run.stderr).toMatch(/^ {2}port: must be between 1 and 65535/m);
    expect(existsSync(path.join(dir, 'repo'))).toBe(false);

    const dryRun = await slipway(['dry-run', '--template', TEMPLATE, '--values', 'bad.yaml', '--out', 'dry'], dir);
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toMatch(/^ {2}name: must be a DNS-1123 label/m);
    expect(existsSync(path.join(dir, 'dry'))).toBe(false);

    const flags = await slipway(['validate', 'repo', '--frobnicate'], dir);
    expect(flags.code).toBe(2);
  });

  it('exits 1 when the repo has validation problems', async () => {
    await slipway(['render', '--values', 'values.yaml', '--out', 'repo'], dir);
    await fs.writeFile(path.join(dir, 'repo/deploy/base/hpa.yaml'), 'kind: [\n');
    const run = await slipway(['validate', 'repo', '--no-kustomize'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('deploy/base/hpa.yaml');
  });

  it('dry-runs the real template through an in-process Backstage backend (exit 0)', async () => {
    const started = Date.now();
    const run = await slipway(['dry-run', '--template', TEMPLATE, '--values', 'values.yaml', '--out', 'dry'], dir);
    const elapsed = Date.now() - started;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/Backstage backend started in/);
    expect(run.stdout).toContain('[Generate the service] Finished step Generate the service');
    expect(run.stdout).toContain('[Validate the generated repo] Finished step Validate the generated repo');
    expect(run.stdout).toMatch(/Skipped \(no dry-run support.*\): Publish to GitHub \(publish:github\), Register in the catalog \(catalog:register\)/);

    const files = await listTree(path.join(dir, 'dry'));
    expect(files).toContain('catalog-info.yaml');
    expect(files.some(file => file.startsWith('deploy/'))).toBe(true);
    const [component] = parseAllDocuments(await fs.readFile(path.join(dir, 'dry/catalog-info.yaml'), 'utf8')).map(d => d.toJS());
    expect(component.metadata.name).toBe('orders');
    // The template's default publisher is the local Git remote, so Argo CD syncs from it and
    // there is no GitHub project slug.
    expect(component.metadata.annotations['github.com/project-slug']).toBeUndefined();
    const application = parseAllDocuments(await fs.readFile(path.join(dir, 'dry/deploy/argocd/staging.yaml'), 'utf8'))[0].toJS();
    expect(application.spec.source.repoURL).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/api\/slipway\/git\/orders\.git$/);
    expect(run.stdout).toContain('[Publish to the local Git remote]');

    // The dry run's files are exactly what `slipway render` writes for the same values.
    await slipway(['render', '--values', 'values.yaml', '--out', 'rendered'], dir);
    expect(files).toEqual(await listTree(path.join(dir, 'rendered')));
    // eslint-disable-next-line no-console
    console.log(`slipway dry-run took ${elapsed} ms end to end (${run.stdout.match(/Dry run: .*/)?.[0]})`);
  });

  it('exits 1 when the template run fails in slipway:validate, and writes nothing', async () => {
    const skeletons = path.join(dir, 'skeletons', 'node-service');
    await fs.mkdir(skeletons, { recursive: true });
    // A skeleton whose catalog entity lacks the kubernetes-id annotation: generate passes, validate fails.
    await fs.writeFile(
      path.join(skeletons, 'catalog-info.yaml.hbs'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{spec.name}}\nspec:\n  type: service\n  owner: {{spec.owner}}\n  lifecycle: experimental\n',
    );
    const run = await slipway(
      ['dry-run', '--template', TEMPLATE, '--values', 'values.yaml', '--out', 'dry', '--skeletons-dir', path.join(dir, 'skeletons')],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/slipway:validate: \d+ problem\(s\)/);
    expect(run.stderr).toContain('catalog-info.yaml');
    expect(existsSync(path.join(dir, 'dry'))).toBe(false);
  });
});
