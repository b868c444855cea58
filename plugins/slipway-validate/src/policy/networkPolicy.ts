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
 * name lookup, so DNS must be allowed explicitly: to the cluster DNS pods (another
 * namespace, whatever it and their labels are called) or to a DNS server's address.
 * NodeLocal DNSCache "runs with hostNetwork:True and creates a dedicated dummy interface
 * with a link local ip (169.254.20.10/32 by default)" (kubernetes cluster/addons/dns/
 * nodelocaldns/README.md), which only an ipBlock can admit.
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

/**
 * Whether a `to` peer may be a DNS server: an ipBlock (NodeLocal DNSCache, a cloud resolver,
 * or everything), or pods in another namespace (the cluster DNS: kube-system/kube-dns by
 * default, but clusters name both differently). Without namespaceSelector a peer means the
 * policy's own namespace, where the cluster DNS never runs.
 */
function peerMayServeDns(peer: JsonRecord, policy: KubernetesObject): boolean {
  if (asString(getPath(peer, 'ipBlock', 'cidr'))) return true;
  const namespaceSelector = peer.namespaceSelector;
  if (namespaceSelector === undefined) return false;
  const own = policy.metadata?.namespace;
  const onlyOwn = own !== undefined && asString(getPath(namespaceSelector, 'matchLabels', 'kubernetes.io/metadata.name')) === own;
  return !onlyOwn;
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
      const reaches = asArray(rule.to).length === 0 || peers.some(({ record }) => peerMayServeDns(record, policy));
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
      'egress is restricted but no NetworkPolicy allows DNS (port 53 UDP and TCP to the cluster DNS pods in their namespace, ' +
      'e.g. kube-system/kube-dns, or to a DNS server\'s ipBlock such as NodeLocal DNSCache 169.254.20.10/32): every name lookup would fail'));
  }
  return out;
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  const policies = objectsOfKind(set, 'NetworkPolicy').map(loaded => loaded.object);
  return podTemplates(set).flatMap(template => checkTemplate(template, policies));
}

export const checkNetworkPolicies: ModelCheck = model => objectSets(model).flatMap(checkSet);

