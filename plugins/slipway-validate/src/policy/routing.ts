import type { ModelCheck, ValidationProblem } from '../types';
import { asArray, asString, getPath, isEmpty, objectSets, objectsOfKind, problemsFor, recordsOf, type ObjectSet } from '../kube';

/**
 * Entry points that route nothing: an Ingress without rules or hosts (seed 003's
 * "Ingress did nothing"), an HTTPRoute without hostnames (it would claim every host
 * on its Gateway) or without backends (it answers 500 to everything).
 */

const problem = problemsFor('policy');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const loaded of objectsOfKind(set, 'Ingress')) {
    const rules = recordsOf(getPath(loaded.object, 'spec', 'rules'));
    if (rules.length === 0) {
      out.push(problem('ingress-rules', loaded, 'spec.rules', 'is empty: an Ingress needs host rules to route anything'));
    }
    for (const { record, index } of rules) {
      if (!asString(record.host)) {
        out.push(problem('ingress-rules', loaded, `spec.rules[${index}].host`, 'is missing: every Ingress rule needs a host'));
      }
    }
  }
  for (const loaded of objectsOfKind(set, 'HTTPRoute')) {
    if (asArray(getPath(loaded.object, 'spec', 'hostnames')).length === 0) {
      out.push(problem('httproute-hostnames', loaded, 'spec.hostnames',
        'is empty: the route would take every host its Gateway listens on; name the service host'));
    }
    const rules = recordsOf(getPath(loaded.object, 'spec', 'rules'));
    if (rules.length === 0) {
      out.push(problem('httproute-backends', loaded, 'spec.rules', 'is empty: the route sends traffic nowhere'));
    }
    for (const { record, index } of rules) {
      const redirects = recordsOf(record.filters).some(({ record: filter }) => filter.type === 'RequestRedirect');
      if (isEmpty(record.backendRefs) && !redirects) {
        out.push(problem('httproute-backends', loaded, `spec.rules[${index}].backendRefs`,
          'is empty: requests matching this rule get errors; name the backend Services'));
      }
    }
  }
  return out;
}

export const checkRouting: ModelCheck = model => objectSets(model).flatMap(checkSet);
