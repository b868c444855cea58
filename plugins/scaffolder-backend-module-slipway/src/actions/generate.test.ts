import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { GoldenPathRegistry, safeResolveServiceSpec } from '@slipway/common';
import { renderService } from '@slipway/render';
import { createGoldenPathRegistry, nodeServiceGoldenPath, skeletonDir } from '@slipway/skeletons';
import { createGenerateAction } from './generate';
import { examples } from './generate.examples';
import { actionContext, createRecordingLogger, listTree, makeTempDir } from '../__fixtures__/testUtils';

describe('slipway:generate', () => {
  const action = createGenerateAction({ goldenPaths: createGoldenPathRegistry() });
  let workspace: string;

  beforeEach(async () => {
    workspace = await makeTempDir('generate-any');
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('publishes goldenPath, values and the publishing inputs, naming the registered golden paths', () => {
    const input = action.schema?.input as any;
    expect(Object.keys(input.properties).sort()).toEqual(['goldenPath', 'publisher', 'repoUrl', 'targetPath', 'values']);
    expect(input.required).toEqual(['goldenPath', 'values']);
    expect(input.properties.goldenPath.description).toContain('node-service');
  });

  // Every documented example runs through the handler, as the GitHub module's examples do.
  const literalExamples = examples.filter(example => !example.example.includes('${{'));
  it.each(literalExamples.map(example => [example.description, example.example]))('runs its example: %s', async (_description, example) => {
    const input = parse(example).steps[0].input;
    const { ctx, outputs } = actionContext({ input, workspacePath: workspace, logger: createRecordingLogger() });
    await action.handler(ctx);
    const resolved = safeResolveServiceSpec(input.values);
    if (!resolved.ok) throw new Error('example values must pass the spec');
    const expected = await renderService(resolved.spec);
    const prefix = input.targetPath ? `${input.targetPath}/` : '';
    expect((await listTree(workspace)).sort()).toEqual(expected.map(file => `${prefix}${file.path}`).sort());
    expect(outputs).toMatchObject({ goldenPath: 'node-service', name: input.values.name, files: expected.length });
  });

  it('writes what renderService writes for the same values, and logs the golden path', async () => {
    const logger = createRecordingLogger();
    const values = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };
    const { ctx, outputs } = actionContext({ input: { goldenPath: 'node-service', values }, workspacePath: workspace, logger });
    await action.handler(ctx);
    const resolved = safeResolveServiceSpec(values);
    if (!resolved.ok) throw new Error('unreachable');
    const expected = await renderService(resolved.spec);
    for (const file of expected) expect(await fs.readFile(path.join(workspace, file.path), 'utf8')).toBe(file.content);
    expect(logger.text()).toContain(`Generated node-service orders: ${expected.length} files`);
    expect(outputs).toMatchObject({ catalogInfoPath: '/catalog-info.yaml', environments: ['staging', 'production'], kubernetesId: 'orders' });
  });

  it('names the field and the rule, prefixed values., and writes nothing', async () => {
    const { ctx } = actionContext({
      input: { goldenPath: 'node-service', values: { name: 'Bad_Name', owner: 'group:default/team-a', description: 'x', port: 0 } },
      workspacePath: workspace,
      logger: createRecordingLogger(),
    });
    const error = await action.handler(ctx).then(() => undefined, (caught: Error) => caught);
    expect(error?.name).toBe('SlipwayUserError');
    expect(error?.message).toMatch(/^slipway:generate: invalid input, nothing was written:\n/);
    expect(error?.message).toMatch(/^ {2}- values\.name: must be a DNS-1123 label/m);
    expect(error?.message).toMatch(/^ {2}- values\.port: must be between 1 and 65535/m);
    expect(await listTree(workspace)).toEqual([]);
  });

  it('refuses a golden path that is not registered, and values that are not an object, naming each', async () => {
    const { ctx } = actionContext({ input: { goldenPath: 'node-wroker', values: 'name=orders' }, workspacePath: workspace, logger: createRecordingLogger() });
    const error = await action.handler(ctx).then(() => undefined, (caught: Error) => caught);
    expect(error?.message).toContain('goldenPath: must be one of the registered golden paths: node-service');
    expect(error?.message).toContain("values: must be an object of the golden path's spec fields");
    expect(await listTree(workspace)).toEqual([]);
  });

  it('renders a golden path a module added, from that path\'s own folder', async () => {
    // A module's path: here node-service's definition under another id, reading an edited copy of its skeleton.
    const copy = await makeTempDir('added-path');
    await fs.cp(skeletonDir('node-service'), copy, { recursive: true });
    await fs.appendFile(path.join(copy, 'README.md.hbs'), '\nAdded by the acme module.\n');
    const added = { ...nodeServiceGoldenPath(copy), id: 'acme-service', title: 'Acme service' };
    const registry = new GoldenPathRegistry([...createGoldenPathRegistry().list(), added]);
    const withAdded = createGenerateAction({ goldenPaths: registry });
    const values = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };
    const { ctx, outputs } = actionContext({ input: { goldenPath: 'acme-service', values }, workspacePath: workspace, logger: createRecordingLogger() });
    await withAdded.handler(ctx);
    expect(outputs.goldenPath).toBe('acme-service');
    expect(await fs.readFile(path.join(workspace, 'README.md'), 'utf8')).toContain('Added by the acme module.');
    await fs.rm(copy, { recursive: true, force: true });
  });
});
