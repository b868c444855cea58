import type { RepoModel, ValidationProblem } from '../types';
import { asArray, asRecord, asString, matchesLabelSelector, objectProblem, objectSets, podTemplates, recordsOf, type PodTemplate } from '../kube';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * A topology spread constraint spreads the pods its labelSelector counts: "LabelSelector is used
 * to find matching pods. Pods that match this label selector are counted to determine the number
 * of pods in their corresponding topology domain" (Kubernetes API, TopologySpreadConstraint). So:
 *
 * - without a labelSelector nothing is counted (the scheduler turns a nil selector into
 *   labels.Nothing()), and the constraint spreads nothing;
 * - a labelSelector that does not select the pod's own labels counts other pods, and places
 *   this workload's pods by where those happen to run.
 *
 * During a rollout a Deployment or an Argo Rollout runs two ReplicaSets whose pods the workload's
 * selector both selects; counted together, the new pods land wherever the old ones leave room, and
 * once the old ones go the new set is skewed. matchLabelKeys fixes that: "The keys are used to
 * lookup values from the incoming pod labels, those key-value labels are ANDed with labelSelector
 * to select the group of existing pods over which spreading will be calculated for the incoming
 * pod. ... Keys that don't exist in the incoming pod labels will be ignored." The revision's label
 * is the controller's: a Deployment's pods carry pod-template-hash; an Argo Rollout's carry
 * rollouts-pod-template-hash, "the default key of the selector that is added to existing
 * ReplicaSets (and label key that is added to its pods)" (argo-rollouts types.go,
 * DefaultRolloutUniqueLabelKey), and never pod-template-hash, so that key is ignored there.
 */

const RULE = 'topology-spread-selector';
const K8S_SOURCE = 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/';
const ROLLOUTS_SOURCE = 'argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go (DefaultRolloutUniqueLabelKey)';

/** The label each revision's pods carry, by the kind of the controller that rolls them out. */
export const POD_TEMPLATE_HASH_LABELS: Readonly<Record<string, string>> = {
  Deployment: 'pod-template-hash',
  Rollout: 'rollouts-pod-template-hash',
};

function checkConstraint(model: RepoModel, template: PodTemplate, constraint: Record<string, unknown>, index: number): ValidationProblem[] {
  const at = [...template.specPath.split('.'), 'topologySpreadConstraints', index];
  const field = `${template.specPath}.topologySpreadConstraints[${index}]`;
  const topologyKey = asString(constraint.topologyKey) ?? '?';
  const problem = (path: readonly (string | number)[], name: string, text: string) =>
    atSource(model, template.loaded, [...at, ...path], objectProblem('reference', RULE, template.loaded, `${field}${name}`, text));

  const selector = asRecord(constraint.labelSelector);
  if (!selector) {
    return [problem([], '', `(${topologyKey}) has no labelSelector: it counts no pods, so it spreads nothing`)];
  }
  if (!matchesLabelSelector(selector, template.labels)) {
    return [problem(['labelSelector'], '.labelSelector', `(${topologyKey}) does not select the pod's own labels: it counts other pods and spreads these by where those run`)];
  }
  const hashLabel = POD_TEMPLATE_HASH_LABELS[template.object.kind];
  if (!hashLabel) return [];
  const keys = asArray(constraint.matchLabelKeys).map(String);
  if (keys.includes(hashLabel)) return [];
  const wrong = Object.values(POD_TEMPLATE_HASH_LABELS).find(label => label !== hashLabel && keys.includes(label));
  return [
    problem(['matchLabelKeys'], '.matchLabelKeys', wrong
      ? `(${topologyKey}) names ${wrong}, which a ${template.object.kind}'s pods do not carry (the scheduler ignores it): use ${hashLabel}, so a rollout spreads the new revision's pods among themselves`
      : `(${topologyKey}) lacks ${hashLabel}: during a rollout the old and new revision's pods are counted together, so the new ones are placed where the old ones leave room and end up skewed`),
  ];
}

export const topologySpreadSelector = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    "Every topology spread constraint's labelSelector selects the pod's own labels, and on a Deployment or Rollout its matchLabelKeys names the revision's hash label (pod-template-hash, rollouts-pod-template-hash): otherwise it counts other pods, or old and new pods together during a rollout.",
  remediation:
    "Set the constraint's labelSelector to the workload's selector labels, and matchLabelKeys: [pod-template-hash] on a Deployment or [rollouts-pod-template-hash] on an Argo Rollout.",
  source: `${K8S_SOURCE}; ${ROLLOUTS_SOURCE}`,
  run(model) {
    return objectSets(model).flatMap(set =>
      podTemplates(set).flatMap(template =>
        recordsOf(template.spec.topologySpreadConstraints).flatMap(({ record, index }) => checkConstraint(model, template, record, index)),
      ),
    );
  },
});
