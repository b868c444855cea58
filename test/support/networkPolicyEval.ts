import { matchesLabelSelector } from '../../plugins/slipway-validate/src/kube';
import type { K8sObject, Labels } from './backingServices';

/**
 * Whether NetworkPolicies let one pod reach another on a TCP port, by the networking.k8s.io/v1
 * rules (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a pod is
 * isolated in a direction once a policy of its namespace selects it for that direction; then a
 * connection is allowed only if some selecting policy has a rule whose peers and ports match.
 * A peer with a podSelector alone means the policy's namespace; with a namespaceSelector, pods
 * (all, or those its podSelector matches) of namespaces whose labels match. ipBlock peers are
 * ignored: pods here are identified by labels. Both ends must allow it (ingress at the target,
 * egress at the source).
 */

export interface Pod {
  namespace: string;
  labels: Labels;
}

type Direction = 'Ingress' | 'Egress';

/** A namespace's labels as the API server sets them (kubernetes.io/metadata.name since 1.21). */
const namespaceLabels = (namespace: string): Labels => ({ 'kubernetes.io/metadata.name': namespace });

function enforces(policy: K8sObject, direction: Direction): boolean {
  const types: string[] | undefined = policy.spec?.policyTypes;
  if (types && types.length > 0) return types.includes(direction);
  return direction === 'Ingress' || policy.spec?.egress !== undefined;
}

function selects(policy: K8sObject, pod: Pod): boolean {
  return (policy.metadata.namespace ?? pod.namespace) === pod.namespace && matchesLabelSelector(policy.spec?.podSelector ?? {}, pod.labels);
}

function peerMatches(policy: K8sObject, peer: Record<string, unknown>, other: Pod): boolean {
  if (peer.ipBlock) return false;
  const namespaceMatches = peer.namespaceSelector
    ? matchesLabelSelector(peer.namespaceSelector, namespaceLabels(other.namespace))
    : (policy.metadata.namespace ?? other.namespace) === other.namespace;
  const podMatches = peer.podSelector ? matchesLabelSelector(peer.podSelector, other.labels) : true;
  return namespaceMatches && podMatches;
}

function portMatches(ports: Array<Record<string, unknown>> | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(entry => {
    if ((entry.protocol ?? 'TCP') !== 'TCP') return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port !== 'number') throw new Error(`named port ${String(entry.port)}: these policies use numbers`);
    const end = typeof entry.endPort === 'number' ? entry.endPort : entry.port;
    return port >= entry.port && port <= end;
  });
}

/** Whether `pod`'s policies allow the connection in `direction` with `other` on `port`. */
function allowedAt(policies: K8sObject[], pod: Pod, other: Pod, port: number, direction: Direction): boolean {
  const relevant = policies.filter(policy => policy.kind === 'NetworkPolicy' && enforces(policy, direction) && selects(policy, pod));
  if (relevant.length === 0) return true;
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const peers = direction === 'Ingress' ? 'from' : 'to';
  return relevant.some(policy =>
    (policy.spec?.[field] ?? []).some((rule: Record<string, any>) =>
      // No peers listed (or an empty list) means every peer.
      (!rule[peers] || rule[peers].length === 0 || rule[peers].some((peer: Record<string, unknown>) => peerMatches(policy, peer, other))) && portMatches(rule.ports, port)));
}

/** Whether the target's ingress policies admit `source` on `port`. */
export function ingressAdmits(policies: K8sObject[], source: Pod, target: Pod, port: number): boolean {
  return allowedAt(policies, target, source, port, 'Ingress');
}

/** Whether the source's egress policies let it reach `target` on `port`. */
export function egressAllows(policies: K8sObject[], source: Pod, target: Pod, port: number): boolean {
  return allowedAt(policies, source, target, port, 'Egress');
}

/** Whether a connection gets through both ends. */
export function connects(policies: K8sObject[], source: Pod, target: Pod, port: number): boolean {
  return egressAllows(policies, source, target, port) && ingressAdmits(policies, source, target, port);
}
