import type { DeclaredEdge } from './edges';
import type { ParsedSystemSpec } from './systemSpec';

/*
 * Argo CD sync waves of the Applications in each environment's app-of-apps: every resource
 * before the parts that connect to it, and a called part before its callers, so a service
 * starts against dependencies that are already there.
 *
 *   wave 0     every resource (its operator's cluster, its chart): nothing in the system comes before it
 *   wave 1     a part that calls no other part (or only parts in a cycle with it)
 *   wave 1+n   a part whose longest chain of calls to parts outside its cycle is n long
 *
 * Consumers and publishers are not ordered against each other: the queue between them is the
 * resource, which is already there. Calls in a cycle (a calls b, b calls a) put the cycle in
 * one wave: neither can wait for the other.
 *
 * Argo CD waits for a wave's Applications to be healthy before the next only when the
 * Application health check is restored: "The health assessment of argoproj.io/Application CRD
 * has been removed in argocd 1.8 … You might need to restore it if you are using app-of-apps
 * pattern and orchestrating synchronization using sync waves" (Argo CD docs,
 * operator-manual/health.md, "Argocd App"). Without it the waves only order the applies.
 */

export const RESOURCE_WAVE = 0;
export const FIRST_PART_WAVE = 1;

/** Strongly connected components of the calls graph (Tarjan), so a cycle shares one wave. */
function callCycles(parts: string[], calls: Map<string, string[]>): Map<string, number> {
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

/** The wave of each part's Application, by name. */
export function partWaves(spec: ParsedSystemSpec, edges: DeclaredEdge[]): Map<string, number> {
  const parts = spec.parts.map(part => part.name);
  const calls = new Map<string, string[]>();
  for (const edge of edges) if (edge.kind === 'calls') calls.set(edge.from, [...(calls.get(edge.from) ?? []), edge.to]);
  const cycleOf = callCycles(parts, calls);
  // Members of one cycle share their callees outside it.
  const calleesOfCycle = new Map<number, Set<number>>();
  for (const [from, callees] of calls) {
    const own = cycleOf.get(from) as number;
    const set = calleesOfCycle.get(own) ?? new Set<number>();
    for (const callee of callees) if (cycleOf.get(callee) !== own) set.add(cycleOf.get(callee) as number);
    calleesOfCycle.set(own, set);
  }
  // Tarjan numbers a component after every component it reaches, so callees come first.
  const waveOfCycle = new Map<number, number>();
  const cycles = [...new Set(cycleOf.values())].sort((a, b) => a - b);
  for (const cycle of cycles) {
    const callees = [...(calleesOfCycle.get(cycle) ?? [])];
    waveOfCycle.set(cycle, callees.length ? 1 + Math.max(...callees.map(callee => waveOfCycle.get(callee) as number)) : FIRST_PART_WAVE);
  }
  return new Map(parts.map(part => [part, waveOfCycle.get(cycleOf.get(part) as number) as number]));
}
