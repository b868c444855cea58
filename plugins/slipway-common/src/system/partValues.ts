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

/** A part's golden-path values in the system. `wiring` is what its golden path is in a system (wiring.ts). */
export function partValues(system: ResolvedSystem, part: ResolvedPart, wiring: PartWiring): PartValuesResult {
  const issues: SpecIssue[] = [];
  const own = (Array.isArray(part.values.environments) ? part.values.environments : []) as EnvironmentValues[];
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
    return {
      ...entry,
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
    gitops: { ...(part.values.gitops as Values | undefined), repoUrl: part.repo.url, branch: part.repo.branch },
  };
  if (wiring.callerConfig === 'path-prefix') values.backends = backendsFor(system, part, issues);
  return issues.length ? { ok: false, issues } : { ok: true, values };
}
