import type { KubernetesObject, LoadedObject, ValidationProblem } from '../types';
import {
  asRecord,
  asString,
  getPath,
  nameOf,
  objectProblem,
  objectRef,
  objectSets,
  podTemplates,
  recordsOf,
  sameNamespace,
  type JsonRecord,
  type ObjectSet,
} from '../kube';
import { knownSecrets } from '../references/knownSecrets';
import { compareSlots, describeSlot, firstFlowSlot, simulateSync, type FlowSlot, type SyncTask } from './argocd-sync-simulation';
import { defineCheck } from './types';

/**
 * Every object a pod needs is applied no later than the pod in Argo CD's sync, and an
 * operator-made Secret's owner before it. Argo CD applies one phase and wave at a time and goes
 * on only when that step is healthy (hooks: completed), so a Job hook whose ServiceAccount sits in
 * a later wave is refused by the API server until `activeDeadlineSeconds`, the hook fails, and the
 * later wave never comes (the first sync of a fresh namespace deadlocks).
 */

const ID = 'argocd-sync-order';

interface Pod {
  loaded: LoadedObject;
  spec: JsonRecord;
  specPath: string;
  /** Jobs and bare Pods must finish; a sync waits for a hook Job to complete. */
  runsToCompletion: boolean;
}

interface Need {
  kind: 'ServiceAccount' | 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  name: string;
  field: string;
}

function podsOf(set: ObjectSet): Pod[] {
  // A CronJob starts no pod during the sync (only on its schedule), so the sync order cannot strand it.
  const pods: Pod[] = podTemplates(set).filter(template => template.object.kind !== 'CronJob').map(template => ({
    loaded: template.loaded,
    spec: template.spec,
    specPath: template.specPath,
    runsToCompletion: !template.longRunning,
  }));
  for (const loaded of set.objects) {
    const spec = asRecord(getPath(loaded.object, 'spec'));
    if (loaded.object.kind === 'Pod' && spec) pods.push({ loaded, spec, specPath: 'spec', runsToCompletion: asString(spec.restartPolicy) !== 'Always' });
  }
  return pods;
}

/** What the pod cannot start without; `optional: true` references are left out. */
function needsOf(pod: Pod): Need[] {
  const out: Need[] = [];
  const at = (path: string) => `${pod.specPath}.${path}`;
  const serviceAccount = asString(pod.spec.serviceAccountName) ?? asString(pod.spec.serviceAccount);
  if (serviceAccount && serviceAccount !== 'default') out.push({ kind: 'ServiceAccount', name: serviceAccount, field: at('serviceAccountName') });
  recordsOf(pod.spec.imagePullSecrets).forEach(({ record, index }) => {
    const name = asString(record.name);
    if (name) out.push({ kind: 'Secret', name, field: at(`imagePullSecrets[${index}]`) });
  });
  for (const field of ['initContainers', 'containers'] as const) {
    recordsOf(pod.spec[field]).forEach(({ record: container, index }) => {
      const base = `${field}[${index}]`;
      recordsOf(container.env).forEach(({ record: env, index: envIndex }) => {
        for (const [selector, kind] of [['secretKeyRef', 'Secret'], ['configMapKeyRef', 'ConfigMap']] as const) {
          const ref = asRecord(getPath(env, 'valueFrom', selector));
          const name = asString(ref?.name);
          if (name && ref?.optional !== true) out.push({ kind, name, field: at(`${base}.env[${envIndex}].valueFrom.${selector}`) });
        }
      });
      recordsOf(container.envFrom).forEach(({ record: from, index: fromIndex }) => {
        for (const [selector, kind] of [['secretRef', 'Secret'], ['configMapRef', 'ConfigMap']] as const) {
          const ref = asRecord(from[selector]);
          const name = asString(ref?.name);
          if (name && ref?.optional !== true) out.push({ kind, name, field: at(`${base}.envFrom[${fromIndex}].${selector}`) });
        }
      });
    });
  }
  recordsOf(pod.spec.volumes).forEach(({ record: volume, index }) => {
    const base = `volumes[${index}]`;
    const secret = asRecord(volume.secret);
    if (asString(secret?.secretName) && secret?.optional !== true) out.push({ kind: 'Secret', name: asString(secret?.secretName) as string, field: at(`${base}.secret`) });
    const configMap = asRecord(volume.configMap);
    if (asString(configMap?.name) && configMap?.optional !== true) out.push({ kind: 'ConfigMap', name: asString(configMap?.name) as string, field: at(`${base}.configMap`) });
    const claim = asString(getPath(volume, 'persistentVolumeClaim', 'claimName'));
    if (claim) out.push({ kind: 'PersistentVolumeClaim', name: claim, field: at(`${base}.persistentVolumeClaim`) });
    recordsOf(getPath(volume, 'projected', 'sources')).forEach(({ record: source, index: sourceIndex }) => {
      for (const [key, kind] of [['secret', 'Secret'], ['configMap', 'ConfigMap']] as const) {
        const ref = asRecord(source[key]);
        const name = asString(ref?.name);
        if (name && ref?.optional !== true) out.push({ kind, name, field: at(`${base}.projected.sources[${sourceIndex}].${key}`) });
      }
    });
  });
  return out;
}

/** What provides a need: the object itself, or (operator-made Secrets) the object the operator makes it from. */
interface Provider {
  task: SyncTask;
  /** Set when an operator writes the Secret from `task`'s object. */
  operator?: string;
}

function providersOf(need: Need, pod: Pod, tasks: SyncTask[], secrets: ReturnType<typeof knownSecrets>): Provider[] {
  const taskFor = (object: KubernetesObject) => tasks.find(task => task.object === object);
  if (need.kind === 'Secret') {
    const out: Provider[] = [];
    for (const source of secrets.get(need.name) ?? []) {
      const task = taskFor(source.near);
      if (!task || !sameNamespace(source.near, pod.loaded.object)) continue;
      out.push(source.near.kind === 'Secret' ? { task } : { task, operator: source.origin });
    }
    return out;
  }
  return tasks
    .filter(task => task.object.kind === need.kind && nameOf(task.object) === need.name && sameNamespace(task.object, pod.loaded.object))
    .map(task => ({ task }));
}

/**
 * Whether the provider is there in time. An object applied in the same step as the pod is: the
 * pod's controller retries until it exists. An operator's Secret is written only after its owner
 * is applied (and, for a CloudNativePG Cluster, healthy), so a pod that must finish needs the owner
 * in an earlier step; a long-running pod just restarts until the Secret appears.
 */
function inTime(provider: Provider, providerSlot: FlowSlot | undefined, podSlot: FlowSlot, pod: Pod): boolean {
  if (!providerSlot) return false;
  const order = compareSlots(providerSlot, podSlot);
  return provider.operator && pod.runsToCompletion ? order < 0 : order <= 0;
}

function lateProblem(pod: Pod, podTask: SyncTask, podSlot: FlowSlot, need: Need, provider: Provider): ValidationProblem {
  const providerSlot = firstFlowSlot(provider.task);
  const what = `${need.kind}/${need.name}`;
  const where = describeSlot(providerSlot, provider.task);
  const podWhere = describeSlot(podSlot, podTask);
  const waits = podTask.hook ? 'waits for the hook to finish' : 'waits for that step to be healthy';
  const consequence = pod.runsToCompletion
    ? `the pods are refused (or cannot start) until the Job gives up, the sync fails, and ${where} never comes`
    : `the pods cannot start, the step never turns healthy, and ${where} never comes`;
  if (!providerSlot) {
    return objectProblem('reference', ID, pod.loaded, need.field,
      `${what}${provider.operator ? ` (written by ${provider.operator})` : ''} comes only from ${objectRef(provider.task.object)}, ` +
      `a ${provider.task.phases.join(', ')} hook that a normal sync never applies, so these pods (${podWhere}) cannot start. ` +
      `Make ${objectRef(provider.task.object)} a plain resource (no argocd.argoproj.io/hook) in wave ${podSlot.wave} or lower`);
  }
  const text = provider.operator
    ? `${what} is written by ${provider.operator} (${objectRef(provider.task.object)}, applied at ${where}), ` +
      `${providerSlot && compareSlots(providerSlot, podSlot) === 0 ? 'in the same step as' : 'after'} these pods (${podWhere}): ` +
      `Argo CD ${waits} before the next wave, so on a fresh namespace ${consequence}. ` +
      `Give ${objectRef(provider.task.object)} an earlier argocd.argoproj.io/sync-wave than ${podSlot.wave}`
    : `${what} is applied at ${where}, after these pods (${podWhere}): Argo CD ${waits} before the next wave, ` +
      `so on a fresh namespace ${consequence}. Give ${what} argocd.argoproj.io/sync-wave "${podSlot.wave}" or lower` +
      (providerSlot && podSlot.phase === 'PreSync' && providerSlot.phase !== 'PreSync' ? ', or make the pod a Sync hook' : '');
  return objectProblem('reference', ID, pod.loaded, need.field, text);
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  const tasks = simulateSync(set);
  const secrets = knownSecrets(set);
  const out: ValidationProblem[] = [];
  for (const pod of podsOf(set)) {
    const podTask = tasks.find(task => task.loaded === pod.loaded);
    const podSlot = podTask && firstFlowSlot(podTask);
    // SyncFail and delete hooks run outside the normal flow; Skip never runs.
    if (!podTask || !podSlot) continue;
    for (const need of needsOf(pod)) {
      const providers = providersOf(need, pod, tasks, secrets);
      // A need nothing in the repo provides is the reference checks' (env-secret-ref, service-account-exists).
      if (providers.length === 0) continue;
      if (providers.some(provider => inTime(provider, firstFlowSlot(provider.task), podSlot, pod))) continue;
      out.push(lateProblem(pod, podTask, podSlot, need, providers[0]));
    }
  }
  return out;
}

export const argocdSyncOrder = defineCheck({
  id: ID,
  check: 'reference',
  summary:
    'Argo CD applies every ServiceAccount, ConfigMap, Secret and PVC a pod needs no later than the pod (same phase and wave or earlier), ' +
    'and the owner of an operator-made Secret (a CloudNativePG Cluster for <cluster>-app) before a Job that reads it: ' +
    'Argo CD applies one wave at a time and waits for it to be healthy, so a hook Job whose ServiceAccount comes later deadlocks the first sync.',
  remediation:
    'Give what the pod needs an argocd.argoproj.io/sync-wave no later than the pod\'s (and an operator-made Secret\'s owner an earlier one); ' +
    'a migration Job that needs the database is a Sync hook in a wave after the Cluster, not a PreSync hook (PreSync runs before any Sync-phase object exists).',
  source:
    'argoproj/argo-cd docs/user-guide/sync-waves.md ("orders the resources: the phase, the wave, by kind, by name … applies resources in that wave … until all phases and waves are in-sync and healthy"); ' +
    'argoproj/argo-cd docs/user-guide/resource_hooks.md; argoproj/gitops-engine pkg/sync/sync_tasks.go (kindOrder)',
  run: model => objectSets(model).flatMap(checkSet),
});
