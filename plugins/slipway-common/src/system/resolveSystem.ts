import { issuesFromZod, type SpecIssue } from '../resolve';
import { checkWiring } from './checkWiring';
import { declaredEdges, resourceRole, type DeclaredEdge } from './edges';
import { IN_CLUSTER_SERVER, environmentEdges, placeEndpoints } from './resolveAddresses';
import { partCatalog, resourceCatalog, systemEntityRef } from './resolveCatalog';
import { addNetworkRules } from './resolveNetwork';
import { RESOURCE_WAVE, partWaves } from './resolveWaves';
import { NAME_TOKEN, environmentNamespace, systemSpecSchema, type ParsedSystemSpec } from './systemSpec';
import type { DeployLocation, ResolvedLayout, ResolvedPart, ResolvedResource, ResolvedSystem, SystemEnvironment } from './types';
import { BUILT_IN_PART_WIRING, RESOURCE_WIRING, canHold, type PartWiring, type ResourceKind } from './wiring';

/**
 * Pod Security Admission's namespace label (Kubernetes docs, "Enforce Pod Security Standards with
 * Namespace Labels": pod-security.kubernetes.io/<MODE>: <LEVEL>); with mode enforce, "policy
 * violations will cause the pod to be rejected".
 */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

export interface ResolveSystemOptions {
  /** The golden paths offered (the registry's ids): each part must name one. */
  goldenPathIds: readonly string[];
  /** How each path's parts are called and connect. Default: the built-in paths' (BUILT_IN_PART_WIRING). */
  wiring?: Readonly<Record<string, PartWiring>>;
}

export type SystemResult = { ok: true; system: ResolvedSystem } | { ok: false; issues: SpecIssue[] };

function repoUrl(spec: ParsedSystemSpec, name: string): string {
  return spec.repos.urlPattern.split(NAME_TOKEN).join(name);
}

function resolveLayout(spec: ParsedSystemSpec): ResolvedLayout {
  if (spec.layout.kind === 'app-repos') return { kind: 'app-repos' };
  return { kind: 'config-repo', repoUrl: spec.layout.repoUrl ?? repoUrl(spec, `${spec.name}-config`), branch: spec.layout.branch };
}

/** A part's deploy/ tree: in its own repo, or under apps/<part> of the config repo. */
function partDeploy(spec: ParsedSystemSpec, layout: ResolvedLayout, part: string): DeployLocation {
  if (layout.kind === 'config-repo') return { repoUrl: layout.repoUrl, branch: layout.branch, path: `apps/${part}` };
  return { repoUrl: repoUrl(spec, part), branch: spec.repos.branch, path: 'deploy' };
}

/**
 * A resource's manifests: its holder renders them in its own deploy tree (a CloudNativePG Cluster in
 * base/database.yaml, a chart's Application in argocd/), synced by the holder's Application, so the
 * resource's location is the holder's: `deploy` of its repo, or `apps/<holder>` of the config repo.
 */
function resourceDeploy(spec: ParsedSystemSpec, layout: ResolvedLayout, heldBy: string): DeployLocation {
  return partDeploy(spec, layout, heldBy);
}

/**
 * Who holds a resource when its heldBy is not set: a part whose path can hold it in its role
 * (wiring.ts `holds`). A broker goes to its first consumer, which runs the broker it consumes
 * from (node-worker), so a publisher (node-service) that cannot run one connects to it; a store
 * (a database, a cache) to its first user in parts order. Every resource has a client; when none
 * can hold it (or none connects), the first client (or the first part) keeps it, as before paths
 * declared what they hold.
 */
function defaultHolder(spec: ParsedSystemSpec, resource: ParsedSystemSpec['resources'][number], edges: DeclaredEdge[], wiringOf: ReadonlyMap<string, PartWiring>): string {
  const role = resourceRole(resource.name, edges);
  const clients = spec.parts.filter(part => edges.some(edge => edge.from === part.name && edge.to === resource.name));
  const capable = clients.filter(part => canHold(wiringOf.get(part.name), resource.kind, role));
  const consumer = capable.find(part => edges.some(edge => edge.kind === 'consumes' && edge.from === part.name && edge.to === resource.name));
  return (consumer ?? capable[0] ?? clients[0] ?? spec.parts[0]).name;
}

/**
 * Checks a system's values and derives everything its wiring needs, for every environment:
 * namespaces, fully qualified addresses, both ends' allow-lists, catalog relations and sync
 * waves. Never throws.
 */
export function resolveSystem(values: unknown, options: ResolveSystemOptions): SystemResult {
  const parsed = systemSpecSchema.safeParse(values);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, values) };
  const spec = parsed.data;
  const edges = declaredEdges(spec);
  const { issues, wiringOf } = checkWiring(spec, edges, options.goldenPathIds, options.wiring ?? BUILT_IN_PART_WIRING);
  if (issues.length) return { ok: false, issues };

  const layout = resolveLayout(spec);
  const holders = new Map(spec.resources.map(resource => [resource.name, resource.heldBy ?? defaultHolder(spec, resource, edges, wiringOf)]));
  const waves = partWaves(spec.parts.map(part => part.name), edges, holders);
  const resourceKinds = new Map<string, ResourceKind>(spec.resources.map(resource => [resource.name, resource.kind]));

  const parts: ResolvedPart[] = spec.parts.map(part => ({
    name: part.name,
    goldenPath: part.goldenPath,
    values: part.values,
    repo: { url: repoUrl(spec, part.name), branch: spec.repos.branch },
    deploy: partDeploy(spec, layout, part.name),
    wave: waves.get(part.name) as number,
    catalog: partCatalog(spec, part.name, edges, wiringOf),
  }));

  const resources: ResolvedResource[] = spec.resources.map(resource => {
    const heldBy = holders.get(resource.name) as string;
    return {
      name: resource.name,
      kind: resource.kind,
      description: resource.description ?? `${RESOURCE_WIRING[resource.kind].title} of the ${spec.name} system`,
      ...(resource.storageSize ? { storageSize: resource.storageSize } : {}),
      ...(resource.backup
        ? { backup: { destinationPath: resource.backup.destinationPath, schedule: resource.backup.schedule, environments: resource.backup.environments ?? spec.environments.map(environment => environment.name) } }
        : {}),
      heldBy,
      deploy: resourceDeploy(spec, layout, heldBy),
      // Applied with its holder's Application (resolveWaves.ts).
      wave: waves.get(heldBy) ?? RESOURCE_WAVE,
      catalog: resourceCatalog(spec, resource, edges),
    };
  });

  const environments: SystemEnvironment[] = spec.environments.map((environment, index) => {
    const isProductionTier = index === spec.environments.length - 1;
    const endpoints = placeEndpoints(spec, environment, isProductionTier, wiringOf);
    const resolvedEdges = environmentEdges(edges, endpoints, wiringOf, resourceKinds);
    addNetworkRules(endpoints, resolvedEdges, wiringOf);
    return {
      name: environment.name,
      isProductionTier,
      cluster: environment.cluster ?? IN_CLUSTER_SERVER,
      namespace: environmentNamespace(spec.name, environment),
      namespaces: [...new Set(Object.values(endpoints).map(endpoint => endpoint.namespace))],
      namespaceLabels: { [POD_SECURITY_ENFORCE_LABEL]: spec.podSecurity },
      endpoints,
      edges: resolvedEdges,
    };
  });

  return {
    ok: true,
    system: {
      name: spec.name,
      owner: spec.owner,
      description: spec.description,
      entityRef: systemEntityRef(spec.name),
      layout,
      environments,
      parts,
      resources,
    },
  };
}
