import type { ModelCheck, ValidationProblem } from '../types';
import { asString, nameOf, objectSets, objectsOfKind, podTemplates, problemsFor, sameNamespace, type ObjectSet } from '../kube';

/**
 * Pods get no API token unless they need one: a stolen token is a foothold in the
 * cluster. Either the pod says `automountServiceAccountToken: false`, or it inherits
 * it from a ServiceAccount in the repo that says so.
 */

const problem = problemsFor('policy');
const RULE = 'pod-service-account-token';

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const accounts = objectsOfKind(set, 'ServiceAccount');
  for (const template of podTemplates(set)) {
    const own = template.spec.automountServiceAccountToken;
    const field = `${template.specPath}.automountServiceAccountToken`;
    if (own === false) continue;
    if (own === true) {
      out.push(problem(RULE, template.loaded, field, 'is true: pods must not mount a ServiceAccount token they do not need'));
      continue;
    }
    const accountName = asString(template.spec.serviceAccountName) ?? asString(template.spec.serviceAccount) ?? 'default';
    const account = accounts.find(loaded => nameOf(loaded.object) === accountName && sameNamespace(loaded.object, template.object));
    if (account?.object.automountServiceAccountToken === false) continue;
    const why = account
      ? `ServiceAccount/${accountName} does not set automountServiceAccountToken: false`
      : `ServiceAccount/${accountName} is not in the repo, so its token would be mounted`;
    out.push(problem(RULE, template.loaded, field,
      `is unset and ${why}: set automountServiceAccountToken: false on the pod or on its ServiceAccount`));
  }
  return out;
}

export const checkServiceAccountToken: ModelCheck = model => objectSets(model).flatMap(checkSet);
