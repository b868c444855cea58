import {
  BUILT_IN_PART_WIRING,
  partValues,
  resolveSystem,
  type GoldenPathRegistry,
  type PartWiring,
  type ResolvedPart,
  type ResolvedSystem,
  type SpecIssue,
} from '@slipway/common';
import { renderGoldenPath, type RenderedFile } from './renderer';

/*
 * Renders a whole system: every part through its golden path, with the wiring the system
 * resolver derived (namespaces, peers, callee addresses, backends) put into the part's values.
 * All parts are resolved before any is rendered, so a system with one bad part renders nothing.
 * Each part's repo holds its own deploy/ (the app-repos layout); in the config-repo layout those
 * folders are still to be moved into the system's config repo. Backing resources are rendered by
 * the golden paths that run them today (a node-service's database); a shared resource held by
 * one part for the others is still to come.
 */

/** One part's repo, rendered in memory. */
export interface RenderedPart {
  part: ResolvedPart;
  /** The part's golden-path values as the system gave them (what its repo was rendered from). */
  values: Record<string, unknown>;
  files: RenderedFile[];
}

export type SystemRender = { ok: true; system: ResolvedSystem; parts: RenderedPart[] } | { ok: false; issues: SpecIssue[] };

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
  return { ok: true, system, parts };
}
