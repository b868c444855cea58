import type { LoadedObject } from './types';
import {
  asArray,
  asNumber,
  asString,
  getPath,
  matchesLabelSelector,
  objectsOfKind,
  podGroups,
  policyEnforces,
  policyPortAdmits,
  recordsOf,
  type JsonRecord,
  type NamedPort,
  type ObjectSet,
  type PodGroup,
  type PodPort,
  type PolicyDirection,
} from './kube';

/*
 * What NetworkPolicies allow between pods, by the networking.k8s.io/v1 rules (Kubernetes docs,
 * "Network Policies"): a pod is isolated in a direction once a policy of its namespace selects
 * it with that policyType, and then "the only allowed connections ... are those allowed by the
 * ingress [egress] list of some NetworkPolicy that applies to the pod"; a peer with a podSelector
 * alone means the policy's own namespace; "A single to/from entry that specifies both
 * namespaceSelector and podSelector selects particular Pods within particular namespaces".
 * Namespaces are matched by the label "The Kubernetes control plane sets ... on all namespaces"
 * (kubernetes.io/metadata.name, the namespace's name) plus those of any Namespace object here. ipBlock peers
 * name addresses, not pods, and never match a pod here.
 */

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A group of pods (one workload's, or an operator's) with the repo it comes from. */
export interface Endpoint {
  /** The repo (a system's part) the pods are rendered in. */
  repo: string;
  namespace: string;
  pods: PodGroup;
}

/** A NetworkPolicy in one environment with the repo that holds it. */
export interface RepoPolicy {
  repo: string;
  loaded: LoadedObject;
}

/** One ingress or egress rule of a policy. */
export interface PolicyRule {
  policy: RepoPolicy;
  direction: PolicyDirection;
  index: number;
  rule: JsonRecord;
}

/** Everything one environment's allows are judged on: the pods and the policies of every repo. */
export interface NetworkView {
  endpoints: Endpoint[];
  policies: RepoPolicy[];
  namespaceLabels: (namespace: string) => Record<string, string>;
  /** rulesApplying's answers, per endpoint and direction: every pair of endpoints asks them again. */
  applying: Map<Endpoint, Partial<Record<PolicyDirection, PolicyRule[]>>>;
}

/** The view of one environment's sets, each with the repo it belongs to. */
export function networkView(sets: ReadonlyArray<{ repo: string; set: ObjectSet }>): NetworkView {
  const endpoints: Endpoint[] = [];
  const policies: RepoPolicy[] = [];
  const declared = new Map<string, Record<string, string>>();
  for (const { repo, set } of sets) {
    for (const pods of podGroups(set)) {
      const namespace = pods.owner.object.metadata?.namespace;
      // Raw base objects have no namespace yet: nothing to say where their pods run.
      if (namespace !== undefined) endpoints.push({ repo, namespace, pods });
    }
    for (const loaded of objectsOfKind(set, 'NetworkPolicy')) policies.push({ repo, loaded });
    for (const loaded of objectsOfKind(set, 'Namespace')) {
      const labels = getPath(loaded.object, 'metadata', 'labels');
      declared.set(loaded.object.metadata?.name ?? '', { ...(labels as Record<string, string> | undefined) });
    }
  }
  return {
    endpoints,
    policies,
    namespaceLabels: namespace => ({ ...(declared.get(namespace) ?? {}), [NAMESPACE_NAME_LABEL]: namespace }),
    applying: new Map(),
  };
}

function policyNamespace(policy: RepoPolicy): string | undefined {
  return policy.loaded.object.metadata?.namespace;
}

/** Whether the policy applies to the endpoint's pods in `direction`. */
export function policySelects(policy: RepoPolicy, direction: PolicyDirection, endpoint: Endpoint): boolean {
  return (
    policyNamespace(policy) === endpoint.namespace &&
    policyEnforces(policy.loaded.object, direction) &&
    matchesLabelSelector(getPath(policy.loaded.object, 'spec', 'podSelector') ?? {}, endpoint.pods.labels)
  );
}

/** Whether one `from`/`to` element selects the other end's pods. */
function peerSelects(view: NetworkView, policy: RepoPolicy, peer: JsonRecord, other: Endpoint): boolean {
  if (peer.ipBlock !== undefined) return false;
  const namespaceMatches =
    peer.namespaceSelector === undefined
      ? policyNamespace(policy) === other.namespace
      : matchesLabelSelector(peer.namespaceSelector, view.namespaceLabels(other.namespace));
  return namespaceMatches && (peer.podSelector === undefined || matchesLabelSelector(peer.podSelector, other.pods.labels));
}

/** Whether a rule's peers include the other end (no peers listed: every peer). */
export function ruleSelectsPeer(view: NetworkView, rule: PolicyRule, other: Endpoint): boolean {
  const listed = rule.rule[rule.direction === 'ingress' ? 'from' : 'to'];
  if (asArray(listed).length === 0) return true;
  return recordsOf(listed).some(({ record }) => peerSelects(view, rule.policy, record, other));
}

/** Whether a rule's ports admit `port` (no ports listed: every port). */
export function rulePortAdmits(rule: PolicyRule, port: PodPort): boolean {
  const entries = recordsOf(rule.rule.ports);
  return entries.length === 0 || entries.some(({ record }) => policyPortAdmits(record, port));
}

/** The rules of the policies that apply to `endpoint` in `direction`. */
export function rulesApplying(view: NetworkView, direction: PolicyDirection, endpoint: Endpoint): PolicyRule[] {
  const known = view.applying.get(endpoint) ?? {};
  view.applying.set(endpoint, known);
  known[direction] ??= view.policies
    .filter(policy => policySelects(policy, direction, endpoint))
    .flatMap(policy => recordsOf(getPath(policy.loaded.object, 'spec', direction)).map(({ record, index }) => ({ policy, direction, index, rule: record })));
  return known[direction];
}

/** Whether some policy isolates the endpoint in `direction` (if none does, everything is allowed that way). */
export function isIsolated(view: NetworkView, direction: PolicyDirection, endpoint: Endpoint): boolean {
  return view.policies.some(policy => policySelects(policy, direction, endpoint));
}

/**
 * Whether `endpoint`'s side lets the connection with `other` on the destination's `port` through:
 * not isolated that way, or some rule that applies to it selects the other end and the port.
 */
export function sideAllows(view: NetworkView, direction: PolicyDirection, endpoint: Endpoint, other: Endpoint, port: PodPort): boolean {
  if (!isIsolated(view, direction, endpoint)) return true;
  return rulesApplying(view, direction, endpoint).some(rule => ruleSelectsPeer(view, rule, other) && rulePortAdmits(rule, port));
}

function portOf(declared: NamedPort): PodPort {
  return { containerPort: declared.containerPort, name: declared.name, protocol: declared.protocol ?? 'TCP' };
}

/**
 * The destination pods' ports a rule admits: each number it names (with the pods' name for it),
 * each name the pods declare, or with no ports every declared port (one unnamed port when the
 * pods declare none: declaring ports is informational).
 */
export function admittedPorts(rule: PolicyRule, destination: Endpoint): PodPort[] {
  const declared = destination.pods.ports;
  const entries = recordsOf(rule.rule.ports);
  if (entries.length === 0) return declared.length > 0 ? declared.map(portOf) : [{ protocol: 'TCP' }];
  const out: PodPort[] = [];
  for (const { record } of entries) {
    const protocol = asString(record.protocol) ?? 'TCP';
    const name = typeof record.port === 'string' ? record.port : undefined;
    if (name !== undefined) {
      for (const own of declared) if (own.name === name && (own.protocol ?? 'TCP') === protocol) out.push(portOf(own));
      continue;
    }
    const number = asNumber(record.port);
    if (number === undefined) {
      out.push(...declared.filter(own => (own.protocol ?? 'TCP') === protocol).map(portOf));
      continue;
    }
    const end = asNumber(record.endPort) ?? number;
    const inRange = declared.filter(own => (own.protocol ?? 'TCP') === protocol && own.containerPort !== undefined && own.containerPort >= number && own.containerPort <= end);
    out.push(...(inRange.length > 0 ? inRange.map(portOf) : [{ containerPort: number, protocol }]));
  }
  return out;
}

/** `8080/TCP (http)`. */
export function describePort(port: PodPort): string {
  const number = port.containerPort === undefined ? 'any port' : `${port.containerPort}/${port.protocol}`;
  return port.name ? `${number} (${port.name})` : number;
}

/** `Rollout/catalog`. */
export function describePods(endpoint: Endpoint): string {
  return `${endpoint.pods.owner.object.kind}/${endpoint.pods.owner.object.metadata?.name ?? '?'}`;
}
