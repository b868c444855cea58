import type { KubernetesObject, ModelCheck, ValidationProblem } from '../types';
import {
  getPath,
  isEmptyLabelSelector,
  matchesLabelSelector,
  objectSets,
  objectsOfKind,
  podGroups,
  problemsFor,
  sameNamespace,
  type ObjectSet,
} from '../kube';

/**
 * PodDisruptionBudgets and NetworkPolicies that select no pods protect nothing, usually
 * because a label was renamed on one side only.
 */

const problem = problemsFor('reference');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const groups = podGroups(set);
  const selectsSome = (owner: KubernetesObject, selector: unknown) =>
    groups.some(group => sameNamespace(group.owner.object, owner) && matchesLabelSelector(selector, group.labels));

  for (const budget of objectsOfKind(set, 'PodDisruptionBudget')) {
    const selector = getPath(budget.object, 'spec', 'selector');
    if (!selectsSome(budget.object, selector)) {
      out.push(problem('pdb-selects-pods', budget, 'spec.selector', 'matches no workload pod template: the budget protects nothing'));
    }
  }
  for (const policy of objectsOfKind(set, 'NetworkPolicy')) {
    const selector = getPath(policy.object, 'spec', 'podSelector');
    // `{}` is a namespace-wide policy (default deny): valid even before any pod exists.
    if (isEmptyLabelSelector(selector)) continue;
    if (!selectsSome(policy.object, selector)) {
      out.push(problem('networkpolicy-selects-pods', policy, 'spec.podSelector', 'matches no workload pod template: the policy applies to nothing'));
    }
  }
  return out;
}

export const checkSelections: ModelCheck = model => objectSets(model).flatMap(checkSet);
