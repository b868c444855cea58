import type { PeerRule } from '../spec';
import type { EndpointPlacement, NetworkRule } from './types';

/*
 * What a part's golden path takes as `environments[].peers`: the rules of the edges between it
 * and the system's other parts. The edges to backing resources are not peers: the
 * backing-services partials write both of their ends (client-networkpolicy in the client's
 * overlay, networkpolicies' clients at the resource), with the resource's credentials.
 */

function peerRule(rule: NetworkRule): PeerRule {
  return {
    name: rule.peer.name,
    namespace: rule.peer.namespace,
    podLabels: { ...rule.peer.podLabels },
    ports: rule.ports.map(port => ({ port: port.port, protocol: port.protocol })),
  };
}

/** One rule per peer, with every port its edges ask for (a part may call another on two edges' ports). */
function byPeer(rules: readonly NetworkRule[]): PeerRule[] {
  const out = new Map<string, PeerRule>();
  for (const rule of rules) {
    if (rule.peer.role !== 'part') continue;
    const key = `${rule.peer.name}/${rule.peer.namespace}`;
    const seen = out.get(key);
    if (!seen) {
      out.set(key, peerRule(rule));
      continue;
    }
    for (const port of rule.ports) {
      if (!seen.ports.some(own => own.port === port.port && own.protocol === port.protocol)) seen.ports.push({ ...port });
    }
  }
  return [...out.values()];
}

/** A part's peers in one environment (resolveSystem's placement of it there). */
export function partPeers(placement: EndpointPlacement): { ingress: PeerRule[]; egress: PeerRule[] } {
  return { ingress: byPeer(placement.ingress), egress: byPeer(placement.egress) };
}
