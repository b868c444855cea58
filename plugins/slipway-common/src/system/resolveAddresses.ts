import type { DeclaredEdge } from './edges';
import { defaultUrlEnv } from './edges';
import { endpointNamespace, type ParsedSystemSpec } from './systemSpec';
import type { EndpointPlacement, EnvironmentEdge, ServiceAddress } from './types';
import { RESOURCE_WIRING, fillNames, partTargetPort, type PartWiring, type ResourceKind } from './wiring';

/*
 * Where every part and resource runs in one environment, and every edge's address there: the
 * callee's Service by its fully qualified name, whatever namespace each end is in. A short name
 * resolves only in the caller's own namespace (seeds 000 and 001 broke on exactly that), and
 * nginx's resolver sends a name as written, without the pod's search domains.
 */

export const CLUSTER_DOMAIN = 'svc.cluster.local';
/** Argo CD's in-cluster destination, when an environment names no cluster. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

function serviceAddress(name: string, namespace: string, port: number, targetPort: number, portName?: string): ServiceAddress {
  return { name, namespace, fqdn: `${name}.${namespace}.${CLUSTER_DOMAIN}`, port, ...(portName ? { portName } : {}), targetPort };
}

/** Servers of a resource in one environment: as the spec says, else 3 in the production tier (a quorum) and 1 before it. */
export function resourceInstances(instances: number | undefined, isProductionTier: boolean): number {
  return instances ?? (isProductionTier ? 3 : 1);
}

/** Each end's placement in one environment, without its allow-lists (resolveNetwork.ts adds them). */
export function placeEndpoints(
  spec: ParsedSystemSpec,
  environment: ParsedSystemSpec['environments'][number],
  isProductionTier: boolean,
  wiringOf: ReadonlyMap<string, PartWiring>,
): Record<string, EndpointPlacement> {
  const endpoints: Record<string, EndpointPlacement> = {};
  for (const part of spec.parts) {
    const wiring = wiringOf.get(part.name);
    const namespace = endpointNamespace(part.namespace, spec.name, environment);
    const http = wiring?.http;
    endpoints[part.name] = {
      name: part.name,
      role: 'part',
      type: part.goldenPath,
      namespace,
      ...(http ? { service: serviceAddress(part.name, namespace, http.port, partTargetPort(http, part.values), http.portName) } : {}),
      ingress: [],
      egress: [],
    };
  }
  for (const resource of spec.resources) {
    const kind = RESOURCE_WIRING[resource.kind];
    const namespace = endpointNamespace(resource.namespace, spec.name, environment);
    endpoints[resource.name] = {
      name: resource.name,
      role: 'resource',
      type: resource.kind,
      namespace,
      service: serviceAddress(`${resource.name}${kind.clientServiceSuffix}`, namespace, kind.port, kind.port),
      instances: resourceInstances(resource.instances, isProductionTier),
      ingress: [],
      egress: [],
    };
  }
  return endpoints;
}

/** Every edge as reached in one environment. */
export function environmentEdges(edges: DeclaredEdge[], endpoints: Record<string, EndpointPlacement>, wiringOf: ReadonlyMap<string, PartWiring>, resourceKinds: ReadonlyMap<string, ResourceKind>): EnvironmentEdge[] {
  return edges.map(edge => {
    const callee = endpoints[edge.to];
    const service = callee.service as ServiceAddress;
    const resolved: EnvironmentEdge = {
      id: edge.id,
      kind: edge.kind,
      from: edge.from,
      to: edge.to,
      address: { fqdn: service.fqdn, namespace: service.namespace, port: service.port, targetPort: service.targetPort, url: '' },
    };
    if (edge.kind === 'calls') {
      resolved.address.url = `http://${service.fqdn}:${service.port}`;
      if (wiringOf.get(edge.from)?.callerConfig === 'path-prefix') resolved.pathPrefix = edge.pathPrefix;
      else resolved.env = edge.env ?? defaultUrlEnv(edge.to);
      return resolved;
    }
    const kind = RESOURCE_WIRING[resourceKinds.get(edge.to) as ResourceKind];
    resolved.address.url = `${kind.scheme}://${service.fqdn}:${service.port}`;
    if (edge.queue !== undefined) resolved.queue = edge.queue;
    if (resourceKinds.get(edge.to) === 'nats' && edge.queue !== undefined) resolved.subject = edge.subject ?? edge.queue;
    const client = endpoints[edge.from];
    resolved.credentials = {
      secret: fillNames(kind.credentials.secret, { resource: edge.to, client: edge.from }),
      namespace: kind.credentials.in === 'resource' ? callee.namespace : client.namespace,
      keys: [...kind.credentials.keys],
      madeBy: kind.credentials.madeBy,
    };
    return resolved;
  });
}
