import { promises as fs } from 'fs';
import path from 'path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import module, { SLIPWAY_ACTION_IDS } from './index';
import { actionContext, listTree, makeTempDir } from './__fixtures__/testUtils';

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
});
