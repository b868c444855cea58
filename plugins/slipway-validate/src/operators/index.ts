import type { KubernetesObject, LoadedObject } from '../types';
import { asArray, asNumber, asRecord, asStringMap } from '../kube/json';
import { memoOn } from '../kube/memo';
import { nameOf, type ObjectSet } from '../kube/objectSets';
import certManager from './cert-manager.json';
import cloudNativePg from './cloudnative-pg.json';
import externalSecrets from './external-secrets.json';
import helmCharts from './helm-charts.json';
import keda from './keda.json';
import rabbitmqClusterOperator from './rabbitmq-cluster-operator.json';
import rabbitmqMessagingTopologyOperator from './rabbitmq-messaging-topology-operator.json';
import sealedSecrets from './sealed-secrets.json';
import type {
  Condition,
  EmbeddedPodTemplate,
  MadeAutoscaler,
  MadeContainerPort,
  MadePodDisruptionBudget,
  MadePods,
  MadeSecret,
  MadeService,
  OperatorFile,
  OperatorResource,
  ReadsObject,
  ReadsSecret,
  Template,
  TemplateMap,
} from './types';

export type * from './types';

/**
 * What operators make from the custom resources in a repo: Secrets, Services, pods, PDBs and
 * autoscalers, read from one data file per operator (this folder). The reference checks resolve
 * names against these as against objects in Git, so `<cluster>-app`, `<rabbit>-default-user` or
 * a Certificate's secretName count as deployed. Everything here is total: a malformed resource
 * makes nothing rather than throwing.
 */

/** Typed by tsc against OperatorFile: a data file that does not fit fails the build. */
export const OPERATOR_FILES: readonly OperatorFile[] = [
  cloudNativePg,
  rabbitmqClusterOperator,
  rabbitmqMessagingTopologyOperator,
  keda,
  certManager,
  externalSecrets,
  sealedSecrets,
  helmCharts,
];

interface Definition {
  file: OperatorFile;
  resource: OperatorResource;
}

/** `group/Kind` → its entries (usually one). */
const BY_KIND = new Map<string, Definition[]>();
for (const file of OPERATOR_FILES) {
  for (const resource of file.resources) {
    const key = `${resource.group}/${resource.kind}`;
    BY_KIND.set(key, [...(BY_KIND.get(key) ?? []), { file, resource }]);
  }
}
const KINDS = new Set(OPERATOR_FILES.flatMap(file => file.resources.map(resource => resource.kind)));
const NONE: readonly Definition[] = [];

/** The data-file entries describing an object's kind (usually one). */
export function operatorDefinitions(object: KubernetesObject): readonly Definition[] {
  // Most objects are not custom resources an operator acts on: answer those without allocating.
  if (!KINDS.has(object.kind) || typeof object.apiVersion !== 'string') return NONE;
  const slash = object.apiVersion.indexOf('/');
  return BY_KIND.get(`${slash < 0 ? '' : object.apiVersion.slice(0, slash)}/${object.kind}`) ?? NONE;
}

/**
 * Results per set, for the checks that ask many times in one run (a host name check per env
 * value). Kept on the set (kube/memo.ts), which objectSets keeps while the model holds the same
 * objects: a changed model (a new object, an edited one) gives new sets.
 */
function perSet<T>(compute: (set: ObjectSet) => T): (set: ObjectSet) => T {
  const memo = memoOn('slipway.perSet', (set: ObjectSet) => ({ value: compute(set) }));
  return set => memo(set).value;
}

// ---------------------------------------------------------------------------------------------
// paths, templates and conditions

type Segment = string | typeof EACH;
const EACH = Symbol('each');
const parsedPaths = new Map<string, Segment[]>();

/** `spec.a["b.c/d"].e[].f` → ['spec', 'a', 'b.c/d', 'e', EACH, 'f']. */
export function parsePath(path: string): Segment[] {
  const cached = parsedPaths.get(path);
  if (cached) return cached;
  const segments: Segment[] = [];
  const pattern = /([^.[\]]+)|\["([^"]*)"\]|\[\]/g;
  for (const match of path.matchAll(pattern)) segments.push(match[1] ?? match[2] ?? EACH);
  parsedPaths.set(path, segments);
  return segments;
}

/** Every value at a path (`[]` fans out over list elements); a plain path gives at most one. */
export function valuesAt(object: unknown, path: string): unknown[] {
  let current: unknown[] = [object];
  for (const segment of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment === EACH) next.push(...asArray(value));
      else {
        const record = asRecord(value);
        if (record && Object.prototype.hasOwnProperty.call(record, segment)) next.push(record[segment]);
      }
    }
    current = next;
  }
  return current.filter(value => value !== undefined && value !== null);
}

function fanOut(path: string): boolean {
  return parsePath(path).includes(EACH);
}

/** The value at a plain path (no `[]`), walked without allocating: the hot path of every template. */
function scalarAt(object: unknown, path: string): unknown {
  let value = object;
  for (const segment of parsePath(path)) {
    if (segment === EACH) return undefined;
    const record = asRecord(value);
    if (!record || !Object.prototype.hasOwnProperty.call(record, segment)) return undefined;
    value = record[segment];
  }
  return value === null ? undefined : value;
}

/** A template split once into literal text and `{path}` placeholders. */
type TemplatePart = string | { path: string };
const parsedTemplates = new Map<string, TemplatePart[]>();

function templateParts(template: string): TemplatePart[] {
  const cached = parsedTemplates.get(template);
  if (cached) return cached;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([^{}]+)\}/g)) {
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push({ path: match[1] });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  parsedTemplates.set(template, parts);
  return parts;
}

/** The first template of the list whose placeholders all resolve to strings or numbers. */
export function renderTemplate(template: Template, object: unknown): string | undefined {
  for (const candidate of typeof template === 'string' ? [template] : template) {
    let text = '';
    let complete = true;
    for (const part of templateParts(candidate)) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const value = scalarAt(object, part.path);
      if (typeof value === 'string' && value !== '') text += value;
      else if (typeof value === 'number') text += String(value);
      else {
        complete = false;
        break;
      }
    }
    if (complete) return text;
  }
  return undefined;
}

function renderMap(map: TemplateMap, object: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(map)) {
    if (template === undefined) continue;
    const value = renderTemplate(template, object);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

export function conditionHolds(condition: Condition, object: unknown): boolean {
  if (condition.anyOf && !condition.anyOf.some(inner => conditionHolds(inner, object))) return false;
  if (condition.path === undefined) return true;
  const list = fanOut(condition.path);
  const single = list ? undefined : scalarAt(object, condition.path);
  const found = list ? valuesAt(object, condition.path) : single === undefined ? [] : [single];
  const value = list ? found : single ?? condition.default;
  if (condition.present !== undefined && found.length > 0 !== condition.present) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !condition.in.some(allowed => allowed === value)) return false;
  if (condition.atLeast !== undefined && !(typeof value === 'number' && value >= condition.atLeast)) return false;
  const members = Array.isArray(value) ? value : [];
  if (condition.contains !== undefined && !members.includes(condition.contains)) return false;
  if (condition.excludes !== undefined && members.includes(condition.excludes)) return false;
  return true;
}

function holds(conditions: readonly Condition[] | undefined, object: unknown): boolean {
  return (conditions ?? []).every(condition => conditionHolds(condition, object));
}

function numberAt(object: unknown, at: { path: string; default: number; floor?: number }): number {
  const value = asNumber(scalarAt(object, at.path)) ?? at.default;
  return at.floor === undefined ? value : Math.max(at.floor, value);
}

// ---------------------------------------------------------------------------------------------
// what one custom resource makes

/** The object an operator-made one comes from, and how messages name it. */
export interface MadeBy {
  owner: LoadedObject;
  /** `CloudNativePG Cluster/billing-db`. */
  origin: string;
}

export interface OperatorSecret extends MadeBy {
  name: string;
  /** undefined: decided at run time. */
  keys?: Set<string>;
}

export interface OperatorService extends MadeBy {
  /** A Service object as the operator writes it (name, namespace, labels, selector, ports). */
  object: KubernetesObject;
}

export interface OperatorPods extends MadeBy {
  role: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort?: number; protocol?: string }>;
  /** Fields of the resource whose labels the pods copy, with the labels found there. */
  labelSources: Array<{ field: string; labels: Record<string, string> }>;
}

export interface OperatorPodDisruptionBudget extends MadeBy {
  object: KubernetesObject;
}

export interface OperatorAutoscaler extends MadeBy {
  /** A HorizontalPodAutoscaler as the operator writes it (scaleTargetRef, min and max replicas). */
  object: KubernetesObject;
  targetField: string;
}

function originOf(file: OperatorFile, loaded: LoadedObject): string {
  return `${file.operator} ${loaded.object.kind}/${nameOf(loaded.object)}`;
}

/**
 * What each custom resource makes, computed once per object and kept while the object is
 * unchanged (its JSON is the key: tests and hand edits change objects in place), since every
 * check that resolves names asks again.
 */
const MADE = Symbol('slipway.operatorMade');
type Made = { json: string; results: Map<string, unknown[]> };

function collect<T, E extends { when?: readonly Condition[] }>(
  name: string,
  set: ObjectSet,
  pick: (resource: OperatorResource) => readonly E[] | undefined,
  make: (entry: E, loaded: LoadedObject, file: OperatorFile, out: T[]) => void,
): T[] {
  const all: T[] = [];
  for (const loaded of set.objects) {
    const definitions = operatorDefinitions(loaded.object);
    if (definitions.length === 0) continue;
    const json = JSON.stringify(loaded.object) ?? '';
    // On the loaded object itself, not in a WeakMap (kube/memo.ts).
    const holder = loaded as LoadedObject & { [MADE]?: Made };
    let cached = holder[MADE];
    if (!cached || cached.json !== json) {
      cached = { json, results: new Map() };
      Object.defineProperty(holder, MADE, { value: cached, enumerable: false, writable: true, configurable: true });
    }
    let made = cached.results.get(name) as T[] | undefined;
    if (!made) {
      made = [];
      for (const { file, resource } of definitions) {
        for (const entry of pick(resource) ?? []) if (holds(entry.when, loaded.object)) make(entry, loaded, file, made);
      }
      cached.results.set(name, made);
    }
    all.push(...made);
  }
  return all;
}

function namespaced(loaded: LoadedObject): { namespace?: string } {
  const namespace = loaded.object.metadata?.namespace;
  return namespace === undefined ? {} : { namespace };
}

export const operatorSecrets = perSet(function operatorSecrets(set: ObjectSet): OperatorSecret[] {
  return collect<OperatorSecret, MadeSecret>('operatorSecrets', set, resource => resource.secrets, (made, loaded, file, out) => {
    const object = loaded.object;
    const names = made.namesAt
      ? valuesAt(object, made.namesAt).filter((name): name is string => typeof name === 'string' && name !== '')
      : [made.name === undefined ? undefined : renderTemplate(made.name, object)].filter((name): name is string => !!name);
    let keys: Set<string> | undefined = new Set(made.keys ?? []);
    for (const path of made.keysAt ?? []) for (const key of valuesAt(object, path)) if (typeof key === 'string') keys.add(key);
    for (const path of made.keysOfMapsAt ?? []) for (const map of valuesAt(object, path)) for (const key of Object.keys(asStringMap(map))) keys.add(key);
    for (const extra of made.extraKeys ?? []) if (holds(extra.when, object)) extra.keys.forEach(key => keys?.add(key));
    if (keys.size === 0 || (made.keysUnknownWhen ?? []).some(condition => conditionHolds(condition, object))) keys = undefined;
    for (const name of new Set(names)) out.push({ owner: loaded, origin: originOf(file, loaded), name, keys: keys && new Set(keys) });
  });
});

export const operatorServices = perSet(function operatorServices(set: ObjectSet): OperatorService[] {
  return collect<OperatorService, MadeService>('operatorServices', set, resource => resource.services, (made, loaded, file, out) => {
    const name = renderTemplate(made.name, loaded.object);
    const selector = renderMap(made.selector, loaded.object);
    if (!name || !selector) return;
    const ports = made.ports
      .filter(port => holds(port.when, loaded.object))
      .map(({ name: portName, port, targetPort, protocol }) => ({ ...(portName ? { name: portName } : {}), port, ...(targetPort !== undefined ? { targetPort } : {}), protocol: protocol ?? 'TCP' }));
    const labels = Object.assign({}, ...copiedLabels(made.labelsFrom, loaded.object).map(source => source.labels), renderMap(made.labels ?? {}, loaded.object));
    const object: KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, ...namespaced(loaded), labels },
      spec: { selector, ports, ...(made.headless ? { clusterIP: 'None' } : {}) },
    };
    out.push({ owner: loaded, origin: originOf(file, loaded), object });
  });
});

/** The label maps a made object copies from the resource, each with the field it comes from. */
function copiedLabels(sources: ReadonlyArray<{ path: string; exceptPrefix?: string }> | undefined, object: unknown): Array<{ field: string; labels: Record<string, string> }> {
  return (sources ?? []).map(({ path, exceptPrefix }) => {
    const labels = asStringMap(scalarAt(object, path));
    return { field: path, labels: Object.fromEntries(Object.entries(labels).filter(([key]) => !exceptPrefix || !key.startsWith(exceptPrefix))) };
  });
}

function containerPorts(ports: readonly MadeContainerPort[], object: unknown): OperatorPods['ports'] {
  return ports
    .filter(port => holds(port.when, object))
    .map(({ name, containerPort, protocol }) => ({ ...(name ? { name } : {}), containerPort, protocol: protocol ?? 'TCP' }));
}

export const operatorPods = perSet(function operatorPods(set: ObjectSet): OperatorPods[] {
  return collect<OperatorPods, MadePods>('operatorPods', set, resource => resource.pods, (made, loaded, file, out) => {
    const own = renderMap(made.labels, loaded.object);
    if (!own) return;
    const labelSources = copiedLabels(made.labelsFrom, loaded.object);
    // Copied labels first: the operator's own labels win a clash (they are what its selectors use).
    const labels = Object.assign({}, ...labelSources.map(source => source.labels), own) as Record<string, string>;
    out.push({ owner: loaded, origin: originOf(file, loaded), role: made.role, labels, ports: containerPorts(made.ports, loaded.object), labelSources });
  });
});

export const operatorPodDisruptionBudgets = perSet(function operatorPodDisruptionBudgets(set: ObjectSet): OperatorPodDisruptionBudget[] {
  return collect<OperatorPodDisruptionBudget, MadePodDisruptionBudget>('operatorPodDisruptionBudgets', set, resource => resource.podDisruptionBudgets, (made, loaded, file, out) => {
    const name = renderTemplate(made.name, loaded.object);
    const matchLabels = renderMap(made.selector, loaded.object);
    if (!name || !matchLabels) return;
    const minAvailable = made.minAvailableAt ? numberAt(loaded.object, made.minAvailableAt) + made.minAvailableAt.offset : made.minAvailable;
    const object: KubernetesObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, ...namespaced(loaded) },
      spec: {
        selector: { matchLabels },
        ...(minAvailable !== undefined ? { minAvailable } : {}),
        ...(made.maxUnavailable !== undefined ? { maxUnavailable: made.maxUnavailable } : {}),
      },
    };
    out.push({ owner: loaded, origin: originOf(file, loaded), object });
  });
});

export const operatorAutoscalers = perSet(function operatorAutoscalers(set: ObjectSet): OperatorAutoscaler[] {
  return collect<OperatorAutoscaler, MadeAutoscaler>('operatorAutoscalers', set, resource => resource.autoscalers, (made, loaded, file, out) => {
    const name = renderTemplate(made.name, loaded.object);
    const ref = {
      apiVersion: renderTemplate(made.scaleTargetRef.apiVersion, loaded.object),
      kind: renderTemplate(made.scaleTargetRef.kind, loaded.object),
      name: renderTemplate(made.scaleTargetRef.name, loaded.object),
    };
    if (!name) return;
    const object: KubernetesObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, ...namespaced(loaded) },
      spec: {
        scaleTargetRef: Object.fromEntries(Object.entries(ref).filter(([, value]) => value !== undefined)),
        minReplicas: numberAt(loaded.object, made.minReplicas),
        maxReplicas: numberAt(loaded.object, made.maxReplicas),
      },
    };
    out.push({ owner: loaded, origin: originOf(file, loaded), object, targetField: made.targetField });
  });
});

/** One reference a custom resource makes to a Secret or another resource, with the field it is in. */
export interface OperatorReference {
  owner: LoadedObject;
  /** `spec.secretTargetRef[0].name`. */
  field: string;
  secret?: { name: string; key?: string };
  object?: { group: string; kind: string; name: string };
  consequence: string;
}

/** The items at a path, each with its printed field path (`spec.triggers[1].authenticationRef`). */
export function entriesAt(object: unknown, path: string | undefined): Array<{ value: unknown; field: string }> {
  let current: Array<{ value: unknown; field: string }> = [{ value: object, field: '' }];
  for (const segment of path === undefined ? [] : parsePath(path)) {
    const next: Array<{ value: unknown; field: string }> = [];
    for (const { value, field } of current) {
      if (segment === EACH) asArray(value).forEach((item, index) => next.push({ value: item, field: `${field}[${index}]` }));
      else {
        const record = asRecord(value);
        if (record && Object.prototype.hasOwnProperty.call(record, segment)) next.push({ value: record[segment], field: field ? `${field}.${segment}` : segment });
      }
    }
    current = next;
  }
  return current.filter(({ value }) => value !== undefined && value !== null);
}

function joinField(base: string, path: string): string {
  return base ? `${base}.${path}` : path;
}

export const operatorReferences = perSet(function operatorReferences(set: ObjectSet): OperatorReference[] {
  const secrets = collect<OperatorReference, ReadsSecret>('readsSecrets', set, resource => resource.readsSecrets, (reads, loaded, _file, out) => {
    for (const item of entriesAt(loaded.object, reads.itemsAt)) {
      const name = scalarAt(item.value, reads.name);
      if (typeof name !== 'string' || name === '') continue;
      const key = reads.key === undefined ? undefined : scalarAt(item.value, reads.key);
      out.push({ owner: loaded, field: joinField(item.field, reads.name), secret: { name, ...(typeof key === 'string' ? { key } : {}) }, consequence: reads.consequence });
    }
  });
  const objects = collect<OperatorReference, ReadsObject>('readsObjects', set, resource => resource.readsObjects, (reads, loaded, _file, out) => {
    for (const item of entriesAt(loaded.object, reads.itemsAt)) {
      const name = scalarAt(item.value, reads.name);
      if (typeof name !== 'string' || name === '') continue;
      const kind = reads.kindField === undefined ? undefined : scalarAt(item.value, reads.kindField);
      if (kind !== undefined && kind !== reads.kind) continue;
      if (reads.namespaceField !== undefined && scalarAt(item.value, reads.namespaceField) !== undefined) continue;
      out.push({ owner: loaded, field: joinField(item.field, reads.name), object: { group: reads.group, kind: reads.kind, name }, consequence: reads.consequence });
    }
  });
  return [...secrets, ...objects];
});

/** A pod template a custom resource embeds (KEDA ScaledJob), if its data file declares one. */
export function embeddedPodTemplate(object: KubernetesObject): EmbeddedPodTemplate | undefined {
  for (const { resource } of operatorDefinitions(object)) {
    const template = resource.podTemplates?.[0];
    if (template) return template;
  }
  return undefined;
}

/** How a resource's pods copy labels: the fields the catalog checks read, with what they hold. */
export function operatorPodLabelSources(loaded: LoadedObject): Array<{ field: string; labels: Record<string, string> }> {
  const sources = new Map<string, Record<string, string>>();
  for (const { resource } of operatorDefinitions(loaded.object)) {
    for (const pods of resource.pods ?? []) {
      if (!holds(pods.when, loaded.object)) continue;
      for (const { path } of pods.labelsFrom ?? []) sources.set(path, asStringMap(scalarAt(loaded.object, path)));
    }
  }
  return [...sources].map(([field, labels]) => ({ field, labels }));
}

/** Operators that make Secrets, for messages: `CloudNativePG, RabbitMQ Cluster Operator, ...`. */
export function secretMakingOperators(): string[] {
  return OPERATOR_FILES.filter(file => file.resources.some(resource => (resource.secrets ?? []).length > 0)).map(file => file.operator);
}
