import { publisherAccess, type ClientAccess } from '../messaging';
import type { SpecIssue } from '../resolve';
import { ENVIRONMENT_NAMESPACE_TOKEN, environmentNamespaceFrom } from '../spec';
import type { EnvironmentEdge, ResolvedPart, ResolvedResource, ResolvedSystem, SystemEnvironment } from './types';

/*
 * The messaging half of a part's values (partValues.ts): a publisher's broker (node-service's
 * `publishes`), a cache user's Redis (node-service's `cache`), and, at the holder of a broker or
 * cache, the other parts it must admit, each with the same access its own repo gives it
 * (messaging.ts), so the user the holder creates and the one the client logs in as agree.
 */

type Values = Record<string, unknown>;

/**
 * An end's namespaces as one pattern, `{environment}` standing for each environment's name
 * (`bookstore-{environment}`), as the golden paths' external.namespace fields take them; an issue
 * when the namespaces follow no such pattern.
 */
function namespacePattern(system: ResolvedSystem, end: string, part: ResolvedPart, why: string, issues: SpecIssue[]): string {
  const [first] = system.environments;
  const pattern = first.endpoints[end].namespace.split(first.name).join(ENVIRONMENT_NAMESPACE_TOKEN);
  for (const environment of system.environments) {
    const namespace = environment.endpoints[end].namespace;
    if (namespace !== environmentNamespaceFrom(pattern, environment.name)) {
      issues.push({
        path: `parts.${part.name}`,
        message: `${why} ${end}: ${end} runs in ${namespace} in ${environment.name} and in ${first.endpoints[end].namespace} in ${first.name}; a ${part.goldenPath} takes one namespace pattern for every environment (<prefix>{environment}<suffix>)`,
      });
      break;
    }
  }
  return pattern;
}

/** The part's fields the system sets: each one the part's values set too is an issue. */
function refuseOwn(part: ResolvedPart, field: string, own: Values, names: readonly string[], because: string, issues: SpecIssue[]): void {
  for (const name of names) {
    if (own[name] !== undefined) issues.push({ path: `parts.${part.name}.values.${field}.${name}`, message: `is set by the system (${because}): leave it out` });
  }
}

/**
 * A node-service's broker from its publishes edge: the queue (and NATS subject) on the resource,
 * which its consumer holds and runs (resolveSystem's heldBy default), at the resource's
 * namespaces. A broker nobody can run (no consumer whose path runs one) is an issue here, at the
 * resource: the publisher's repo renders only its own side.
 */
export function publishedBroker(system: ResolvedSystem, part: ResolvedPart, issues: SpecIssue[]): Values | undefined {
  const [first] = system.environments;
  const edges = first.edges.filter(candidate => candidate.kind === 'publishes' && candidate.from === part.name);
  if (edges.length === 0) return undefined;
  if (edges.length > 1) {
    issues.push({ path: `parts.${part.name}`, message: `publishes to ${edges.map(edge => `${edge.to} (${edge.queue})`).join(' and ')}: a ${part.goldenPath} publishes to one queue (QUEUE_NAME)` });
    return undefined;
  }
  const [edge] = edges;
  const resource = system.resources.find(candidate => candidate.name === edge.to) as ResolvedResource;
  const own = (part.values.publishes ?? {}) as Values;
  refuseOwn(part, 'publishes', own, ['kind', 'external', 'queue', 'subject'], `its publishes edge to ${resource.name}`, issues);
  if (resource.heldBy === part.name) {
    issues.push({
      path: `resources.${resource.name}`,
      message: `has no part that runs it: a ${resource.kind} broker is run by a part that consumes from it (a node-worker), and ${part.name} only publishes to it; add the consumer's consumes edge`,
    });
    return undefined;
  }
  const namespace = namespacePattern(system, resource.name, part, 'publishes to', issues);
  return {
    publishes: {
      ...own,
      kind: resource.kind,
      external: { name: resource.name, namespace },
      queue: edge.queue,
      ...(edge.subject ? { subject: edge.subject } : {}),
    },
  };
}

/**
 * A node-service's cache from its uses edge to a redis that is no broker (only uses edges end at
 * it): its holder runs it beside itself under the resource's name and admits the other users
 * (cache.name, cache.clients), the others connect to it (cache.external).
 */
export function usedCache(system: ResolvedSystem, part: ResolvedPart, issues: SpecIssue[]): Values | undefined {
  const [first] = system.environments;
  const messaging = (resource: string) => first.edges.some(edge => edge.to === resource && (edge.kind === 'publishes' || edge.kind === 'consumes'));
  const caches = system.resources.filter(
    resource => resource.kind === 'redis' && !messaging(resource.name) && first.edges.some(edge => edge.kind === 'uses' && edge.from === part.name && edge.to === resource.name),
  );
  if (caches.length === 0) return undefined;
  if (caches.length > 1) {
    issues.push({ path: `parts.${part.name}`, message: `uses ${caches.map(resource => resource.name).join(' and ')}: a ${part.goldenPath} caches in one Redis (REDIS_URL)` });
    return undefined;
  }
  const [resource] = caches;
  const own = (part.values.cache ?? {}) as Values;
  refuseOwn(part, 'cache', own, ['external', 'name', 'clients'], `its uses edge to ${resource.name}`, issues);
  if (resource.heldBy !== part.name) {
    return { cache: { ...own, external: { name: resource.name, namespace: namespacePattern(system, resource.name, part, 'uses', issues) } } };
  }
  for (const environment of system.environments) {
    if (environment.endpoints[resource.name].namespace !== environment.endpoints[part.name].namespace) {
      issues.push({ path: `resources.${resource.name}.namespace`, message: `must be ${part.name}'s namespace in ${environment.name} (${environment.endpoints[part.name].namespace}): a service runs the cache it holds beside itself` });
      break;
    }
  }
  const clients = first.endpoints[resource.name].ingress
    .filter(rule => rule.peer.role === 'part' && rule.peer.name !== part.name)
    .map(rule => ({ name: rule.peer.name, namespace: namespacePattern(system, rule.peer.name, part, 'is the cache of', issues), podLabels: rule.peer.podLabels }));
  // node-service sizes its cache once for every environment: the resource's instances when they agree.
  const instances = new Set(system.environments.map(environment => environment.endpoints[resource.name].instances));
  const [only] = instances;
  const sized = instances.size === 1 && only !== undefined && own.instances === undefined ? { instances: only } : {};
  return { cache: { ...own, ...sized, name: resource.name, clients } };
}

/**
 * What a client of a NATS or Redis broker may do there, from its edge, for the user the holder
 * creates; undefined for an edge whose access only its own path knows (a consumer's). RabbitMQ
 * users are the client's own (its User and Permission, in its repo), so the holder only admits it.
 */
function edgeAccess(kind: 'nats' | 'redis', edge: EnvironmentEdge): ClientAccess | undefined {
  return edge.kind === 'publishes' ? publisherAccess(kind, edge.queue ?? '', edge.subject) : undefined;
}

/**
 * The other clients a worker admits to the broker it holds, in one environment: each part with an
 * edge to it, in its namespace, with its pods, and on NATS and Redis its user's permissions (the
 * publisher's own, publisherAccess). A second consumer's permissions are its path's to say, so it
 * is an issue on Redis and NATS, where the holder must create its user.
 */
export function heldBrokerClients(environment: SystemEnvironment, resource: ResolvedResource, holder: string, issues: SpecIssue[]): Values[] {
  const clients: Values[] = [];
  for (const rule of environment.endpoints[resource.name].ingress) {
    if (rule.peer.role !== 'part' || rule.peer.name === holder || clients.some(client => client.name === rule.peer.name)) continue;
    const edge = environment.edges.find(candidate => candidate.id === rule.edge) as EnvironmentEdge;
    const kind = resource.kind;
    const access = kind === 'nats' || kind === 'redis' ? edgeAccess(kind, edge) : undefined;
    if (!access && kind !== 'rabbitmq') {
      issues.push({ path: `resources.${resource.name}`, message: `is held by ${holder}, which cannot give ${rule.peer.name} (${edge.kind}) its own user on ${resource.kind}: only publishers are admitted to a broker another part holds` });
      continue;
    }
    clients.push({ name: rule.peer.name, namespace: rule.peer.namespace, podLabels: { ...rule.peer.podLabels }, ...access });
  }
  return clients;
}
