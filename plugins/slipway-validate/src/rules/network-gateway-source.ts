import { ENVOY_GATEWAY, GATEWAY_IMPLEMENTATIONS, ISTIO, NGINX_GATEWAY_FABRIC } from '@slipway/common';
import type { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  asStringMap,
  deployedServices,
  getPath,
  matchesLabelSelector,
  matchesServiceSelector,
  nameOf,
  objectProblem,
  objectRef,
  objectSets,
  objectsOfKind,
  podGroups,
  podPortOfTarget,
  podsInPolicyNamespace,
  policyEnforces,
  policyPortAdmits,
  recordsOf,
  sameNamespace,
  type JsonRecord,
  type ObjectSet,
  type PodGroup,
  type PodPort,
} from '../kube';
import { namesGateway, proxySourceOf, type ProxySource } from './gateway-data-planes';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * A Gateway's traffic reaches a backend pod from the implementation's proxy pods, and a
 * NetworkPolicy judges that source, never the Gateway object: "traffic ... is allowed if it
 * matches at least one rule", and a peer's namespaceSelector and podSelector select *pods*
 * (Kubernetes API, NetworkPolicyPeer). Envoy Gateway runs the proxies in its controller's
 * namespace (envoy-gateway-system) unless it is in Gateway Namespace Mode; Istio and NGINX
 * Gateway Fabric run them beside the Gateway (gatewayDataPlanes.ts in @slipway/common quotes
 * each). So a policy admitting "the Gateway's namespace" behind a default deny drops every
 * request the route sends to the service under Envoy Gateway, while every schema passes.
 *
 * For each route backend whose pods a policy isolates for ingress, some ingress rule of a
 * policy selecting them must admit the proxies on the pod port the Service's targetPort
 * reaches. A peer is judged only on what the repo proves: an ipBlock, a namespace picked by
 * other labels, or pod labels the implementation does not set are accepted; a namespace the
 * proxies do not run in, or a pod label that contradicts theirs, is not. For an unknown
 * implementation only a podSelector-only peer (the policy's own namespace) while the Gateway
 * lives elsewhere is refused. With Envoy Gateway, a peer that selects this Gateway's proxies
 * by their owning-gateway labels states where this cluster runs them (Gateway Namespace Mode,
 * or a controller installed elsewhere): its namespace is then taken as given.
 */

const RULE = 'network-gateway-source';
const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';
/** Label keys that show a peer was written for some gateway's proxies (the Gateway-identifying ones). */
const PROXY_LABEL_KEYS = new Set(
  GATEWAY_IMPLEMENTATIONS.flatMap(implementation => Object.keys(implementation.gatewayPodLabels({ name: '-', namespace: '-', className: '-' }))),
);

/** Namespaces the known implementations install their controllers (and Envoy Gateway its proxies) in. */
const CONTROLLER_NAMESPACES = new Set(GATEWAY_IMPLEMENTATIONS.flatMap(implementation => implementation.defaultControllerNamespace ?? []));

type Verdict = { admits: true } | { admits: false; reason: string };
const ADMITS: Verdict = { admits: true };

/** The namespaces a namespaceSelector picks by name, or undefined when it picks by other labels (or all). */
function namespacesNamed(selector: unknown): string[] | undefined {
  const record = asRecord(selector);
  if (!record) return undefined;
  const named = asStringMap(record.matchLabels)[NAMESPACE_NAME];
  const sets: string[][] = named !== undefined ? [[named]] : [];
  for (const { record: expression } of recordsOf(record.matchExpressions)) {
    if (asString(expression.key) === NAMESPACE_NAME && asString(expression.operator) === 'In') sets.push(asArray(expression.values).map(String));
  }
  if (sets.length === 0) return undefined;
  return sets.reduce((left, right) => left.filter(name => right.includes(name)));
}

/** Why a podSelector can never match the proxies (a label of theirs it asks to differ), if it cannot. */
function labelContradiction(selector: unknown, source: ProxySource): string | undefined {
  const record = asRecord(selector);
  if (!record) return undefined;
  for (const [key, value] of Object.entries(asStringMap(record.matchLabels))) {
    const theirs = source.podLabels[key];
    if (theirs !== undefined && theirs !== value) {
      return `its podSelector asks for ${key}=${value}, but ${source.proxies} are labelled ${key}=${theirs}`;
    }
  }
  for (const { record: expression, index } of recordsOf(record.matchExpressions)) {
    const key = asString(expression.key);
    if (key === undefined || source.podLabels[key] === undefined) continue;
    if (!matchesLabelSelector({ matchExpressions: [expression] }, source.podLabels)) {
      return `its podSelector.matchExpressions[${index}] excludes ${key}=${source.podLabels[key]}, a label of ${source.proxies}`;
    }
  }
  return undefined;
}

/** Whether the peer picks this Gateway's proxies by their own labels (the implementation's Gateway-identifying ones). */
function selectsByGatewayLabels(selector: unknown, source: ProxySource): boolean {
  const matchLabels = asStringMap(asRecord(selector)?.matchLabels);
  return Object.entries(source.gatewayLabels).some(([key, value]) => matchLabels[key] === value);
}

/** Whether a peer admits the proxies, as far as the repo proves. */
function judgePeer(peer: JsonRecord, source: ProxySource, policy: KubernetesObject): Verdict {
  if (peer.ipBlock !== undefined) return ADMITS; // pod IPs may lie in the block: cannot judge
  if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return ADMITS;
  const own = policy.metadata?.namespace;
  const contradiction = source.implementation ? labelContradiction(peer.podSelector, source) : undefined;
  if (contradiction) return { admits: false, reason: contradiction };

  if (peer.namespaceSelector === undefined) {
    // podSelector alone: pods of the policy's own namespace.
    if (own === undefined) return ADMITS;
    if (source.implementation) {
      if (source.namespace === undefined || source.namespace === own) return ADMITS;
      return { admits: false, reason: `a podSelector without namespaceSelector admits pods of the policy's own namespace only, but ${source.where}` };
    }
    if (source.gatewayNamespace === undefined || source.gatewayNamespace === own) return ADMITS;
    return {
      admits: false,
      reason: `a podSelector without namespaceSelector admits pods of the policy's own namespace only, and ${source.where} run outside it, beside the Gateway or their controller`,
    };
  }

  const names = namespacesNamed(peer.namespaceSelector);
  if (!source.implementation || source.namespace === undefined || names === undefined || names.includes(source.namespace)) return ADMITS;
  if (source.implementation.placement === 'controller-namespace' && selectsByGatewayLabels(peer.podSelector, source)) return ADMITS;
  if (names.length === 0) return { admits: false, reason: `its namespaceSelector's name conditions exclude each other, so it selects no namespace, and ${source.where}` };
  return { admits: false, reason: `${source.where}, not in ${names.join(', ')}` };
}

/**
 * Whether a peer was written for a gateway, so a refusal is worth pointing at: it names the
 * Gateway's or the proxies' namespace, a known controller namespace or one called after a
 * gateway or ingress, or a proxy label. Other peers (Prometheus, a calling service) are left alone.
 */
function meantForGateway(peer: JsonRecord, source: ProxySource): boolean {
  const names = namespacesNamed(peer.namespaceSelector) ?? [];
  const gatewayish = (name: string) =>
    name === source.gatewayNamespace || name === source.namespace || CONTROLLER_NAMESPACES.has(name) || /gateway|ingress/.test(name);
  if (names.some(gatewayish)) return true;
  const record = asRecord(peer.podSelector);
  const matchLabels = Object.entries(asStringMap(record?.matchLabels));
  // A generic key (app.kubernetes.io/name) counts only with the proxies' value: `frontend` is a caller.
  if (matchLabels.some(([key, value]) => PROXY_LABEL_KEYS.has(key) || source.podLabels[key] === value)) return true;
  return recordsOf(record?.matchExpressions).some(({ record: expression }) => PROXY_LABEL_KEYS.has(asString(expression.key) ?? ''));
}

interface Backend {
  route: LoadedObject;
  service: LoadedObject;
  pods: PodGroup;
  port: PodPort;
  source: ProxySource;
}

function describePort(port: PodPort): string {
  return port.name ?? String(port.containerPort);
}

/** Every (route, Gateway, pods, pod port) a route's backendRefs lead to in this overlay. */
function backendsOf(model: RepoModel, set: ObjectSet, groups: PodGroup[]): Backend[] {
  const services = deployedServices(set);
  const out: Backend[] = [];
  for (const route of objectsOfKind(set, ...ROUTE_KINDS)) {
    const routeNamespace = route.object.metadata?.namespace;
    const sources = recordsOf(getPath(route.object, 'spec', 'parentRefs'))
      .filter(({ record }) => namesGateway(record) && asString(record.name))
      .map(({ record }) => proxySourceOf(model, set, route, record));
    if (sources.length === 0) continue;
    for (const { record: rule } of recordsOf(getPath(route.object, 'spec', 'rules'))) {
      for (const { record: ref } of recordsOf(rule.backendRefs)) {
        if ((asString(ref.kind) ?? 'Service') !== 'Service' || (asString(ref.group) ?? '') !== '') continue;
        // Another namespace's Services are not in the repo (and need a ReferenceGrant there).
        if ((asString(ref.namespace) ?? routeNamespace) !== routeNamespace) continue;
        const service = services.find(loaded => nameOf(loaded.object) === asString(ref.name) && sameNamespace(loaded.object, route.object));
        if (!service) continue; // httproute-backend-exists reports it
        const ports = recordsOf(getPath(service.object, 'spec', 'ports')).map(({ record }) => record);
        const wanted = asNumber(ref.port);
        const servicePort = wanted === undefined ? (ports.length === 1 ? ports[0] : undefined) : ports.find(port => asNumber(port.port) === wanted);
        if (!servicePort) continue;
        const protocol = asString(servicePort.protocol) ?? 'TCP';
        const selector = asStringMap(getPath(service.object, 'spec', 'selector'));
        for (const pods of groups) {
          if (!sameNamespace(pods.owner.object, service.object) || !matchesServiceSelector(selector, pods.labels)) continue;
          const port = podPortOfTarget(pods, servicePort.targetPort ?? servicePort.port, protocol);
          if (!port) continue; // a targetPort name the pods do not declare: the Service has no endpoint there
          for (const source of sources) out.push({ route, service, pods, port, source });
        }
      }
    }
  }
  return out;
}

function checkBackend(model: RepoModel, backend: Backend, isolating: LoadedObject[]): ValidationProblem[] {
  const { pods, port, source, route } = backend;
  const owner = objectRef(pods.owner.object);
  const consequence = `no ingress rule admits them to port ${describePort(port)} of ${owner}, so ${objectRef(route.object)}'s traffic is dropped`;
  const refusals: ValidationProblem[] = [];
  const portMisses: ValidationProblem[] = [];

  for (const policy of isolating) {
    for (const { record: rule, index } of recordsOf(getPath(policy.object, 'spec', 'ingress'))) {
      const entries = recordsOf(rule.ports);
      const portAdmits = asArray(rule.ports).length === 0 || entries.some(({ record }) => policyPortAdmits(record, port));
      const peers = recordsOf(rule.from);
      // No peers: every source.
      const verdicts = peers.map(({ record, index: at }) => ({ at, record, verdict: judgePeer(record, source, policy.object) }));
      const admitted = asArray(rule.from).length === 0 || verdicts.some(({ verdict }) => verdict.admits);
      if (admitted && portAdmits) return [];
      if (portAdmits) {
        for (const { at, record, verdict } of verdicts) {
          if (verdict.admits || !meantForGateway(record, source)) continue;
          const path = ['spec', 'ingress', index, 'from', at];
          refusals.push(atSource(model, policy, path, objectProblem('reference', RULE, policy, `spec.ingress[${index}].from[${at}]`, `${verdict.reason}: ${consequence}`)));
        }
      } else if (admitted && verdicts.some(({ record, verdict }) => verdict.admits && meantForGateway(record, source))) {
        const declared = entries.map(({ record }) => `${String(record.port ?? 'all')}/${asString(record.protocol) ?? 'TCP'}`).join(', ');
        const target = `${describePort(port)}${port.name && port.containerPort !== undefined ? ` (${port.containerPort})` : ''}`;
        portMisses.push(atSource(model, policy, ['spec', 'ingress', index, 'ports'], objectProblem('reference', RULE, policy, `spec.ingress[${index}].ports`,
          `admits ${source.proxies} on ${declared} only, not on port ${target} that Service/${nameOf(backend.service.object)} forwards to: ${consequence}`)));
      }
    }
  }
  if (refusals.length > 0) return refusals;
  if (portMisses.length > 0) return portMisses;
  // The policy that isolates them: a deny (no ingress rules) when there is one.
  const policy = isolating.find(each => asArray(getPath(each.object, 'spec', 'ingress')).length === 0) ?? isolating[0];
  return [atSource(model, policy, ['spec', 'podSelector'], objectProblem('reference', RULE, policy, 'spec.podSelector',
    `isolates the pods of ${owner} for ingress, and ${source.where}: ${consequence}`))];
}

function checkSet(model: RepoModel, set: ObjectSet): ValidationProblem[] {
  const groups = podGroups(set);
  const selected = new Map<LoadedObject, PodGroup[]>(
    objectsOfKind(set, 'NetworkPolicy')
      .filter(policy => policyEnforces(policy.object, 'ingress'))
      .map(policy => [policy, podsInPolicyNamespace(groups, policy.object, getPath(policy.object, 'spec', 'podSelector'))]),
  );
  const seen = new Set<string>();
  const out: ValidationProblem[] = [];
  for (const backend of backendsOf(model, set, groups)) {
    // The stable and canary Services lead to the same pods and port: judge each once.
    const key = `${backend.source.gatewayRef}|${groups.indexOf(backend.pods)}|${backend.port.protocol}|${backend.port.containerPort}|${backend.port.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const isolating = [...selected].filter(([, pods]) => pods.includes(backend.pods)).map(([policy]) => policy);
    if (isolating.length === 0) continue; // not isolated: every source may connect
    out.push(...checkBackend(model, backend, isolating));
  }
  return out;
}

export const networkGatewaySource = defineCheck({
  id: 'network-gateway-source',
  check: 'reference',
  summary:
    'Every HTTPRoute or GRPCRoute backend whose pods a NetworkPolicy isolates for ingress admits the Gateway\'s proxy pods, where its implementation runs them ' +
    '(Envoy Gateway: its controller namespace, envoy-gateway-system; Istio and NGINX Gateway Fabric: the Gateway\'s namespace), on the port the Service\'s targetPort reaches: ' +
    'admitting the Gateway object\'s namespace instead drops all of the route\'s traffic.',
  remediation:
    'Admit the proxies where they run, on the container port: with Envoy Gateway `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: envoy-gateway-system}}` and ' +
    '`podSelector: {matchLabels: {gateway.envoyproxy.io/owning-gateway-name: <gateway>, gateway.envoyproxy.io/owning-gateway-namespace: <gateway namespace>}}` ' +
    '(in Gateway Namespace Mode, or with the controller elsewhere, keep those labels and name that namespace); with Istio or NGINX Gateway Fabric the Gateway\'s namespace and ' +
    '`gateway.networking.k8s.io/gateway-name: <gateway>`. In a Slipway spec, set gateway.dataPlane.',
  source:
    `${ENVOY_GATEWAY.source} ("In standard deployment mode, Envoy Gateway creates all data plane resources in the controller namespace (typically envoy-gateway-system)"); ` +
    `${ISTIO.source}; ${NGINX_GATEWAY_FABRIC.source} ("creates a Service and an NGINX deployment in the same namespace as the Gateway"); ` +
    'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicyPeer',
  run(model) {
    return objectSets(model).flatMap(set => checkSet(model, set));
  },
});
