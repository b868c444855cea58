/**
 * Argo CD `Application` → sync, health and revision.
 *
 * Shapes from Argo CD's ApplicationStatus (argoproj/argo-cd
 * pkg/apis/application/v1alpha1/types.go, as typed by @kubernetes-models/argo-cd):
 * `status.sync.{status, revision}`, `status.health.{status, message}`,
 * `status.operationState.{phase, message}`, `status.conditions[].{type, message}`.
 */
import { commitUrl } from './images';
import { arr, get, KubeObject, str } from './kube';
import { ArgoCdStatus, Tone } from './types';

export const SKIP_RECONCILE_ANNOTATION = 'argocd.argoproj.io/skip-reconcile';

function toneOf(sync: string, health: string, operationPhase: string | undefined, reconcileSkipped: boolean): Tone {
  if (reconcileSkipped) return 'neutral';
  if (health === 'Degraded' || health === 'Missing' || operationPhase === 'Failed' || operationPhase === 'Error') return 'error';
  if (sync === 'OutOfSync' || health === 'Unknown' || sync === 'Unknown') return 'warning';
  if (health === 'Suspended') return 'paused';
  if (health === 'Progressing' || operationPhase === 'Running' || operationPhase === 'Terminating') return 'progress';
  if (sync === 'Synced' && health === 'Healthy') return 'ok';
  return 'neutral';
}

export function summariseApplication(application: KubeObject, projectSlug?: string): ArgoCdStatus {
  const sync = str(get(application.status, 'sync', 'status')) ?? 'Unknown';
  const health = str(get(application.status, 'health', 'status')) ?? 'Unknown';
  const healthMessage = str(get(application.status, 'health', 'message'));
  const revision =
    str(get(application.status, 'sync', 'revision')) ?? str(get(application.status, 'operationState', 'syncResult', 'revision'));
  const shortRevision = revision ? (/^[0-9a-f]{40}$/i.test(revision) ? revision.slice(0, 7) : revision) : undefined;
  const phase = str(get(application.status, 'operationState', 'phase'));
  const operationMessage = str(get(application.status, 'operationState', 'message'));
  const operation = phase && phase !== 'Succeeded' ? { phase, ...(operationMessage ? { message: operationMessage } : {}) } : undefined;
  const conditions = arr(get(application.status, 'conditions'))
    .map(condition => {
      const type = str(get(condition, 'type'));
      const message = str(get(condition, 'message'));
      return type ? (message ? `${type}: ${message}` : type) : message;
    })
    .filter((line): line is string => line !== undefined);
  const reconcileSkipped = application.metadata?.annotations?.[SKIP_RECONCILE_ANNOTATION] === 'true';
  const url = revision && /^[0-9a-f]{7,40}$/i.test(revision) ? commitUrl(projectSlug, revision) : undefined;
  return {
    application: application.metadata?.name ?? '',
    sync,
    health,
    ...(healthMessage ? { healthMessage } : {}),
    ...(revision ? { revision } : {}),
    ...(shortRevision ? { shortRevision } : {}),
    ...(url ? { revisionUrl: url } : {}),
    ...(operation ? { operation } : {}),
    conditions,
    reconcileSkipped,
    tone: toneOf(sync, health, phase, reconcileSkipped),
  };
}
