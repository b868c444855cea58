import type { KubernetesObject, LoadedObject, ValidationProblem } from '../types';
import {
  apiGroup,
  applicationSyncOptions,
  asRecord,
  asString,
  deployingApplications,
  gatewayApiRoutes,
  getPath,
  nameOf,
  objectProblem,
  objectRef,
  objectsOfKind,
  recordsOf,
  sameNamespace,
  scaleTargetMatches,
  type ObjectSet,
} from '../kube';
import { ignoresField, toPointer } from './argocd-ignore-paths';
import { defineCheck } from './types';

/**
 * Fields another controller writes must be left to it. Argo CD compares Git with the live
 * object; with selfHeal a difference is "fixed" by writing Git's value back, and even a plain
 * sync applies Git's value unless the field is in ignoreDifferences *and* the Application sets
 * RespectIgnoreDifferences=true (argo-cd docs/user-guide/sync-options.md: "By default, Argo CD
 * uses the ignoreDifferences config just for computing the diff … However during the sync stage,
 * the desired state is applied as-is").
 *
 * The controllers: an HPA (or KEDA, through the HPA it creates) writes the target's
 * spec.replicas; Argo Rollouts' Gateway API plugin writes the HTTPRoute backendRefs weights
 * during a canary (rollouts-plugin-trafficrouter-gatewayapi docs, "Working with GitOps
 * controllers"); KEDA owns the HPA it creates for a ScaledObject (keda-hpa-<name>).
 */

const ID = 'argocd-controller-fields';

/** One field of one deployed object that a controller writes. */
interface OwnedField {
  object: LoadedObject;
  path: Array<string | number>;
  owner: string;
}

const SCALABLE = ['Rollout', 'Deployment', 'StatefulSet', 'ReplicaSet'];

function isScaledObject(object: KubernetesObject): boolean {
  return object.kind === 'ScaledObject' && apiGroup(object.apiVersion ?? '') === 'keda.sh';
}

/** The object a KEDA ScaledObject scales: scaleTargetRef defaults to apps/v1 Deployment. */
function scaledObjectTarget(set: ObjectSet, scaledObject: KubernetesObject): LoadedObject | undefined {
  const ref = asRecord(getPath(scaledObject, 'spec', 'scaleTargetRef'));
  const name = asString(ref?.name);
  if (!name) return undefined;
  const kind = asString(ref?.kind) ?? 'Deployment';
  const group = apiGroup(asString(ref?.apiVersion) ?? 'apps/v1');
  return set.objects.find(({ object }) =>
    object.kind === kind && nameOf(object) === name && apiGroup(object.apiVersion ?? '') === group && sameNamespace(object, scaledObject));
}

function ownedFields(set: ObjectSet): OwnedField[] {
  const out: OwnedField[] = [];
  const hpas = objectsOfKind(set, 'HorizontalPodAutoscaler');
  for (const target of set.objects.filter(({ object }) => SCALABLE.includes(object.kind))) {
    const hpa = hpas.find(({ object }) => scaleTargetMatches(object, target.object));
    if (hpa) out.push({ object: target, path: ['spec', 'replicas'], owner: `the autoscaler ${objectRef(hpa.object)}` });
  }
  for (const scaledObject of set.objects.filter(({ object }) => isScaledObject(object))) {
    const target = scaledObjectTarget(set, scaledObject.object);
    if (target) out.push({ object: target, path: ['spec', 'replicas'], owner: `KEDA (${objectRef(scaledObject.object)})` });
  }
  for (const rollout of objectsOfKind(set, 'Rollout')) {
    const canary = asRecord(getPath(rollout.object, 'spec', 'strategy', 'canary'));
    const services = new Set([asString(canary?.stableService), asString(canary?.canaryService)].filter((name): name is string => !!name));
    for (const { name } of gatewayApiRoutes(rollout.object)) {
      const route = objectsOfKind(set, 'HTTPRoute').find(({ object }) => nameOf(object) === name && sameNamespace(object, rollout.object));
      if (!route) continue;
      recordsOf(getPath(route.object, 'spec', 'rules')).forEach(({ record: rule, index: ruleIndex }) => {
        recordsOf(rule.backendRefs).forEach(({ record: ref, index: refIndex }) => {
          if (!services.has(asString(ref.name) ?? '')) return;
          out.push({
            object: route,
            path: ['spec', 'rules', ruleIndex, 'backendRefs', refIndex, 'weight'],
            owner: `Argo Rollouts' Gateway API plugin (${objectRef(rollout.object)}'s canary)`,
          });
        });
      });
    }
  }
  return out;
}

/** An HPA kept in Git for a workload KEDA scales: two autoscalers, and Argo CD rewriting KEDA's own HPA. */
function kedaConflicts(application: LoadedObject, set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const scaledObject of set.objects.filter(({ object }) => isScaledObject(object))) {
    const hpaName =
      asString(getPath(scaledObject.object, 'spec', 'advanced', 'horizontalPodAutoscalerConfig', 'name')) ?? `keda-hpa-${nameOf(scaledObject.object)}`;
    const target = scaledObjectTarget(set, scaledObject.object);
    for (const hpa of objectsOfKind(set, 'HorizontalPodAutoscaler')) {
      if (!sameNamespace(hpa.object, scaledObject.object)) continue;
      const isKedas = nameOf(hpa.object) === hpaName;
      const sameTarget = target !== undefined && scaleTargetMatches(hpa.object, target.object);
      if (!isKedas && !sameTarget) continue;
      out.push(objectProblem('reference', ID, hpa, '',
        isKedas
          ? `is the HPA KEDA creates and owns for ${objectRef(scaledObject.object)}: with it in Git, ${objectRef(application.object)} and KEDA rewrite each other's spec. Remove it from Git`
          : `scales ${objectRef(target!.object)}, which KEDA already scales through ${objectRef(scaledObject.object)}: two autoscalers fight over its replicas. Keep one`));
    }
  }
  return out;
}

/** The ignoreDifferences entry that would cover the fields, written as the remediation says. */
function suggestedEntry(object: KubernetesObject, fields: OwnedField[]): string {
  const paths = fields.some(field => field.path.includes('backendRefs'))
    ? 'jqPathExpressions: [.spec.rules[].backendRefs[].weight]'
    : `jsonPointers: [${[...new Set(fields.map(field => toPointer(field.path)))].join(', ')}]`;
  return `{group: ${apiGroup(object.apiVersion ?? '') || '""'}, kind: ${object.kind}, name: ${nameOf(object)}, ${paths}}`;
}

function checkApplication(application: LoadedObject, sets: ObjectSet[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  let owned = 0;
  for (const set of sets) {
    const missing = new Map<LoadedObject, OwnedField[]>();
    for (const field of ownedFields(set)) {
      owned += 1;
      if (ignoresField(application.object, field.object.object, field.path)) continue;
      missing.set(field.object, [...(missing.get(field.object) ?? []), field]);
    }
    for (const [loaded, fields] of missing) {
      const owners = [...new Set(fields.map(field => field.owner))].join(' and ');
      out.push(objectProblem('reference', ID, application, 'spec.ignoreDifferences',
        `does not ignore ${objectRef(loaded.object)} ${fields.map(field => toPointer(field.path)).join(', ')}, which ${owners} writes` +
        `${set.environment ? ` (in ${set.environment})` : ''}: Argo CD would write Git's value back (selfHeal, or the next sync). ` +
        `Add ${suggestedEntry(loaded.object, fields)}`));
    }
    out.push(...kedaConflicts(application, set));
  }
  if (owned > 0 && !applicationSyncOptions(application.object).includes('RespectIgnoreDifferences=true')) {
    out.push(objectProblem('reference', ID, application, 'spec.syncPolicy.syncOptions',
      'has no RespectIgnoreDifferences=true: ignoreDifferences then only hides the difference, and every sync (each image bump) ' +
      'still applies Git\'s replicas and weights, resetting what the autoscaler and the canary chose'));
  }
  return out;
}

export const argocdControllerFields = defineCheck({
  id: ID,
  check: 'reference',
  summary:
    'Every field another controller writes (replicas under an HPA or KEDA ScaledObject, HTTPRoute backendRefs weights under the Argo Rollouts Gateway API plugin) ' +
    'is in the Application\'s ignoreDifferences with RespectIgnoreDifferences=true, and no HPA in Git competes with KEDA: otherwise Argo CD writes Git\'s values back mid-canary and on every sync.',
  remediation:
    'Add ignoreDifferences entries (jsonPointers [/spec/replicas] for the scaled workload; jqPathExpressions [.spec.rules[].backendRefs[].weight] for the HTTPRoute) ' +
    'and RespectIgnoreDifferences=true to spec.syncPolicy.syncOptions; remove an HPA that a KEDA ScaledObject creates or duplicates.',
  source:
    'argoproj/argo-cd docs/user-guide/diffing.md (Application level ignoreDifferences) and docs/user-guide/sync-options.md ("Respect ignore differences configs"); ' +
    'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs/features/multiple-routes.md ("Working with GitOps controllers"), issues #208 and #223',
  run: model => deployingApplications(model).flatMap(({ application, sets }) => checkApplication(application, sets)),
});
