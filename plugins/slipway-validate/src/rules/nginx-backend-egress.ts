import type { KubernetesObject, RepoModel, ValidationProblem } from '../types';
import {
  asString,
  getPath,
  matchesLabelSelector,
  nameOf,
  objectProblem,
  objectSets,
  objectsOfKind,
  podTemplates,
  policyEnforces,
  recordsOf,
  sameNamespace,
  type JsonRecord,
  type ObjectSet,
  type PodTemplate,
} from '../kube';
import { proxiedAddresses } from '../nginx/config';
import { defineCheck } from './types';

/*
 * A pod whose egress a NetworkPolicy isolates may open only the connections some policy
 * selecting it allows: "a pod is isolated for egress if there is any NetworkPolicy that both
 * selects the pod and has "Egress" in its policyTypes"; then "the only allowed connections from
 * the pod are those allowed by the egress list of some NetworkPolicy that applies to the pod"
 * (Kubernetes, Network Policies, "The two sorts of pod isolation"). An nginx that proxies a
 * prefix to <service>.<namespace>.svc.cluster.local from such a pod reaches that Service only
 * when an egress rule admits the backend's namespace (a namespaceSelector on its
 * kubernetes.io/metadata.name, or a podSelector alone in the pod's own namespace). Otherwise the
 * connection is dropped and every proxied request answers 502 or 504 after proxy_connect_timeout,
 * while the pages keep working, so nothing but the proxied prefix shows it.
 *
 * The nginx configuration is read from the ConfigMaps the pod mounts (as the static-frontend
 * golden path mounts each environment's backends), so the policy and the config are judged in
 * the same overlay. The backend's own pods and ports are usually in another repo: only the
 * namespace is judged, and the port when the rule names a port and the backend's Service and
 * pods are in this overlay is networkpolicy-ports' to check.
 */

const RULE = 'nginx-backend-egress';
const CLUSTER_SUFFIX = '.svc.cluster.local';
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
const ALL_ADDRESSES = ['0.0.0.0/0', '::/0'];

interface Backend {
  host: string;
  namespace: string;
  /** `ConfigMap/<name> <key>:<line>`, for the message. */
  where: string;
}

/** The in-cluster backends nginx proxies to, from the ConfigMaps the pod mounts. */
function mountedBackends(set: ObjectSet, template: PodTemplate): Backend[] {
  const names = new Set(
    recordsOf(template.spec.volumes)
      .map(({ record }) => asString(getPath(record, 'configMap', 'name')))
      .filter((name): name is string => name !== undefined),
  );
  const out: Backend[] = [];
  for (const configMap of objectsOfKind(set, 'ConfigMap')) {
    if (!names.has(nameOf(configMap.object)) || !sameNamespace(configMap.object, template.object)) continue;
    const data = getPath(configMap.object, 'data');
    if (typeof data !== 'object' || data === null) continue;
    for (const [key, text] of Object.entries(data as Record<string, unknown>)) {
      if (typeof text !== 'string' || !/\b(proxy_pass|grpc_pass)\b/.test(text)) continue;
      for (const pass of proxiedAddresses(text)) {
        for (const { host } of pass.targets) {
          const name = host.toLowerCase().replace(/\.$/, '');
          if (!name.endsWith(CLUSTER_SUFFIX)) continue;
          const labels = name.slice(0, -CLUSTER_SUFFIX.length).split('.');
          if (labels.length !== 2) continue;
          out.push({ host: name, namespace: labels[1], where: `ConfigMap/${nameOf(configMap.object)} ${key}:${pass.line}` });
        }
      }
    }
  }
  return out;
}

/** Whether one egress peer admits pods of `namespace` (any pods there: the backend's labels are its repo's). */
function peerAdmits(peer: JsonRecord, policy: KubernetesObject, namespace: string): boolean {
  if (peer.ipBlock !== undefined) return ALL_ADDRESSES.includes(asString(getPath(peer.ipBlock, 'cidr')) ?? '');
  if (peer.namespaceSelector === undefined) return (policy.metadata?.namespace ?? namespace) === namespace;
  return matchesLabelSelector(peer.namespaceSelector, { [NAMESPACE_LABEL]: namespace });
}

/** Whether the egress policies that select the pod admit connections to `namespace`. */
function egressAdmits(policies: readonly KubernetesObject[], namespace: string): boolean {
  return policies.some(policy =>
    recordsOf(getPath(policy, 'spec', 'egress')).some(({ record: rule }) => {
      const peers = recordsOf(rule.to);
      // No `to`: every destination.
      return peers.length === 0 || peers.some(({ record: peer }) => peerAdmits(peer, policy, namespace));
    }),
  );
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const policies = objectsOfKind(set, 'NetworkPolicy');
  for (const template of podTemplates(set)) {
    const backends = mountedBackends(set, template);
    if (backends.length === 0) continue;
    const selecting = policies
      .map(loaded => loaded.object)
      .filter(policy => sameNamespace(policy, template.object) && matchesLabelSelector(getPath(policy, 'spec', 'podSelector') ?? {}, template.labels))
      .filter(policy => policyEnforces(policy, 'egress'));
    // Not isolated for egress: every connection is allowed.
    if (selecting.length === 0) continue;
    const seen = new Set<string>();
    for (const backend of backends) {
      if (seen.has(backend.host) || egressAdmits(selecting, backend.namespace)) continue;
      seen.add(backend.host);
      out.push(objectProblem('reference', RULE, template.loaded, `${template.specPath}.volumes`,
        `nginx (${backend.where}) proxies to ${backend.host}, but the NetworkPolicies that isolate these pods' egress ` +
        `(${selecting.map(policy => `NetworkPolicy/${nameOf(policy)}`).join(', ')}) allow no connection to namespace ${backend.namespace}: ` +
        'the connection is dropped and every request nginx proxies there answers 502 or 504'));
    }
  }
  return out;
}

export const nginxBackendEgress = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'Every in-cluster backend (<service>.<namespace>.svc.cluster.local) that an nginx config mounted from a ConfigMap proxies to is reachable under the pod\'s egress NetworkPolicies: ' +
    'once any policy isolates the pod\'s egress, a backend namespace no egress rule admits drops every proxied connection (502/504) while the pages still load.',
  remediation:
    'Add an egress rule to a NetworkPolicy selecting the pods: to a namespaceSelector with kubernetes.io/metadata.name: <namespace> (and the backend\'s podSelector) on the backend\'s container port; ' +
    'in Slipway\'s static-frontend, list the backend in spec.backends so the overlay writes it.',
  source:
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation ' +
    '("the only allowed connections from the pod are those allowed by the egress list of some NetworkPolicy that applies to the pod")',
  run(model: RepoModel) {
    return objectSets(model).flatMap(checkSet);
  },
});
