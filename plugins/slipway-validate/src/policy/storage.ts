import type { ModelCheck, ValidationProblem } from '../types';
import {
  asArray,
  asString,
  getPath,
  mayRunSeveralPods,
  nameOf,
  objectSets,
  objectsOfKind,
  podTemplates,
  problemsFor,
  recordsOf,
  sameNamespace,
  type ObjectSet,
} from '../kube';

/**
 * A ReadWriteOnce volume attaches to one node (ReadWriteOncePod: one pod). Seed 000's
 * frontend mounted one under a Deployment: fine at one replica, a scheduling failure
 * at two. Per-replica volumes (StatefulSet volumeClaimTemplates) are fine.
 */

const problem = problemsFor('policy');
const SINGLE_WRITER_MODES = ['ReadWriteOnce', 'ReadWriteOncePod'];

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const claims = objectsOfKind(set, 'PersistentVolumeClaim');
  for (const template of podTemplates(set)) {
    if (!template.longRunning) continue;
    const several = template.object.kind === 'DaemonSet' || mayRunSeveralPods(set, template.object);
    if (!several) continue;
    for (const { record: volume, index } of recordsOf(template.spec.volumes)) {
      const claimName = asString(getPath(volume, 'persistentVolumeClaim', 'claimName'));
      if (!claimName) continue;
      const claim = claims.find(loaded => nameOf(loaded.object) === claimName && sameNamespace(loaded.object, template.object));
      const modes = asArray(getPath(claim?.object, 'spec', 'accessModes')).map(String);
      const single = modes.find(mode => SINGLE_WRITER_MODES.includes(mode));
      if (!claim || !single) continue;
      out.push(problem('pvc-rwo-shared', template.loaded, `${template.specPath}.volumes[${index}].persistentVolumeClaim`,
        `mounts PersistentVolumeClaim/${claimName} (${single}) but can run more than one pod (replicas > 1 or an HPA): ` +
        'the second pod cannot attach it; use ReadWriteMany, per-replica volumes or one replica'));
    }
  }
  return out;
}

export const checkVolumeAccess: ModelCheck = model => objectSets(model).flatMap(checkSet);
