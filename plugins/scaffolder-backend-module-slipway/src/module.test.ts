import { promises as fs } from 'fs';
import path from 'path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { builtInGoldenPathIds, nodeServiceGoldenPath, skeletonDir } from '@slipway/skeletons';
import module, { SLIPWAY_ACTION_IDS, slipwayGoldenPathsExtensionPoint } from './index';
import { actionContext, listTree, makeTempDir } from './__fixtures__/testUtils';

// Real Backstage backend wiring (startTestBackend runs the backend system's initializer); only the
// scaffolder's action extension point is a recording stand-in, so the actions can be called directly.
describe('scaffolderModuleSlipway', () => {
  it('registers every Slipway action with the scaffolder', async () => {
    const addActions = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [module],
    });
    try {
      const actions = addActions.mock.calls.flat();
      expect(actions.map((action: { id: string }) => action.id).sort()).toEqual([...SLIPWAY_ACTION_IDS].sort());
      for (const action of actions) {
        expect(action.supportsDryRun).toBe(true);
        expect(action.schema.input.type).toBe('object');
        expect(action.schema.output.type).toBe('object');
        expect(action.examples.length).toBeGreaterThan(0);
      }
    } finally {
      await backend.stop();
    }
  });

  it('renders from slipway.skeletonsDir when it is configured', async () => {
    const skeletons = await makeTempDir('module-skeletons');
    const workspace = await makeTempDir('module-workspace');
    try {
      await fs.mkdir(path.join(skeletons, 'node-service'));
      await fs.writeFile(path.join(skeletons, 'node-service', 'catalog-info.yaml.hbs'), 'metadata:\n  name: {{spec.name}}\n');
      const addActions = jest.fn();
      const backend = await startTestBackend({
        extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
        features: [module, mockServices.rootConfig.factory({ data: { slipway: { skeletonsDir: skeletons } } })],
      });
      try {
        const generate = addActions.mock.calls.flat().find((action: { id: string }) => action.id === 'slipway:service:generate');
        const { ctx } = actionContext({
          input: { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' },
          workspacePath: workspace,
        });
        await generate.handler(ctx);
        expect(await listTree(workspace)).toEqual(['catalog-info.yaml']);
      } finally {
        await backend.stop();
      }
    } finally {
      await fs.rm(skeletons, { recursive: true, force: true });
      await fs.rm(workspace, { recursive: true, force: true });
    }
  });

  it('offers the golden paths another module adds through the extension point, leaving out one that lacks a part', async () => {
    // The adopter's module: a whole golden path (node-service's definition under another id,
    // reading its own copy of the folder) and one whose folder has no template.yaml.
    const whole = await makeTempDir('added-whole');
    const broken = await makeTempDir('added-broken');
    const workspace = await makeTempDir('module-workspace');
    try {
      await fs.cp(skeletonDir('node-service'), whole, { recursive: true });
      const template = path.join(whole, 'template.yaml');
      await fs.writeFile(template, (await fs.readFile(template, 'utf8')).replaceAll('goldenPath: node-service', 'goldenPath: acme-service'));
      await fs.cp(skeletonDir('node-service'), broken, { recursive: true });
      await fs.rm(path.join(broken, 'template.yaml'));
      const adopterModule = createBackendModule({
        pluginId: 'scaffolder',
        moduleId: 'acme-golden-paths',
        register(reg) {
          reg.registerInit({
            deps: { goldenPaths: slipwayGoldenPathsExtensionPoint },
            async init({ goldenPaths }) {
              goldenPaths.addGoldenPath(
                { ...nodeServiceGoldenPath(whole), id: 'acme-service', title: 'Acme service' },
                { ...nodeServiceGoldenPath(broken), id: 'acme-broken', title: 'Acme broken' },
              );
            },
          });
        },
      });
      const addActions = jest.fn();
      const errors: string[] = [];
      const logger = mockServices.logger.mock({ error: (message: string) => void errors.push(message) });
      const backend = await startTestBackend({
        extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
        features: [module, adopterModule, logger.factory],
      });
      try {
        const generate = addActions.mock.calls.flat().find((action: { id: string }) => action.id === 'slipway:generate');
        expect(generate.schema.input.properties.goldenPath.description).toBe(`The golden path to render: ${[...builtInGoldenPathIds(), 'acme-service'].join(', ')}.`);
        expect(errors).toEqual([expect.stringMatching(/^Golden path acme-broken was not added: template.yaml is missing/)]);
        const values = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };
        const { ctx, outputs } = actionContext({ input: { goldenPath: 'acme-service', values }, workspacePath: workspace });
        await generate.handler(ctx);
        expect(outputs.goldenPath).toBe('acme-service');
        expect(await listTree(workspace)).toContain('catalog-info.yaml');
        const refused = actionContext({ input: { goldenPath: 'acme-broken', values }, workspacePath: await makeTempDir('module-workspace') });
        await expect(generate.handler(refused.ctx)).rejects.toThrow(`goldenPath: must be one of the registered golden paths: ${[...builtInGoldenPathIds(), 'acme-service'].join(', ')}`);
      } finally {
        await backend.stop();
      }
    } finally {
      for (const dir of [whole, broken, workspace]) await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
