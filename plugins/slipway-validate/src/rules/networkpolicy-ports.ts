import type { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  asNumber,
  asString,
  getPath,
  objectProblem,
  objectSets,
  objectsOfKind,
  podGroups,
  podsInPolicyNamespace,
  policyEnforces,
  recordsOf,
  type JsonRecord,
  type NamedPort,
  type ObjectSet,
  type PodGroup,
} from '../kube';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * NetworkPolicyPort.port "can either be a numerical or named port on a pod. If this field is
 * not provided, this matches all port names and numbers. If present, only traffic on the
 * specified protocol AND port will be matched" (Kubernetes API, networking.k8s.io/v1). A named
 * port resolves per pod, through the containerPort of that name: on pods that declare none,
 * the rule matches no traffic, and behind a default deny that traffic is dropped. So
 * `port: htp` for `http` passes every schema and silently blocks the gateway.
 */

const RULE = 'networkpolicy-ports';
const KUBERNETES_SOURCE = 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec';

/**
 * The repo's pods an egress peer reaches, or undefined when the peer may reach pods or
 * addresses the repo does not hold (an ipBlock, another namespace, pods nobody here makes).
 */
function peerPods(groups: PodGroup[], policy: KubernetesObject, peer: JsonRecord): PodGroup[] | undefined {
  if (peer.ipBlock !== undefined) return undefined;
  if (peer.namespaceSelector !== undefined) {
    const own = policy.metadata?.namespace;
    const named = asString(getPath(peer.namespaceSelector, 'matchLabels', 'kubernetes.io/metadata.name'));
    if (own === undefined || named !== own) return undefined;
  }
  const pods = podsInPolicyNamespace(groups, policy, peer.podSelector);
  return pods.length > 0 ? pods : undefined;
}

function describePorts(pods: PodGroup[]): string {
  const seen = new Set<string>();
  for (const pod of pods) {
    for (const port of pod.ports) {
      const text = [port.containerPort, port.name, port.protocol && port.protocol !== 'TCP' ? port.protocol : undefined].filter(Boolean).join(' ');
      if (text) seen.add(text);
    }
  }
  return seen.size > 0 ? [...seen].join(', ') : 'none declared';
}

/** `the pods it selects (Rollout/orders: 8080 http, 9464 metrics)`. */
function podsAndPorts(whose: string, pods: PodGroup[]): string {
  const owners = [...new Set(pods.map(pod => `${pod.owner.object.kind}/${pod.owner.object.metadata?.name ?? '?'}`))].join(', ');
  return `${whose} (${owners}: ${describePorts(pods)})`;
}

/** A Service port that forwards to one of the pods' ports: a NetworkPolicy sees the pod's port, not the Service's. */
function servicePortHint(set: ObjectSet, pods: PodGroup[], port: number): string {
  for (const service of objectsOfKind(set, 'Service')) {
    for (const { record } of recordsOf(getPath(service.object, 'spec', 'ports'))) {
      if (asNumber(record.port) !== port || record.targetPort === undefined || asNumber(record.targetPort) === port) continue;
      const target = String(record.targetPort);
      if (pods.some(pod => pod.ports.some(own => own.name === target || String(own.containerPort) === target))) {
        return ` (${port} is the port of Service/${service.object.metadata?.name}; NetworkPolicies see the pod's port, here ${target})`;
      }
    }
  }
  return '';
}

/** Why `entry` matches none of the pods' ports, or undefined when it matches one (or cannot be judged). */
function portFault(set: ObjectSet, entry: JsonRecord, pods: PodGroup[], whose: string): string | undefined {
  if (entry.port === undefined || entry.port === null) return undefined; // every port
  const protocol = asString(entry.protocol) ?? 'TCP';
  const declared: NamedPort[] = pods.flatMap(pod => pod.ports);
  const sameProtocol = (port: NamedPort) => (port.protocol ?? 'TCP') === protocol;
  if (typeof entry.port === 'string') {
    const named = declared.filter(port => port.name === entry.port);
    if (named.some(sameProtocol)) return undefined;
    if (named.length > 0) {
      return `"${entry.port}" is a ${named[0].protocol ?? 'TCP'} port of ${podsAndPorts(whose, pods)}, not ${protocol}: the rule matches no traffic`;
    }
    return `"${entry.port}" is not a named container port of ${podsAndPorts(whose, pods)}: ` +
      'a named port matches only pods that declare it, so this rule allows nothing and the traffic it was meant for is dropped';
  }
  const port = asNumber(entry.port);
  if (port === undefined) return undefined; // the schema stage reports a port of the wrong type
  const numbered = declared.filter(own => own.containerPort !== undefined);
  // Declaring container ports is informational: pods that declare none may listen anywhere.
  if (numbered.length === 0) return undefined;
  const end = asNumber(entry.endPort) ?? port;
  if (numbered.some(own => sameProtocol(own) && (own.containerPort as number) >= port && (own.containerPort as number) <= end)) return undefined;
  const range = end > port ? `${port}-${end}` : String(port);
  return `${range}/${protocol} is not a containerPort of ${podsAndPorts(whose, pods)}${servicePortHint(set, pods, port)}: ` +
    'traffic to the port the pods listen on is not allowed by this rule';
}

function checkPolicy(model: RepoModel, set: ObjectSet, groups: PodGroup[], policy: LoadedObject): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const report = (path: Array<string | number>, text: string) => {
    const field = path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${segment}`)).join('');
    out.push(atSource(model, policy, path, objectProblem('reference', RULE, policy, field, text)));
  };

  if (policyEnforces(policy.object, 'ingress')) {
    const selected = podsInPolicyNamespace(groups, policy.object, getPath(policy.object, 'spec', 'podSelector'));
    // A policy that selects no pod is networkpolicy-selects-pods' to report.
    if (selected.length > 0) {
      for (const { record: rule, index } of recordsOf(getPath(policy.object, 'spec', 'ingress'))) {
        for (const { record: entry, index: at } of recordsOf(rule.ports)) {
          const fault = portFault(set, entry, selected, 'the pods it selects');
          if (fault) report(['spec', 'ingress', index, 'ports', at, 'port'], fault);
        }
      }
    }
  }

  if (policyEnforces(policy.object, 'egress')) {
    for (const { record: rule, index } of recordsOf(getPath(policy.object, 'spec', 'egress'))) {
      const peers = recordsOf(rule.to);
      if (peers.length === 0) continue; // to everywhere: nothing to resolve against
      const reached = peers.map(({ record }) => peerPods(groups, policy.object, record));
      if (reached.some(pods => pods === undefined)) continue; // the port may be meant for a peer outside the repo
      const targets = (reached as PodGroup[][]).flat();
      for (const { record: entry, index: at } of recordsOf(rule.ports)) {
        const fault = portFault(set, entry, targets, 'the pods this rule reaches');
        if (fault) report(['spec', 'egress', index, 'ports', at, 'port'], fault);
      }
    }
  }
  return out;
}

export const networkpolicyPorts = defineCheck({
  id: 'networkpolicy-ports',
  check: 'reference',
  summary:
    'Every port a NetworkPolicy ingress rule names (by name or number) is a container port of the pods the policy selects, and every egress port one of the pods it reaches when they are in the repo: a named port no pod declares matches nothing, so the traffic is dropped.',
  remediation:
    'Use the containerPort name (or number) the pod template declares, e.g. `port: http` for `ports: [{name: http, containerPort: 8080}]`; a Service port (80) is not the pod\'s port.',
  source: `${KUBERNETES_SOURCE} (NetworkPolicyPort.port: "a numerical or named port on a pod")`,
  run(model) {
    return objectSets(model).flatMap(set => {
      const groups = podGroups(set);
      return objectsOfKind(set, 'NetworkPolicy').flatMap(policy => checkPolicy(model, set, groups, policy));
    });
  },
});
