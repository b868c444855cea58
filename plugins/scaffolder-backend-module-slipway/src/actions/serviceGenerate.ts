import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { builtInGoldenPath } from '@slipway/skeletons';
import { examples } from './serviceGenerate.examples';
import { specInputFields } from './specInput';
import { generateRepo, GenerateRepoOptions } from './generateRepo';
import { GENERATE_OUTPUTS, PUBLISH_INPUTS } from './generate';

export const SERVICE_GENERATE_ACTION_ID = 'slipway:service:generate';

/** Inputs of the generate action that are not service spec fields. */
export const SERVICE_GENERATE_ACTION_ONLY_INPUTS = ['targetPath', 'publisher', 'repoUrl'] as const;

export interface ServiceGenerateActionOptions extends GenerateRepoOptions {
  /** Folder holding the skeletons (config `slipway.skeletonsDir`). Default: the packaged skeletons. */
  skeletonsDir?: string;
}

/**
 * `slipway:service:generate`: the node-service golden path with the spec as the input itself,
 * field for field (plus `targetPath`). Kept for templates written before `slipway:generate`,
 * which takes any golden path and is what Slipway's own templates use; both run the same
 * `generateRepo`, so they check, render and write identically.
 */
export function createServiceGenerateAction(options: ServiceGenerateActionOptions = {}) {
  const goldenPath = builtInGoldenPath('node-service', options.skeletonsDir);
  return createTemplateAction({
    id: SERVICE_GENERATE_ACTION_ID,
    description:
      'Renders a Kubernetes service repo (service code, Dockerfile, kustomize base and overlays, Argo Rollouts canary, ' +
      'Argo CD Applications, CI workflow, catalog-info.yaml) from the Slipway service spec and writes it into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...specInputFields(),
        ...PUBLISH_INPUTS,
      },
      output: GENERATE_OUTPUTS,
    },
    async handler(ctx) {
      const { targetPath, publisher, repoUrl, ...values } = ctx.input as Record<string, unknown>;
      await generateRepo(
        { actionId: SERVICE_GENERATE_ACTION_ID, goldenPath, values, valuesPrefix: '', targetPath, publisher, repoUrl },
        ctx,
        options,
      );
    },
  });
}
