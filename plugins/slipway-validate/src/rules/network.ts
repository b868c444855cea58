import { defineRules } from './types';

const NETWORK_POLICIES = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

/** Zero-trust networking and in-cluster names. */
export const networkRules = defineRules([
  {
    id: 'network-policy-coverage',
    check: 'policy',
    summary: 'Every workload\'s pods are selected by some NetworkPolicy: unselected pods accept and send any traffic.',
    remediation: 'Add a default-deny NetworkPolicy whose podSelector matches the pods, then allow only the traffic they need.',
    source: `${NETWORK_POLICIES}#default-policies`,
  },
  {
    id: 'network-default-deny',
    check: 'policy',
    summary: 'Every workload\'s pods are selected by a default-deny NetworkPolicy for both directions (policyTypes Ingress and Egress with no rules).',
    remediation: 'Add a NetworkPolicy selecting the pods with policyTypes: [Ingress, Egress] and no ingress or egress rules.',
    source: `${NETWORK_POLICIES}#default-deny-all-ingress-and-all-egress-traffic`,
  },
  {
    id: 'network-dns-egress',
    check: 'policy',
    summary: 'Pods whose egress is restricted may reach a DNS server on port 53 over UDP and TCP (cluster DNS pods in another namespace, or an IP block such as NodeLocal DNSCache at 169.254.20.10): otherwise every name lookup fails.',
    remediation: 'Allow egress on port 53 UDP and TCP to the cluster DNS pods (namespaceSelector and podSelector, e.g. kube-system k8s-app=kube-dns) and, with NodeLocal DNSCache, to its ipBlock 169.254.20.10/32.',
    source: 'https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/',
  },
  {
    id: 'dns-short-name',
    check: 'policy',
    summary: 'In-cluster addresses in env, ConfigMaps and AnalysisTemplates are fully qualified (<svc>.<namespace>.svc.cluster.local): a short name resolves only in the caller\'s namespace.',
    remediation: 'Write the service address as <svc>.<namespace>.svc.cluster.local.',
    source: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#namespaces-of-services',
  },
]);
