import type { EdgeKind, ParsedSystemSpec } from './systemSpec';
import type { EdgeId } from './types';
import type { ResourceRole } from './wiring';

/** One declared edge, whatever its kind, with where it was written (for issues). */
export interface DeclaredEdge {
  id: EdgeId;
  kind: EdgeKind;
  /** `edges.<kind>[<index>]` */
  path: string;
  index: number;
  from: string;
  to: string;
  port?: string | number;
  env?: string;
  pathPrefix?: string;
  queue?: string;
  subject?: string;
}

export function edgeId(kind: EdgeKind, from: string, to: string, queue?: string): EdgeId {
  return `${kind}:${from}->${to}${queue === undefined ? '' : `:${queue}`}`;
}

/** Every edge of the spec in one list: calls, uses, publishes, consumes, each in written order. */
export function declaredEdges(spec: ParsedSystemSpec): DeclaredEdge[] {
  const edges: DeclaredEdge[] = [];
  spec.edges.calls.forEach((edge, index) => edges.push({ ...edge, kind: 'calls', index, path: `edges.calls[${index}]`, id: edgeId('calls', edge.from, edge.to) }));
  spec.edges.uses.forEach((edge, index) => edges.push({ ...edge, kind: 'uses', index, path: `edges.uses[${index}]`, id: edgeId('uses', edge.from, edge.to) }));
  for (const kind of ['publishes', 'consumes'] as const) {
    spec.edges[kind].forEach((edge, index) => edges.push({ ...edge, kind, index, path: `edges.${kind}[${index}]`, id: edgeId(kind, edge.from, edge.to, edge.queue) }));
  }
  return edges;
}

/** `catalog` → `CATALOG_URL`, `todo-backend` → `TODO_BACKEND_URL`: the default variable a caller reads a callee's URL from. */
export function defaultUrlEnv(callee: string): string {
  return `${callee.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** A broker when any part publishes to or consumes from it, else a store (a database, a cache). */
export function resourceRole(resource: string, edges: readonly DeclaredEdge[]): ResourceRole {
  return edges.some(edge => edge.to === resource && (edge.kind === 'publishes' || edge.kind === 'consumes')) ? 'broker' : 'store';
}
