import path from 'path';
import { partDependencies, type ResolvedSystem } from '@slipway/common';
import { kustomizationFileIn } from '../kustomization-files';
import type { KubernetesObject, LoadedObject, ValidationProblem } from '../types';
import { asArray, asRecord, asString, getPath, objectProblem, parseYamlDocuments, recordsOf } from '../kube';
import type { SystemProblem } from './network-policy-pairs';
import { defineCheck } from './types';

/*
 * A system's Argo CD per environment (plugins/slipway-render/src/appOfApps.ts): one app-of-apps
 * `<system>-apps-<environment>` lists every part's Applications of that environment, by file, from
 * the parts' own argocd folders. Three things can silently go wrong there:
 *
 * - An Application owned twice. Two Applications that both deploy one resource each track it:
 *   Argo CD reports SharedResourceWarning (argo-cd controller/state.go,
 *   ApplicationConditionSharedResourceWarning) and each sync overwrites what the other applied,
 *   or prunes it. So a part's Application is in its environment's app-of-apps exactly once and
 *   in no other (a part's own deploy/argocd/apps.yaml included).
 * - A source that deploys nothing. "To include only certain files/directories in a directory
 *   application, set the include option. The value is a glob pattern" (docs/user-guide/
 *   directory.md): a name that matches no file of the part's folder is no error in Argo CD, the
 *   Application is just never deployed. Each include and path must resolve to a file of the
 *   part's repo.
 * - Waves against the edges. "Argo CD will start deploying from the lowest number and finish with
 *   the highest number" (docs/user-guide/sync-waves.md): a caller whose wave is not above its
 *   callee's, or a resource's user not above its holder's (whose Application runs the database
 *   and its migrations), starts before what it needs (plugins/slipway-common/src/system/
 *   resolveWaves.ts). Parts that depend on each other in a cycle may share a wave.
 *
 * In one repo (the unit) the rule judges the sources that resolve inside it: a config repo holds
 * both the app-of-apps and the parts' folders; a part's repo shows whether its own app-of-apps
 * also owns an Application the system's claims. checkAppOfApps judges a system's repos together.
 */

const RULE = 'app-of-apps-membership';
const SOURCE = 'https://argo-cd.readthedocs.io/en/stable/user-guide/directory/#including-only-certain-files';
/** The label on a part's Application naming the app-of-apps that owns it (skeletons/_shared/argocd-system-membership.hbs). */
export const APP_OF_APPS_LABEL = 'slipway.dev/app-of-apps';
const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** One repo of a system, as its files: its name (a part's, or the system's or config repo's) and the URL Applications name it by. */
export interface AppOfAppsRepo {
  name: string;
  repoUrl: string;
  files: ReadonlyMap<string, string>;
}

/** `before` must sync in a lower wave than `after` (unless they depend on each other in a cycle). */
export interface WaveOrder {
  before: string;
  after: string;
  /** Why, for the message: `calls catalog`, `uses bookstore-db, held by catalog`. */
  why: string;
}

interface FoundApplication {
  repo: string;
  loaded: LoadedObject;
  name: string;
  /** The app-of-apps its label names. */
  owner?: string;
  wave: number;
}

interface Deployment {
  owner: FoundApplication;
  field: string;
  /** The part the source deploys: the source's name, else the repo it points at. */
  part: string;
  repo: string;
  file: string;
}

const isArgocdFile = (file: string) => /(^|\/)argocd\/[^/]+\.ya?ml$/.test(file);
const sameRepoUrl = (a: string, b: string) => a.replace(/\/+$/, '').replace(/\.git$/, '') === b.replace(/\/+$/, '').replace(/\.git$/, '');

function waveOf(object: KubernetesObject): number {
  const value = Number.parseInt(asString(getPath(object, 'metadata', 'annotations', SYNC_WAVE_ANNOTATION)) ?? '0', 10);
  return Number.isFinite(value) ? value : 0;
}

/** Every Application in an argocd folder of the repo. */
function applicationsOf(repo: AppOfAppsRepo): FoundApplication[] {
  const out: FoundApplication[] = [];
  for (const [file, text] of repo.files) {
    if (!isArgocdFile(file)) continue;
    for (const document of parseYamlDocuments(text, file)) {
      const object = document.value as KubernetesObject;
      if (asString(getPath(object, 'kind')) !== 'Application' || !asString(getPath(object, 'apiVersion'))?.startsWith('argoproj.io/')) continue;
      const name = asString(getPath(object, 'metadata', 'name'));
      if (!name) continue;
      out.push({ repo: repo.name, loaded: { object, file }, name, owner: asString(getPath(object, 'metadata', 'labels', APP_OF_APPS_LABEL)), wave: waveOf(object) });
    }
  }
  return out;
}

/** A glob of Argo CD's directory include/exclude (gobwas/glob: `*`, `?`, `{a,b}`) as a pattern for a path relative to the source's folder. */
function globPattern(glob: string): RegExp {
  let out = '';
  for (const char of glob) {
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '{') out += '(?:';
    else if (char === '}') out += ')';
    else if (char === ',') out += '|';
    else out += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The names an include lists literally (no wildcard): each must be a file. */
function literalNames(include: string): string[] {
  const inner = include.startsWith('{') && include.endsWith('}') ? include.slice(1, -1) : include;
  return inner.split(',').filter(name => name !== '' && !/[*?[\]{}]/.test(name));
}

interface ResolvedSource {
  files: string[];
  problems: string[];
}

/**
 * The manifest files a source deploys from `folder` of `files`: an explicit `directory` (or a
 * folder without a kustomization) is a plain directory, filtered by include and exclude; otherwise
 * Kustomize builds the folder's kustomization, whose file resources are what it deploys.
 */
function deployedFiles(files: ReadonlyMap<string, string>, folder: string, source: Record<string, unknown>, repoName: string): ResolvedSource {
  const repo = repoName ? `repo ${repoName}` : 'this repo';
  const inFolder = [...files.keys()].filter(file => file.startsWith(`${folder}/`));
  if (inFolder.length === 0) return { files: [], problems: [`path ${folder} is not a folder of ${repo}`] };
  const directory = asRecord(source.directory);
  const kustomization = kustomizationFileIn(files as Map<string, string>, folder);
  if (!directory && kustomization) {
    const resources = parseYamlDocuments(files.get(kustomization) ?? '', kustomization).flatMap(document => asArray(getPath(document.value, 'resources')).map(String));
    return { files: resources.map(entry => path.posix.normalize(path.posix.join(folder, entry))).filter(file => files.has(file)), problems: [] };
  }
  const recurse = directory?.recurse === true;
  const include = asString(directory?.include);
  const exclude = asString(directory?.exclude);
  const problems: string[] = [];
  const candidates = inFolder
    .map(file => file.slice(folder.length + 1))
    .filter(relative => (recurse || !relative.includes('/')) && /\.(ya?ml|json)$/.test(relative));
  if (include) {
    for (const name of literalNames(include)) if (!candidates.includes(name)) problems.push(`directory.include names ${name}, which is not a file of ${folder} in ${repo}`);
  }
  const selected = candidates
    .filter(relative => !include || globPattern(include).test(relative))
    .filter(relative => !exclude || !globPattern(exclude).test(relative));
  if (include && selected.length === 0 && problems.length === 0) problems.push(`directory.include ${include} matches no file of ${folder} in ${repo}`);
  return { files: selected.map(relative => `${folder}/${relative}`), problems };
}

type Problem = SystemProblem;

function problemOn(found: FoundApplication, field: string, text: string): Problem {
  return { ...objectProblem('reference', RULE, found.loaded, field, text), repo: found.repo };
}

/**
 * The rule over a set of repos. `across`: the repos are a system's (sources resolve by repoURL,
 * and an app-of-apps' source naming none of them is reported); otherwise one repo, whose sources
 * resolve inside it when the folder is there (a source elsewhere is another repo's to judge).
 */
function judge(repos: readonly AppOfAppsRepo[], across: boolean, order: readonly WaveOrder[] = []): Problem[] {
  const problems: Problem[] = [];
  const applications = repos.flatMap(applicationsOf);
  const deployments: Deployment[] = [];
  for (const owner of applications) {
    const sources: Array<{ record: Record<string, unknown>; field: string }> = [];
    const single = asRecord(getPath(owner.loaded.object, 'spec', 'source'));
    if (single) sources.push({ record: single, field: 'spec.source' });
    recordsOf(getPath(owner.loaded.object, 'spec', 'sources')).forEach(({ record, index }) => sources.push({ record, field: `spec.sources[${index}]` }));
    for (const { record, field } of sources) {
      const folder = asString(record.path)?.replace(/^\.\//, '').replace(/\/+$/, '');
      if (asString(record.chart) || folder === undefined) continue;
      const repoUrl = asString(record.repoURL) ?? '';
      const target = across
        ? repos.find(repo => sameRepoUrl(repo.repoUrl, repoUrl))
        : repos.find(repo => [...repo.files.keys()].some(file => file.startsWith(`${folder}/`)));
      if (!target) {
        if (across && owner.loaded.object.metadata?.labels?.['slipway.dev/role'] === 'app-of-apps') {
          problems.push(problemOn(owner, `${field}.repoURL`, `${repoUrl} is none of the system's repos (${repos.map(repo => repo.name).join(', ')}): its Applications are judged nowhere`));
        }
        continue;
      }
      const resolved = deployedFiles(target.files, folder, record, target.name);
      for (const text of resolved.problems) problems.push(problemOn(owner, field, `${text}: that source deploys nothing there`));
      const part = asString(record.name) ?? target.name;
      for (const file of resolved.files) deployments.push({ owner, field, part, repo: target.name, file });
    }
  }

  const ownersOf = (child: FoundApplication) =>
    deployments.filter(deployment => deployment.repo === child.repo && deployment.file === child.loaded.file && deployment.owner !== child);
  const byName = new Map(applications.map(found => [found.name, found]));
  for (const child of applications) {
    const owners = ownersOf(child);
    const named = child.owner;
    if (named !== undefined) {
      const own = owners.filter(deployment => deployment.owner.name === named);
      if (own.length === 0 && (across || byName.has(named))) {
        problems.push(problemOn(child, `metadata.labels.${APP_OF_APPS_LABEL}`,
          `names the app-of-apps ${named}, but ${byName.has(named) ? `${named} does not list ${child.loaded.file}` : `no repo of the system holds ${named}`}: nothing deploys this Application`));
      }
      if (own.length > 1) {
        problems.push(problemOn(child, '', `is listed ${own.length} times by ${named} (${own.map(deployment => deployment.field).join(', ')}): list each Application once`));
      }
    }
    const others = [...new Set(owners.filter(deployment => named === undefined || deployment.owner.name !== named).map(deployment => deployment.owner))];
    // Without a label, one owner is the app-of-apps; a second makes two.
    const extra = named === undefined ? others.slice(1) : others;
    for (const other of extra) {
      problems.push(problemOn(child, '',
        `is also deployed by Application ${other.name} (${other.repo ? `${other.repo}: ` : ''}${other.loaded.file})${named ? `, not only by ${named}` : ''}: ` +
          'two Applications owning one Application both track it (SharedResourceWarning) and each sync overwrites or prunes what the other applied'));
    }
  }

  if (order.length) problems.push(...waveProblems(deployments, applications, order));
  return problems;
}

/** Per app-of-apps, each ordered pair of parts whose waves do not keep `before` below `after`. */
function waveProblems(deployments: readonly Deployment[], applications: readonly FoundApplication[], order: readonly WaveOrder[]): Problem[] {
  const problems: Problem[] = [];
  const childAt = (deployment: Deployment) => applications.find(found => found.repo === deployment.repo && found.loaded.file === deployment.file);
  // Parts in one cycle of the order may share a wave.
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>([from]);
    const queue = [from];
    while (queue.length) {
      const next = queue.shift() as string;
      for (const edge of order) {
        if (edge.before !== next || seen.has(edge.after)) continue;
        if (edge.after === to) return true;
        seen.add(edge.after);
        queue.push(edge.after);
      }
    }
    return false;
  };
  const owners = [...new Set(deployments.map(deployment => deployment.owner))];
  for (const owner of owners) {
    const wavesOf = (part: string) =>
      deployments
        .filter(deployment => deployment.owner === owner && deployment.part === part)
        .map(childAt)
        .filter((found): found is FoundApplication => found !== undefined);
    for (const edge of order) {
      const before = wavesOf(edge.before);
      const after = wavesOf(edge.after);
      if (before.length === 0 || after.length === 0) continue;
      const latest = Math.max(...before.map(found => found.wave));
      const first = after.reduce((low, found) => (found.wave < low.wave ? found : low));
      const cycle = reaches(edge.after, edge.before);
      if (cycle ? first.wave >= latest : first.wave > latest) continue;
      problems.push(problemOn(first, `metadata.annotations.${SYNC_WAVE_ANNOTATION}`,
        `is wave ${first.wave} in ${owner.name}, but ${edge.after} ${edge.why} and ${edge.before}'s Applications are ${cycle ? 'in a later wave' : `up to wave ${latest}`}: ` +
          `${edge.after} must sync in a later wave than ${edge.before}${cycle ? ' or, in a cycle, the same one' : ''}`));
    }
  }
  return problems;
}

/**
 * What the system's waves must keep: each caller after its callee, each user of a resource after
 * the resource's holder (as resolveWaves.ts orders them), from the resolved system's edges.
 */
export function systemWaveOrder(system: ResolvedSystem): WaveOrder[] {
  const [first] = system.environments;
  if (!first) return [];
  const heldBy = new Map(system.resources.map(resource => [resource.name, resource.heldBy]));
  const parts = system.parts.map(part => part.name);
  const waits = partDependencies(parts, first.edges, heldBy);
  const why = (after: string, before: string) => {
    const calls = first.edges.find(edge => edge.kind === 'calls' && edge.from === after && edge.to === before);
    if (calls) return `calls ${before}`;
    const used = first.edges.find(edge => edge.kind !== 'calls' && edge.from === after && heldBy.get(edge.to) === before);
    return used ? `${used.kind === 'uses' ? 'uses' : used.kind === 'publishes' ? 'publishes to' : 'consumes from'} ${used.to}, held by ${before}` : `depends on ${before}`;
  };
  return [...waits].flatMap(([after, befores]) => befores.map(before => ({ before, after, why: why(after, before) })));
}

/**
 * Every part's Application of each environment in that environment's app-of-apps exactly once and
 * in no other; each app-of-apps source resolving to files of the part's repo; and, with `order`
 * (systemWaveOrder), the waves keeping callees and holders below their callers and users. `repos`
 * are all of a system's repos: its parts', and the one holding the app-of-apps (the system's repo,
 * or the config repo).
 */
export function checkAppOfApps(repos: readonly AppOfAppsRepo[], order?: readonly WaveOrder[]): SystemProblem[] {
  return judge(repos, true, order);
}

export const appOfAppsMembership = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    "Each Application labelled slipway.dev/app-of-apps is deployed by that app-of-apps exactly once and by no other Application, every app-of-apps source's path and directory.include resolve to files, " +
      "and (across a system's repos, checkAppOfApps) each part's sync wave is above those of the parts it calls and of the holders of the resources it uses.",
  remediation:
    "List each part's Application of an environment once, in that environment's app-of-apps only (a part in a system renders no apps.yaml of its own); make each include name the part's files; " +
      're-render the system so each part carries the wave its edges give it.',
  source: `${SOURCE} ("set the include option. The value is a glob pattern"); argoproj/argo-cd controller/state.go (SharedResourceWarning); docs/user-guide/sync-waves.md`,
  run(model): ValidationProblem[] {
    return judge([{ name: '', repoUrl: '', files: model.files }], false).map(({ repo: _repo, ...problem }) => problem);
  },
});
