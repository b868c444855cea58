import type { KubernetesObject, LoadedObject, RepoModel } from '../types';
import { asArray, asRecord, asString, getPath, recordsOf } from './json';
import { argoCdApplications, environmentForPath, manifestDirs, normalizeRepoPath, objectSets, type ObjectSet } from './objectSets';

/**
 * What the Argo CD checks share: an Application's sources, the objects each source deploys,
 * its sync options and finalizers, and the bootstrap gate that holds it back before CI's
 * first image. Shapes from argoproj/argo-cd pkg/apis/application/v1alpha1/types.go.
 */

export const SKIP_RECONCILE_ANNOTATION = 'argocd.argoproj.io/skip-reconcile';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** One `spec.source` or `spec.sources[i]` of an Application. */
export interface ApplicationSource {
  /** `spec.source` or `spec.sources[0]`. */
  field: string;
  /** Repo path, normalized; undefined for Helm chart sources and sources without a path. */
  path?: string;
  /** `directory.recurse`: a plain-directory source also deploys the subfolders' manifests. */
  recurse: boolean;
}

export function applicationSources(application: KubernetesObject): ApplicationSource[] {
  const out: ApplicationSource[] = [];
  const read = (source: Record<string, unknown>, field: string) => {
    const path = asString(source.chart) ? undefined : asString(source.path);
    const recurse = getPath(source, 'directory', 'recurse') === true;
    out.push({ field, recurse, ...(path !== undefined ? { path: normalizeRepoPath(path) } : {}) });
  };
  const single = asRecord(getPath(application, 'spec', 'source'));
  if (single) read(single, 'spec.source');
  recordsOf(getPath(application, 'spec', 'sources')).forEach(({ record, index }) => read(record, `spec.sources[${index}]`));
  return out;
}

/** An Application with the object sets its sources deploy (built overlays, or the raw base when nothing was built). */
export interface DeployingApplication {
  application: LoadedObject;
  sets: ObjectSet[];
}

/**
 * Every Application of the repo with what it deploys. A source path that is an overlay deploys
 * that overlay's build; without any build, an Application pointing at deploy/overlays/* gets the
 * raw base as a stand-in (the same fallback the other checks use).
 */
export function deployingApplications(model: RepoModel): DeployingApplication[] {
  const sets = objectSets(model);
  return argoCdApplications(model).map(application => {
    const found: ObjectSet[] = [];
    for (const source of applicationSources(application.object)) {
      if (source.path === undefined) continue;
      const environment = environmentForPath(model, source.path);
      const set = environment
        ? sets.find(candidate => candidate.environment === environment)
        : model.environments.size === 0 && source.path.startsWith(manifestDirs(model).overlays)
          ? sets[0]
          : undefined;
      if (set && !found.includes(set)) found.push(set);
    }
    return { application, sets: found };
  });
}

/** `spec.syncPolicy.syncOptions`, e.g. `RespectIgnoreDifferences=true`. */
export function applicationSyncOptions(application: KubernetesObject): string[] {
  return asArray(getPath(application, 'spec', 'syncPolicy', 'syncOptions')).map(option => String(option).trim());
}

/** A resource's `argocd.argoproj.io/sync-options` annotation, split at commas. */
export function resourceSyncOptions(object: KubernetesObject): string[] {
  return annotationOptions(object, SYNC_OPTIONS_ANNOTATION);
}

/** A resource's `argocd.argoproj.io/compare-options` annotation (e.g. IgnoreExtraneous), split at commas. */
export function resourceCompareOptions(object: KubernetesObject): string[] {
  return annotationOptions(object, COMPARE_OPTIONS_ANNOTATION);
}

function annotationOptions(object: KubernetesObject, annotation: string): string[] {
  const raw = object.metadata?.annotations?.[annotation];
  return typeof raw === 'string' ? raw.split(',').map(option => option.trim()).filter(Boolean) : [];
}

/** Automated sync with prune: objects removed from Git are deleted. */
export function prunesAutomatically(application: KubernetesObject): boolean {
  return getPath(application, 'spec', 'syncPolicy', 'automated', 'prune') === true;
}

/** The resources finalizer (plain, /foreground or /background): deleting the Application deletes what it deployed. */
export function cascadesDeletion(application: KubernetesObject): boolean {
  return asArray(application.metadata?.finalizers).some(finalizer => String(finalizer).startsWith(RESOURCES_FINALIZER));
}

/**
 * How an Application is held back until CI has built the first image: `auto-sync-disabled`
 * (`spec.syncPolicy.automated.enabled: false`, Argo CD 3.1+, stable; the Application is still
 * compared and shown) or `skip-reconcile` (the Alpha annotation; Argo CD stops processing it,
 * so it shows no status at all).
 */
export type DeploymentGate = 'auto-sync-disabled' | 'skip-reconcile';

export function deploymentGate(application: KubernetesObject): DeploymentGate | undefined {
  if (application.metadata?.annotations?.[SKIP_RECONCILE_ANNOTATION] === 'true') return 'skip-reconcile';
  if (getPath(application, 'spec', 'syncPolicy', 'automated', 'enabled') === false) return 'auto-sync-disabled';
  return undefined;
}

/** Environments whose Application is held back by a deployment gate, with the gate. */
export function gatedEnvironments(model: RepoModel): Map<string, { gate: DeploymentGate; application: LoadedObject }> {
  const out = new Map<string, { gate: DeploymentGate; application: LoadedObject }>();
  for (const application of argoCdApplications(model)) {
    const gate = deploymentGate(application.object);
    if (!gate) continue;
    for (const source of applicationSources(application.object)) {
      const environment = source.path === undefined ? undefined : environmentForPath(model, source.path);
      if (environment) out.set(environment, { gate, application });
    }
  }
  return out;
}
