/**
 * Every registered golden path is whole: its definition (metrics declaration, check profile),
 * README, Template (running slipway:generate with its id) and examples (each passing its spec,
 * rendering, and naming the golden path in catalog-info.yaml). The same check the scaffolder
 * module runs on a golden path another module adds; here it must also fail when a part goes.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { GoldenPathRegistry, type GoldenPath } from '@slipway/common';
import { renderGoldenPath } from '@slipway/render';
import { checkGoldenPathParts, validateRenderedFiles } from '@slipway/validate';
import { createGoldenPathRegistry, nodeServiceGoldenPath, skeletonDir } from '@slipway/skeletons';
import { parse } from 'yaml';

const registry = createGoldenPathRegistry();

describe.each(registry.list().map(goldenPath => [goldenPath.id, goldenPath] as const))('golden path %s', (_id, goldenPath) => {
  it('has every part: definition, README, Template, examples', async () => {
    expect(await checkGoldenPathParts(goldenPath)).toEqual([]);
  });

  it('renders each example into a repo that passes the validator with its check profile (overlays built)', async () => {
    const dir = path.join(goldenPath.dir, 'examples');
    for (const name of (await fs.readdir(dir)).filter(file => file.endsWith('.yaml')).sort()) {
      const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(dir, name), 'utf8')));
      if (!resolved.ok) throw new Error(`${name}: ${JSON.stringify(resolved.issues)}`);
      const report = await validateRenderedFiles(await renderGoldenPath(goldenPath, resolved.spec), { goldenPaths: registry });
      expect({ example: name, problems: report.problems }).toEqual({ example: name, problems: [] });
      expect(report.stats.overlaysBuilt).toEqual(resolved.spec.environments.map(environment => environment.name));
    }
  }, 120_000);
});

describe('a golden path that lacks a part', () => {
  let copy: string;
  let goldenPath: GoldenPath;

  beforeEach(async () => {
    copy = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-golden-path-'));
    await fs.cp(skeletonDir('node-service'), copy, { recursive: true });
    goldenPath = nodeServiceGoldenPath(copy);
  });
  afterEach(async () => {
    await fs.rm(copy, { recursive: true, force: true });
  });

  it('is whole as copied', async () => {
    expect(await checkGoldenPathParts(goldenPath)).toEqual([]);
  });

  it('fails without its Template, or with a Template that renders another golden path', async () => {
    const template = await fs.readFile(path.join(copy, 'template.yaml'), 'utf8');
    await fs.rm(path.join(copy, 'template.yaml'));
    expect(await checkGoldenPathParts(goldenPath)).toEqual([expect.stringMatching(/^template.yaml is missing/)]);
    await fs.writeFile(path.join(copy, 'template.yaml'), template.replaceAll('goldenPath: node-service', 'goldenPath: node-worker'));
    expect(await checkGoldenPathParts(goldenPath)).toEqual([expect.stringMatching(/renders goldenPath "node-worker", not node-service/)]);
  });

  it('fails without examples, or with an example the spec refuses', async () => {
    await fs.rm(path.join(copy, 'examples'), { recursive: true });
    expect(await checkGoldenPathParts(goldenPath)).toEqual([expect.stringMatching(/^examples\/ holds no values file/)]);
    await fs.mkdir(path.join(copy, 'examples'));
    await fs.writeFile(path.join(copy, 'examples', 'bad.yaml'), 'name: Orders\nowner: group:default/a\ndescription: x\n');
    expect(await checkGoldenPathParts(goldenPath)).toEqual([expect.stringMatching(/^examples\/bad.yaml does not pass the spec: name: must be a DNS-1123 label/)]);
  });

  it('fails without its metrics declaration or its check profile', async () => {
    const noMetrics = { ...goldenPath, metrics: { metrics: [], runtimeMetricPrefixes: [] } };
    expect(await checkGoldenPathParts(noMetrics)).toEqual([expect.stringMatching(/^metrics declares no metric/)]);
    const noProfile = { ...goldenPath, checkProfile: { requiredKinds: {}, forbiddenKinds: {}, rules: [] } };
    expect(await checkGoldenPathParts(noProfile)).toEqual([
      'checkProfile.requiredKinds is empty',
      'checkProfile.rules is empty',
    ]);
    const renamedRule = { ...goldenPath, checkProfile: { ...goldenPath.checkProfile, rules: ['pdb-allow-drain'] } };
    expect(await checkGoldenPathParts(renamedRule)).toEqual(['checkProfile.rules names pdb-allow-drain, which is not a validator rule']);
    // The registry refuses such a definition outright.
    expect(() => new GoldenPathRegistry([noMetrics])).toThrow(/golden path node-service: metrics declares no metric/);
  });

  it('fails without its README, or when its skeleton stops naming the golden path in catalog-info.yaml', async () => {
    await fs.rm(path.join(copy, 'README.md'));
    const catalog = path.join(copy, 'catalog-info.yaml.hbs');
    await fs.writeFile(catalog, (await fs.readFile(catalog, 'utf8')).replace(/slipway\.dev\/skeleton: \{\{goldenPath\.id\}\}@/, 'slipway.dev/skeleton: something-else@'));
    // Every example renders that catalog-info.yaml, so each is named.
    const examples = (await fs.readdir(path.join(copy, 'examples'))).filter(file => file.endsWith('.yaml')).map(file => file.replace(/\.yaml$/, ''));
    expect(examples).toEqual(expect.arrayContaining(['minimal', 'postgres', 'three-environments']));
    expect(await checkGoldenPathParts(goldenPath)).toEqual([
      expect.stringMatching(/^README.md is missing/),
      ...examples.sort().map(name =>
        expect.stringMatching(new RegExp(`^examples/${name}.yaml: the rendered catalog-info.yaml has no Component whose slipway.dev/skeleton names node-service`)),
      ),
    ]);
  });

  it('is refused twice under one id', () => {
    expect(() => new GoldenPathRegistry([goldenPath, nodeServiceGoldenPath(copy)])).toThrow(/golden path node-service is registered twice/);
  });
});
