import { z as z4 } from 'zod';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { isRepoName, type LocalRepoStore } from '@slipway/git';
import { examples } from './publishLocalFinish.examples';
import { failAction, SlipwayUserError } from './userError';
import { formatInputIssues } from './workspace';

export const PUBLISH_LOCAL_FINISH_ACTION_ID = 'slipway:publish:local:finish';

export interface PublishLocalFinishActionOptions {
  /** The local repos (`<slipway.dataDir>/repos`); undefined when slipway.dataDir is not set. */
  repos: LocalRepoStore | undefined;
}

const inputSchema = z4.object({
  group: z4.string({ error: 'must be a string' }).refine(isRepoName, {
    error: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  }),
});

/**
 * `slipway:publish:local:finish`: the last step of a group of publishes (a system's repos, each
 * published by slipway:publish:local with `group`). Until it runs, every repo of the group is
 * still on the publish journal, so a failed publish later in the task takes the earlier ones
 * back and a crash undoes them all at the next start; this step ends those records, and the
 * repos stay. Ending a record is one file removal each, so a crash during this step leaves the
 * rest on record and the next start undoes those: the group is then partly kept. The window is
 * the removal of a few files, against the minutes a system's publishes take.
 */
export function createPublishLocalFinishAction(options: PublishLocalFinishActionOptions) {
  return createTemplateAction({
    id: PUBLISH_LOCAL_FINISH_ACTION_ID,
    description:
      "Keeps the repos this task published with slipway:publish:local's `group` for good: until this step, a later failure or a crash takes them all back.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        group: z => z.string().describe('The group named in the publishes (a DNS-1123 label, e.g. the system name).'),
      },
      output: {
        repos: z => z.array(z.string()).describe('The repos of the group kept, in name order.'),
      },
    },
    async handler(ctx) {
      const parsed = inputSchema.safeParse(ctx.input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map(issue => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
        throw new SlipwayUserError(formatInputIssues(PUBLISH_LOCAL_FINISH_ACTION_ID, issues, ', nothing was changed'));
      }
      const { group } = parsed.data;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would keep the repos this task published in group ${group}`);
        ctx.output('repos', []);
        return;
      }
      if (!options.repos) failAction(PUBLISH_LOCAL_FINISH_ACTION_ID, 'slipway.dataDir is not set, so there are no local repositories to keep');
      const records = await options.repos.journal.groupOf(group, ctx.task?.id);
      for (const record of records) await options.repos.journal.end(record.name);
      const names = records.map(record => record.name);
      ctx.logger.info(names.length ? `Kept the group ${group}: ${names.join(', ')}` : `No publish of group ${group} was on record for this task`);
      ctx.output('repos', names);
    },
  });
}
