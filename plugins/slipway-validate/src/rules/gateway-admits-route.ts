import type { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  PLATFORM_DIR,
  apiGroup,
  applicationSyncOptions,
  argoCdApplications,
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringMap,
  deployingApplications,
  getPath,
  matchesLabelSelector,
  nameOf,
  objectProblem,
  objectSets,
  objectsOfKind,
  recordsOf,
  wellFormed,
  type JsonRecord,
  type ObjectSet,
} from '../kube';
import { findGateway, GATEWAY_API_GROUP, isGatewayApi, namesGateway } from './gateway-data-planes';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * A route serves traffic only once a Gateway listener accepts it. Gateway API
 * (https://gateway-api.sigs.k8s.io/reference/spec/):
 * - ParentReference: group "When unspecified, gateway.networking.k8s.io is inferred", kind
 *   defaults to Gateway, namespace "When unspecified, this refers to the local namespace of the
 *   Route". sectionName is the listener name; port "targets all listeners listening on the
 *   specified port"; "When both Port and SectionName are specified, the name and port of the
 *   selected listener must match both". Without either, the whole Gateway: "If no Gateway
 *   listeners accept attachment from this Route, the Route MUST be considered detached".
 * - Listener.allowedRoutes defaults to `{namespaces: {from: Same}}`; RouteNamespaces.from is
 *   All, Selector ("Routes in namespaces selected by the selector") or Same. allowedRoutes.kinds
 *   "When unspecified or empty, the kinds of Routes selected are determined using the Listener
 *   protocol" (HTTP and HTTPS carry HTTPRoute and GRPCRoute, see GRPCRoute's doc on both).
 * - HTTPRouteSpec.hostnames: "If both the Listener and HTTPRoute have specified hostnames, and
 *   none match ..., then the HTTPRoute is not accepted"; `*.` is a suffix match
 *   (`*.example.com` matches `foo.test.example.com`, not `example.com`).
 * A namespace's labels: `kubernetes.io/metadata.name: <name>` on every namespace (set by the API
 * server), a Namespace manifest's labels, and Argo CD's managedNamespaceMetadata, which applies
 * only with CreateNamespace=true ("otherwise nothing will happen") and is overwritten by a
 * Namespace manifest in the same Application (argo-cd docs/user-guide/sync-options.md).
 * Whatever the repo does not say (a namespace nobody names, a protocol of an implementation's
 * own) is taken as admitting: the rule reports only what it can prove.
 */

const RULE = 'gateway-admits-route';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Route kinds a listener accepts when allowedRoutes.kinds is empty, by protocol (Core protocols only). */
const KINDS_BY_PROTOCOL = new Map<string, string[]>([
  ['HTTP', ['HTTPRoute', 'GRPCRoute']],
  ['HTTPS', ['HTTPRoute', 'GRPCRoute']],
  ['TLS', ['TLSRoute']],
  ['TCP', ['TCPRoute']],
  ['UDP', ['UDPRoute']],
]);
/** Protocols whose listeners match on hostname; the field is ignored for the others. */
const HOSTNAME_PROTOCOLS = ['HTTP', 'HTTPS', 'TLS'];

/** What the repo says about one namespace's labels, and where it says it. */
interface NamespaceMetadata {
  labels: Record<string, string>;
  sources: string[];
}

/** What the checks of one run share: the repo's Gateways, Applications and Namespaces. */
interface RepoFacts {
  model: RepoModel;
  /** Gateways outside the overlays' builds: deploy/platform and any other raw manifest. */
  rawGateways: LoadedObject[];
  namespaceObjects: LoadedObject[];
  applications: readonly LoadedObject[];
  /** Namespaces an Application deploys a Namespace manifest for (it overrides managedNamespaceMetadata). */
  manifestedBy: Map<LoadedObject, Set<string>>;
  /** The destination namespace of the Application(s) that deploy each object set. */
  destinationOf: Map<ObjectSet, string>;
}

function repoFacts(model: RepoModel, sets: readonly ObjectSet[]): RepoFacts {
  const raw = wellFormed(model.rawObjects);
  const manifestedBy = new Map<LoadedObject, Set<string>>();
  const destinationOf = new Map<ObjectSet, string>();
  for (const { application, sets: deployed } of deployingApplications(model)) {
    const names = new Set(deployed.flatMap(set => objectsOfKind(set, 'Namespace').map(({ object }) => nameOf(object))));
    manifestedBy.set(application, names);
    const destination = asString(getPath(application.object, 'spec', 'destination', 'namespace'));
    for (const deployedSet of deployed) {
      const set = sets.find(candidate => candidate.environment === deployedSet.environment);
      if (destination && set && !destinationOf.has(set)) destinationOf.set(set, destination);
    }
  }
  return {
    model,
    rawGateways: raw.filter(loaded => isGatewayApi(loaded, 'Gateway')),
    namespaceObjects: raw.filter(loaded => loaded.object.kind === 'Namespace' && loaded.object.apiVersion === 'v1'),
    applications: argoCdApplications(model),
    manifestedBy,
    destinationOf,
  };
}

/** The labels the namespace will carry, as far as the repo tells. */
function namespaceMetadata(facts: RepoFacts, set: ObjectSet, namespace: string): NamespaceMetadata {
  // Kubernetes' own label first (it is also written last: nothing can change it).
  const labels: Record<string, string> = { [NAMESPACE_NAME_LABEL]: namespace };
  const sources: string[] = [];
  for (const application of facts.applications) {
    const object = application.object;
    if (asString(getPath(object, 'spec', 'destination', 'namespace')) !== namespace) continue;
    if (!applicationSyncOptions(object).includes('CreateNamespace=true')) continue;
    if (facts.manifestedBy.get(application)?.has(namespace)) continue;
    const managed = asStringMap(getPath(object, 'spec', 'syncPolicy', 'managedNamespaceMetadata', 'labels'));
    if (Object.keys(managed).length === 0) continue;
    Object.assign(labels, managed);
    sources.push(`Application/${nameOf(object)} spec.syncPolicy.managedNamespaceMetadata`);
  }
  const manifests = [...objectsOfKind(set, 'Namespace'), ...facts.namespaceObjects].filter(({ object }) => nameOf(object) === namespace);
  for (const manifest of manifests) {
    Object.assign(labels, asStringMap(manifest.object.metadata.labels));
    const source = `Namespace/${namespace} (${manifest.file})`;
    if (!sources.includes(source)) sources.push(source);
  }
  labels[NAMESPACE_NAME_LABEL] = namespace;
  return { labels, sources };
}

/** `*.example.com` → `.example.com`; a plain hostname → undefined. */
function wildcardSuffix(hostname: string): string | undefined {
  return hostname.startsWith('*.') ? hostname.slice(1) : undefined;
}

/** Whether a listener hostname and a route hostname have a host in common (`*.` is a suffix match). */
export function hostnamesIntersect(listener: string, route: string): boolean {
  const left = listener.toLowerCase();
  const right = route.toLowerCase();
  const leftSuffix = wildcardSuffix(left);
  const rightSuffix = wildcardSuffix(right);
  if (leftSuffix && rightSuffix) return leftSuffix.endsWith(rightSuffix) || rightSuffix.endsWith(leftSuffix);
  if (leftSuffix) return right.endsWith(leftSuffix);
  if (rightSuffix) return left.endsWith(rightSuffix);
  return left === right;
}

function describeLabels(labels: Record<string, string>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ');
}

/** A metav1.LabelSelector in words: `slipway.dev/gateway=public-gateway and team In (a, b)`. */
function describeSelector(selector: JsonRecord): string {
  const terms = Object.entries(asStringMap(selector.matchLabels)).map(([key, value]) => `${key}=${value}`);
  for (const { record } of recordsOf(selector.matchExpressions)) {
    const key = asString(record.key) ?? '?';
    const values = asArray(record.values).map(String).join(', ');
    const operator = asString(record.operator) ?? '?';
    terms.push(operator === 'Exists' ? `${key} (any value)` : operator === 'DoesNotExist' ? `no ${key}` : `${key} ${operator} (${values})`);
  }
  return terms.join(' and ');
}

interface RouteContext {
  route: LoadedObject;
  /** The route's namespace, or undefined when neither the object nor its Application names one. */
  namespace: string | undefined;
  namespaceMetadata: () => NamespaceMetadata | undefined;
  hostnames: string[];
  group: string;
}

/** Why a listener does not accept the route, or undefined when it does (or the repo cannot tell). */
function listenerRefusal(listener: JsonRecord, gateway: KubernetesObject, context: RouteContext): string | undefined {
  const protocol = asString(listener.protocol) ?? '';
  const allowed = asRecord(listener.allowedRoutes);
  const kinds = recordsOf(allowed?.kinds);
  if (kinds.length > 0) {
    const admits = kinds.some(({ record }) => record.kind === context.route.object.kind && (asString(record.group) ?? GATEWAY_API_GROUP) === context.group);
    if (!admits) return `admits only ${kinds.map(({ record }) => String(record.kind)).join(', ')} (allowedRoutes.kinds), not ${context.route.object.kind}`;
  } else {
    const byProtocol = KINDS_BY_PROTOCOL.get(protocol);
    if (byProtocol && !byProtocol.includes(context.route.object.kind)) {
      return `is a ${protocol} listener, which carries ${byProtocol.join(', ')}, not ${context.route.object.kind}`;
    }
  }

  const namespaces = asRecord(allowed?.namespaces);
  const from = asString(namespaces?.from) ?? 'Same';
  const gatewayNamespace = gateway.metadata.namespace;
  if (from === 'Same') {
    if (context.namespace !== undefined && gatewayNamespace !== undefined && context.namespace !== gatewayNamespace) {
      return `admits routes only from its own namespace ${gatewayNamespace} (allowedRoutes.namespaces.from: Same${namespaces?.from === undefined ? ', the default' : ''}); the route is in ${context.namespace}`;
    }
  } else if (from === 'Selector') {
    const selector = asRecord(namespaces?.selector);
    if (!selector) return 'has allowedRoutes.namespaces.from: Selector without a selector, so it admits no namespace';
    const metadata = context.namespaceMetadata();
    if (metadata && !matchesLabelSelector(selector, metadata.labels)) {
      const where = metadata.sources.length > 0 ? ` (from ${metadata.sources.join(', ')})` : ' (only the label Kubernetes sets: nothing in the repo labels it)';
      return `admits routes only from namespaces labelled ${describeSelector(selector)}; namespace ${context.namespace} has ${describeLabels(metadata.labels)}${where}`;
    }
  } else if (from !== 'All') {
    return `has allowedRoutes.namespaces.from: ${from}, which is not All, Selector or Same`;
  }

  const hostname = asString(listener.hostname);
  if (hostname && HOSTNAME_PROTOCOLS.includes(protocol) && context.hostnames.length > 0) {
    if (!context.hostnames.some(routeHost => hostnamesIntersect(hostname, routeHost))) {
      return `has hostname ${hostname}, which none of the route's hostnames (${context.hostnames.join(', ')}) matches`;
    }
  }
  return undefined;
}

type ParentVerdict =
  | { attached: true }
  | { attached: false; field: string; text: string; detached: boolean };

/** Whether one parentRef attaches the route, and if not, why. */
function judgeParent(facts: RepoFacts, set: ObjectSet, context: RouteContext, parent: JsonRecord, field: string): ParentVerdict | undefined {
  // Services (mesh) and implementation-specific parents are outside what this rule can prove.
  if (!namesGateway(parent)) return undefined;
  const name = asString(parent.name);
  if (!name) return undefined; // the schema stage reports a parentRef without a name
  const namespace = asString(parent.namespace) || context.namespace;
  const shown = `Gateway ${namespace ? `${namespace}/` : ''}${name}`;
  // The overlay's own Gateways first, then the repo's other manifests.
  const gateway = findGateway([...objectsOfKind(set, 'Gateway'), ...facts.rawGateways], name, namespace);
  if (!gateway) {
    return {
      attached: false,
      field,
      detached: false,
      text: `${shown} is not declared in the repo: the cluster prerequisite is not in the repo (${PLATFORM_DIR.replace(/\/$/, '')}), so nothing shows it exists and admits this route`,
    };
  }
  const shownAt = `${shown} (${gateway.file})`;
  const listeners = recordsOf(getPath(gateway.object, 'spec', 'listeners')).map(({ record }) => record);
  const sectionName = asString(parent.sectionName);
  const port = asNumber(parent.port);
  const selected = listeners.filter(listener =>
    (sectionName === undefined || listener.name === sectionName) && (port === undefined || asNumber(listener.port) === port));
  if (selected.length === 0) {
    const wanted = [sectionName !== undefined ? `named "${sectionName}"` : '', port !== undefined ? `on port ${port}` : ''].filter(Boolean).join(' ');
    const known = listeners.map(listener => `${String(listener.name)} (${String(listener.port)})`).join(', ') || 'none';
    return {
      attached: false,
      field: sectionName !== undefined ? `${field}.sectionName` : port !== undefined ? `${field}.port` : field,
      detached: true,
      text: `${shownAt} has no listener${wanted ? ` ${wanted}` : 's'} (listeners: ${known})`,
    };
  }
  const refusals = selected.map(listener => ({ listener, reason: listenerRefusal(listener, gateway.object, context) }));
  if (refusals.some(({ reason }) => reason === undefined)) return { attached: true };
  const reasons = [...new Set(refusals.map(({ reason }) => reason as string))];
  const text = reasons.length === 1
    ? `${shownAt} ${reasons[0]}`
    : `${shownAt}: ${refusals.map(({ listener, reason }) => `listener ${String(listener.name)} ${reason}`).join('; ')}`;
  return { attached: false, field, detached: true, text };
}

function checkRoute(facts: RepoFacts, set: ObjectSet, route: LoadedObject): ValidationProblem[] {
  const namespace = route.object.metadata.namespace ?? facts.destinationOf.get(set);
  let metadata: NamespaceMetadata | undefined | null = null;
  const context: RouteContext = {
    route,
    namespace,
    namespaceMetadata: () => {
      if (metadata === null) metadata = namespace === undefined ? undefined : namespaceMetadata(facts, set, namespace);
      return metadata;
    },
    hostnames: asArray(getPath(route.object, 'spec', 'hostnames')).filter((host): host is string => typeof host === 'string'),
    group: apiGroup(route.object.apiVersion ?? ''),
  };
  const report = (path: Array<string | number>, field: string, text: string) =>
    atSource(facts.model, route, path, objectProblem('reference', RULE, route, field, text));

  const parents = recordsOf(getPath(route.object, 'spec', 'parentRefs'));
  if (parents.length === 0) {
    return [report(['spec', 'parentRefs'], 'spec.parentRefs', 'names no Gateway: the route is not attached and serves nothing')];
  }
  const verdicts = parents.map(({ record, index }) => ({ index, verdict: judgeParent(facts, set, context, record, `spec.parentRefs[${index}]`) }));
  const servesNothing = verdicts.every(({ verdict }) => verdict !== undefined && !verdict.attached);
  const out: ValidationProblem[] = [];
  for (const { index, verdict } of verdicts) {
    if (!verdict || verdict.attached) continue;
    const outcome = !verdict.detached ? '' : servesNothing ? ': the route is not attached and serves nothing' : ': the route is not attached to it';
    out.push(report(['spec', 'parentRefs', index], verdict.field, `${verdict.text}${outcome}`));
  }
  return out;
}

export const gatewayAdmitsRoute = defineCheck({
  id: 'gateway-admits-route',
  check: 'reference',
  summary:
    'Every HTTPRoute and GRPCRoute parentRef names a Gateway the repo declares (deploy/platform), and a listener it selects (sectionName, port) admits the route: its kind, its namespace (allowedRoutes.namespaces: Same, All, or a Selector matched against the labels Kubernetes, Argo CD\'s managedNamespaceMetadata and Namespace manifests give it) and its hostnames. Otherwise the route is not attached and serves nothing.',
  remediation:
    'Declare the Gateway in deploy/platform (the cluster prerequisites), and make one of its listeners admit the route: label the route\'s namespace as the listener\'s allowedRoutes selector asks (spec.syncPolicy.managedNamespaceMetadata.labels with CreateNamespace=true on the Argo CD Application), name an existing listener in sectionName, and give the listener a hostname that matches the route\'s hostnames (or none).',
  source:
    'https://gateway-api.sigs.k8s.io/reference/spec/ (ParentReference; Listener.allowedRoutes, default {namespaces: {from: Same}}; RouteNamespaces; HTTPRouteSpec.hostnames: "If both the Listener and HTTPRoute have specified hostnames, and none match …, then the HTTPRoute is not accepted"); https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#namespace-metadata ("CreateNamespace=true needs to be set as a sync option, otherwise nothing will happen")',
  run(model) {
    const sets = objectSets(model);
    const facts = repoFacts(model, sets);
    return sets.flatMap(set => objectsOfKind(set, ...ROUTE_KINDS)
      .filter(({ object }) => apiGroup(object.apiVersion ?? '') === GATEWAY_API_GROUP)
      .flatMap(route => checkRoute(facts, set, route)));
  },
});
