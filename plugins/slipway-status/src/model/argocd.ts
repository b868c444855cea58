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
/** Slipway's app-of-apps (deploy/argocd/apps.yaml) carries this label; it is not an environment. */
export const APP_OF_APPS_LABEL = 'slipway.dev/role';

/**
 * How the Application is held back before CI's first image: `auto-sync-disabled`
 * (`spec.syncPolicy.automated.enabled: false`, Argo CD 3.1+, what Slipway generates) or
 * `skip-reconcile` (the Alpha annotation older Slipway repos used).
 */
function gateOf(application: KubeObject): ArgoCdStatus['gate'] {
  if (application.metadata?.annotations?.[SKIP_RECONCILE_ANNOTATION] === 'true') return 'skip-reconcile';
  if (get(application.spec, 'syncPolicy', 'automated', 'enabled') === false) return 'auto-sync-disabled';
  return undefined;
}

/** An image reference with a tag or a digest; `ghcr.io/acme/orders` (what the base holds before CI's first build) has neither. */
function isPinned(image: string): boolean {
  return image.includes('@') || image.lastIndexOf(':') > image.lastIndexOf('/');
}

/**
 * Argo CD lists the images of an Application's manifests in `status.summary.images`. None pinned
 * (or no status yet, under a gate) means CI has not built an image for this environment.
 */
function awaitsFirstImage(application: KubeObject, gate: ArgoCdStatus['gate']): boolean {
  const images = arr(get(application.status, 'summary', 'images')).map(image => str(image)).filter((image): image is string => !!image);
  if (images.length > 0) return !images.some(isPinned);
  return gate !== undefined;
}

/** Slipway's app-of-apps, or any Application whose own resources are all Applications: it owns environments, it is not one. */
export function isAppOfApps(application: KubeObject): boolean {
  if (application.metadata?.labels?.[APP_OF_APPS_LABEL] === 'app-of-apps') return true;
  const kinds = arr(get(application.status, 'resources')).map(resource => str(get(resource, 'kind')));
  return kinds.length > 0 && kinds.every(kind => kind === 'Application');
}

function toneOf(sync: string, health: string, operationPhase: string | undefined, held: boolean): Tone {
  if (held) return 'neutral';
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
  const gate = gateOf(application);
  const reconcileSkipped = gate === 'skip-reconcile';
  const awaitingFirstImage = awaitsFirstImage(application, gate);
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
    ...(gate ? { gate } : {}),
    awaitingFirstImage,
    // Held back before the first image, OutOfSync and Missing are expected, not alarming.
    tone: toneOf(sync, health, phase, reconcileSkipped || awaitingFirstImage),
  };
}
