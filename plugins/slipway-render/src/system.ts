import {
  BUILT_IN_PART_WIRING,
  NAME_TOKEN,
  partValues,
  resolveSystem,
  systemSpecSchema,
  type GoldenPathRegistry,
  type PartWiring,
  type ResolvedPart,
  type ResolvedSystem,
  type SpecIssue,
} from '@slipway/common';
import { APP_OF_APPS_DIR, appOfAppsReadme, renderAppOfApps } from './appOfApps';
import { buildConfigRepo, type RenderedConfigRepo } from './configRepo';
import { renderGoldenPath, type RenderedFile } from './renderer';
import { renderSystemRepo, systemRepoName } from './systemRepo';

/*
 * Renders a whole system: every part through its golden path, with the wiring the system
 * resolver derived (namespaces, peers, callee addresses, backends) put into the part's values.
 * All parts are resolved before any is rendered, so a system with one bad part renders nothing.
 * Each part's repo holds its own deploy/ (the app-repos layout), or, with the config-repo layout,
 * every part's deploy/ moves to apps/<part> of the system's config repo (configRepo.ts) and the
 * parts' repos keep their code, CI and catalog-info.yaml. The system's own repo `<system>-system`
 * holds the catalog System and its Resources and, with app-repos, the Argo CD app-of-apps per
 * environment (appOfApps.ts; with the config-repo layout they are in the config repo's argocd/).
 * Backing resources are rendered by
 * the golden paths that run them today (a node-service's database); a shared resource held by
 * one part for the others is still to come.
 */

/** One part's repo, rendered in memory. */
export interface RenderedPart {
  part: ResolvedPart;
  /** The part's golden-path values as the system gave them (what its repo was rendered from). */
  values: Record<string, unknown>;
  /** The part's repo: with the config-repo layout, everything but deploy/ (which is in `configRepo`). */
  files: RenderedFile[];
}

/** The system's own repo, `<system>-system`: its catalog System and Resources, and with app-repos its app-of-apps. */
export interface RenderedSystemRepo {
  name: string;
  repoUrl: string;
  branch: string;
  files: RenderedFile[];
}

export type SystemRender =
  | {
      ok: true;
      system: ResolvedSystem;
      parts: RenderedPart[];
      systemRepo: RenderedSystemRepo;
      /** With the config-repo layout: the repo holding every part's manifests (apps/<part>) and the app-of-apps (argocd/). */
      configRepo?: RenderedConfigRepo;
    }
  | { ok: false; issues: SpecIssue[] };

export interface RenderSystemOptions {
  goldenPaths: GoldenPathRegistry;
  /** How each path's parts are called and connect. Default: the built-in paths'. */
  wiring?: Readonly<Record<string, PartWiring>>;
}

/** Resolves a system's values and renders each of its parts; never throws for bad values (issues name the field and the rule). */
export async function renderSystem(values: unknown, options: RenderSystemOptions): Promise<SystemRender> {
  const wiring = options.wiring ?? BUILT_IN_PART_WIRING;
  const resolved = resolveSystem(values, { goldenPathIds: options.goldenPaths.ids(), wiring });
  if (!resolved.ok) return { ok: false, issues: resolved.issues };
  const { system } = resolved;
  const issues: SpecIssue[] = [];
  const planned: Array<{ part: ResolvedPart; values: Record<string, unknown>; render: () => Promise<RenderedFile[]> }> = [];
  for (const part of system.parts) {
    const goldenPath = options.goldenPaths.get(part.goldenPath);
    const partWiring = wiring[part.goldenPath];
    // resolveSystem has checked both; a registry that changed since is still told apart.
    if (!goldenPath || !partWiring) {
      issues.push({ path: `parts.${part.name}.goldenPath`, message: `must be a registered golden path with its system wiring, got ${JSON.stringify(part.goldenPath)}` });
      continue;
    }
    const mapped = partValues(system, part, partWiring);
    if (!mapped.ok) {
      issues.push(...mapped.issues);
      continue;
    }
    const spec = goldenPath.resolve(mapped.values);
    if (!spec.ok) {
      issues.push(...spec.issues.map(issue => ({ path: `parts.${part.name}.values.${issue.path}`, message: issue.message })));
      continue;
    }
    planned.push({ part, values: mapped.values, render: () => renderGoldenPath(goldenPath, spec.spec) });
  }
  if (issues.length) return { ok: false, issues };
  const parts: RenderedPart[] = [];
  for (const { part, values: partValuesOfPart, render } of planned) parts.push({ part, values: partValuesOfPart, files: await render() });

  // The values passed the system spec in resolveSystem, so its defaults apply here as there.
  const { repos } = systemSpecSchema.parse(values);
  const repoUrlOf = (name: string) => repos.urlPattern.split(NAME_TOKEN).join(name);
  const systemRepoHome = { name: systemRepoName(system.name), repoUrl: repoUrlOf(systemRepoName(system.name)), branch: repos.branch };
  const { layout } = system;
  const appOfApps = renderAppOfApps(system, parts, layout.kind === 'config-repo' ? { repoUrl: layout.repoUrl, branch: layout.branch } : systemRepoHome);
  if (!appOfApps.ok) return { ok: false, issues: appOfApps.issues };
  const readme = appOfAppsReadme(system, appOfApps.namespace);
  const catalogFiles = (sections: readonly string[]) => renderSystemRepo(system, parts.map(part => part.files), repoUrlOf, sections);
  if (layout.kind !== 'config-repo') {
    return { ok: true, system, parts, systemRepo: { ...systemRepoHome, files: [...catalogFiles(readme), ...appOfApps.files] } };
  }
  const pointer = [`## Argo CD`, '', `The app-of-apps of every environment are in ${APP_OF_APPS_DIR}/ of the config repo, ${layout.repoUrl}.`, ''];
  const split = buildConfigRepo({ ...system, layout }, parts.map(({ part, files }) => ({ deployPath: part.deploy.path, files })), { files: appOfApps.files, readme });
  return {
    ok: true,
    system,
    parts: parts.map((rendered, index) => ({ ...rendered, files: split.appFiles[index] })),
    systemRepo: { ...systemRepoHome, files: catalogFiles(pointer) },
    configRepo: split.configRepo,
  };
}
