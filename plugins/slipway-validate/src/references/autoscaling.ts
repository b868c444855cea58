import type { ModelCheck, ValidationProblem } from '../types';
import { asNumber, asRecord, asString, getPath, objectSets, objectsOfKind, problemsFor, scaleTargetMatches, type ObjectSet } from '../kube';
import { operatorAutoscalers } from '../operators';

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
  // Autoscalers operators write (KEDA's HPA for a ScaledObject): reported on the custom resource.
  for (const made of operatorAutoscalers(set)) {
    const ref = asRecord(getPath(made.object, 'spec', 'scaleTargetRef'));
    const target = `${asString(ref?.apiVersion) ?? '?'} ${asString(ref?.kind) ?? '?'}/${asString(ref?.name) ?? '?'}`;
    if (!set.objects.some(loaded => scaleTargetMatches(made.object, loaded.object))) {
      out.push(problem('hpa-target-exists', made.owner, made.targetField,
        `${target} is not among the deployed objects: the HPA ${made.origin} makes (${made.object.metadata.name}) would scale nothing`));
    }
  }
  return out;
}

export const checkAutoscalers: ModelCheck = model => objectSets(model).flatMap(checkSet);
