import { resourceRole, type DeclaredEdge } from './edges';
import type { ParsedSystemSpec } from './systemSpec';
import type { PartCatalog, ResourceCatalog } from './types';
import { RESOURCE_WIRING, type PartWiring } from './wiring';

/*
 * Catalog relations from the edges, so the catalog's dependency cards show the system as it is
 * wired: a call is dependsOn the callee's Component (and consumesApis its API where the callee
 * serves one), a connection to a resource is dependsOn that Resource. Backstage derives the
 * reverse relations (dependencyOf, apiProvidedBy, apiConsumedBy) itself (@backstage/catalog-model
 * ComponentEntity spec: providesApis, consumesApis, dependsOn, dependencyOf, system). An API
 * entity needs spec.definition; the part that provides one must publish it.
 * Entity references are written without a namespace, as the skeletons' catalog-info.yaml do:
 * they resolve in the entity's own (default).
 */

export function systemEntityRef(system: string): string {
  return `system:${system}`;
}

/** An API entity is named like the part that provides it (kinds are apart: component:catalog and api:catalog). */
export function apiEntityRef(part: string): string {
  return `api:${part}`;
}

const unique = (refs: string[]) => [...new Set(refs)];

export function partCatalog(spec: ParsedSystemSpec, part: string, edges: DeclaredEdge[], wiringOf: ReadonlyMap<string, PartWiring>): PartCatalog {
  const outgoing = edges.filter(edge => edge.from === part);
  const calledBy = edges.filter(edge => edge.kind === 'calls' && edge.to === part);
  return {
    system: systemEntityRef(spec.name),
    dependsOn: unique(outgoing.map(edge => (edge.kind === 'calls' ? `component:${edge.to}` : `resource:${edge.to}`))),
    consumesApis: unique(outgoing.filter(edge => edge.kind === 'calls' && wiringOf.get(edge.to)?.providesApi).map(edge => apiEntityRef(edge.to))),
    providesApis: wiringOf.get(part)?.providesApi && calledBy.length > 0 ? [apiEntityRef(part)] : [],
  };
}

/** A broker when any part publishes to or consumes from it; else the kind's own type (database, cache). */
export function resourceCatalog(spec: ParsedSystemSpec, resource: ParsedSystemSpec['resources'][number], edges: DeclaredEdge[]): ResourceCatalog {
  return { system: systemEntityRef(spec.name), type: resourceRole(resource.name, edges) === 'broker' ? 'message-broker' : RESOURCE_WIRING[resource.kind].catalogType };
}
