import type { KubernetesObject, LoadedObject } from '../types';
import { asArray, asRecord, asString, asStringMap, recordsOf, type JsonRecord } from './json';
import { operatorPods, operatorServices } from '../operators';
import { type ObjectSet } from './objectSets';
import { containersOf, podTemplates } from './workloads';

/**
 * Label selectors and the pods they can select. Pods come from workload templates and
 * from operators that run them for custom resources (validate/operators: CloudNativePG
 * instances, RabbitMQ nodes, PgBouncer poolers).
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
  /** For pods an operator runs: what makes them, for messages. */
  origin?: string;
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
  // Pods operators run for custom resources (CloudNativePG instances, RabbitMQ nodes), from validate/operators.
  for (const pods of operatorPods(set)) groups.push({ owner: pods.owner, labels: pods.labels, ports: pods.ports, origin: `${pods.origin} (${pods.role} pods)` });
  // Pods a Helm chart's Application runs in this set's namespace (validate/operators/helm-charts.json).
  if (set.releases?.length) {
    for (const pods of operatorPods({ environment: set.environment, objects: set.releases })) {
      groups.push({ owner: pods.owner, labels: pods.labels, ports: pods.ports, origin: `${pods.origin} (${pods.role} pods)` });
    }
  }
  return groups;
}

/**
 * The Services of a set as the cluster will have them: those in Git and those operators write
 * for custom resources in it (`<cluster>-rw`, a RabbitmqCluster's `<name>` and `<name>-nodes`).
 * An operator's Service stands in as a LoadedObject at its owner's file, for lookups only:
 * problems are never reported on it.
 */
export function deployedServices(set: ObjectSet): LoadedObject[] {
  const own = set.objects.filter(loaded => loaded.object.kind === 'Service');
  const made = operatorServices(set).map(service => ({ ...service.owner, object: service.object }));
  return [...own, ...made];
}
