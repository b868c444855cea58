import type { KubernetesObject, LoadedObject, ValidationProblem } from '../types';
import {
  applicationSyncOptions,
  asArray,
  cascadesDeletion,
  deployingApplications,
  getPath,
  isCloudNativePgCluster,
  objectProblem,
  prunesAutomatically,
  resourceSyncOptions,
} from '../kube';
import { defineCheck } from './types';

/**
 * Data must outlive a commit and an Application. With automated prune, removing a stateful
 * object from Git (or renaming it) deletes it; with the resources finalizer, deleting the
 * Application deletes everything it deployed, and a CloudNativePG Cluster takes its PVCs with it.
 *
 * argo-cd docs/user-guide/sync-options.md: "No Prune Resources … argocd.argoproj.io/sync-options:
 * Prune=false" and "No Resource Deletion … you can stop those resources from being cleaned up
 * during app deletion by using … Delete=false"; "setting a Prune [Delete] sync option on the
 * resource will always override a Prune [Delete] sync policy defined in the Application".
 * `Prune=confirm` and `Delete=confirm` protect too (a person confirms). docs/user-guide/helm.md:
 * "helm.sh/resource-policy: keep — Supported as equivalent to … Delete=false".
 */

const ID = 'argocd-stateful-protection';

function statefulReason(object: KubernetesObject): string | undefined {
  if (typeof object.apiVersion === 'string' && isCloudNativePgCluster(object)) return 'a CloudNativePG Cluster (its PVCs hold the database)';
  if (object.kind === 'PersistentVolumeClaim' && (object.apiVersion ?? 'v1') === 'v1') return 'a PersistentVolumeClaim';
  if (object.kind === 'StatefulSet' && asArray(getPath(object, 'spec', 'volumeClaimTemplates')).length > 0) {
    return 'a StatefulSet with volumeClaimTemplates';
  }
  return undefined;
}

/** The resource's own option wins over the Application's (sync-options.md). */
function effectiveOption(object: KubernetesObject, application: KubernetesObject, name: 'Prune' | 'Delete'): string | undefined {
  const find = (options: string[]) => options.map(option => option.split('=')).find(([key]) => key === name)?.[1];
  const own = find(resourceSyncOptions(object));
  if (own !== undefined) return own;
  if (name === 'Delete' && object.metadata?.annotations?.['helm.sh/resource-policy'] === 'keep') return 'false';
  return find(applicationSyncOptions(application));
}

const PROTECTED = new Set(['false', 'confirm']);

function checkObject(application: LoadedObject, loaded: LoadedObject): ValidationProblem[] {
  const reason = statefulReason(loaded.object);
  if (!reason) return [];
  const missing: string[] = [];
  const risks: string[] = [];
  if (prunesAutomatically(application.object) && !PROTECTED.has(effectiveOption(loaded.object, application.object, 'Prune') ?? '')) {
    missing.push('Prune=false');
    risks.push('its Application\'s automated prune would delete it when it leaves Git (a rename, a refactor)');
  }
  if (cascadesDeletion(application.object) && !PROTECTED.has(effectiveOption(loaded.object, application.object, 'Delete') ?? '')) {
    missing.push('Delete=false');
    risks.push('the resources finalizer would delete it with the Application');
  }
  if (missing.length === 0) return [];
  return [objectProblem('reference', ID, loaded, 'metadata.annotations["argocd.argoproj.io/sync-options"]',
    // The Application is named by the problem's environment; the text stays the same across them, so one base fix reads as one problem.
    `is ${reason}; ${risks.join(', and ')}, and the data with it. Annotate it argocd.argoproj.io/sync-options: ${missing.join(',')}`)];
}

export const argocdStatefulProtection = defineCheck({
  id: ID,
  check: 'reference',
  summary:
    'Every stateful object (CloudNativePG Cluster, PVC, StatefulSet with volumeClaimTemplates) that an Application prunes or deletes with its resources finalizer ' +
    'carries argocd.argoproj.io/sync-options Prune=false and Delete=false: otherwise a commit or deleting the Application deletes the data.',
  remediation:
    'Annotate the object argocd.argoproj.io/sync-options: Prune=false,Delete=false (or Prune=confirm,Delete=confirm), and back the data up (a CloudNativePG ScheduledBackup).',
  source:
    'argoproj/argo-cd docs/user-guide/sync-options.md ("No Prune Resources", "No Resource Deletion"); docs/user-guide/helm.md (helm.sh/resource-policy: keep)',
  run: model =>
    deployingApplications(model).flatMap(({ application, sets }) =>
      sets.flatMap(set => set.objects.flatMap(loaded => checkObject(application, loaded)))),
});
