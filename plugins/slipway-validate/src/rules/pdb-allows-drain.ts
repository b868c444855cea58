import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  asNumber,
  asString,
  getPath,
  isCloudNativePgCluster,
  matchesLabelSelector,
  minimumReplicas,
  objectProblem,
  objectRef,
  objectSets,
  objectsOfKind,
  podGroups,
  sameNamespace,
  type ObjectSet,
} from '../kube';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * A PodDisruptionBudget that allows no disruption blocks every node drain: "If you set
 * maxUnavailable to 0% or 0, or you set minAvailable to 100% or the number of replicas, you are
 * requiring zero voluntary evictions. When you set zero voluntary evictions for a workload
 * object such as ReplicaSet, then you cannot successfully drain a Node running one of those
 * Pods" (Kubernetes, "Specifying a Disruption Budget for your Application"). Percentages round
 * up ("the value is rounded up"), so minAvailable: 50% of one pod is one pod.
 *
 * CloudNativePG makes such a budget itself: with enablePDB (default true) it keeps a
 * `<cluster>-primary` PDB with minAvailable 1 for the primary, so a one-instance Cluster can
 * never be evicted, while the budget protects nothing (there is no replica to fail over to).
 * Its docs say to set enablePDB: false for single-instance clusters ("Kubernetes upgrade and
 * maintenance", Pod Disruption Budgets).
 */

const RULE = 'pdb-allows-drain';
const K8S_SOURCE = 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#rounding-logic-when-specifying-percentages';
const CNPG_SOURCE = 'https://cloudnative-pg.io/documentation/current/kubernetes_upgrade/#pod-disruption-budgets';

/** An int or a percentage string; percentages are of `replicas`, rounded up as the disruption controller does. */
function podsOf(value: unknown, replicas: number): number | undefined {
  const text = asString(value);
  if (text !== undefined && /^\d+%$/.test(text.trim())) return Math.ceil((Number(text.trim().slice(0, -1)) * replicas) / 100);
  return asNumber(value);
}

/** Evictions the budget allows while the workload runs `replicas` healthy pods, or undefined when it cannot tell. */
export function allowedDisruptions(pdb: LoadedObject['object'], replicas: number): number | undefined {
  const maxUnavailable = getPath(pdb, 'spec', 'maxUnavailable');
  if (maxUnavailable !== undefined) return podsOf(maxUnavailable, replicas);
  const minAvailable = getPath(pdb, 'spec', 'minAvailable');
  if (minAvailable === undefined) return undefined;
  const kept = podsOf(minAvailable, replicas);
  return kept === undefined ? undefined : replicas - kept;
}

function checkBudget(model: RepoModel, set: ObjectSet, pdb: LoadedObject): ValidationProblem[] {
  const selector = getPath(pdb.object, 'spec', 'selector');
  if (selector === undefined || selector === null) return [];
  const owners = new Map<string, LoadedObject>();
  for (const group of podGroups(set)) {
    if (!sameNamespace(group.owner.object, pdb.object) || !matchesLabelSelector(selector, group.labels)) continue;
    owners.set(objectRef(group.owner.object), group.owner);
  }
  const out: ValidationProblem[] = [];
  for (const owner of owners.values()) {
    // A replica count the schema stage rejects (e.g. "two") cannot be judged here.
    const declared = getPath(owner.object, 'spec', isCloudNativePgCluster(owner.object) ? 'instances' : 'replicas');
    if (declared !== undefined && asNumber(declared) === undefined) continue;
    // CloudNativePG instances are counted by spec.instances, not replicas.
    const replicas = isCloudNativePgCluster(owner.object)
      ? (asNumber(getPath(owner.object, 'spec', 'instances')) ?? 1)
      : minimumReplicas(set, owner.object);
    const allowed = allowedDisruptions(pdb.object, replicas);
    if (allowed === undefined || allowed > 0) continue;
    const field = getPath(pdb.object, 'spec', 'maxUnavailable') !== undefined ? 'maxUnavailable' : 'minAvailable';
    out.push(atSource(model, pdb, ['spec', field], objectProblem('reference', RULE, pdb, `spec.${field}`,
      `allows no eviction of ${objectRef(owner.object)}'s pods at its ${replicas} replica${replicas === 1 ? '' : 's'}: ` +
      'every node drain (cluster upgrade, node rotation, autoscaler scale-down) waits on these pods forever')));
  }
  return out;
}

function checkCluster(model: RepoModel, cluster: LoadedObject): ValidationProblem[] {
  const instances = asNumber(getPath(cluster.object, 'spec', 'instances')) ?? 1;
  if (instances !== 1 || getPath(cluster.object, 'spec', 'enablePDB') === false) return [];
  return [atSource(model, cluster, ['spec', 'instances'], objectProblem('reference', RULE, cluster, 'spec.enablePDB',
    'is not false on a one-instance Cluster: CloudNativePG keeps a PodDisruptionBudget with minAvailable 1 on its primary, ' +
    'which refuses every eviction and blocks node drains while protecting nothing (there is no replica to fail over to)'))];
}

export const pdbAllowsDrain = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'Every PodDisruptionBudget allows at least one eviction at the fewest replicas its pods run, and a one-instance CloudNativePG Cluster sets enablePDB: false: a budget that allows none blocks every node drain.',
  remediation:
    'Use maxUnavailable: 1 (or a minAvailable below the replica count); run two or more replicas where the budget matters; on a one-instance CloudNativePG Cluster set spec.enablePDB: false.',
  source: `${K8S_SOURCE}; ${CNPG_SOURCE}`,
  run(model) {
    return objectSets(model).flatMap(set => [
      ...objectsOfKind(set, 'PodDisruptionBudget').flatMap(pdb => checkBudget(model, set, pdb)),
      ...objectsOfKind(set, 'Cluster').filter(loaded => isCloudNativePgCluster(loaded.object)).flatMap(cluster => checkCluster(model, cluster)),
    ]);
  },
});
