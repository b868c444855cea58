import { promises as fs } from 'fs';
import { z as z4 } from 'zod';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SpecIssue } from '@slipway/common';
import type { GoldenPathRegistry } from '@slipway/common';
import { formatValidationReport, validateRepoDir } from '@slipway/validate';
import { SlipwayUserError } from './userError';
import { examples } from './validate.examples';
import { checkRelativePath, formatInputIssues, resolveInWorkspace } from './workspace';

export const VALIDATE_ACTION_ID = 'slipway:validate';

export const KUSTOMIZE_MODES = ['auto', 'skip'] as const;

/** The handler's own view of the input: Backstage never applies defaults, this schema does. */
const validateInputSchema = z4.object({
  path: z4.string({ error: 'must be a string' }).default('.'),
  kustomize: z4.enum(KUSTOMIZE_MODES, { error: `must be one of ${KUSTOMIZE_MODES.join(', ')}` }).default('auto'),
});

/**
 * `slipway:validate`: runs the Slipway validation pipeline (YAML, schemas,
 * kustomize overlay builds, policy, cross-references) on a folder of the
 * workspace. Problems fail the step with the readable report as the message.
 */
export interface ValidateActionOptions {
  /** The golden paths whose check profiles and metrics apply (default: the built-in ones). */
  goldenPaths?: GoldenPathRegistry;
}

export function createValidateAction(options: ValidateActionOptions = {}) {
  return createTemplateAction({
    id: VALIDATE_ACTION_ID,
    description:
      'Validates a generated Slipway repo in the workspace: YAML syntax, Kubernetes and CRD schemas, kustomize overlay builds, ' +
      'security and reliability policy, and cross-references between manifests, CI and catalog-info.yaml. Fails the step on any problem.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z => z.string().default('.').describe("Workspace-relative folder of the repo. Default: '.'."),
        kustomize: z =>
          z
            .enum(KUSTOMIZE_MODES)
            .default('auto')
            .describe("'auto' builds every overlay when a kustomize or kubectl binary is found (a notice says when none is); 'skip' never builds."),
      },
      output: {
        ok: z => z.boolean().describe('True when no problem was found.'),
        problems: z => z.number().int().describe('Number of problems found.'),
        overlaysBuilt: z => z.array(z.string()).describe('Environments whose kustomize overlay was built and checked.'),
      },
    },
    async handler(ctx) {
      const parsed = validateInputSchema.safeParse(ctx.input);
      const issues: SpecIssue[] = parsed.success
        ? []
        : parsed.error.issues.map(issue => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
      const relative = parsed.success ? checkRelativePath('path', parsed.data.path, issues) : undefined;
      if (!parsed.success || issues.length || relative === undefined) {
        throw new SlipwayUserError(formatInputIssues(VALIDATE_ACTION_ID, issues));
      }
      const dir = resolveInWorkspace(ctx.workspacePath, relative);
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat?.isDirectory()) {
        throw new SlipwayUserError(`${VALIDATE_ACTION_ID}: path: ${relative} is not a folder of the workspace`);
      }

      const report = await validateRepoDir(dir, { kustomize: parsed.data.kustomize, goldenPaths: options.goldenPaths });
      for (const notice of report.notices) ctx.logger.info(`Notice: ${notice}`);

      ctx.output('ok', report.ok);
      ctx.output('problems', report.problems.length);
      ctx.output('overlaysBuilt', report.stats.overlaysBuilt);

      const formatted = formatValidationReport(report);
      if (!report.ok) {
        // Logged as well as thrown: the log keeps the whole report next to the step,
        // the error message is what the task page shows as the failure.
        ctx.logger.error(formatted);
        throw new SlipwayUserError(`${VALIDATE_ACTION_ID}: ${report.problems.length} problem(s) in ${relative}\n${formatted}`);
      }
      ctx.logger.info(
        `Validated ${relative}: ${report.stats.files} files, ${report.stats.objects} objects, ` +
          `overlays built: ${report.stats.overlaysBuilt.length ? report.stats.overlaysBuilt.join(', ') : 'none'}`,
      );
    },
  });
}
