import type { SystemRender } from '@slipway/render';
import { formatValidationReport } from './format';
import { validateRenderedFiles, type ValidateOptions } from './pipeline';
import { checkAppOfApps, systemWaveOrder, type AppOfAppsRepo } from './rules/app-of-apps-membership';
import { checkPolicyPairs, systemConnections, type SystemProblem, type SystemRepo } from './rules/network-policy-pairs';
import type { RepoModel, ValidationReport } from './types';

/** A system as renderSystem made it. */
export type RenderedSystem = Extract<SystemRender, { ok: true }>;

export interface SystemValidation {
  /** No part reported a problem, and nothing across the repos did. */
  ok: boolean;
  /** Each part's own report, by part name: its files with its deploy tree, in whichever repo that is. */
  parts: Map<string, ValidationReport>;
  /** What holds across the repos: both ends of every edge (network-policy-pairs), each environment's app-of-apps (app-of-apps-membership). */
  problems: SystemProblem[];
  /** Each part's model with its overlays built, as the checks across the repos read them. */
  repos: SystemRepo[];
}

/**
 * Validates every repo of a system, then what no repo shows alone. Each part is checked as
 * `slipway validate` checks its repo (with the config-repo layout: its app repo's files and its
 * apps/<part> of the config repo side by side, the way layout.ts pairs them), its overlays built
 * once; the checks across the repos read those built models, and the app-of-apps checks read
 * every repo's files (the parts', the system repo's, the config repo's). One function for the
 * action, the CLI and the tests, so what a Create proves is what the tests prove.
 */
export async function validateSystem(rendered: RenderedSystem, options: ValidateOptions = {}): Promise<SystemValidation> {
  const parts = new Map<string, ValidationReport>();
  const repos: SystemRepo[] = [];
  for (const { part, files } of rendered.parts) {
    const deployDir = part.deploy.path;
    const repoFiles = rendered.configRepo ? [...files, ...rendered.configRepo.files.filter(file => file.path.startsWith(`${deployDir}/`))] : files;
    let model: RepoModel | undefined;
    parts.set(part.name, await validateRenderedFiles(repoFiles, { ...options, deployDir, onModel: built => (model = built) }));
    if (model) repos.push({ name: part.name, model });
  }
  const toMap = (files: RenderedSystem['systemRepo']['files']) => new Map(files.map(file => [file.path, file.content]));
  const appOfAppsRepos: AppOfAppsRepo[] = [
    ...rendered.parts.map(({ part, files }) => ({ name: part.name, repoUrl: part.repo.url, files: toMap(files) })),
    { name: rendered.systemRepo.name, repoUrl: rendered.systemRepo.repoUrl, files: toMap(rendered.systemRepo.files) },
    ...(rendered.configRepo ? [{ name: rendered.configRepo.name, repoUrl: rendered.configRepo.repoUrl, files: toMap(rendered.configRepo.files) }] : []),
  ];
  // Built overlays are needed for the NetworkPolicies as deployed; without kustomize there are none to pair.
  const problems = [
    ...(options.kustomize === 'skip' ? [] : checkPolicyPairs(repos, systemConnections(rendered.system))),
    ...checkAppOfApps(appOfAppsRepos, systemWaveOrder(rendered.system)),
  ];
  return { ok: problems.length === 0 && [...parts.values()].every(report => report.ok), parts, problems, repos };
}

/** What failed in a system's validation, for people: each failing part's report, then each problem across the repos. */
export function formatSystemValidation(validation: SystemValidation): string {
  const lines: string[] = [];
  for (const [part, report] of validation.parts) if (!report.ok) lines.push(`${part}:`, formatValidationReport(report));
  for (const problem of validation.problems) lines.push(`[${problem.rule}] ${problem.repo}${problem.environment ? ` (${problem.environment})` : ''}: ${problem.message}`);
  return lines.join('\n');
}
