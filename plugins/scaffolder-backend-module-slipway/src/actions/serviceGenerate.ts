import path from 'path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SpecIssue, safeResolveServiceSpec } from '@slipway/common';
import { createSkeletonContext, findWriteConflicts, renderService, writeRenderedFiles } from '@slipway/node';
import { examples } from './serviceGenerate.examples';
import { specInputFields } from './specInput';
import { checkRelativePath, formatInputIssues, resolveInWorkspace } from './workspace';
import { gitopsRepoUrlFor, PUBLISHERS } from './gitopsRepoUrl';
import { SlipwayUserError } from './userError';

export const SERVICE_GENERATE_ACTION_ID = 'slipway:service:generate';

/** Inputs of the generate action that are not service spec fields. */
export const SERVICE_GENERATE_ACTION_ONLY_INPUTS = ['targetPath', 'publisher', 'repoUrl'] as const;

export interface ServiceGenerateActionOptions {
  /** Folder holding the skeletons (config `slipway.skeletonsDir`). Default: the packaged skeletons. */
  skeletonsDir?: string;
  /** `backend.baseUrl`: with `publisher: local`, the repo URL is this backend's local Git remote. */
  baseUrl?: string;
  /** GitHub hosts with credentials (githubPublishingHosts); `publisher: github` is refused when empty. Undefined: not checked. */
  githubHosts?: readonly string[];
}

/**
 * `slipway:service:generate`: renders a complete service repo from the Slipway
 * skeleton and writes it into the workspace.
 *
 * The input is the service spec itself, field for field (plus `targetPath`), so a
 * template passes its parameters through one to one. Every check runs and every
 * file is rendered in memory before the first byte is written: bad input, a broken
 * skeleton or an existing file leaves the workspace untouched.
 */
export function createServiceGenerateAction(options: ServiceGenerateActionOptions = {}) {
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
        publisher: z =>
          z
            .enum(PUBLISHERS)
            .optional()
            .describe('Where the template publishes the repo; sets gitops.repoUrl. local: this Backstage\'s Git remote.'),
        repoUrl: z =>
          z
            .string()
            .optional()
            .describe('With publisher github: the RepoUrlPicker value, e.g. github.com?owner=acme&repo=orders.'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe("Workspace-relative folder to write the repo into. Default: '.'. Absolute paths and '..' are refused."),
      },
      output: {
        name: z => z.string().describe('The service name.'),
        files: z => z.number().int().describe('Number of files written.'),
        kubernetesId: z => z.string().describe('Value of the backstage.io/kubernetes-id annotation and label.'),
        argocdAppSelector: z => z.string().describe('Label selector of the Argo CD Applications (argocd/app-selector).'),
        catalogInfoPath: z =>
          z.string().describe("Repo path of catalog-info.yaml, with a leading '/', ready for catalog:register."),
        environments: z => z.array(z.string()).describe('Environment names, in promotion order.'),
      },
    },
    async handler(ctx) {
      const { targetPath: rawTargetPath, publisher, repoUrl, ...values } = ctx.input as Record<string, unknown>;
      const issues: SpecIssue[] = [];
      const targetPath = checkRelativePath('targetPath', rawTargetPath, issues);
      const gitopsIsObject = values.gitops === undefined || (typeof values.gitops === 'object' && values.gitops !== null);
      const gitops = (gitopsIsObject ? values.gitops ?? {} : {}) as Record<string, unknown>;
      const publishedRepoUrl = gitopsRepoUrlFor(
        { publisher, repoUrl, specRepoUrl: gitops.repoUrl, name: values.name, baseUrl: options.baseUrl, githubHosts: options.githubHosts },
        issues,
      );
      if (publishedRepoUrl && gitopsIsObject) values.gitops = { ...gitops, repoUrl: publishedRepoUrl };
      const resolved = safeResolveServiceSpec(values);
      if (!resolved.ok) issues.push(...resolved.issues);
      if (issues.length || !resolved.ok || targetPath === undefined) {
        throw new SlipwayUserError(formatInputIssues(SERVICE_GENERATE_ACTION_ID, issues, ', nothing was written'));
      }
      const spec = resolved.spec;

      const files = await renderService(spec, { skeletonsDir: options.skeletonsDir });
      if (!files.some(file => file.path === 'catalog-info.yaml')) {
        throw new SlipwayUserError(`${SERVICE_GENERATE_ACTION_ID}: the skeleton rendered no catalog-info.yaml; nothing was written`);
      }

      const prefix = targetPath === '.' ? '' : `${targetPath}/`;
      const outDir = resolveInWorkspace(ctx.workspacePath, targetPath);
      const conflicts = findWriteConflicts(
        files.map(file => ({ ...file, path: `${prefix}${file.path}` })),
        ctx.workspacePath,
      );
      if (conflicts.length) {
        throw new SlipwayUserError(
          `${SERVICE_GENERATE_ACTION_ID}: refusing to overwrite existing files in the workspace, nothing was written:\n` +
            conflicts.map(conflict => `  - ${conflict}`).join('\n'),
        );
      }

      ctx.signal?.throwIfAborted();
      await writeRenderedFiles(files, outDir);

      const context = createSkeletonContext(spec);
      const environments = spec.environments.map(environment => environment.name);
      const where = targetPath === '.' ? 'the workspace root' : targetPath;
      ctx.logger.info(
        `${ctx.isDryRun ? '[dry run] ' : ''}Generated service ${spec.name}: ${files.length} files in ${where} ` +
          `(environments: ${environments.join(', ')}; database: ${spec.database})`,
      );
      ctx.logger.info(`Files:\n${files.map(file => `  ${prefix}${file.path}${file.executable ? ' (executable)' : ''}`).join('\n')}`);

      ctx.output('name', spec.name);
      ctx.output('files', files.length);
      ctx.output('kubernetesId', context.labels.common['backstage.io/kubernetes-id']);
      ctx.output('argocdAppSelector', context.argocdAppSelector);
      ctx.output('catalogInfoPath', `/${path.posix.join(targetPath, 'catalog-info.yaml')}`);
      ctx.output('environments', environments);
    },
  });
}
