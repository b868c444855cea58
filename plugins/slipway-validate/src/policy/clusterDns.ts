import type { KubernetesObject, LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  argoCdApplications,
  asString,
  asStringMap,
  containersOf,
  deployedServices,
  getPath,
  nameOf,
  objectSets,
  objectsOfKind,
  podTemplates,
  problemsFor,
  recordsOf,
  sameNamespace,
  wellFormed,
  type ObjectSet,
} from '../kube';

/**
 * In-cluster addresses must be fully qualified. Seed 000's broadcaster in `staging`
 * dialled `my-nats`, which lived in `default`: short names resolve only in the
 * caller's own namespace. `<svc>.<ns>.svc.cluster.local` resolves from anywhere.
 */

const problem = problemsFor('policy');
const RULE = 'dns-short-name';
const CLUSTER_SUFFIX = '.svc.cluster.local';
/** Namespaces platform add-ons usually live in, for telling `svc.ns` from `example.com`. */
const WELL_KNOWN_NAMESPACES = [
  'default', 'kube-system', 'monitoring', 'prometheus', 'observability', 'logging', 'argocd', 'argo-rollouts',
  'cnpg-system', 'cert-manager', 'ingress-nginx', 'gateway-system', 'nginx-gateway', 'envoy-gateway-system',
  'istio-system', 'linkerd', 'keda', 'external-secrets', 'vault', 'nats', 'redis', 'kafka', 'database',
];
/** Keys whose value is a bare host (not a URL). */
const HOST_KEY = /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT|BROKERS?)$/i;
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@"'`]*@)?([A-Za-z0-9.-]+)/gi;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Hosts named by a value: every URL's host, or the whole value when the key names a host. */
export function hostsIn(key: string, value: string): string[] {
  const hosts = [...value.matchAll(URL_PATTERN)].map(match => match[1]);
  if (hosts.length > 0) return hosts;
  const single = value.trim();
  if (HOST_KEY.test(key) && /^[A-Za-z0-9.-]+(:\d+)?$/.test(single)) return [single.replace(/:\d+$/, '')];
  return [];
}

/** Namespaces the repo names (objects, Namespaces, Applications' destinations) and those add-ons usually live in. */
export function knownNamespaces(model: RepoModel): Set<string> {
  const out = new Set(WELL_KNOWN_NAMESPACES);
  const all = wellFormed([...model.rawObjects, ...[...model.environments.values()].flat()]);
  for (const { object } of all) {
    if (object.metadata?.namespace) out.add(object.metadata.namespace);
    if (object.kind === 'Namespace' && object.metadata?.name) out.add(object.metadata.name);
  }
  for (const { object } of argoCdApplications(model)) {
    const namespace = asString(getPath(object, 'spec', 'destination', 'namespace'));
    if (namespace) out.add(namespace);
  }
  return out;
}

interface HostContext {
  set: ObjectSet;
  owner: KubernetesObject;
  namespaces: Set<string>;
  /** The caller is not the pod's namespace (Argo Rollouts queries Prometheus from its controller). */
  strict: boolean;
}

/** Why a host does not resolve reliably, or undefined when it is fine. */
function shortNameFault(host: string, context: HostContext): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost') || IPV4.test(name)) return undefined;
  if (name.endsWith(CLUSTER_SUFFIX)) return undefined;
  if (name.endsWith('.svc') || name.endsWith('.svc.cluster')) {
    return `"${host}" is a partial cluster name: write <svc>.<namespace>${CLUSTER_SUFFIX}`;
  }
  const labels = name.split('.');
  if (labels.length === 1) {
    // Services operators write count (a bare `orders-db-rw` from the pod's own namespace resolves).
    const local = deployedServices(context.set).some(({ object }) => nameOf(object) === name && sameNamespace(object, context.owner));
    if (local && !context.strict) return undefined;
    return `"${host}" is a bare service name, which resolves only in the caller's namespace: write <svc>.<namespace>${CLUSTER_SUFFIX}`;
  }
  if (labels.length === 2 && context.namespaces.has(labels[1]) && labels[1] !== context.owner.metadata?.namespace) {
    return `"${host}" is the short <svc>.<namespace> form pointing at namespace ${labels[1]}: write ${name}${CLUSTER_SUFFIX}`;
  }
  return undefined;
}

function checkValue(loaded: LoadedObject, field: string, key: string, value: string, context: HostContext): ValidationProblem[] {
  return hostsIn(key, value)
    .map(host => shortNameFault(host, context))
    .filter((fault): fault is string => fault !== undefined)
    .map(fault => problem(RULE, loaded, field, fault));
}

function checkSet(set: ObjectSet, namespaces: Set<string>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const template of podTemplates(set)) {
    const context = { set, owner: template.object, namespaces, strict: false };
    for (const ref of containersOf(template)) {
      for (const { record: env, index } of recordsOf(ref.container.env)) {
        const value = asString(env.value);
        if (value) out.push(...checkValue(template.loaded, `${ref.path}.env[${index}].value`, asString(env.name) ?? '', value, context));
      }
    }
  }
  for (const loaded of objectsOfKind(set, 'ConfigMap')) {
    const context = { set, owner: loaded.object, namespaces, strict: false };
    for (const [key, value] of Object.entries(asStringMap(loaded.object.data))) {
      out.push(...checkValue(loaded, `data.${key}`, key, value, context));
    }
  }
  for (const loaded of objectsOfKind(set, 'AnalysisTemplate', 'ClusterAnalysisTemplate')) {
    const context = { set, owner: loaded.object, namespaces, strict: true };
    for (const { record: metric, index } of recordsOf(getPath(loaded.object, 'spec', 'metrics'))) {
      const address = asString(getPath(metric, 'provider', 'prometheus', 'address'));
      if (address) {
        out.push(...checkValue(loaded, `spec.metrics[${index}].provider.prometheus.address`, 'address', address, context));
      }
    }
  }
  return out;
}

export const checkClusterDns: ModelCheck = model => {
  const namespaces = knownNamespaces(model);
  return objectSets(model).flatMap(set => checkSet(set, namespaces));
};
