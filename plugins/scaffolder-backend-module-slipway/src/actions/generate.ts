import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GENERATE_ACTION_ID, type GoldenPathRegistry } from '@slipway/common';
import type { z as zv3 } from 'zod/v3';
import { examples } from './generate.examples';
import { PUBLISHERS } from './gitopsRepoUrl';
import { generateRepo, GenerateRepoOptions } from './generateRepo';
import { formatInputIssues } from './workspace';
import { SlipwayUserError } from './userError';

export { GENERATE_ACTION_ID };

/** Inputs of `slipway:generate` besides `values`. */
export const GENERATE_ACTION_INPUTS = ['goldenPath', 'targetPath', 'publisher', 'repoUrl'] as const;

type ZodV3 = typeof zv3;

/** The inputs both generate actions take besides the values. */
export const PUBLISH_INPUTS = {
  publisher: (z: ZodV3) =>
    z.enum(PUBLISHERS).optional().describe("Where the template publishes the repo; sets gitops.repoUrl. local: this Backstage's Git remote."),
  repoUrl: (z: ZodV3) => z.string().optional().describe('With publisher github: the RepoUrlPicker value, e.g. github.com?owner=acme&repo=orders.'),
  targetPath: (z: ZodV3) =>
    z.string().optional().describe("Workspace-relative folder to write the repo into. Default: '.'. Absolute paths and '..' are refused."),
};

/** What both generate actions output. */
export const GENERATE_OUTPUTS = {
  name: (z: ZodV3) => z.string().describe('The component name.'),
  goldenPath: (z: ZodV3) => z.string().describe('The golden path the repo was rendered from.'),
  files: (z: ZodV3) => z.number().int().describe('Number of files written.'),
  kubernetesId: (z: ZodV3) => z.string().describe('Value of the backstage.io/kubernetes-id annotation and label.'),
  argocdAppSelector: (z: ZodV3) => z.string().describe('Label selector of the Argo CD Applications (argocd/app-selector).'),
  catalogInfoPath: (z: ZodV3) => z.string().describe("Repo path of catalog-info.yaml, with a leading '/', ready for catalog:register."),
  environments: (z: ZodV3) => z.array(z.string()).describe('Environment names, in promotion order.'),
};

export interface GenerateActionOptions extends GenerateRepoOptions {
  /** The golden paths this Backstage offers: the built-in ones and those modules added. */
  goldenPaths: GoldenPathRegistry;
}

/**
 * `slipway:generate`: renders the repo of any registered golden path into the workspace.
 *
 * One action for every golden path, rather than one per path, because its input contract stays
 * one (`goldenPath`, `values`, where to write and publish), a golden path a module adds works
 * without a new action id, and the Template names its golden path as data, which template
 * upgrades read back. Nothing is lost in checking: Backstage converts action schemas through
 * zod v3 and drops the spec's finer rules anyway, so `values` is checked here, by the golden
 * path's own spec, with the same `field: rule` messages as the form and the CLI.
 */
export function createGenerateAction(options: GenerateActionOptions) {
  const ids = options.goldenPaths.ids();
  return createTemplateAction({
    id: GENERATE_ACTION_ID,
    description:
      "Renders a golden path's repo (service code, Dockerfile, kustomize base and overlays, delivery, Argo CD Applications, " +
      'CI workflow, catalog-info.yaml) from its spec values and writes it into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        goldenPath: z => z.string().describe(`The golden path to render: ${ids.join(', ')}.`),
        values: z =>
          z
            .record(z.unknown())
            .describe("The golden path's spec values, checked by its spec (the form the Template shows is derived from the same spec)."),
        ...PUBLISH_INPUTS,
      },
      output: GENERATE_OUTPUTS,
    },
    async handler(ctx) {
      const { goldenPath: id, values, targetPath, publisher, repoUrl } = ctx.input as Record<string, unknown>;
      const goldenPath = typeof id === 'string' ? options.goldenPaths.get(id) : undefined;
      const valuesIsObject = typeof values === 'object' && values !== null && !Array.isArray(values);
      if (!goldenPath || !valuesIsObject) {
        const issues = [
          ...(goldenPath ? [] : [{ path: 'goldenPath', message: `must be one of the registered golden paths: ${ids.join(', ')}` }]),
          ...(valuesIsObject ? [] : [{ path: 'values', message: "must be an object of the golden path's spec fields" }]),
        ];
        throw new SlipwayUserError(formatInputIssues(GENERATE_ACTION_ID, issues, ', nothing was written'));
      }
      await generateRepo(
        { actionId: GENERATE_ACTION_ID, goldenPath, values: values as Record<string, unknown>, valuesPrefix: 'values.', targetPath, publisher, repoUrl },
        ctx,
        options,
      );
    },
  });
}
