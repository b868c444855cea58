import type { EdgeKind } from './systemSpec';

/*
 * Argo CD sync waves of the Applications in each environment's app-of-apps: a part waits for
 * every part it depends on, so a service starts against dependencies that are already there.
 * A part depends on
 *   - each part it calls (the callee before its callers), and
 *   - the holder of each resource it uses, publishes to or consumes from (the database, cache or
 *     broker, and the migrations the holder runs, before the services that need them: the
 *     holder's repo renders the resource, so the resource is applied with the holder's Application).
 *
 *   wave 1     a part that depends on no other part (or only on parts in a cycle with it)
 *   wave 1+n   a part whose longest chain of dependencies on parts outside its cycle is n long
 *
 * A resource is in its holder's wave: its manifests (a CloudNativePG Cluster, a RabbitmqCluster)
 * are in the holder's Application, and a chart the holder runs (Valkey, NATS) has an Application
 * of its own in the same wave, because its pods mount the Secret and NetworkPolicies the holder's
 * Application writes (skeletons/_backing-services/redis/application.hbs): a chart Application in
 * an earlier wave would wait, with the Application health check restored, for pods that cannot
 * start until the later wave. Dependencies in a cycle (a calls b, b calls a; or a holds the
 * database b uses while b holds the broker a publishes to) put the cycle in one wave: neither can
 * wait for the other.
 *
 * Argo CD waits for a wave's Applications to be healthy before the next only when the
 * Application health check is restored: "The health assessment of argoproj.io/Application CRD
 * has been removed in argocd 1.8 … You might need to restore it if you are using app-of-apps
 * pattern and orchestrating synchronization using sync waves" (Argo CD docs,
 * operator-manual/health.md, "Argocd App"). Without it the waves only order the applies: an
 * Application without a health check counts as synced once applied (gitops-engine
 * pkg/sync/sync_context.go: "some objects (e.g. secret) do not have health, and they
 * automatically success"). README "Argo CD per environment" says why Slipway leaves it so.
 */

/** The wave of a resource no part holds (none today: every resource has a holder). */
export const RESOURCE_WAVE = 0;
export const FIRST_PART_WAVE = 1;

/** Strongly connected components of the dependency graph (Tarjan), so a cycle shares one wave. */
function dependencyCycles(parts: string[], calls: Map<string, string[]>): Map<string, number> {
  const component = new Map<string, number>();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let components = 0;
  const visit = (part: string) => {
    index.set(part, counter);
    low.set(part, counter);
    counter += 1;
    stack.push(part);
    onStack.add(part);
    for (const callee of calls.get(part) ?? []) {
      if (!index.has(callee)) {
        visit(callee);
        low.set(part, Math.min(low.get(part) as number, low.get(callee) as number));
      } else if (onStack.has(callee)) {
        low.set(part, Math.min(low.get(part) as number, index.get(callee) as number));
      }
    }
    if (low.get(part) === index.get(part)) {
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.set(member, components);
      } while (member !== part);
      components += 1;
    }
  };
  for (const part of parts) if (!index.has(part)) visit(part);
  return component;
}

/** What the waves read of an edge: a declared one, or one resolved in an environment. */
export type WaveEdge = Readonly<{ kind: EdgeKind; from: string; to: string }>;

/**
 * The parts each part waits for: its callees, and the holders of the resources it connects to
 * (never itself). `heldBy` maps each resource to the part whose repo renders it.
 */
export function partDependencies(parts: readonly string[], edges: readonly WaveEdge[], heldBy: ReadonlyMap<string, string>): Map<string, string[]> {
  const waitsFor = new Map<string, string[]>(parts.map(part => [part, []]));
  const add = (part: string, dependency: string | undefined) => {
    const own = waitsFor.get(part);
    if (own && dependency !== undefined && dependency !== part && waitsFor.has(dependency) && !own.includes(dependency)) own.push(dependency);
  };
  for (const edge of edges) add(edge.from, edge.kind === 'calls' ? edge.to : heldBy.get(edge.to));
  return waitsFor;
}

/** The wave of each part's Application, by name. */
export function partWaves(parts: readonly string[], edges: readonly WaveEdge[], heldBy: ReadonlyMap<string, string>): Map<string, number> {
  const waitsFor = partDependencies(parts, edges, heldBy);
  const cycleOf = dependencyCycles([...parts], waitsFor);
  // Members of one cycle share their dependencies outside it.
  const dependenciesOfCycle = new Map<number, Set<number>>();
  for (const [part, dependencies] of waitsFor) {
    const own = cycleOf.get(part) as number;
    const set = dependenciesOfCycle.get(own) ?? new Set<number>();
    for (const dependency of dependencies) if (cycleOf.get(dependency) !== own) set.add(cycleOf.get(dependency) as number);
    dependenciesOfCycle.set(own, set);
  }
  // Tarjan numbers a component after every component it reaches, so dependencies come first.
  const waveOfCycle = new Map<number, number>();
  const cycles = [...new Set(cycleOf.values())].sort((a, b) => a - b);
  for (const cycle of cycles) {
    const dependencies = [...(dependenciesOfCycle.get(cycle) ?? [])];
    waveOfCycle.set(cycle, dependencies.length ? 1 + Math.max(...dependencies.map(dependency => waveOfCycle.get(dependency) as number)) : FIRST_PART_WAVE);
  }
  return new Map(parts.map(part => [part, waveOfCycle.get(cycleOf.get(part) as number) as number]));
}
