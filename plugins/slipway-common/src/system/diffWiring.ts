import type { DeployLocation, NetworkRule, ResolvedSystem } from './types';

/*
 * What changes at the existing ends when a system changes, e.g. a new part calling an existing
 * one: the callee's ingress must now admit it, in every environment, and that is a change to
 * the callee's manifests, wherever they live (its own repo, or the config repo). The create of
 * the new part opens that change (a pull request to each location listed) beside its own repo.
 */

/** One end whose allow-lists differ, in one environment. */
export interface EndWiringChange {
  environment: string;
  name: string;
  /** Where its manifests live: the repo and folder the change goes to. */
  deploy: DeployLocation;
  ingressAdded: NetworkRule[];
  ingressRemoved: NetworkRule[];
  egressAdded: NetworkRule[];
  egressRemoved: NetworkRule[];
}

const key = (rule: NetworkRule) => JSON.stringify([rule.edge, rule.pods, rule.peer, rule.ports]);

function difference(rules: NetworkRule[], others: NetworkRule[]): NetworkRule[] {
  const keys = new Set(others.map(key));
  return rules.filter(rule => !keys.has(key(rule)));
}

/** Ends present in both systems whose ingress or egress differ; new and removed ends are the create's (or delete's) own. */
export function wiringChanges(before: ResolvedSystem, after: ResolvedSystem): EndWiringChange[] {
  const changes: EndWiringChange[] = [];
  const deployOf = new Map<string, DeployLocation>([...after.parts, ...after.resources].map(end => [end.name, end.deploy]));
  for (const environment of after.environments) {
    const previous = before.environments.find(candidate => candidate.name === environment.name);
    if (!previous) continue;
    for (const [name, end] of Object.entries(environment.endpoints)) {
      const old = previous.endpoints[name];
      if (!old) continue;
      const change: EndWiringChange = {
        environment: environment.name,
        name,
        deploy: deployOf.get(name) as DeployLocation,
        ingressAdded: difference(end.ingress, old.ingress),
        ingressRemoved: difference(old.ingress, end.ingress),
        egressAdded: difference(end.egress, old.egress),
        egressRemoved: difference(old.egress, end.egress),
      };
      if (change.ingressAdded.length || change.ingressRemoved.length || change.egressAdded.length || change.egressRemoved.length) changes.push(change);
    }
  }
  return changes;
}
