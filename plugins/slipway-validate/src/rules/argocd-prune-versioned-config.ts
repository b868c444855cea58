import type { LoadedObject, ValidationProblem } from '../types';
import {
  COMPARE_OPTIONS_ANNOTATION,
  deployingApplications,
  nameOf,
  objectProblem,
  podTemplates,
  prunesAutomatically,
  resourceCompareOptions,
  resourceSyncOptions,
  SYNC_OPTIONS_ANNOTATION,
  type ObjectSet,
} from '../kube';
import { referencesOf } from '../references/podReferences';
import { defineCheck } from './types';

/**
 * A content-hashed ConfigMap or Secret (kustomize's configMapGenerator / secretGenerator) that a
 * Rollout's, Deployment's or StatefulSet's pods read must survive the sync that replaces it.
 *
 * What happens without it: a config change renders a new `<name>-<hash>` and rewrites the pod
 * template to it. With automated prune, that same sync deletes the old one (it left Git), while
 * the old ReplicaSet — the stable one for the whole canary, and kept for rollback — still names
 * it. Every pod of it created afterwards (an abort scaling stable back to 100%, a restart, an
 * autoscaler) stays in CreateContainerConfigError. (argoproj/argo-rollouts#2675 reproduces the
 * setup; fluxcd/flux2#3378 traces the same apply-then-prune order.)
 *
 * argo-cd docs/user-guide/sync-options.md, "No Prune Resources": `argocd.argoproj.io/sync-options:
 * Prune=false` ... "The app will be out of sync if Argo CD expects a resource to be pruned. You may
 * wish to use this along with compare options"; compare-options.md: `argocd.argoproj.io/compare-options:
 * IgnoreExtraneous` keeps such leftovers out of the sync status ("generatorOptions adds annotations
 * to both config maps and secrets").
 *
 * kustomize's suffix is the first 10 hex digits of a SHA-256 with 0, 1, 3, a and e replaced by
 * g, h, k, m and t (kubernetes-sigs/kustomize api/hasher/hasher.go, `encode`).
 */

const ID = 'argocd-prune-versioned-config';
const KUSTOMIZE_HASH_SUFFIX = /-[245-9bcdfghkmt]{10}$/;
/** Workloads whose previous revision keeps running (and scaling) while the new one rolls out. */
const REVISIONED_KINDS = new Set(['Rollout', 'Deployment', 'StatefulSet']);

function versionedConfigIn(set: ObjectSet): Map<LoadedObject, string[]> {
  const readers = new Map<LoadedObject, string[]>();
  const byName = new Map(set.objects.filter(({ object }) => object.kind === 'ConfigMap' || object.kind === 'Secret').map(loaded => [`${loaded.object.kind}/${nameOf(loaded.object)}`, loaded]));
  for (const template of podTemplates(set)) {
    if (!REVISIONED_KINDS.has(template.object.kind)) continue;
    for (const reference of referencesOf(template)) {
      if (!KUSTOMIZE_HASH_SUFFIX.test(reference.name)) continue;
      const target = byName.get(`${reference.kind}/${reference.name}`);
      if (!target) continue;
      const reader = `${template.object.kind}/${nameOf(template.object)}`;
      const list = readers.get(target) ?? [];
      if (!list.includes(reader)) list.push(reader);
      readers.set(target, list);
    }
  }
  return readers;
}

/** What creates pods of the previous revision after the sync, by the readers' kinds. */
function recreations(readers: string[]): string {
  const rollout = readers.some(reader => reader.startsWith('Rollout/'));
  return `${rollout ? 'an aborted canary scaling stable back up' : 'the rolling update still under way, a rollback'}, a restart, the autoscaler`;
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [loaded, readers] of versionedConfigIn(set)) {
    const options = resourceSyncOptions(loaded.object).map(option => option.replace(/\s+/g, ''));
    const kept = options.includes('Prune=false') || options.includes('Prune=confirm');
    const ignored = resourceCompareOptions(loaded.object).includes('IgnoreExtraneous');
    if (kept && ignored) continue;
    const missing = [kept ? undefined : `${SYNC_OPTIONS_ANNOTATION}: Prune=false`, ignored ? undefined : `${COMPARE_OPTIONS_ANNOTATION}: IgnoreExtraneous`].filter(Boolean);
    const why = kept
      ? 'the previous ones it keeps would leave the Application OutOfSync after every config change'
      : `the sync that replaces it prunes the old one while the previous ReplicaSet of ${readers.join(', ')} still reads it, so its pods created afterwards (${recreations(readers)}) stay in CreateContainerConfigError`;
    problems.push(objectProblem('reference', ID, loaded, 'metadata.annotations',
      `is content-hashed (kustomize's generator) and read by ${readers.join(', ')}; ${why}. Annotate it ${missing.join(' and ')} (kustomize generatorOptions.annotations)`));
  }
  return problems;
}

export const argocdPruneVersionedConfig = defineCheck({
  id: ID,
  check: 'reference',
  summary:
    'A content-hashed ConfigMap or Secret (kustomize generator) that a Rollout, Deployment or StatefulSet reads, deployed by an Application with automated prune, ' +
    'carries Prune=false and IgnoreExtraneous: otherwise a config change deletes the one the stable pods still need.',
  remediation:
    'Add generatorOptions.annotations to the kustomization: argocd.argoproj.io/sync-options: Prune=false and argocd.argoproj.io/compare-options: IgnoreExtraneous; delete old copies no ReplicaSet names by hand.',
  source:
    'argoproj/argo-cd docs/user-guide/sync-options.md ("No Prune Resources") and compare-options.md (IgnoreExtraneous); kubernetes-sigs/kustomize api/hasher/hasher.go; argoproj/argo-rollouts#2675',
  run: model =>
    deployingApplications(model)
      .filter(({ application }) => prunesAutomatically(application.object))
      .flatMap(({ sets }) => sets.flatMap(checkSet)),
});
