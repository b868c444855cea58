import { parseAllDocuments, stringify } from 'yaml';
import type { ResolvedPart, ResolvedSystem, SpecIssue } from '@slipway/common';
import { DEPLOY_DIR } from './configRepo';
import type { RenderedFile } from './files';

/*
 * Argo CD per environment (issue 10): one app-of-apps `<system>-apps-<environment>` per environment,
 * listing every part's Applications of that environment, and one bootstrap `<system>-apps` owning
 * the app-of-apps folder (itself included), the only Application applied by hand. They live in
 * argocd/ of the system's repo (app-repos layout: `<system>-system`; config-repo layout: the
 * config repo).
 *
 * The parts' Applications stay in each part's deploy tree (deploy/argocd, or apps/<part>/argocd),
 * where slipway validate checks them together with the manifests they point at and CI's
 * first-image commit edits them; the app-of-apps point there rather than hold copies, which would
 * drift from what was validated and what CI flips. One app-of-apps gathers several repos with one
 * source per part: "Argo CD has the ability to specify multiple sources for a single Application.
 * Argo CD compiles all the sources and reconciles the combined resources" (argo-cd
 * docs/user-guide/multiple_sources.md). Each source names exactly that environment's files of the
 * part's argocd folder: "To include only certain files/directories in a directory application, set
 * the include option. The value is a glob pattern … Wrap the patterns with {} and separate them with
 * commas" (docs/user-guide/directory.md); the repo-server matches `include` before it reads a file
 * (reposerver/repository/repository.go getPotentiallyValidManifestFile), so the folder's
 * kustomization.yaml and the other environments' files are never read. `directory:` is set
 * explicitly because that folder holds a kustomization.yaml: "If a specific tool is explicitly
 * configured, then that tool is selected" (docs/user-guide/tool_detection.md), so Argo CD does not
 * build it with Kustomize, which would bring in every environment's Applications.
 *
 * A part in a system renders no app-of-apps of its own (skeletons/_shared/argocd-apps.hbs): two
 * Applications owning one resource both track it, Argo CD reports SharedResourceWarning
 * (controller/state.go) and each sync overwrites or prunes the other's.
 *
 * Waves: each part's Applications carry their `argocd.argoproj.io/sync-wave` (resolveWaves.ts),
 * which the app-of-apps applies lowest first. Without the Application health check (removed in
 * Argo CD 1.8, operator-manual/health.md "Argocd App") a wave is done once applied; see the README
 * this module writes for why Slipway does not restore it.
 */

/** The folder of the system's repo holding the app-of-apps. */
export const APP_OF_APPS_DIR = 'argocd';
/** The label on a part's Application naming the system's app-of-apps that owns it (skeletons/_shared/argocd-system-membership.hbs). */
export const APP_OF_APPS_LABEL = 'slipway.dev/app-of-apps';

/**
 * The app-of-apps of one environment, and the bootstrap. Not `<system>-<environment>`: a part
 * named like its system (the goals system's goals) has that Application already.
 */
export const environmentAppOfAppsName = (system: string, environment: string) => `${system}-apps-${environment}`;
export const bootstrapAppOfAppsName = (system: string) => `${system}-apps`;

/** Where the system's repo is: the app-of-apps' own source. */
export interface AppOfAppsHome {
  repoUrl: string;
  branch: string;
}

/** One part's Applications: the part, its rendered files (paths under deploy/, before any config-repo split). */
export interface PartApplications {
  part: ResolvedPart;
  files: readonly RenderedFile[];
}

interface ApplicationDocument {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
  spec?: { project?: unknown };
}

/** The part's Application files per app-of-apps (by the label they carry), named relative to its argocd folder. */
function applicationsByOwner(files: readonly RenderedFile[]): { byOwner: Map<string, string[]>; names: string[]; namespaces: Set<string>; projects: Set<string> } {
  const prefix = `${DEPLOY_DIR}/argocd/`;
  const byOwner = new Map<string, string[]>();
  const names: string[] = [];
  const namespaces = new Set<string>();
  const projects = new Set<string>();
  for (const file of files) {
    if (!file.path.startsWith(prefix) || !file.path.endsWith('.yaml')) continue;
    const name = file.path.slice(prefix.length);
    for (const document of parseAllDocuments(file.content)) {
      const object = document.toJS() as ApplicationDocument | null;
      if (object?.kind === 'Application' && typeof object.metadata?.name === 'string') names.push(object.metadata.name);
      const owner = object?.kind === 'Application' ? object.metadata?.labels?.[APP_OF_APPS_LABEL] : undefined;
      if (typeof owner !== 'string') continue;
      const listed = byOwner.get(owner) ?? [];
      if (!listed.includes(name)) listed.push(name);
      byOwner.set(owner, listed);
      if (typeof object?.metadata?.namespace === 'string') namespaces.add(object.metadata.namespace);
      if (typeof object?.spec?.project === 'string') projects.add(object.spec.project);
    }
  }
  return { byOwner, names, namespaces, projects };
}

/** `dev.yaml` or `{dev.yaml,dev-cache.yaml}`: exactly these files (directory.include). */
export function includePattern(files: readonly string[]): string {
  return files.length === 1 ? files[0] : `{${files.join(',')}}`;
}

function labels(system: ResolvedSystem, environment?: string): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': system.name,
    'app.kubernetes.io/managed-by': 'slipway',
    'slipway.dev/role': 'app-of-apps',
    ...(environment ? { 'slipway.dev/environment': environment } : {}),
  };
}

/** Automated, never pruning: removing a part or an environment from Git is a deliberate `kubectl delete application`. */
const SYNC_POLICY = { automated: { prune: false, selfHeal: true } };

function yamlFile(path: string, comment: string, object: object): RenderedFile {
  return { path, content: `${comment}${stringify(object, { lineWidth: 0 })}`, executable: false };
}

export type AppOfAppsResult = { ok: true; files: RenderedFile[]; /** Argo CD's namespace, where they live. */ namespace: string } | { ok: false; issues: SpecIssue[] };

/**
 * argocd/<environment>.yaml per environment and argocd/apps.yaml, for the system's repo at `home`.
 * Each environment's app-of-apps has one source per part, at the part's argocd folder
 * (`part.deploy`), including the files whose Application carries that app-of-apps' label.
 */
export function renderAppOfApps(system: ResolvedSystem, parts: readonly PartApplications[], home: AppOfAppsHome): AppOfAppsResult {
  const issues: SpecIssue[] = [];
  const found = parts.map(({ part, files }) => ({ part, ...applicationsByOwner(files) }));
  const namespaces = new Set(found.flatMap(own => [...own.namespaces]));
  const projects = new Set(found.flatMap(own => [...own.projects]));
  // The app-of-apps deploy the Applications into Argo CD's namespace, in their project: one for the whole system.
  for (const [what, values] of [['namespace', namespaces], ['project', projects]] as const) {
    if (values.size > 1) {
      issues.push({ path: 'parts', message: `every part's Argo CD ${what} must be the same (argocd.${what}), got ${[...values].join(', ')}: the system's app-of-apps deploys them all` });
    }
  }
  // Every Application lives in Argo CD's namespace: the app-of-apps' names must be free there, and fit the label naming them.
  const taken = new Set(found.flatMap(own => own.names));
  for (const name of [bootstrapAppOfAppsName(system.name), ...system.environments.map(environment => environmentAppOfAppsName(system.name, environment.name))]) {
    if (taken.has(name)) issues.push({ path: 'name', message: `gives the app-of-apps ${name}, the name of a part's Argo CD Application: rename the system or that part` });
    if (name.length > 63) issues.push({ path: 'name', message: `gives the app-of-apps ${name}, longer than 63 characters (the label ${APP_OF_APPS_LABEL} names it): shorten the system's or the environment's name` });
  }
  if (issues.length) return { ok: false, issues };
  const [namespace = 'argocd'] = namespaces;
  const [project = 'default'] = projects;

  const files = system.environments.map(environment => {
    const name = environmentAppOfAppsName(system.name, environment.name);
    const sources = found.flatMap(({ part, byOwner }) => {
      const listed = byOwner.get(name);
      if (!listed) return [];
      return [{ name: part.name, repoURL: part.deploy.repoUrl, targetRevision: part.deploy.branch, path: `${part.deploy.path}/argocd`, directory: { include: includePattern(listed) } }];
    });
    for (const { part, byOwner } of found) {
      if (!byOwner.has(name)) issues.push({ path: `parts.${part.name}`, message: `renders no Argo CD Application for ${environment.name} labelled ${APP_OF_APPS_LABEL}: ${name}` });
    }
    const comment =
      `# The app-of-apps of ${system.name} in ${environment.name}: every part's Applications for ${environment.name}, from\n` +
      "# each part's own argocd folder (one source per part, exactly this environment's files), applied\n" +
      '# wave by wave (each Application\'s argocd.argoproj.io/sync-wave). Owned by ' + `${bootstrapAppOfAppsName(system.name)} (apps.yaml).\n`;
    return yamlFile(`${APP_OF_APPS_DIR}/${environment.name}.yaml`, comment, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace, labels: labels(system, environment.name), annotations: { 'slipway.dev/generated-by': 'slipway' } },
      spec: {
        project,
        sources,
        destination: { server: 'https://kubernetes.default.svc', namespace },
        syncPolicy: SYNC_POLICY,
      },
    });
  });
  if (issues.length) return { ok: false, issues };

  const bootstrap = bootstrapAppOfAppsName(system.name);
  const bootstrapComment =
    `# The bootstrap of ${system.name}, applied once by hand:\n` +
    `#   kubectl apply -n ${namespace} -f ${APP_OF_APPS_DIR}/apps.yaml\n` +
    `# It owns ${APP_OF_APPS_DIR}/ (itself included): each environment's app-of-apps, which own the parts' Applications.\n` +
    '# No resources finalizer: deleting it leaves the environments running.\n';
  files.push(
    yamlFile(`${APP_OF_APPS_DIR}/apps.yaml`, bootstrapComment, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: bootstrap, namespace, labels: labels(system), annotations: { 'slipway.dev/generated-by': 'slipway' } },
      spec: {
        project,
        source: { repoURL: home.repoUrl, targetRevision: home.branch, path: APP_OF_APPS_DIR, directory: { include: '*.yaml' } },
        destination: { server: 'https://kubernetes.default.svc', namespace },
        syncPolicy: SYNC_POLICY,
      },
    }),
  );
  return { ok: true, files, namespace };
}

/** The README section on the app-of-apps, the bootstrap and the waves (for the system's repo README). */
export function appOfAppsReadme(system: ResolvedSystem, namespace = 'argocd'): string[] {
  const waves = [...new Set(system.parts.map(part => part.wave))].sort((a, b) => a - b);
  return [
    '## Argo CD',
    '',
    `\`${APP_OF_APPS_DIR}/<environment>.yaml\` is the app-of-apps of each environment (${system.environments.map(environment => `\`${environmentAppOfAppsName(system.name, environment.name)}\``).join(', ')}):`,
    "one source per part, each naming exactly that environment's Application files in the part's own argocd folder,",
    `where the part's repo validates them with its manifests. \`${APP_OF_APPS_DIR}/apps.yaml\` (\`${bootstrapAppOfAppsName(system.name)}\`) owns this folder, itself`,
    'included. Bootstrap, once, with a kubeconfig for the cluster Argo CD runs in:',
    '',
    '```sh',
    `kubectl apply -n ${namespace} -f ${APP_OF_APPS_DIR}/apps.yaml`,
    '```',
    '',
    'Sync waves (`argocd.argoproj.io/sync-wave` on each part\'s Applications), lowest first: a part after the parts it',
    'calls and after the holders of the resources it uses (a resource and its migrations are applied with its holder):',
    '',
    ...waves.map(wave => `- wave ${wave}: ${system.parts.filter(part => part.wave === wave).map(part => part.name).join(', ')}`),
    '',
    "Argo CD applies the waves in order but, since 1.8, does not wait for an Application to be healthy (the",
    'Application health check was removed; operator-manual/health.md, "Argocd App"). Slipway leaves it so. With the',
    "documented check restored, a part's Application reports `Missing` until CI's first image turns its automated sync",
    "on, and gitops-engine keeps a task that is neither Healthy nor Degraded running (pkg/sync/sync_context.go), so the",
    "environment's first sync would stop at that part's wave for good, and CI's commit that enables it would never be",
    "applied: a deadlock. If you restore it, count an Application whose automated sync is off as Healthy:",
    '',
    '```lua',
    'hs = { status = "Progressing", message = "" }',
    'local automated = obj.spec.syncPolicy and obj.spec.syncPolicy.automated',
    'if automated ~= nil and automated.enabled == false then',
    '  hs.status = "Healthy"',
    '  hs.message = "automated sync off (waiting for its first image)"',
    'elseif obj.status ~= nil and obj.status.health ~= nil then',
    '  hs.status = obj.status.health.status',
    '  hs.message = obj.status.health.message or ""',
    'end',
    'return hs',
    '```',
    '',
  ];
}
