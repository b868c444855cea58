import path from 'path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { NAME_TOKEN, systemSpecSchema, type GoldenPathRegistry, type SpecIssue } from '@slipway/common';
import type { LocalRepoStore } from '@slipway/git';
import { findWriteConflicts, renderSystem, repoNameOf, writeRenderedFiles, type RenderedFile } from '@slipway/render';
import { formatSystemValidation, validateSystem } from '@slipway/validate';
import type { ConflictCatalog } from './catalogConflicts';
import type { GenerateRepoOptions } from './generateRepo';
import { PUBLISH_INPUTS } from './generate';
import { PUBLISHERS } from './gitopsRepoUrl';
import type { PublishLocalActionOptions } from './publishLocal';
import { systemRepoName } from './systemCatalog';
import { findTakenRepos } from './systemPreflight';
import { parsePartValues, systemPublishing } from './systemInput';
import { examples } from './systemGenerate.examples';
import { SlipwayUserError } from './userError';
import { checkRelativePath, formatInputIssues, resolveInWorkspace } from './workspace';

export const SYSTEM_GENERATE_ACTION_ID = 'slipway:system:generate';

export interface SystemGenerateActionOptions extends GenerateRepoOptions {
  goldenPaths: GoldenPathRegistry;
  /** The local Git remote: with publisher local, a system whose repos already exist there is refused before anything is written. */
  repos?: Pick<LocalRepoStore, 'exists'>;
  /**
   * The catalog: with a publisher, a repo whose catalog-info.yaml names an entity the catalog
   * already holds is refused before anything is written (its publish step would refuse it after
   * the repos before it were published). Both or neither.
   */
  catalog?: ConflictCatalog;
  auth?: PublishLocalActionOptions['auth'];
}

/** One repo the template publishes, as the action outputs it. */
interface RepoOutput {
  name: string;
  /** Workspace folder of the repo (publish:local's sourcePath). */
  targetPath: string;
  /** The repo's Git URL: the parts' gitops.repoUrl, what their Argo CD Applications sync from. */
  repoUrl: string;
  /** With publisher github: the RepoUrlPicker value publish:github takes (github.com?owner=acme&repo=<name>). */
  githubRepoUrl?: string;
  catalogInfoPath: string;
}

interface PartOutput extends RepoOutput {
  goldenPath: string;
  files: number;
  kubernetesId: string;
  argocdAppSelector: string;
  environments: string[];
}

interface PlannedRepo {
  output: RepoOutput;
  files: RenderedFile[];
}

const prefixed = (prefix: string) => (issue: SpecIssue) => ({ ...issue, path: `${prefix}${issue.path}` });

/**
 * `slipway:system:generate`: renders a whole system (every part through its golden path, wired
 * by the system's edges) into the workspace, one folder per repo: `<targetPath>/<part>/` for each
 * part and `<targetPath>/<system>-system/` for the System entity. Every part is checked and
 * rendered in memory first, so one bad part writes nothing, and the whole system is validated
 * before anything is written (validateSystem); the Template then publishes each folder with
 * `each:` over the `parts` output.
 */
export function createSystemGenerateAction(options: SystemGenerateActionOptions) {
  return createTemplateAction({
    id: SYSTEM_GENERATE_ACTION_ID,
    description:
      "Renders a system's repos from its values: each part's repo from its golden path, with the addresses, NetworkPolicies and " +
      "catalog system the edges give it, and a repo holding the catalog System and its shared Resources. Writes nothing if any part's values are refused.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        values: z =>
          z
            .record(z.unknown())
            .describe("The system's values (name, owner, description, environments, parts, resources, edges); a part's values may be YAML text."),
        publisher: z => z.enum(PUBLISHERS).optional().describe("Where the template publishes the repos; decides each part's repo URL. local: this Backstage's Git remote."),
        repoUrl: z => z.string().optional().describe('With publisher github: the owner the repos are created under, e.g. github.com?owner=acme.'),
        targetPath: PUBLISH_INPUTS.targetPath,
      },
      output: {
        system: z => z.string().describe('The catalog System, e.g. system:default/bookstore.'),
        systemRepo: z =>
          z
            .object({ name: z.string(), targetPath: z.string(), repoUrl: z.string(), githubRepoUrl: z.string().optional(), catalogInfoPath: z.string() })
            .describe("The system's catalog repo (<system>-system): its folder, URL and catalog-info.yaml path."),
        configRepo: z =>
          z
            .object({ name: z.string(), targetPath: z.string(), repoUrl: z.string(), githubRepoUrl: z.string().optional(), catalogInfoPath: z.string() })
            .optional()
            .describe("With layout config-repo: the repo holding every part's manifests (apps/<part>), published and registered like the others."),
        parts: z =>
          z
            .array(
              z.object({
                name: z.string(),
                goldenPath: z.string(),
                targetPath: z.string(),
                repoUrl: z.string(),
                githubRepoUrl: z.string().optional(),
                catalogInfoPath: z.string(),
                files: z.number().int(),
                kubernetesId: z.string(),
                argocdAppSelector: z.string(),
                environments: z.array(z.string()),
              }),
            )
            .describe('Each part\'s repo, in the order of the values, validated: iterate it with `each:` to publish and register them.'),
        files: z => z.number().int().describe('Files written, in every repo.'),
      },
    },
    async handler(ctx) {
      const { values: rawValues, targetPath: rawTargetPath, publisher, repoUrl } = ctx.input as Record<string, unknown>;
      const issues: SpecIssue[] = [];
      function fail(): never {
        throw new SlipwayUserError(formatInputIssues(SYSTEM_GENERATE_ACTION_ID, issues, ', nothing was written'));
      }
      const targetPath = checkRelativePath('targetPath', rawTargetPath, issues);
      if (typeof rawValues !== 'object' || rawValues === null || Array.isArray(rawValues)) {
        issues.push({ path: 'values', message: "must be an object of the system's fields" });
        fail();
      }
      const given = rawValues as Record<string, unknown>;
      const repos = (typeof given.repos === 'object' && given.repos !== null ? given.repos : {}) as Record<string, unknown>;
      const publishing = systemPublishing(
        { publisher, repoUrl, valuesUrlPattern: repos.urlPattern, baseUrl: options.baseUrl, githubHosts: options.githubHosts },
        issues,
      );
      const partIssues: SpecIssue[] = [];
      const parsed = parsePartValues(given, partIssues);
      issues.push(...partIssues.map(prefixed('values.')));
      if (issues.length || targetPath === undefined) fail();
      const published = publishing.urlPattern ? { ...parsed, repos: { ...repos, urlPattern: publishing.urlPattern } } : parsed;
      const values = publishing.urlPattern ? withPublishedConfigRepo(published, publishing.urlPattern) : published;

      const rendered = await renderSystem(values, { goldenPaths: options.goldenPaths });
      if (!rendered.ok) {
        issues.push(...rendered.issues.map(prefixed('values.')));
        fail();
      }
      const { system } = rendered;
      const systemRepo = systemRepoName(system.name);
      const names = [...system.parts.map(part => part.name), ...system.resources.map(resource => resource.name)];
      if (names.includes(systemRepo)) {
        issues.push({ path: 'values.name', message: `names the system's catalog repo ${systemRepo}, which a part or resource of the same name would collide with: rename one` });
        fail();
      }
      const { configRepo } = rendered;
      if (configRepo && [...names, systemRepo].includes(configRepo.name)) {
        issues.push({ path: 'values.layout.repoUrl', message: `names the config repo ${configRepo.name}, which a part, resource or the system's catalog repo of the same name would collide with: rename one` });
        fail();
      }

      const folder = (name: string) => (targetPath === '.' ? name : path.posix.join(targetPath, name));
      // The values passed the system spec in renderSystem, so its defaults apply here as there.
      const urlPattern = systemSpecSchema.parse(values).repos.urlPattern;
      const repoUrlOf = (name: string) => urlPattern.split(NAME_TOKEN).join(name);
      const githubRepoUrlOf = (name: string) =>
        publishing.githubOwnerLocation ? { githubRepoUrl: `${publishing.githubOwnerLocation}&repo=${encodeURIComponent(name)}` } : {};

      const partOutputs: PartOutput[] = [];
      const planned: PlannedRepo[] = [];
      for (const part of rendered.parts) {
        const goldenPath = options.goldenPaths.get(part.part.goldenPath)!;
        if (!part.files.some(file => file.path === 'catalog-info.yaml')) {
          throw new SlipwayUserError(`${SYSTEM_GENERATE_ACTION_ID}: the ${goldenPath.id} skeleton rendered no catalog-info.yaml for ${part.part.name}; nothing was written`);
        }
        const spec = goldenPath.resolve(part.values);
        if (!spec.ok) throw new Error(`${part.part.name}: values renderSystem accepted were refused on a second reading`);
        const summary = goldenPath.summary(spec.spec);
        const output: PartOutput = {
          name: part.part.name,
          goldenPath: goldenPath.id,
          targetPath: folder(part.part.name),
          repoUrl: part.part.repo.url,
          ...githubRepoUrlOf(part.part.name),
          catalogInfoPath: '/catalog-info.yaml',
          files: part.files.length,
          kubernetesId: summary.kubernetesId,
          argocdAppSelector: summary.argocdAppSelector,
          environments: spec.spec.environments.map(environment => environment.name),
        };
        partOutputs.push(output);
        planned.push({ output, files: part.files });
      }
      const systemOutput: RepoOutput = {
        name: systemRepo,
        targetPath: folder(systemRepo),
        repoUrl: repoUrlOf(systemRepo),
        ...githubRepoUrlOf(systemRepo),
        catalogInfoPath: '/catalog-info.yaml',
      };
      planned.unshift({ output: systemOutput, files: rendered.systemRepo.files });
      const configOutput: RepoOutput | undefined = configRepo && {
        name: configRepo.name,
        targetPath: folder(configRepo.name),
        repoUrl: configRepo.repoUrl,
        ...githubRepoUrlOf(configRepo.name),
        catalogInfoPath: '/catalog-info.yaml',
      };
      if (configRepo && configOutput) planned.push({ output: configOutput, files: configRepo.files });

      const preflight = findTakenRepos(
        planned.map(({ output, files }) => ({ name: output.name, files })),
        {
          repos: publisher === 'local' ? options.repos : undefined,
          catalog:
            publisher !== undefined && options.catalog && options.auth
              ? { catalog: options.catalog, auth: options.auth, getInitiatorCredentials: () => ctx.getInitiatorCredentials() }
              : undefined,
        },
      );
      const taken = await preflight.catch(error => {
        const reason = error instanceof Error ? error.message : String(error);
        if (!ctx.isDryRun) throw new SlipwayUserError(`${SYSTEM_GENERATE_ACTION_ID}: could not check that the system's repos and entities are new, so nothing was written: ${reason}`);
        ctx.logger.info(`Dry run: the repos and catalog entities were not checked (${reason})`);
        return [];
      });
      for (const { name, message } of taken) {
        const where = name === systemRepo ? 'values.name' : name === configRepo?.name ? 'values.layout.repoUrl' : `values.parts.${name}`;
        if (ctx.isDryRun) ctx.logger.warn(`A real run would fail: ${where}: ${message}`);
        else issues.push({ path: where, message });
      }
      if (issues.length) fail();

      // Proven before anything is written, as `slipway render-system` does (validateSystem): every
      // repo as slipway:validate checks it, its overlays built once, then what only the repos
      // together show (both ends of every edge, each environment's app-of-apps).
      const validation = await validateSystem(rendered, { goldenPaths: options.goldenPaths });
      for (const [part, report] of validation.parts) {
        ctx.logger.info(
          `Validated ${part}: ${report.stats.objects} objects, overlays built: ${report.stats.overlaysBuilt.join(', ') || 'none'}` +
            (report.ok ? '' : `, ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`),
        );
      }
      if (!validation.ok) {
        throw new SlipwayUserError(`${SYSTEM_GENERATE_ACTION_ID}: the system ${system.name} does not validate, so nothing was written:\n${formatSystemValidation(validation)}`);
      }

      const all = planned.flatMap(({ output, files }) => files.map(file => ({ ...file, path: `${output.targetPath}/${file.path}` })));
      const conflicts = findWriteConflicts(all, ctx.workspacePath);
      if (conflicts.length) {
        throw new SlipwayUserError(
          `${SYSTEM_GENERATE_ACTION_ID}: refusing to overwrite existing files in the workspace, nothing was written:\n` +
            conflicts.map(conflict => `  - ${conflict}`).join('\n'),
        );
      }
      ctx.signal?.throwIfAborted();
      for (const { output, files } of planned) await writeRenderedFiles(files, resolveInWorkspace(ctx.workspacePath, output.targetPath));

      const dry = ctx.isDryRun ? '[dry run] ' : '';
      ctx.logger.info(
        `${dry}Generated system ${system.name}: ${partOutputs.length} parts and its catalog repo, ${all.length} files ` +
          `(environments: ${system.environments.map(environment => environment.name).join(', ')})`,
      );
      for (const { output, files } of planned) ctx.logger.info(`  ${output.targetPath}: ${files.length} files, repo ${output.repoUrl}`);

      ctx.output('system', `system:default/${system.name}`);
      ctx.output('systemRepo', systemOutput);
      if (configOutput) ctx.output('configRepo', configOutput);
      ctx.output('parts', partOutputs);
      ctx.output('files', all.length);
    },
  });
}

/**
 * With a publisher, the repos' URLs follow its pattern (the local remote, the GitHub owner): so
 * does a config repo's, keeping its name (`todo-config`), or the Applications would point at a
 * repo the template never created.
 */
function withPublishedConfigRepo(values: Record<string, unknown>, urlPattern: string): Record<string, unknown> {
  const layout = values.layout;
  if (typeof layout !== 'object' || layout === null || (layout as Record<string, unknown>).kind !== 'config-repo') return values;
  const given = (layout as Record<string, unknown>).repoUrl;
  const name = typeof given === 'string' ? repoNameOf(given) : `${String(values.name)}-config`;
  return { ...values, layout: { ...layout, repoUrl: urlPattern.split(NAME_TOKEN).join(name) } };
}
