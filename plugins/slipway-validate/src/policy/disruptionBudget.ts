import type { ModelCheck, ValidationProblem } from '../types';
import {
  getPath,
  matchesLabelSelector,
  minimumReplicas,
  objectSets,
  objectsOfKind,
  podTemplates,
  problemsFor,
  sameNamespace,
  type ObjectSet,
} from '../kube';

/**
 * A workload that runs more than one pod needs a PodDisruptionBudget, or a node drain
 * may evict every replica at once.
 */

const problem = problemsFor('policy');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const budgets = objectsOfKind(set, 'PodDisruptionBudget');
  for (const template of podTemplates(set)) {
    if (!template.replicated) continue;
    const replicas = minimumReplicas(set, template.object);
    if (replicas <= 1) continue;
    const covered = budgets.some(
      budget =>
        sameNamespace(budget.object, template.object) &&
        matchesLabelSelector(getPath(budget.object, 'spec', 'selector'), template.labels),
    );
    if (!covered) {
      out.push(problem('workload-pdb', template.loaded, template.labelsPath,
        `runs at least ${replicas} replicas but no PodDisruptionBudget selects these labels: a node drain could evict them all at once`));
    }
  }
  return out;
}

export const checkDisruptionBudgets: ModelCheck = model => objectSets(model).flatMap(checkSet);
