import { DNS1123_LABEL_MAX } from '../names';
import type { SpecIssue } from '../resolve';
import type { DeclaredEdge } from './edges';
import { defaultUrlEnv, resourceRole } from './edges';
import { endpointNamespace, type ParsedSystemSpec } from './systemSpec';
import { RESOURCE_WIRING, canHold, type PartWiring } from './wiring';

/*
 * The rules that depend on what each golden path serves and connects to, checked once the
 * paths are known: a call needs a callee with an HTTP Service, a consumer must be a path that
 * consumes, a Service name must fit, and credentials must be readable where the client runs.
 */

export interface WiringCheck {
  issues: SpecIssue[];
  /** Each part's wiring, by part name (parts with an unknown golden path are left out). */
  wiringOf: Map<string, PartWiring>;
}

export function checkWiring(spec: ParsedSystemSpec, edges: DeclaredEdge[], goldenPathIds: readonly string[], wiring: Readonly<Record<string, PartWiring>>): WiringCheck {
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const wiringOf = new Map<string, PartWiring>();
  const pathOf = new Map(spec.parts.map(part => [part.name, part.goldenPath]));

  spec.parts.forEach((part, index) => {
    if (!goldenPathIds.includes(part.goldenPath)) {
      add(`parts[${index}].goldenPath`, `must be one of the golden paths offered here (${goldenPathIds.join(', ')}); ${part.goldenPath} is none`);
      return;
    }
    const partWiring = wiring[part.goldenPath];
    if (!partWiring) {
      add(`parts[${index}].goldenPath`, `names ${part.goldenPath}, which declares no system wiring (its Service, pod labels and what it connects to), so no edge to or from it can be derived`);
      return;
    }
    wiringOf.set(part.name, partWiring);
    for (const suffix of partWiring.serviceSuffixes) {
      const service = `${part.name}${suffix}`;
      if (service.length > DNS1123_LABEL_MAX) {
        add(`parts[${index}].name`, `must be at most ${DNS1123_LABEL_MAX - suffix.length} characters: ${part.goldenPath} creates the Service ${service}, and a Service name is a DNS-1035 label of at most ${DNS1123_LABEL_MAX}`);
      }
    }
  });
  spec.resources.forEach((resource, index) => {
    const { clientServiceSuffix, otherServiceSuffixes } = RESOURCE_WIRING[resource.kind];
    for (const suffix of [clientServiceSuffix, ...otherServiceSuffixes]) {
      const service = `${resource.name}${suffix}`;
      if (service.length > DNS1123_LABEL_MAX) {
        add(`resources[${index}].name`, `must be at most ${DNS1123_LABEL_MAX - suffix.length} characters: ${resource.kind} creates the Service ${service}, and a Service name is a DNS-1035 label of at most ${DNS1123_LABEL_MAX}`);
      }
    }
  });

  const envOfCaller = new Map<string, string>();
  const prefixOfCaller = new Map<string, string>();
  const consumed = new Map<string, DeclaredEdge[]>();
  const resourceKindOf = new Map(spec.resources.map(resource => [resource.name, resource.kind]));
  for (const edge of edges) {
    const from = wiringOf.get(edge.from);
    if (edge.kind === 'calls') {
      const to = wiringOf.get(edge.to);
      if (to && !to.http) {
        add(`${edge.path}.to`, `must name a part that serves HTTP: ${edge.to} is a ${pathOf.get(edge.to)}, which has no Service other parts may call (its only port is for Prometheus)`);
      } else if (to?.http && edge.port !== undefined && edge.port !== to.http.portName && edge.port !== to.http.port) {
        add(`${edge.path}.port`, `must be a port ${edge.to}'s Service exposes to callers: ${to.http.portName} (${to.http.port})`);
      }
      if (!from) continue;
      if (from.callerConfig === 'path-prefix') {
        if (edge.pathPrefix === undefined) add(`${edge.path}.pathPrefix`, `is required: ${edge.from} is a ${pathOf.get(edge.from)}, whose nginx proxies a path prefix to each part it calls`);
        if (edge.env !== undefined) add(`${edge.path}.env`, `must be left out: ${edge.from} is a ${pathOf.get(edge.from)}, which takes the callee by path prefix, not by environment variable`);
        if (edge.pathPrefix !== undefined) {
          const key = `${edge.from} ${edge.pathPrefix}`;
          const earlier = prefixOfCaller.get(key);
          if (earlier) add(`${edge.path}.pathPrefix`, `must differ from ${earlier}.pathPrefix: ${edge.from} proxies one prefix to one part`);
          else prefixOfCaller.set(key, edge.path);
        }
      } else {
        if (edge.pathPrefix !== undefined) add(`${edge.path}.pathPrefix`, `is only for callers that proxy path prefixes (static-frontend): ${edge.from} is a ${pathOf.get(edge.from)}, which reads the callee's URL from an environment variable (env)`);
        const key = `${edge.from} ${edge.env ?? defaultUrlEnv(edge.to)}`;
        const earlier = envOfCaller.get(key);
        if (earlier) add(`${edge.path}.env`, `must differ from ${earlier}'s variable ${edge.env ?? defaultUrlEnv(edge.to)}: one variable holds one address`);
        else envOfCaller.set(key, edge.path);
      }
      continue;
    }
    if (!from) continue;
    if (!from.connectsToResources) {
      add(`${edge.path}.from`, `must name a part that connects to resources: ${edge.from} is a ${pathOf.get(edge.from)}, whose nginx only proxies HTTP to other parts`);
    }
    // A publisher and a cache user render their side from the edge: a path that cannot would leave it open at neither end.
    const kind = resourceKindOf.get(edge.to);
    if (edge.kind === 'publishes' && from.connectsToResources && !from.publishes) {
      add(`${edge.path}.from`, `must name a part that publishes (a node-service): ${edge.from} is a ${pathOf.get(edge.from)}, which has no publisher`);
    }
    if (edge.kind === 'uses' && kind === 'redis') {
      if (resourceRole(edge.to, edges) === 'broker') {
        add(`${edge.path}.to`, `must not name ${edge.to} as a cache: parts publish to or consume from it, so it is a broker; give the cache a redis resource of its own`);
      } else if (from.connectsToResources && !from.usesCache) {
        add(`${edge.path}.from`, `must name a part that caches in Redis (a node-service): ${edge.from} is a ${pathOf.get(edge.from)}, which has no Redis cache client`);
      }
    }
    if (edge.kind === 'consumes') {
      if (from.consumesQueues === 0) {
        add(`${edge.path}.from`, `must name a part that consumes queues (a node-worker): ${edge.from} is a ${pathOf.get(edge.from)}, which runs no consumer`);
      } else {
        const earlier = consumed.get(edge.from) ?? [];
        if (earlier.length >= from.consumesQueues) {
          add(edge.path, `must not be a further queue of ${edge.from}: a ${pathOf.get(edge.from)} consumes ${from.consumesQueues} queue (${earlier.map(other => other.path).join(', ')})`);
        }
        consumed.set(edge.from, [...earlier, edge]);
      }
    }
  }

  // A holder renders the resource in its repo: its path must be one that can (wiring.ts holds).
  spec.resources.forEach((resource, index) => {
    if (resource.heldBy === undefined || !wiringOf.has(resource.heldBy)) return;
    const role = resourceRole(resource.name, edges);
    if (canHold(wiringOf.get(resource.heldBy), resource.kind, role)) return;
    const holder = pathOf.get(resource.heldBy);
    const able = spec.parts.filter(part => part.name !== resource.heldBy && canHold(wiringOf.get(part.name), resource.kind, role)).map(part => `${part.name} (${part.goldenPath})`);
    const what = role === 'broker' ? `${resource.kind} broker` : `${resource.kind} ${RESOURCE_WIRING[resource.kind].catalogType}`;
    add(
      `resources[${index}].heldBy`,
      `names ${resource.heldBy}, a ${holder}, which cannot hold a ${what}: its repo cannot render one` +
        (able.length ? `; name a part whose golden path can (${able.join(', ')}), or leave heldBy out` : '; no part of the system can, so leave heldBy out'),
    );
  });

  // A pod reads Secrets of its own namespace only; CloudNativePG writes <cluster>-app only in the Cluster's.
  const resourceIndex = new Map(spec.resources.map((resource, index) => [resource.name, { resource, index }]));
  const partIndex = new Map(spec.parts.map(part => [part.name, part]));
  for (const edge of edges) {
    const target = resourceIndex.get(edge.to);
    const part = partIndex.get(edge.from);
    if (edge.kind === 'calls' || !target || !part || RESOURCE_WIRING[target.resource.kind].credentials.in !== 'resource') continue;
    for (const environment of spec.environments) {
      const clientNamespace = endpointNamespace(part.namespace, spec.name, environment);
      const resourceNamespace = endpointNamespace(target.resource.namespace, spec.name, environment);
      if (clientNamespace !== resourceNamespace) {
        add(
          edge.path,
          `must connect parts in the resource's namespace: in ${environment.name} ${edge.from} runs in ${clientNamespace} and ${edge.to} in ${resourceNamespace}, ` +
            `but ${RESOURCE_WIRING[target.resource.kind].credentials.madeBy} writes the Secret ${edge.to}-app only in the cluster's namespace, and a pod reads Secrets of its own namespace only`,
        );
        break;
      }
    }
  }
  return { issues, wiringOf };
}
