import type { KubernetesObject, ModelCheck, ValidationProblem } from '../types';
import {
  asArray,
  asNumber,
  asString,
  getPath,
  isEmpty,
  matchesLabelSelector,
  objectSets,
  objectsOfKind,
  podTemplates,
  problemsFor,
  recordsOf,
  sameNamespace,
  type JsonRecord,
  type ObjectSet,
  type PodTemplate,
} from '../kube';

/**
 * Zero-trust networking: each pod is selected by a default-deny policy for both
 * directions, then allowed only what it needs. Egress deny without DNS breaks every
 * name lookup, so DNS to kube-dns must be allowed explicitly.
 */

const problem = problemsFor('policy');
type Direction = 'Ingress' | 'Egress';

/** policyTypes as Kubernetes defaults them: Ingress always, Egress when egress rules exist. */
function policyTypes(policy: KubernetesObject): Direction[] {
  const declared = asArray(getPath(policy, 'spec', 'policyTypes')).map(String);
  if (declared.length > 0) return declared.filter((type): type is Direction => type === 'Ingress' || type === 'Egress');
  return getPath(policy, 'spec', 'egress') !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

function deniesAll(policy: KubernetesObject, direction: Direction): boolean {
  const rules = getPath(policy, 'spec', direction === 'Ingress' ? 'ingress' : 'egress');
  return policyTypes(policy).includes(direction) && isEmpty(rules);
}

/** Whether a `to` peer may reach the cluster DNS pods (kube-system, k8s-app=kube-dns). */
function peerReachesKubeDns(peer: JsonRecord): boolean {
  const cidr = asString(getPath(peer, 'ipBlock', 'cidr'));
  if (cidr) return cidr === '0.0.0.0/0' || cidr === '::/0';
  const namespaceSelector = peer.namespaceSelector;
  // Without namespaceSelector a peer means the policy's own namespace, never kube-system.
  if (namespaceSelector === undefined) return false;
  if (!matchesLabelSelector(namespaceSelector, { 'kubernetes.io/metadata.name': 'kube-system' })) return false;
  return peer.podSelector === undefined || matchesLabelSelector(peer.podSelector, { 'k8s-app': 'kube-dns' });
}

/** Protocols a rule's `ports` open on port 53; no ports means every port. */
function dnsProtocols(rule: JsonRecord): string[] {
  const ports = recordsOf(rule.ports);
  if (asArray(rule.ports).length === 0) return ['UDP', 'TCP'];
  const out: string[] = [];
  for (const { record } of ports) {
    const protocol = asString(record.protocol) ?? 'TCP';
    if (record.port === undefined) {
      out.push(protocol);
      continue;
    }
    const port = asNumber(record.port);
    const end = asNumber(record.endPort) ?? port;
    const named = asString(record.port);
    const opens53 = (port !== undefined && port <= 53 && (end ?? port) >= 53) || named === 'dns' || named === 'dns-tcp';
    if (opens53) out.push(protocol);
  }
  return out;
}

function allowsDns(policies: KubernetesObject[]): boolean {
  const protocols = new Set<string>();
  for (const policy of policies) {
    for (const { record: rule } of recordsOf(getPath(policy, 'spec', 'egress'))) {
      const peers = recordsOf(rule.to);
      const reaches = asArray(rule.to).length === 0 || peers.some(({ record }) => peerReachesKubeDns(record));
      if (reaches) dnsProtocols(rule).forEach(protocol => protocols.add(protocol));
    }
  }
  return protocols.has('UDP') && protocols.has('TCP');
}

function checkTemplate(template: PodTemplate, policies: KubernetesObject[]): ValidationProblem[] {
  const selecting = policies.filter(
    policy => sameNamespace(policy, template.object) && matchesLabelSelector(getPath(policy, 'spec', 'podSelector'), template.labels),
  );
  if (selecting.length === 0) {
    return [problem('network-policy-coverage', template.loaded, template.labelsPath,
      'no NetworkPolicy selects these pods: every pod needs a default-deny policy and explicit allows')];
  }
  const out: ValidationProblem[] = [];
  const undenied = (['Ingress', 'Egress'] as const).filter(direction => !selecting.some(policy => deniesAll(policy, direction)));
  if (undenied.length > 0) {
    out.push(problem('network-default-deny', template.loaded, template.labelsPath,
      `no default-deny NetworkPolicy (policyTypes ${undenied.join(' and ')} with no rules) selects these pods`));
  }
  const egressPolicies = selecting.filter(policy => policyTypes(policy).includes('Egress'));
  // Egress is only restricted once some policy with Egress selects the pod.
  if (egressPolicies.length > 0 && !allowsDns(egressPolicies)) {
    out.push(problem('network-dns-egress', template.loaded, template.labelsPath,
      'egress is restricted but no NetworkPolicy allows DNS (port 53 UDP and TCP to kube-system/kube-dns): every name lookup would fail'));
  }
  return out;
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  const policies = objectsOfKind(set, 'NetworkPolicy').map(loaded => loaded.object);
  return podTemplates(set).flatMap(template => checkTemplate(template, policies));
}

export const checkNetworkPolicies: ModelCheck = model => objectSets(model).flatMap(checkSet);

