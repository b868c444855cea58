import { promises as fs } from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { MAX_SERVICE_NAME_LENGTH, resolveServiceSpec, safeResolveServiceSpec } from '@slipway/common';
import { renderService } from '@slipway/render';
import { createServiceGenerateAction } from './serviceGenerate';
import { examples } from './serviceGenerate.examples';
import { actionContext, createRecordingLogger, listTree, makeTempDir } from '../__fixtures__/testUtils';

const minimal = {
  name: 'orders',
  owner: 'group:default/team-a',
  description: 'Takes orders.',
};

describe('slipway:service:generate', () => {
  const action = createServiceGenerateAction();
  let workspace: string;

  beforeEach(async () => {
    workspace = await makeTempDir('generate');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('publishes a JSON Schema input built from the spec, not an empty object', () => {
    const input = action.schema?.input as any;
    expect(input.type).toBe('object');
    expect(input.required).toEqual(['name', 'owner', 'description']);
    expect(Object.keys(input.properties)).toEqual(expect.arrayContaining(['name', 'owner', 'port', 'database', 'environments', 'gitops', 'targetPath']));
    expect(input.properties.database).toMatchObject({ type: 'string', enum: ['none', 'postgres'] });
    expect(input.properties.port).toMatchObject({ type: 'integer', default: 8080 });
    expect(input.properties.environments).toMatchObject({ type: 'array', default: [{ name: 'staging' }, { name: 'production' }] });
    expect(input.properties.environments.items.properties.host.type).toBe('string');
    expect(input.properties.environments.items.required).toEqual(['name']);
    expect(input.additionalProperties).toBe(false);
    const output = action.schema?.output as any;
    expect(Object.keys(output.properties).sort()).toEqual(
      ['argocdAppSelector', 'catalogInfoPath', 'environments', 'files', 'goldenPath', 'kubernetesId', 'name'].sort(),
    );
  });

  // Examples with literal values (not ${{ parameters.x }}) must be inputs the spec accepts.
  const literalExamples = examples.filter(example => !example.example.includes('${{'));
  it.each(literalExamples.map(example => [example.description, example.example]))('documents a valid input: %s', (_description, example) => {
    const { targetPath, ...values } = parse(example).steps[0].input;
    expect(targetPath === undefined || typeof targetPath === 'string').toBe(true);
    expect(safeResolveServiceSpec(values)).toMatchObject({ ok: true });
  });

  it('writes a complete repo, applying the spec defaults, and never logs secrets', async () => {
    const logger = createRecordingLogger();
    const { ctx, outputs } = actionContext({
      input: minimal,
      workspacePath: workspace,
      logger,
      secrets: { backstageToken: 'super-secret-token-value' },
    });
    await action.handler(ctx);

    const expected = await renderService(resolveServiceSpec(minimal));
    const written = await listTree(workspace);
    expect(written).toEqual(expected.map(file => file.path).sort());
    expect(written).toEqual(
      expect.arrayContaining([
        'catalog-info.yaml',
        'deploy/base/kustomization.yaml',
        'deploy/overlays/staging/kustomization.yaml',
        'deploy/overlays/production/kustomization.yaml',
        '.github/workflows/ci.yaml',
      ]),
    );
    for (const file of expected) {
      expect(await fs.readFile(path.join(workspace, file.path), 'utf8')).toBe(file.content);
      const mode = (await fs.stat(path.join(workspace, file.path))).mode;
      expect((mode & 0o111) !== 0).toBe(file.executable);
    }

    expect(outputs).toEqual({
      name: 'orders',
      goldenPath: 'node-service',
      files: expected.length,
      kubernetesId: 'orders',
      argocdAppSelector: 'backstage.io/kubernetes-id=orders',
      catalogInfoPath: '/catalog-info.yaml',
      environments: ['staging', 'production'],
    });
    // Defaults were applied by the handler: the spec's default port is in the manifests.
    const manifests = expected.filter(f => f.path.startsWith('deploy/')).map(f => f.content).join('\n');
    expect(manifests).toContain('8080');

    const log = logger.text();
    expect(log).toContain(`Generated node-service orders: ${expected.length} files`);
    expect(log).toContain('catalog-info.yaml');
    expect(log).not.toContain('super-secret-token-value');
  });

  it('writes into targetPath and reports the catalog path there', async () => {
    const { ctx, outputs } = actionContext({ input: { ...minimal, targetPath: 'services/orders/' }, workspacePath: workspace });
    await action.handler(ctx);
    expect(outputs.catalogInfoPath).toBe('/services/orders/catalog-info.yaml');
    expect(await listTree(workspace)).toContain('services/orders/catalog-info.yaml');
  });

  it('renders the postgres variant', async () => {
    const { ctx } = actionContext({ input: { ...minimal, database: 'postgres' }, workspacePath: workspace });
    await action.handler(ctx);
    const catalog = parseAllDocuments(await fs.readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8')).map(d => d.toJS());
    expect(catalog.map(entity => entity.kind)).toEqual(['Component', 'Resource']);
  });

  it('writes in a dry run too (the dry-run workspace is what the template editor shows) and says so', async () => {
    const logger = createRecordingLogger();
    const { ctx } = actionContext({ input: minimal, workspacePath: workspace, logger, isDryRun: true });
    await action.handler(ctx);
    expect(await listTree(workspace)).toContain('catalog-info.yaml');
    expect(logger.text()).toContain('[dry run] Generated node-service orders');
  });

  describe('refuses adversarial input, naming the field and the rule, before writing anything', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp[]]> = [
      ['an upper-case name with an underscore', { name: 'Foo_Bar' }, [/- name: must be a DNS-1123 label/]],
      ['a targetPath leaving the workspace', { targetPath: '../x' }, [/- targetPath: must stay inside the workspace/]],
      ['an absolute targetPath', { targetPath: '/etc' }, [/- targetPath: must be a path relative to the workspace/]],
      ['a name of 64 characters', { name: 'a'.repeat(64) }, [new RegExp(`- name: must be at most ${MAX_SERVICE_NAME_LENGTH} characters`)]],
      ['port 70000', { port: 70000 }, [/- port: must be between 1 and 65535/]],
      [
        'host "not a host"',
        { environments: [{ name: 'staging' }, { name: 'production', host: 'not a host' }] },
        [/- environments\[1\]\.host: must be a fully qualified DNS host name/],
      ],
      [
        'two environments with one host',
        { environments: [{ name: 'staging', host: 'orders.acme.io' }, { name: 'production', host: 'orders.acme.io' }] },
        [/- environments\[1\]\.host: must differ from the host of environments\[0\] \(staging\)/],
      ],
      ['database mysql', { database: 'mysql' }, [/- database: must be one of none, postgres/]],
      ['a misspelt field', { prot: 8080 }, [/- prot: is not a known field/]],
      ['a missing owner', { owner: undefined }, [/- owner: is required/]],
      [
        'everything at once',
        { name: 'Foo_Bar', targetPath: '../x', port: 70000, database: 'mysql', environments: [{ name: 'staging', host: 'not a host' }] },
        [/- name: /, /- targetPath: /, /- port: /, /- database: /, /- environments\[0\]\.host: /],
      ],
    ];

    it.each(cases)('%s', async (_title, override, messages) => {
      const input = { ...minimal, ...override };
      for (const key of Object.keys(input)) if ((input as any)[key] === undefined) delete (input as any)[key];
      const { ctx, outputs } = actionContext({ input, workspacePath: workspace });
      const error: Error = await action.handler(ctx).then(
        () => {
          throw new Error('expected the action to fail');
        },
        (e: Error) => e,
      );
      expect(error.message).toMatch(/^slipway:service:generate: invalid input, nothing was written:/);
      for (const message of messages) expect(error.message).toMatch(message);
      expect(await fs.readdir(workspace)).toEqual([]);
      expect(outputs).toEqual({});
    });
  });

  it('writes a description with newlines, ": ", "{{ }}" and "---" verbatim as one string', async () => {
    const description = 'Line one: has a colon\n---\nkey: value\n{{ spec.name }} and ${{ parameters.x }}\n- item\n# not a comment "quoted" \'single\'';
    const { ctx } = actionContext({ input: { ...minimal, description }, workspacePath: workspace });
    await action.handler(ctx);

    const catalogText = await fs.readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8');
    const docs = parseAllDocuments(catalogText);
    expect(docs.every(doc => doc.errors.length === 0)).toBe(true);
    const entities = docs.map(doc => doc.toJS());
    expect(entities).toHaveLength(1);
    expect(entities[0].metadata.description).toBe(description);
    // Nothing leaked out of the string into keys of its own.
    expect(entities[0].metadata.key).toBeUndefined();
    expect(entities[0].key).toBeUndefined();

    const pkg = JSON.parse(await fs.readFile(path.join(workspace, 'package.json'), 'utf8'));
    expect(pkg.description).toBe(description);
  });

  it('refuses to overwrite an existing file and writes nothing at all', async () => {
    await fs.writeFile(path.join(workspace, 'catalog-info.yaml'), 'keep me\n');
    await fs.mkdir(path.join(workspace, 'deploy'));
    await fs.writeFile(path.join(workspace, 'deploy', 'base'), 'a file where a folder goes\n');
    const { ctx } = actionContext({ input: minimal, workspacePath: workspace });
    await expect(action.handler(ctx)).rejects.toThrow(
      /refusing to overwrite existing files in the workspace, nothing was written:\n(.|\n)*- catalog-info\.yaml already exists(.|\n)*- deploy\/base exists and is not a folder/,
    );
    expect(await listTree(workspace)).toEqual(['catalog-info.yaml', 'deploy/base']);
    expect(await fs.readFile(path.join(workspace, 'catalog-info.yaml'), 'utf8')).toBe('keep me\n');
  });

  it('refuses to write through a symbolic link', async () => {
    const outside = await makeTempDir('outside');
    try {
      await fs.symlink(outside, path.join(workspace, 'deploy'));
      const { ctx } = actionContext({ input: minimal, workspacePath: workspace });
      await expect(action.handler(ctx)).rejects.toThrow(/- deploy is a symbolic link/);
      expect(await fs.readdir(outside)).toEqual([]);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('reads skeletons from the configured folder', async () => {
    const skeletons = await makeTempDir('skeletons');
    try {
      await fs.mkdir(path.join(skeletons, 'node-service'));
      await fs.writeFile(path.join(skeletons, 'node-service', 'catalog-info.yaml.hbs'), 'metadata:\n  name: {{spec.name}}\n');
      await fs.writeFile(path.join(skeletons, 'node-service', 'NOTES.txt'), 'plain\n');
      const custom = createServiceGenerateAction({ skeletonsDir: skeletons });
      const { ctx, outputs } = actionContext({ input: minimal, workspacePath: workspace });
      await custom.handler(ctx);
      expect(await listTree(workspace)).toEqual(['NOTES.txt', 'catalog-info.yaml']);
      expect(outputs.files).toBe(2);
    } finally {
      await fs.rm(skeletons, { recursive: true, force: true });
    }
  });
});
