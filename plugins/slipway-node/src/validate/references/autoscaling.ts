import type { ModelCheck, ValidationProblem } from '../types';
import { asNumber, asRecord, asString, getPath, objectSets, objectsOfKind, problemsFor, scaleTargetMatches, type ObjectSet } from '../kube';

/** An HPA must scale something that exists (our Rollout), within bounds that make sense. */

const problem = problemsFor('reference');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const hpa of objectsOfKind(set, 'HorizontalPodAutoscaler')) {
    const ref = asRecord(getPath(hpa.object, 'spec', 'scaleTargetRef'));
    const target = `${asString(ref?.apiVersion) ?? '?'} ${asString(ref?.kind) ?? '?'}/${asString(ref?.name) ?? '?'}`;
    if (!set.objects.some(loaded => scaleTargetMatches(hpa.object, loaded.object))) {
      out.push(problem('hpa-target-exists', hpa, 'spec.scaleTargetRef', `${target} is not among the deployed objects: the HPA scales nothing`));
    }
    const min = asNumber(getPath(hpa.object, 'spec', 'minReplicas')) ?? 1;
    const max = asNumber(getPath(hpa.object, 'spec', 'maxReplicas'));
    if (max === undefined || min > max) {
      out.push(problem('hpa-min-max', hpa, 'spec.maxReplicas',
        max === undefined ? 'is missing' : `(${max}) is below spec.minReplicas (${min})`));
    }
  }
  return out;
}

export const checkAutoscalers: ModelCheck = model => objectSets(model).flatMap(checkSet);
