import { mergeEntityRefs } from '../catalogRelations';
import type { SpecIssue } from '../resolve';
import { ENVIRONMENT_NAMESPACE_TOKEN, environmentNamespaceFrom } from '../spec';
import { heldBrokerClients, publishedBroker, usedCache } from './partMessaging';
import { partPeers } from './peers';
import type { EnvironmentEdge, ResolvedPart, ResolvedSystem } from './types';
import { BUILT_IN_PART_WIRING, canHold, type PartWiring } from './wiring';

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
    const pattern = edge.address.namespace.split(first.name).join(ENVIRONMENT_NAMESPACE_TOKEN);
    for (const environment of system.environments) {
      const same = environment.edges.find(other => other.id === edge.id);
      if (same && same.address.namespace !== environmentNamespaceFrom(pattern, environment.name)) {
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
    system.environments.forEach((environment, index) => {
      const placement = environment.endpoints[resource.name];
      if (placement.namespace !== environment.endpoints[part.name].namespace) {
        issues.push({ path: `resources.${resource.name}.namespace`, message: `must be ${part.name}'s namespace in ${environment.name} (${environment.endpoints[part.name].namespace}): a worker runs the broker it holds beside itself` });
      }
      // The broker's other clients (its publishers) in this environment, said once (the first environment's issues).
      perEnvironment.set(environment.name, { instances: placement.instances, clients: heldBrokerClients(environment, resource, part.name, index === 0 ? issues : []) });
    });
    return { top: { queue, broker: { ...ownBroker, name: resource.name } }, perEnvironment };
  }
  for (const environment of system.environments) perEnvironment.set(environment.name, { namespace: environment.endpoints[resource.name].namespace });
  return { top: { queue, broker: { ...ownBroker, external: { name: resource.name } } }, perEnvironment };
}

/**
 * A part's PostgreSQL from its uses edge (wiring.usesPostgres): the cluster its holder runs under
 * the resource's name and opens to the resource's other clients (postgres.name, postgres.clients,
 * from the resource's ingress), and the others use as postgres.external. The resolver has already
 * refused a client outside the cluster's namespace (checkWiring: CloudNativePG writes <cluster>-app
 * only there), so clients need no namespace. The holder owns the schema and runs the migrations.
 * Only a path that can run the cluster (wiring.holds: node-service) holds it; one that only uses
 * a PostgreSQL (node-worker) gets postgres.external alone, without node-service's `database`
 * switch, and is refused as the holder. A resource one of whose users' paths cannot render its
 * side (no usesPostgres) is left unrendered: rendering the cluster would leave that user's edge
 * open at neither end (network-policy-pairs), and no part gets it.
 */
function usedDatabase(
  system: ResolvedSystem,
  part: ResolvedPart,
  wiring: PartWiring,
  issues: SpecIssue[],
  wiringOf: (goldenPath: string) => PartWiring | undefined,
): Values | undefined {
  const [first] = system.environments;
  const postgres = system.resources.filter(resource => resource.kind === 'postgres');
  const used = postgres.filter(resource => first.edges.some(edge => edge.kind === 'uses' && edge.from === part.name && edge.to === resource.name));
  for (const resource of postgres) {
    if (resource.heldBy === part.name && !used.includes(resource)) {
      issues.push({ path: `resources.${resource.name}.heldBy`, message: `names ${part.name}, which does not use ${resource.name}: a ${part.goldenPath} runs only the database it uses` });
    }
  }
  if (used.length === 0) return undefined;
  if (used.length > 1) {
    issues.push({ path: `parts.${part.name}`, message: `uses ${used.map(resource => resource.name).join(' and ')}: a ${part.goldenPath} connects to one PostgreSQL (DATABASE_URL)` });
    return undefined;
  }
  const [resource] = used;
  const users = first.endpoints[resource.name].ingress.filter(rule => rule.peer.role === 'part').map(rule => rule.peer.name);
  if (users.some(name => !wiringOf(system.parts.find(candidate => candidate.name === name)?.goldenPath ?? '')?.usesPostgres)) return undefined;
  const own = (part.values.postgres ?? {}) as Values;
  if (part.values.database !== undefined) issues.push({ path: `parts.${part.name}.values.database`, message: `is set by the system (its uses edge to ${resource.name}): leave it out` });
  for (const field of ['external', 'name', 'clients'] as const) {
    if (own[field] !== undefined) issues.push({ path: `parts.${part.name}.values.postgres.${field}`, message: `is set by the system (its uses edge to ${resource.name}): leave it out` });
  }
  const runsClusters = canHold(wiring, 'postgres', 'store');
  if (resource.heldBy !== part.name) return { ...(runsClusters ? { database: 'postgres' } : {}), postgres: { ...own, external: { name: resource.name } } };
  if (!runsClusters) {
    issues.push({
      path: `resources.${resource.name}.heldBy`,
      message: `is ${part.name}, a ${part.goldenPath}, which runs no PostgreSQL cluster (it only uses one another part runs: postgres.external): ${resource.name} needs a user whose golden path runs one (a node-service), named in heldBy`,
    });
    return undefined;
  }
  const clients = first.endpoints[resource.name].ingress
    .filter(rule => rule.peer.role === 'part' && rule.peer.name !== part.name)
    .map(rule => ({ name: rule.peer.name, podLabels: rule.peer.podLabels }));
  // node-service sizes its cluster once for every environment: the resource's instances when they agree.
  const instances = new Set(system.environments.map(environment => environment.endpoints[resource.name].instances));
  const [only] = instances;
  const sized = instances.size === 1 && only !== undefined && own.instances === undefined ? { instances: only } : {};
  return { database: 'postgres', postgres: { ...own, ...sized, name: resource.name, clients } };
}

/**
 * The part's catalog relations from the edges (resolveCatalog.ts), after any its own values list
 * (the golden path's catalogFragment); the system itself is given as `system`. A list the part
 * writes wrongly is left for the path's spec to refuse at its own field.
 */
function catalogFor(part: ResolvedPart): Values {
  const own = (part.values.catalog ?? {}) as Values;
  const { system: _system, ...relations } = part.catalog;
  const out: Values = { ...own };
  for (const [field, refs] of Object.entries(relations)) {
    const mine = own[field];
    if (mine === undefined) out[field] = refs;
    else if (Array.isArray(mine) && mine.every(ref => typeof ref === 'string')) out[field] = mergeEntityRefs([mine, refs], field === 'dependsOn' ? undefined : 'api');
  }
  return out;
}

/**
 * A part's golden-path values in the system. `wiring` is what its golden path is in a system
 * (wiring.ts); `wiringOf` the same for the other parts' paths (default: the built-in ones).
 */
export function partValues(
  system: ResolvedSystem,
  part: ResolvedPart,
  wiring: PartWiring,
  wiringOf: (goldenPath: string) => PartWiring | undefined = goldenPath => BUILT_IN_PART_WIRING[goldenPath],
): PartValuesResult {
  const issues: SpecIssue[] = [];
  const own = (Array.isArray(part.values.environments) ? part.values.environments : []) as EnvironmentValues[];
  const broker = wiring.consumesQueues > 0 ? consumedBroker(system, part, issues) : undefined;
  const database = wiring.usesPostgres ? usedDatabase(system, part, wiring, issues, wiringOf) : undefined;
  const publishes = wiring.publishes ? publishedBroker(system, part, issues) : undefined;
  const cache = wiring.usesCache ? usedCache(system, part, issues) : undefined;
  if ((part.values.argocd as Values | undefined)?.system !== undefined) {
    issues.push({ path: `parts.${part.name}.values.argocd.system`, message: "is set by the system (its app-of-apps per environment and the part's sync wave): leave it out" });
  }
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
    catalog: catalogFor(part),
    environments,
    ...broker?.top,
    ...database,
    ...publishes,
    ...cache,
    // The system's app-of-apps per environment owns the part's Applications, at the part's wave.
    argocd: { ...(part.values.argocd as Values | undefined), system: { name: system.name, wave: part.wave } },
    gitops: {
      ...(part.values.gitops as Values | undefined),
      repoUrl: part.repo.url,
      branch: part.repo.branch,
      // The config-repo layout: the part's deploy/ tree is apps/<part> of the system's config repo.
      ...(system.layout.kind === 'config-repo' ? { manifests: { repoUrl: part.deploy.repoUrl, branch: part.deploy.branch, path: part.deploy.path } } : {}),
    },
  };
  if (wiring.callerConfig === 'path-prefix') values.backends = backendsFor(system, part, issues);
  return issues.length ? { ok: false, issues } : { ok: true, values };
}
