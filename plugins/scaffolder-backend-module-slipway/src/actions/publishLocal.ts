import { promises as fs } from 'fs';
import { z as z4 } from 'zod';
import type { AuthService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { SpecIssue } from '@slipway/common';
import {
  type GitAuthor,
  isBranchName,
  isRepoName,
  LocalRepoStore,
  localRepoUrls,
  PublishInProgressError,
  RepoExistsError,
  slipwayApiBaseUrl,
} from '@slipway/git';
import { findCatalogConflicts } from './catalogConflicts';
import { readCatalogFileEntities } from './catalogInfo';
import { crashIfRequested } from './crashPoints';
import { examples } from './publishLocal.examples';
import { undoPublish } from '../recovery/undoPublish';
import { failAction, SlipwayUserError } from './userError';
import { checkRelativePath, formatInputIssues, resolveInWorkspace } from './workspace';

export const PUBLISH_LOCAL_ACTION_ID = 'slipway:publish:local';

export const DEFAULT_GIT_AUTHOR: GitAuthor = { name: 'Slipway', email: 'slipway@localhost' };

export interface PublishLocalActionOptions {
  /** The local repos (`<slipway.dataDir>/repos`); undefined when slipway.dataDir is not set, and the action then says so. */
  repos: LocalRepoStore | undefined;
  /** `backend.baseUrl`: where the Slipway backend plugin serves the repo. */
  baseUrl: string | undefined;
  /** Author and committer of the commit. Default: Slipway <slipway@localhost>. */
  author?: GitAuthor;
  catalog: Pick<CatalogService, 'addLocation' | 'getEntitiesByRefs' | 'removeLocationById' | 'getLocationByRef'>;
  auth: Pick<AuthService, 'isPrincipal' | 'getOwnServiceCredentials'>;
}

const NAME_RULE =
  "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** The handler's own view of the input: Backstage never applies defaults, this schema does. */
const publishInputSchema = z4.object({
  name: z4.string({ error: 'must be a string' }).refine(isRepoName, { error: NAME_RULE }),
  sourcePath: z4.unknown().optional(), // checked by checkRelativePath
  defaultBranch: z4
    .string({ error: 'must be a string' })
    .default('main')
    .refine(isBranchName, { error: "must be a branch name such as main or release/1.2 (no spaces, '..', or leading '-' or '.')" }),
  description: z4.string({ error: 'must be a string' }).max(10_000, { error: 'must be at most 10000 characters' }).optional(),
  catalogInfoPath: z4.unknown().optional(),
  register: z4.boolean({ error: 'must be true or false' }).default(true),
  group: z4.string({ error: 'must be a string' }).refine(isRepoName, { error: NAME_RULE }).optional(),
});

/** The input's group when it is a valid one: even a publish whose other input is refused takes its group back. */
function groupOfInput(input: unknown): string | undefined {
  const group = (input as { group?: unknown } | undefined)?.group;
  return typeof group === 'string' && isRepoName(group) ? group : undefined;
}

interface PublishPlan {
  name: string;
  branch: string;
  register: boolean;
  sourceRelative: string;
  sourceDir: string;
  /** Repo-relative, '/'-separated, without a leading '/'. */
  catalogInfoRelative: string;
  message: string;
  group: string | undefined;
}

function fail(message: string): never {
  failAction(PUBLISH_LOCAL_ACTION_ID, message);
}

/** Validates the input and resolves the workspace folder; throws one message naming every broken field. */
async function planPublish(input: unknown, workspacePath: string): Promise<PublishPlan> {
  const parsed = publishInputSchema.safeParse(input);
  const issues: SpecIssue[] = parsed.success
    ? []
    : parsed.error.issues.map(issue => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
  const raw = (input ?? {}) as Record<string, unknown>;
  const sourceRelative = checkRelativePath('sourcePath', raw.sourcePath, issues);
  const catalogValue = typeof raw.catalogInfoPath === 'string' ? raw.catalogInfoPath.replace(/^\/+/, '') : raw.catalogInfoPath;
  const catalogRelative = checkRelativePath('catalogInfoPath', catalogValue ?? 'catalog-info.yaml', issues);
  if (catalogRelative === '.') issues.push({ path: 'catalogInfoPath', message: 'must name a file, e.g. /catalog-info.yaml' });
  if (!parsed.success || issues.length || sourceRelative === undefined || catalogRelative === undefined) {
    throw new SlipwayUserError(formatInputIssues(PUBLISH_LOCAL_ACTION_ID, issues, ', nothing was written'));
  }
  const { name, defaultBranch, description, register, group } = parsed.data;
  const sourceDir = resolveInWorkspace(workspacePath, sourceRelative);
  const stat = await fs.stat(sourceDir).catch(() => undefined);
  if (!stat?.isDirectory()) fail(`sourcePath: ${sourceRelative} is not a folder of the workspace`);
  const subject = `Initial commit of ${name}`;
  return {
    name,
    branch: defaultBranch,
    register,
    sourceRelative,
    sourceDir,
    catalogInfoRelative: catalogRelative,
    message: description?.trim() ? `${subject}\n\n${description.trim()}\n` : `${subject}\n`,
    group,
  };
}

/**
 * The task initiator's credentials; a task started without a signed-in user (its
 * credentials are the `none` principal, which the catalog refuses) registers as the
 * scaffolder itself.
 */
export async function catalogCredentials(
  getInitiatorCredentials: () => Promise<BackstageCredentials>,
  auth: PublishLocalActionOptions['auth'],
): Promise<{ credentials: BackstageCredentials; asService: boolean }> {
  const initiator = await getInitiatorCredentials().catch(() => undefined);
  if (initiator && !auth.isPrincipal(initiator, 'none')) return { credentials: initiator, asService: false };
  return { credentials: await auth.getOwnServiceCredentials(), asService: true };
}

function errorMessage(error: unknown): string {
  // The catalog client's ResponseError says only "Request failed with 400 Bad Request";
  // the catalog's own explanation is in its body.
  const cause = (error as { body?: { error?: { message?: unknown } } } | undefined)?.body?.error?.message;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause === 'string' && cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}

/**
 * `slipway:publish:local`: commits the workspace into a new bare Git repo under
 * `<slipway.dataDir>/repos/<name>.git` (served read-only by the Slipway backend plugin)
 * and registers its catalog-info.yaml. Either the repo is published and registered, or
 * nothing is left behind: it is staged aside, moved into place with one atomic rename,
 * and removed again if the catalog registration fails.
 */
export function createPublishLocalAction(options: PublishLocalActionOptions) {
  const { repos, catalog, auth } = options;
  const author = options.author ?? DEFAULT_GIT_AUTHOR;

  /** Undoes every publish of the task's group still on record; returns what it did, one line per repo. */
  async function undoGroup(store: LocalRepoStore, group: string, taskId: string | undefined, logger: { error(message: string): void }): Promise<string[]> {
    const lines: string[] = [];
    for (const intent of await store.journal.groupOf(group, taskId)) {
      try {
        const removed = await undoPublish(intent, { repos: store, catalog, auth });
        lines.push(`${intent.name}: ${removed.length ? `removed ${removed.join(' and ')}` : 'nothing had been published'}`);
      } catch (error) {
        logger.error(`Taking back ${intent.name} of group ${group} failed: ${errorMessage(error)}`);
        lines.push(`${intent.name}: taking it back failed (it is undone at the next restart)`);
      }
    }
    return lines;
  }

  return createTemplateAction({
    id: PUBLISH_LOCAL_ACTION_ID,
    description:
      "Publishes the workspace as a new Git repository on Slipway's local Git server (a bare repo in <slipway.dataDir>/repos, " +
      'cloneable at <backend.baseUrl>/api/slipway/git/<name>.git) and registers its catalog-info.yaml in the catalog. ' +
      'Refuses an existing name; leaves no repository behind when anything fails.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Repository name: a DNS-1123 label (lowercase letters, digits, "-"). Must not exist yet.'),
        sourcePath: z => z.string().default('.').describe("Workspace-relative folder to publish. Default: '.'."),
        defaultBranch: z => z.string().default('main').describe("Branch of the single commit, and the repo's default branch. Default: 'main'."),
        description: z => z.string().optional().describe('Body of the commit message.'),
        catalogInfoPath: z =>
          z.string().default('/catalog-info.yaml').describe("Path of the catalog file inside the published repo. Default: '/catalog-info.yaml'."),
        register: z => z.boolean().default(true).describe('Register the catalog file in the catalog. Default: true.'),
        group: z =>
          z
            .string()
            .optional()
            .describe(
              "Publishes of one task that stand or fall together (a system's repos), named by a DNS-1123 label: when one of them fails, " +
                'the earlier ones are taken back, and a crash before slipway:publish:local:finish ends the group undoes them all at the next start.',
            ),
      },
      output: {
        remoteUrl: z => z.string().describe('Git URL of the new repo (same as cloneUrl).'),
        cloneUrl: z => z.string().describe('`git clone` URL: <backend.baseUrl>/api/slipway/git/<name>.git.'),
        repoContentsUrl: z => z.string().describe('Raw files at the default branch: <backend.baseUrl>/api/slipway/repos/<name>/raw/<branch>.'),
        catalogInfoUrl: z => z.string().describe('URL of the catalog file, as registered in the catalog.'),
        entityRef: z => z.string().optional().describe("The catalog file's Component (or first entity), e.g. component:default/orders."),
        commitSha: z => z.string().optional().describe('The commit published (not set in a dry run).'),
      },
    },
    async handler(ctx) {
      // The publish itself; with a group, a failure also takes the group's earlier publishes back.
      const publish = async (): Promise<void> => {
        const plan = await planPublish(ctx.input, ctx.workspacePath);
        if (!options.baseUrl) fail('backend.baseUrl is not set, so the repository would have no URL; set backend.baseUrl in app-config');
        const urls = localRepoUrls(slipwayApiBaseUrl(options.baseUrl), plan.name, plan.branch);
        const catalogInfoUrl = `${urls.repoContentsUrl}/${plan.catalogInfoRelative}`;
        const catalogDisplay = plan.sourceRelative === '.' ? plan.catalogInfoRelative : `${plan.sourceRelative}/${plan.catalogInfoRelative}`;
        const catalogEntities = await readCatalogFileEntities(
          resolveInWorkspace(ctx.workspacePath, catalogDisplay),
          catalogDisplay,
        ).catch(error => fail(errorMessage(error)));
        if (plan.register && !catalogEntities) {
          fail(`catalogInfoPath: ${catalogDisplay} does not exist in the workspace; point catalogInfoPath at the catalog file or set register: false`);
        }
        const entityRef = catalogEntities?.primary;
        const outputUrls = () => {
          ctx.output('remoteUrl', urls.cloneUrl);
          ctx.output('cloneUrl', urls.cloneUrl);
          ctx.output('repoContentsUrl', urls.repoContentsUrl);
          ctx.output('catalogInfoUrl', catalogInfoUrl);
          if (entityRef) ctx.output('entityRef', entityRef);
        };
        const credentialsFor = async () => {
          const { credentials, asService } = await catalogCredentials(() => ctx.getInitiatorCredentials(), auth);
          if (asService) ctx.logger.info('The task has no signed-in initiator: using the scaffolder service for the catalog');
          return credentials;
        };
        /** Entities of the file that the catalog already holds: registering them would conflict. */
        const conflictsOf = async (entityRefs: readonly string[], credentials: BackstageCredentials) =>
          findCatalogConflicts(catalog, entityRefs, credentials).catch(error =>
            fail(`could not ask the catalog whether ${entityRefs.join(', ')} already exist, so nothing was published: ${errorMessage(error)}`),
          );
        const conflictMessage = (conflicts: string[]) =>
          `${catalogDisplay} describes ${conflicts.length === 1 ? 'an entity' : 'entities'} the catalog already holds: ` +
          `${conflicts.join('; ')}. Registering it would conflict with the existing ${conflicts.length === 1 ? 'entity' : 'entities'}, ` +
          'so nothing was published or registered; choose another name';

        if (ctx.isDryRun) {
          if (repos && (await repos.exists(plan.name))) {
            ctx.logger.warn(`A repository named ${plan.name} already exists on this Backstage's Git remote: a real run would fail`);
          }
          if (plan.register && catalogEntities) {
            // A dry run may run where no catalog answers (slipway dry-run's in-process backend): then it only says so.
            await findCatalogConflicts(catalog, catalogEntities.all, await credentialsFor()).then(
              conflicts => {
                if (conflicts.length) ctx.logger.warn(`A real run would fail: ${conflictMessage(conflicts)}`);
              },
              error => ctx.logger.info(`Dry run: the catalog was not checked for conflicting entities (${errorMessage(error)})`),
            );
          }
          ctx.logger.info(
            `Dry run: would publish ${plan.sourceRelative} as ${urls.cloneUrl} (branch ${plan.branch})` +
              (plan.register ? ` and register ${catalogInfoUrl}` : ''),
          );
          outputUrls();
          return;
        }

        if (!repos) {
          fail(
            'slipway.dataDir is not set, so there is nowhere to publish local repositories; ' +
              'set slipway.dataDir in app-config (the Slipway backend reads it from SLIPWAY_DATA_DIR, default .data/)',
          );
        }
        // a) Fail fast on a taken name or a catalog conflict: nothing written, nothing registered.
        if (await repos.exists(plan.name)) {
          fail(`${new RepoExistsError(plan.name, repos.pathOf(plan.name)).message} (nothing was written or registered)`);
        }
        const credentials = plan.register ? await credentialsFor() : undefined;
        if (credentials && catalogEntities) {
          const conflicts = await conflictsOf(catalogEntities.all, credentials);
          if (conflicts.length) fail(conflictMessage(conflicts));
        }

        // b) The journal record: the per-name lock, and what a restart undoes if this process dies
        //    before the end of the publish (see reconcilePublishes).
        try {
          await repos.journal.begin({
            name: plan.name,
            taskId: ctx.task?.id,
            locationTarget: plan.register ? catalogInfoUrl : undefined,
            ...(plan.group ? { group: plan.group } : {}),
            startedAt: new Date().toISOString(),
          });
        } catch (error) {
          if (error instanceof PublishInProgressError) fail(`${error.message} (nothing of this task was written)`);
          throw error;
        }
        crashIfRequested('after-journal', plan.name);
        // Holding the record, nobody else can be publishing this name: a repo of that name now was
        // published by a task that finished between the check above and the record. Checked again
        // so that undoing this publish after a crash can never remove someone else's repo.
        if (await repos.exists(plan.name)) {
          await repos.journal.end(plan.name);
          fail(`${new RepoExistsError(plan.name, repos.pathOf(plan.name)).message} (published by someone else meanwhile; nothing of this task was written)`);
        }

        let published = false;
        let registeredLocationId: string | undefined;
        try {
          // c) Commit the workspace into a bare repo in the staging area.
          ctx.logger.info(`Committing ${plan.sourceRelative} as ${author.name} <${author.email}> on branch ${plan.branch}`);
          const staged = await repos.stage(plan.name, plan.sourceDir, { branch: plan.branch, author, message: plan.message });
          crashIfRequested('after-stage', plan.name);

          // d) One atomic rename into place; if someone else published the name meanwhile, theirs stays.
          try {
            await repos.publish(staged);
          } catch (error) {
            if (error instanceof RepoExistsError) fail(`${error.message} (published by someone else meanwhile; nothing of this task was kept)`);
            throw error;
          }
          published = true;
          crashIfRequested('after-rename', plan.name);
          ctx.logger.info(`Published ${plan.name} (commit ${staged.commitSha}): clone with git clone ${urls.cloneUrl}`);

          // e) Register, or take the repo away again so a retry starts clean.
          if (credentials) {
            ctx.logger.info(`Registering ${catalogInfoUrl} in the catalog`);
            try {
              // The dry run makes the catalog read the file now, so an unreadable URL (backend.reading.allow)
              // or a refused entity fails this step instead of surfacing later as a processing error.
              const preview = await catalog.addLocation({ type: 'url', target: catalogInfoUrl, dryRun: true }, { credentials });
              // The catalog's own reading of the file may name more entities than the workspace copy did.
              const conflicts = await conflictsOf(
                preview.entities.filter(entity => entity.kind !== 'Location').map(entity => stringifyEntityRef(entity)),
                credentials,
              );
              if (conflicts.length) throw new SlipwayUserError(conflictMessage(conflicts));
              const added = await catalog.addLocation({ type: 'url', target: catalogInfoUrl }, { credentials });
              registeredLocationId = added.location.id;
            } catch (error) {
              if (error instanceof SlipwayUserError) throw error;
              throw new SlipwayUserError(
                `registering ${catalogInfoUrl} in the catalog failed: ${errorMessage(error)}. ` +
                  `The catalog must be able to read that URL: make sure backend.reading.allow includes ${new URL(catalogInfoUrl).host}.`,
              );
            }
            crashIfRequested('after-register', plan.name);
          }
          // A group's record stays until slipway:publish:local:finish: until then this repo is taken back with the group.
          if (plan.group) ctx.logger.info(`${plan.name} stays on record with group ${plan.group} until the task finishes the group`);
          else await repos.journal.end(plan.name);
          outputUrls();
          ctx.output('commitSha', staged.commitSha);
        } catch (error) {
          // Undo in reverse order; the journal record goes last, so a crash during the undo is finished by the next start.
          const undo: string[] = [];
          if (registeredLocationId && credentials) {
            await catalog.removeLocationById(registeredLocationId, { credentials }).then(
              () => undo.push('the catalog location was removed'),
              removeError => {
                ctx.logger.error(`Removing catalog location ${registeredLocationId} failed: ${errorMessage(removeError)}`);
                undo.push('removing the catalog location failed (an administrator must unregister it)');
              },
            );
          }
          if (published) {
            await repos.remove(plan.name).then(
              () => undo.push(`the published repository ${plan.name} was removed again`),
              removeError => {
                ctx.logger.error(`Removing the published repository ${repos.pathOf(plan.name)} failed: ${errorMessage(removeError)}`);
                undo.push(`removing the published repository ${plan.name} failed (it is removed at the next restart)`);
              },
            );
          }
          if (undo.length === 0 || !undo.some(line => line.includes('failed'))) await repos.journal.end(plan.name);
          const reason = error instanceof SlipwayUserError ? error.message.replace(/^slipway:publish:local: /, '') : errorMessage(error);
          if (!(error instanceof SlipwayUserError)) ctx.logger.error(`Publishing ${plan.name} failed unexpectedly: ${error instanceof Error ? error.stack : String(error)}`);
          fail(`${reason}${undo.length ? ` (${undo.join('; ')})` : ''}`);
        }
      };
      const group = groupOfInput(ctx.input);
      if (!group || ctx.isDryRun || !repos) return publish();
      try {
        return await publish();
      } catch (error) {
        // This publish has undone itself; the group's earlier publishes go too, so no part of it stays.
        const taken = await undoGroup(repos, group, ctx.task?.id, ctx.logger);
        if (taken.length === 0) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new SlipwayUserError(`${reason} (the group ${group}'s other repositories were taken back: ${taken.join('; ')})`);
      }
    },
  });
}
