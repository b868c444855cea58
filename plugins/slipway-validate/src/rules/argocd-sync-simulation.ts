import type { KubernetesObject, LoadedObject } from '../types';
import { asString, type ObjectSet } from '../kube';

/**
 * Where Argo CD applies each object of one Application's sync, as its sync engine orders them.
 *
 * argo-cd docs/user-guide/sync-waves.md: "When Argo CD starts a sync, it orders the resources in
 * the following precedence: the phase; the wave they are in (lower values first ...); by kind
 * (e.g. namespaces first and then other Kubernetes resources, followed by custom resources); by
 * name. It then determines the number of the next wave to apply. This is the first number where
 * any resource is out-of-sync or unhealthy. It applies resources in that wave. It repeats this
 * process until all phases and waves are in-sync and healthy." and "Pre-sync and post-sync can
 * only contain hooks." Hooks and resources are in wave 0 unless annotated.
 *
 * The kind order is gitops-engine's (argoproj/gitops-engine pkg/sync/sync_tasks.go, `kindOrder`,
 * taken from Helm's kind sorter); kinds not listed (custom resources) come after all of them.
 *
 * Helm hooks map onto Argo CD's (argo-cd docs/user-guide/helm.md, "Helm Hooks"): pre-install and
 * pre-upgrade are PreSync, post-install and post-upgrade PostSync, hook-weight is the wave, and
 * "If you define any Argo CD hooks, all Helm hooks will be ignored."
 */

export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip' | 'PreDelete' | 'PostDelete';

/** The phases of a normal sync, in order; the others run on failure, on deletion, or never. */
export const SYNC_FLOW: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync'];

const ARGOCD_PHASES = new Set<string>(['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip', 'PreDelete', 'PostDelete']);
const HELM_HOOKS: Record<string, SyncPhase | 'resource'> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
  'pre-delete': 'PreDelete',
  'post-delete': 'PostDelete',
  // Handled like any other CRD: a normal resource.
  'crd-install': 'resource',
};

const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
const HELM_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';

/** gitops-engine pkg/sync/sync_tasks.go `kindOrder`. */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList',
  'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'Ingress', 'APIService',
];

/** One object's place in the sync: each phase it runs in (hooks may name several) and its wave. */
export interface SyncTask {
  loaded: LoadedObject;
  object: KubernetesObject;
  /** Phases, in sync order; a plain resource is `['Sync']`. */
  phases: SyncPhase[];
  wave: number;
  hook: boolean;
}

/** Argo CD parses the wave with strconv.Atoi; anything else counts as wave 0 here (the sync would error). */
function parseWave(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const trimmed = raw.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : 0;
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map(part => part.trim()).filter(Boolean);
}

function taskOf(loaded: LoadedObject, helmHooksApply: boolean): SyncTask {
  const object = loaded.object;
  const annotations = object.metadata?.annotations ?? {};
  const argoHooks = splitList(asString(annotations[HOOK_ANNOTATION])).filter(hook => ARGOCD_PHASES.has(hook)) as SyncPhase[];
  if (argoHooks.length > 0) {
    return { loaded, object, phases: orderPhases(argoHooks), wave: parseWave(asString(annotations[WAVE_ANNOTATION])), hook: true };
  }
  if (helmHooksApply) {
    const mapped = splitList(asString(annotations[HELM_HOOK_ANNOTATION])).map(hook => HELM_HOOKS[hook]).filter(Boolean);
    const phases = mapped.filter((phase): phase is SyncPhase => phase !== 'resource');
    if (phases.length > 0) {
      const wave = asString(annotations[WAVE_ANNOTATION]) ?? asString(annotations[HELM_WEIGHT_ANNOTATION]);
      return { loaded, object, phases: orderPhases(phases), wave: parseWave(wave), hook: true };
    }
  }
  return { loaded, object, phases: ['Sync'], wave: parseWave(asString(annotations[WAVE_ANNOTATION])), hook: false };
}

const PHASE_RANK: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2, SyncFail: 3, Skip: 4, PreDelete: 5, PostDelete: 6 };

function orderPhases(phases: SyncPhase[]): SyncPhase[] {
  return [...new Set(phases)].sort((a, b) => PHASE_RANK[a] - PHASE_RANK[b]);
}

/** Go compares strings byte by byte, as `a < b` does for ASCII names. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

/** A place in the normal sync flow: phase then wave. */
export interface FlowSlot {
  phase: SyncPhase;
  wave: number;
}

/** The first place in the normal sync flow where Argo CD applies the task, or undefined if it never does (Skip, SyncFail, delete hooks). */
export function firstFlowSlot(task: SyncTask): FlowSlot | undefined {
  const phase = task.phases.find(candidate => SYNC_FLOW.includes(candidate));
  return phase ? { phase, wave: task.wave } : undefined;
}

/** Negative when `a` is applied in an earlier step than `b`, zero in the same step (same phase and wave). */
export function compareSlots(a: FlowSlot, b: FlowSlot): number {
  return PHASE_RANK[a.phase] - PHASE_RANK[b.phase] || a.wave - b.wave;
}

export function describeSlot(slot: FlowSlot | undefined, task?: SyncTask): string {
  if (!slot) return `no step of a normal sync (${task ? task.phases.join(', ') : 'never applied'})`;
  return `${slot.phase} ${task?.hook ? 'hook, ' : ''}wave ${slot.wave}`;
}

/**
 * The set's objects in the order Argo CD's sync engine applies them: phase, wave, kind, name.
 * A hook that runs in several phases appears once, at its first.
 */
export function simulateSync(set: ObjectSet): SyncTask[] {
  const argoHooksDefined = set.objects.some(loaded => splitList(asString(loaded.object.metadata?.annotations?.[HOOK_ANNOTATION])).length > 0);
  const tasks = set.objects.map(loaded => taskOf(loaded, !argoHooksDefined));
  return tasks.sort((a, b) => {
    const slotA = firstFlowSlot(a);
    const slotB = firstFlowSlot(b);
    if (!slotA || !slotB) return (slotA ? 0 : 1) - (slotB ? 0 : 1);
    return (
      compareSlots(slotA, slotB) ||
      kindRank(a.object.kind) - kindRank(b.object.kind) ||
      byteOrder(a.object.metadata?.name ?? '', b.object.metadata?.name ?? '')
    );
  });
}
