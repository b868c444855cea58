/**
 * Loose types for what Backstage's Kubernetes backend returns, and small accessors.
 *
 * The backend answers `POST /api/kubernetes/services/:name` with
 * `{ items: [{ cluster: { name }, resources: [{ type, resources: [...] }], podMetrics, errors }] }`
 * (`ObjectsByEntityResponse` in @backstage/plugin-kubernetes-common). These types are
 * deliberately structural and loose: the real response type is assignable to
 * `ObjectsResponse`, and every field read from a Kubernetes object is treated as
 * possibly missing, because a cluster may run other versions of Argo CD / Argo Rollouts
 * than the ones the card was written against.
 */

/** One error the backend reports for a cluster (`KubernetesFetchError`). */
export interface ClusterFetchError {
  /** FETCH_ERROR (cluster unreachable), or BAD_REQUEST | UNAUTHORIZED_ERROR | NOT_FOUND | SYSTEM_ERROR | UNKNOWN_ERROR. */
  errorType: string;
  statusCode?: number;
  /** The list path that failed, e.g. `/apis/argoproj.io/v1alpha1/rollouts`. */
  resourcePath?: string;
  /** Present on FETCH_ERROR. */
  message?: string;
}

/** One `{ type, resources }` group of a cluster's answer. */
export interface FetchResponseLike {
  /** 'pods' | 'replicasets' | 'services' | 'deployments' | 'customresources' | ... */
  type: string;
  resources: readonly unknown[];
}

export interface ClusterObjectsLike {
  cluster: { name: string; title?: string };
  resources: readonly FetchResponseLike[];
  errors: readonly ClusterFetchError[];
  podMetrics?: readonly unknown[];
}

/** What `useKubernetesObjects(entity).kubernetesObjects` holds. */
export interface ObjectsResponse {
  items: readonly ClusterObjectsLike[];
}

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** A string in JSON; a Date when typed by @kubernetes/client-node. */
  creationTimestamp?: string | Date;
  ownerReferences?: OwnerReference[];
}

/** Any Kubernetes object as read from the response. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
export const ENVIRONMENT_LABEL = 'slipway.dev/environment';
export const ENVIRONMENTS_ANNOTATION = 'slipway.dev/environments';
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
/**
 * With a system's config repo: `url:<config repo>/tree/<branch>/apps/<part>`, where the
 * Component's manifests are (the Argo CD Applications sync that repo, not the app repo).
 */
export const MANIFESTS_LOCATION_ANNOTATION = 'slipway.dev/manifests-location';
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested field: `get(obj, 'status', 'sync', 'status')`. */
export function get(value: unknown, ...path: Array<string | number>): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') {
      current = current[key];
    } else if (isRecord(current) && typeof key === 'string') {
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asKubeObject(value: unknown): KubeObject | undefined {
  return isRecord(value) ? (value as KubeObject) : undefined;
}

export function labelsOf(object: KubeObject): Record<string, string> {
  return object.metadata?.labels ?? {};
}

export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

/** Milliseconds since the epoch, or undefined. Accepts ISO strings and Dates. */
export function toTime(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string' || value === '') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

export function createdAt(object: KubeObject): number | undefined {
  return toTime(object.metadata?.creationTimestamp);
}

/** True when `child` names `owner` (by uid when both have one, else by kind and name) in its ownerReferences. */
export function isOwnedBy(child: KubeObject, owner: KubeObject, ownerKind: string): boolean {
  const ownerUid = owner.metadata?.uid;
  return (child.metadata?.ownerReferences ?? []).some(ref => {
    if (ref.kind !== ownerKind) return false;
    if (ownerUid && ref.uid) return ref.uid === ownerUid;
    return ref.name === owner.metadata?.name;
  });
}

export function sameNamespace(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata?.namespace ?? '') === (b.metadata?.namespace ?? '');
}
