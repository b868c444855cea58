import type { KubernetesObject, LoadedObject } from '../types';
import { asArray, asRecord, asString, asStringMap, getPath, recordsOf, type JsonRecord } from './json';
import { nameOf, objectsOfKind, type ObjectSet } from './objectSets';
import { containersOf, podTemplates } from './workloads';

/**
 * Label selectors and the pods they can select. Pods come from workload templates and
 * from operators we generate objects for (CloudNativePG runs the database pods).
 */

/** `{matchLabels, matchExpressions}` (metav1.LabelSelector); an empty selector selects everything. */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  const record = asRecord(selector);
  if (!record) return false;
  const matchLabels = asStringMap(record.matchLabels);
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const { record: expression } of recordsOf(record.matchExpressions)) {
    const key = asString(expression.key) ?? '';
    const values = asArray(expression.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (asString(expression.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's plain `selector` map; an empty map selects nothing (Kubernetes semantics). */
export function matchesServiceSelector(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export function isEmptyLabelSelector(selector: unknown): boolean {
  const record = asRecord(selector);
  if (!record) return false;
  return Object.keys(asStringMap(record.matchLabels)).length === 0 && asArray(record.matchExpressions).length === 0;
}

export interface NamedPort {
  name?: string;
  containerPort?: number;
  /** TCP, UDP or SCTP; Kubernetes defaults it to TCP. */
  protocol?: string;
}

/** Pods an object makes: their labels and declared container ports. */
export interface PodGroup {
  owner: LoadedObject;
  labels: Record<string, string>;
  ports: NamedPort[];
}

/**
 * CloudNativePG labels its instance pods `cnpg.io/cluster`, `cnpg.io/podRole: instance` and
 * `cnpg.io/instanceRole` (plus the legacy `role`), and copies `inheritedMetadata.labels`.
 * Primary and replica pods are listed apart so role-specific selectors match.
 */
function cloudNativePgPods(loaded: LoadedObject): PodGroup[] {
  const cluster = nameOf(loaded.object);
  const inherited = asStringMap(getPath(loaded.object, 'spec', 'inheritedMetadata', 'labels'));
  // The instance container's ports (cloudnative-pg pkg/specs/pods.go, createPostgresContainers).
  const ports: NamedPort[] = [
    { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
    { name: 'status', containerPort: 8000, protocol: 'TCP' },
  ];
  return ['primary', 'replica'].map(role => ({
    owner: loaded,
    labels: {
      ...inherited,
      'cnpg.io/cluster': cluster,
      'cnpg.io/podRole': 'instance',
      'cnpg.io/instanceRole': role,
      role,
    },
    ports,
  }));
}

export function isCloudNativePgCluster(object: KubernetesObject): boolean {
  return object.kind === 'Cluster' && object.apiVersion.startsWith('postgresql.cnpg.io/');
}

function containerPorts(container: JsonRecord): NamedPort[] {
  return recordsOf(container.ports).map(({ record }) => ({
    name: asString(record.name),
    containerPort: typeof record.containerPort === 'number' ? record.containerPort : undefined,
    protocol: asString(record.protocol) ?? 'TCP',
  }));
}

export function podGroups(set: ObjectSet): PodGroup[] {
  const groups: PodGroup[] = podTemplates(set).map(template => ({
    owner: template.loaded,
    labels: template.labels,
    ports: containersOf(template).flatMap(ref => containerPorts(ref.container)),
  }));
  for (const loaded of objectsOfKind(set, 'Cluster')) {
    if (isCloudNativePgCluster(loaded.object)) groups.push(...cloudNativePgPods(loaded));
  }
  return groups;
}
