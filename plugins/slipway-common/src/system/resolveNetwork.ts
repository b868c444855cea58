import type { EndpointPlacement, EnvironmentEdge, NetworkRule } from './types';
import { partClientLabels, partServingLabels, resourcePodLabels, type Labels, type PartWiring, type ResourceKind } from './wiring';

/*
 * The NetworkPolicy allow-lists the edges ask for, at both ends: the caller's (or client's)
 * egress to the callee's pods and the callee's ingress from the caller's pods, on the callee's
 * pod port: a NetworkPolicyPort's port is "a numerical or named port on a pod" (Kubernetes API,
 * networking.k8s.io/v1 NetworkPolicyPort), so a rule naming the Service port (80) would match
 * nothing once the Service has translated it to the container's (8080). Numbers, not names,
 * on both ends, as static-frontend's backend egress already does. Derived from the edges only:
 * DNS, the gateway and Prometheus are each golden path's own policies.
 */

/** The pods that answer on an end's Service. */
function servingLabels(end: EndpointPlacement, wiringOf: ReadonlyMap<string, PartWiring>): Labels {
  if (end.role === 'resource') return resourcePodLabels(end.type as ResourceKind, end.name);
  return partServingLabels(wiringOf.get(end.name) as PartWiring, end.name);
}

/** Adds each edge's egress rule to its `from` end and the mirror ingress rule to its `to` end. */
export function addNetworkRules(endpoints: Record<string, EndpointPlacement>, edges: EnvironmentEdge[], wiringOf: ReadonlyMap<string, PartWiring>): void {
  for (const edge of edges) {
    const client = endpoints[edge.from];
    const server = endpoints[edge.to];
    const clientPods = partClientLabels(wiringOf.get(client.name) as PartWiring, client.name);
    const serverPods = servingLabels(server, wiringOf);
    const ports: NetworkRule['ports'] = [{ port: edge.address.targetPort, protocol: 'TCP' }];
    client.egress.push({
      edge: edge.id,
      pods: clientPods,
      peer: { name: server.name, role: server.role, namespace: server.namespace, podLabels: serverPods },
      ports,
    });
    server.ingress.push({
      edge: edge.id,
      pods: serverPods,
      peer: { name: client.name, role: client.role, namespace: client.namespace, podLabels: clientPods },
      ports: ports.map(port => ({ ...port })),
    });
  }
}
