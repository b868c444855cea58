import type { KubernetesObject } from '../types';
import { asArray, asNumber, asString, getPath, type JsonRecord } from './json';
import { sameNamespace } from './objectSets';
import { matchesLabelSelector, type NamedPort, type PodGroup } from './selectors';

/** NetworkPolicy semantics the network checks share (networking.k8s.io/v1). */

export type PolicyDirection = 'ingress' | 'egress';

/** policyTypes as Kubernetes defaults them: Ingress always, Egress when egress rules exist. */
export function policyEnforces(policy: KubernetesObject, direction: PolicyDirection): boolean {
  const declared = asArray(getPath(policy, 'spec', 'policyTypes')).map(String);
  if (declared.length > 0) return declared.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
  return direction === 'ingress' || getPath(policy, 'spec', 'egress') !== undefined;
}

/** Pods in the policy's namespace that `selector` matches; an absent podSelector means all of them. */
export function podsInPolicyNamespace(groups: PodGroup[], policy: KubernetesObject, selector: unknown): PodGroup[] {
  const effective = selector === undefined || selector === null ? {} : selector;
  return groups.filter(group => sameNamespace(group.owner.object, policy) && matchesLabelSelector(effective, group.labels));
}

/** A pod port traffic arrives on: its number, and its name when the container declares one. */
export interface PodPort {
  containerPort?: number;
  name?: string;
  protocol: string;
}

/**
 * Whether a NetworkPolicyPort admits traffic to `target`: no port means every port; a name
 * matches the container port of that name; a number (with endPort, a range) the port number.
 * "If present, only traffic on the specified protocol AND port will be matched."
 */
export function policyPortAdmits(entry: JsonRecord, target: PodPort): boolean {
  if ((asString(entry.protocol) ?? 'TCP') !== target.protocol) return false;
  if (entry.port === undefined || entry.port === null) return true;
  // A string is a port name, as networkpolicy-ports reads it ("8080" quoted is not a number here).
  if (typeof entry.port === 'string') return entry.port === target.name;
  const port = asNumber(entry.port);
  if (port === undefined || target.containerPort === undefined) return false;
  const end = asNumber(entry.endPort) ?? port;
  return target.containerPort >= port && target.containerPort <= end;
}

/**
 * The pod port a Service's `targetPort` (a number or a container port name) reaches on `pod`;
 * undefined when a name is not declared there (the Service has no endpoint on that pod).
 */
export function podPortOfTarget(pod: PodGroup, targetPort: unknown, protocol = 'TCP'): PodPort | undefined {
  const sameProtocol = (port: NamedPort) => (port.protocol ?? 'TCP') === protocol;
  const number = asNumber(targetPort);
  if (number !== undefined) {
    const declared = pod.ports.find(port => port.containerPort === number && sameProtocol(port));
    return { containerPort: number, name: declared?.name, protocol };
  }
  const name = asString(targetPort);
  if (name === undefined) return undefined;
  const declared = pod.ports.find(port => port.name === name && sameProtocol(port));
  return declared ? { containerPort: declared.containerPort, name, protocol } : undefined;
}
