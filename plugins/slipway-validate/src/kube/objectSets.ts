import type { KubernetesObject, LoadedObject, RepoModel } from '../types';
import { memoOnWhile } from './memo';

/**
 * The objects that are deployed together: one built overlay, or, when kustomize
 * could not run, the raw base resources standing in for every environment.
 */
export interface ObjectSet {
  /** Overlay name; undefined for the raw-base fallback. */
  environment?: string;
  objects: LoadedObject[];
  /**
   * Argo CD Applications of a Helm chart (deploy/argocd) whose destination is a namespace this
   * set's objects are in, each standing at its destination namespace: the chart's pods run beside
   * the overlay's (validate/operators/helm-charts.json says which pods), so what selects them resolves.
   */
  releases?: LoadedObject[];
}

export const ARGOCD_DIR = 'deploy/argocd/';
export const OVERLAYS_DIR = 'deploy/overlays/';
/** Cluster prerequisites (the platform team's, applied once per cluster): never part of a service's deployment. */
export const PLATFORM_DIR = 'deploy/platform/';

/** The manifests' folders of a model: under deploy/, or under apps/<part> of a config repo (RepoModel.deployDir). */
export function manifestDirs(model: Pick<RepoModel, 'deployDir'>): { root: string; argocd: string; overlays: string; platform: string; base: string } {
  const root = model.deployDir ?? 'deploy';
  return { root, argocd: `${root}/argocd/`, overlays: `${root}/overlays/`, platform: `${root}/platform/`, base: `${root}/base/` };
}

/**
 * Objects the checks can read: a kind and a metadata map. Anything else is the schema
 * stage's to report; skipping it here keeps every check total.
 */
export function isWellFormed(loaded: LoadedObject): boolean {
  const object: unknown = loaded?.object;
  if (object === null || typeof object !== 'object') return false;
  const { kind, metadata } = object as { kind?: unknown; metadata?: unknown };
  return typeof kind === 'string' && metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata);
}

export function wellFormed(objects: LoadedObject[]): LoadedObject[] {
  return objects.filter(isWellFormed);
}

export function isArgoCdApplication(object: KubernetesObject): boolean {
  return object.kind === 'Application' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('argoproj.io/');
}

/**
 * One set per built overlay. Without builds, the raw objects outside deploy/argocd,
 * deploy/overlays and deploy/platform form one set: overlay files are patches or per-environment extras that
 * only make sense once kustomize merged them.
 */
export function objectSets(model: RepoModel): readonly ObjectSet[] {
  return setsOfModel(model);
}

/**
 * `compute(model)`, kept while the model holds the same objects (see ObjectSetInputs): for what
 * many checks derive from a model's objects alike. The result is frozen, as it is shared.
 */
export function memoizedPerModel<T>(compute: (model: RepoModel) => T): (model: RepoModel) => T {
  const memo = memoOnWhile(
    'slipway.modelMemo',
    (model: RepoModel) => {
      const value = compute(model);
      if (Array.isArray(value)) Object.freeze(value);
      return { inputs: new ObjectSetInputs(model), value };
    },
    (held, model) => held.inputs.matches(model),
  );
  return model => memo(model).value;
}

/**
 * The arrays objectSets was computed from, kept to tell whether a model still holds them: each of
 * the ~50 checks asks for the sets (filtering every object again each time was a tenth of the check
 * units' time). The objects themselves are the parser's frozen values, so only the arrays can change
 * (a test pushing an object, a pipeline adding a built overlay), and they are compared item by item.
 */
class ObjectSetInputs {
  readonly #rawObjects: readonly LoadedObject[];
  readonly #environments: ReadonlyArray<readonly [string, readonly LoadedObject[]]>;

  constructor(model: RepoModel) {
    this.#rawObjects = [...model.rawObjects];
    this.#environments = [...model.environments].map(([environment, objects]) => [environment, [...objects]] as const);
  }

  matches(model: RepoModel): boolean {
    if (!sameItems(this.#rawObjects, model.rawObjects) || this.#environments.length !== model.environments.size) return false;
    let index = 0;
    for (const [environment, objects] of model.environments) {
      const [seenEnvironment, seenObjects] = this.#environments[index++];
      if (environment !== seenEnvironment || !sameItems(seenObjects, objects)) return false;
    }
    return true;
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

const setsOfModel = memoizedPerModel(computeObjectSets);

function computeObjectSets(model: RepoModel): ObjectSet[] {
  if (model.environments.size > 0) {
    const charts = chartApplications(model);
    return [...model.environments.entries()].map(([environment, objects]) => {
      const set: ObjectSet = { environment, objects: wellFormed(objects) };
      const namespaces = new Set(set.objects.map(loaded => loaded.object.metadata?.namespace).filter(Boolean));
      const releases = charts.filter(release => namespaces.has(release.object.metadata?.namespace));
      return releases.length ? { ...set, releases } : set;
    });
  }
  const dirs = manifestDirs(model);
  const base = wellFormed(model.rawObjects).filter(
    loaded =>
      !loaded.file.startsWith(dirs.argocd) &&
      !loaded.file.startsWith(dirs.overlays) &&
      !loaded.file.startsWith(dirs.platform) &&
      !isArgoCdApplication(loaded.object),
  );
  return [{ environment: undefined, objects: base }];
}

/** Applications whose source is a Helm chart, each moved to its destination namespace (where the chart's objects go). */
function chartApplications(model: RepoModel): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const loaded of argoCdApplications(model)) {
    const spec = loaded.object.spec as { source?: { chart?: unknown }; destination?: { namespace?: unknown } } | undefined;
    const namespace = spec?.destination?.namespace;
    if (typeof spec?.source?.chart !== 'string' || typeof namespace !== 'string') continue;
    out.push({ ...loaded, object: { ...loaded.object, metadata: { ...loaded.object.metadata, namespace } } });
  }
  return out;
}

/** Argo CD Applications found in the repo (deploy/argocd). */
export const argoCdApplications: (model: RepoModel) => readonly LoadedObject[] = memoizedPerModel(model =>
  wellFormed(model.rawObjects).filter(loaded => isArgoCdApplication(loaded.object)),
);

/** `deploy/overlays/staging/` and `./deploy/overlays/staging` both become `deploy/overlays/staging`. */
export function normalizeRepoPath(path: string): string {
  return path.trim().replace(/^\.\//, '').replace(/\/+$/, '').replace(/\/\.\//g, '/');
}

/** The repo directory an environment's overlay lives in. */
export function overlayDirectory(environment: string, model: Pick<RepoModel, 'deployDir'> = {}): string {
  return `${manifestDirs(model).overlays}${environment}`;
}

/** The environment whose overlay directory is `path`, if that overlay exists in the model. */
export function environmentForPath(model: RepoModel, path: string): string | undefined {
  const normalized = normalizeRepoPath(path);
  for (const environment of model.environments.keys()) {
    if (overlayDirectory(environment, model) === normalized) return environment;
  }
  return undefined;
}

export function objectsOfKind(set: ObjectSet, ...kinds: string[]): LoadedObject[] {
  return set.objects.filter(loaded => kinds.includes(loaded.object.kind));
}

/** `Kind/name`, the way every problem names its object. */
export function objectRef(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
}

export function nameOf(object: KubernetesObject): string {
  return object.metadata?.name ?? '';
}

/**
 * Two objects can refer to each other when they share a namespace. A missing namespace
 * (raw base without kustomize's `namespace:`) is taken as "the same as the other's".
 */
export function sameNamespace(a: KubernetesObject, b: KubernetesObject): boolean {
  const left = a.metadata?.namespace;
  const right = b.metadata?.namespace;
  return left === undefined || right === undefined || left === right;
}

export function inNamespace(object: KubernetesObject, namespace: string | undefined): boolean {
  const own = object.metadata?.namespace;
  return namespace === undefined || own === undefined || own === namespace;
}
