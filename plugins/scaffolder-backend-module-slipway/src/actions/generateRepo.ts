import path from 'path';
import type { GoldenPath, SpecIssue } from '@slipway/common';
import { findWriteConflicts, renderGoldenPath, writeRenderedFiles } from '@slipway/render';
import { checkRelativePath, formatInputIssues, resolveInWorkspace } from './workspace';
import { gitopsRepoUrlFor } from './gitopsRepoUrl';
import { SlipwayUserError } from './userError';

export interface GenerateRepoOptions {
  /** `backend.baseUrl`: with `publisher: local`, the repo URL is this backend's local Git remote. */
  baseUrl?: string;
  /** GitHub hosts with credentials (githubPublishingHosts); `publisher: github` is refused when empty. Undefined: not checked. */
  githubHosts?: readonly string[];
}

/** The part of an action context generating uses. */
export interface GenerateContext {
  workspacePath: string;
  logger: { info(message: string): void };
  output(name: string, value: string | number | string[]): void;
  isDryRun?: boolean;
  signal?: AbortSignal;
}

/** What both generate actions take besides the values. */
export interface GenerateRepoRequest {
  actionId: string;
  goldenPath: GoldenPath;
  values: Record<string, unknown>;
  /** How a values field is named in messages: '' when the values are the action input itself, 'values.' when nested. */
  valuesPrefix: string;
  targetPath: unknown;
  publisher: unknown;
  repoUrl: unknown;
}

/**
 * Renders a golden path into the workspace, the one implementation behind `slipway:generate`
 * and `slipway:service:generate`. Every check runs and every file is rendered in memory before
 * the first byte is written: bad input, a broken skeleton or an existing file leaves the
 * workspace untouched.
 */
export async function generateRepo(
  request: GenerateRepoRequest,
  ctx: GenerateContext,
  options: GenerateRepoOptions,
): Promise<void> {
  const { actionId, goldenPath, valuesPrefix } = request;
  const values = { ...request.values };
  const issues: SpecIssue[] = [];
  const targetPath = checkRelativePath('targetPath', request.targetPath, issues);
  const gitopsIsObject = values.gitops === undefined || (typeof values.gitops === 'object' && values.gitops !== null);
  const gitops = (gitopsIsObject ? values.gitops ?? {} : {}) as Record<string, unknown>;
  const publishedRepoUrl = gitopsRepoUrlFor(
    { publisher: request.publisher, repoUrl: request.repoUrl, specRepoUrl: gitops.repoUrl, name: values.name, baseUrl: options.baseUrl, githubHosts: options.githubHosts },
    issues,
  );
  if (publishedRepoUrl && gitopsIsObject) values.gitops = { ...gitops, repoUrl: publishedRepoUrl };
  const resolved = goldenPath.resolve(values);
  if (!resolved.ok) issues.push(...resolved.issues.map(issue => ({ ...issue, path: `${valuesPrefix}${issue.path}` })));
  if (issues.length || !resolved.ok || targetPath === undefined) {
    throw new SlipwayUserError(formatInputIssues(actionId, issues, ', nothing was written'));
  }
  const spec = resolved.spec;

  const files = await renderGoldenPath(goldenPath, spec);
  if (!files.some(file => file.path === 'catalog-info.yaml')) {
    throw new SlipwayUserError(`${actionId}: the ${goldenPath.id} skeleton rendered no catalog-info.yaml; nothing was written`);
  }

  const prefix = targetPath === '.' ? '' : `${targetPath}/`;
  const outDir = resolveInWorkspace(ctx.workspacePath, targetPath);
  const conflicts = findWriteConflicts(
    files.map(file => ({ ...file, path: `${prefix}${file.path}` })),
    ctx.workspacePath,
  );
  if (conflicts.length) {
    throw new SlipwayUserError(
      `${actionId}: refusing to overwrite existing files in the workspace, nothing was written:\n` +
        conflicts.map(conflict => `  - ${conflict}`).join('\n'),
    );
  }

  ctx.signal?.throwIfAborted();
  await writeRenderedFiles(files, outDir);

  const summary = goldenPath.summary(spec);
  const environments = spec.environments.map(environment => environment.name);
  const where = targetPath === '.' ? 'the workspace root' : targetPath;
  ctx.logger.info(
    `${ctx.isDryRun ? '[dry run] ' : ''}Generated ${goldenPath.id} ${spec.name}: ${files.length} files in ${where} ` +
      `(environments: ${environments.join(', ')}; ${summary.details})`,
  );
  ctx.logger.info(`Files:\n${files.map(file => `  ${prefix}${file.path}${file.executable ? ' (executable)' : ''}`).join('\n')}`);

  ctx.output('name', spec.name);
  ctx.output('goldenPath', goldenPath.id);
  ctx.output('files', files.length);
  ctx.output('kubernetesId', summary.kubernetesId);
  ctx.output('argocdAppSelector', summary.argocdAppSelector);
  ctx.output('catalogInfoPath', `/${path.posix.join(targetPath, 'catalog-info.yaml')}`);
  ctx.output('environments', environments);
}
