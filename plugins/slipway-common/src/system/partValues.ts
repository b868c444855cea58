import type { SpecIssue } from '../resolve';
import { partPeers } from './peers';
import type { EnvironmentEdge, ResolvedPart, ResolvedSystem } from './types';
import type { PartWiring } from './wiring';

/*
 * A part's values for its golden path, as the system gives them: the part's own values, with
 * what the system decides put over them (its name, owner, system, repo; per environment its
 * namespace, its peers, and the addresses of the parts it calls). The golden path's spec then
 * checks the result like any values, so a system can only ask a path for what the path takes.
 */

type Values = Record<string, unknown>;
type EnvironmentValues = Values & { name: string };

export type PartValuesResult = { ok: true; values: Values } | { ok: false; issues: SpecIssue[] };

/** The directions of peers a path takes: ingress if other parts call it, egress if it reads callees' URLs (a frontend proxies through its backends instead). */
function peersFor(wiring: PartWiring, peers: ReturnType<typeof partPeers>): Values {
  const out: Values = {};
  if (wiring.http) out.ingress = peers.ingress;
  if (wiring.callerConfig === 'env') out.egress = peers.egress;
  return out;
}

/** The callee URLs a caller reads from its environment (`CATALOG_URL=http://catalog.bookstore-staging.svc.cluster.local:80`). */
function calleeUrls(edges: readonly EnvironmentEdge[], part: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const edge of edges) if (edge.kind === 'calls' && edge.from === part && edge.env) env[edge.env] = edge.address.url;
  return env;
}

/**
 * A frontend's backends: one per call, proxied at its path prefix. static-frontend takes one
 * namespace per backend for every environment, with `{environment}` standing for the
 * environment's name, so the callee's namespaces must follow one such pattern.
 */
function backendsFor(system: ResolvedSystem, part: ResolvedPart, issues: SpecIssue[]): Values[] {
  const [first] = system.environments;
  const calls = first.edges.filter(edge => edge.kind === 'calls' && edge.from === part.name);
  return calls.map(edge => {
    const pattern = edge.address.namespace.split(first.name).join('{environment}');
    for (const environment of system.environments) {
      const same = environment.edges.find(other => other.id === edge.id);
      if (same && same.address.namespace !== pattern.split('{environment}').join(environment.name)) {
        issues.push({
          path: `parts.${part.name}`,
          message: `calls ${edge.to}: ${edge.to} runs in ${same.address.namespace} in ${environment.name} and in ${edge.address.namespace} in ${first.name}; a static-frontend backend takes one namespace pattern for every environment (<prefix>{environment}<suffix>)`,
        });
      }
    }
    return {
      pathPrefix: edge.pathPrefix,
      service: edge.address.fqdn.split('.')[0],
      namespace: pattern,
      port: edge.address.port,
      targetPort: edge.address.targetPort,
      // The callee's serving pods, as the edge's ingress rule at the callee names them.
      podLabels: first.endpoints[edge.to].ingress.find(rule => rule.edge === edge.id)?.pods,
    };
  });
}

/**
 * A worker's queue and broker from its consumes edge: the queue (and NATS subject) the edge
 * names, on the system's resource. A broker another part holds is external to the worker's repo
 * (node-worker's broker.external), at the resource's namespace in each environment; one the
 * worker holds is its own broker under the resource's name.
 */
function consumedBroker(system: ResolvedSystem, part: ResolvedPart, issues: SpecIssue[]): { top: Values; perEnvironment: Map<string, Values> } | undefined {
  const [first] = system.environments;
  const edge = first.edges.find(candidate => candidate.kind === 'consumes' && candidate.from === part.name);
  if (!edge) return undefined;
  const resource = system.resources.find(candidate => candidate.name === edge.to);
  if (!resource) return undefined;
  const own = (part.values.queue ?? {}) as Values;
  for (const field of ['kind', 'name', 'subject'] as const) {
    if (own[field] !== undefined) issues.push({ path: `parts.${part.name}.values.queue.${field}`, message: `is set by the system (its consumes edge to ${resource.name}): leave it out` });
  }
  const queue: Values = { ...own, kind: resource.kind, name: edge.queue, ...(edge.subject ? { subject: edge.subject } : {}) };
  const ownBroker = (part.values.broker ?? {}) as Values;
  const perEnvironment = new Map<string, Values>();
  if (resource.heldBy === part.name) {
    for (const environment of system.environments) {
      const placement = environment.endpoints[resource.name];
      if (placement.namespace !== environment.endpoints[part.name].namespace) {
        issues.push({ path: `resources.${resource.name}.namespace`, message: `must be ${part.name}'s namespace in ${environment.name} (${environment.endpoints[part.name].namespace}): a worker runs the broker it holds beside itself` });
      }
      perEnvironment.set(environment.name, { instances: placement.instances });
    }
    return { top: { queue, broker: { ...ownBroker, name: resource.name } }, perEnvironment };
  }
  for (const environment of system.environments) perEnvironment.set(environment.name, { namespace: environment.endpoints[resource.name].namespace });
  return { top: { queue, broker: { ...ownBroker, external: { name: resource.name } } }, perEnvironment };
}

/** A part's golden-path values in the system. `wiring` is what its golden path is in a system (wiring.ts). */
export function partValues(system: ResolvedSystem, part: ResolvedPart, wiring: PartWiring): PartValuesResult {
  const issues: SpecIssue[] = [];
  const own = (Array.isArray(part.values.environments) ? part.values.environments : []) as EnvironmentValues[];
  const broker = wiring.consumesQueues > 0 ? consumedBroker(system, part, issues) : undefined;
  const environments = system.environments.map(environment => {
    const placement = environment.endpoints[part.name];
    const entry = own.find(candidate => candidate.name === environment.name) ?? { name: environment.name };
    const urls = wiring.callerConfig === 'env' ? calleeUrls(environment.edges, part.name) : {};
    const config = (entry.config ?? {}) as { env?: Record<string, string> };
    for (const name of Object.keys(urls)) {
      if (config.env && name in config.env) {
        issues.push({ path: `parts.${part.name}.values.environments.${environment.name}.config.env.${name}`, message: `is set by the system (the address of the part this one calls): leave it out` });
      }
    }
    const brokerHere = broker?.perEnvironment.get(environment.name);
    return {
      ...entry,
      ...(brokerHere ? { broker: { ...(entry.broker as Values | undefined), ...brokerHere } } : {}),
      name: environment.name,
      namespace: placement.namespace,
      peers: peersFor(wiring, partPeers(placement)),
      ...(Object.keys(urls).length ? { config: { ...config, env: { ...config.env, ...urls } } } : {}),
    };
  });
  const values: Values = {
    ...part.values,
    name: part.name,
    owner: system.owner,
    system: system.entityRef,
    environments,
    ...broker?.top,
    gitops: { ...(part.values.gitops as Values | undefined), repoUrl: part.repo.url, branch: part.repo.branch },
  };
  if (wiring.callerConfig === 'path-prefix') values.backends = backendsFor(system, part, issues);
  return issues.length ? { ok: false, issues } : { ok: true, values };
}
