/**
 * Argo Rollouts `Rollout` → what the card says about it.
 *
 * Field names follow the Argo Rollouts CRD (`status.phase`, `status.message`,
 * `status.currentStepIndex`, `status.pauseConditions[].reason`, `status.abort`,
 * `status.canary.weights`, `status.stableRS`, `status.currentPodHash`) and the way
 * `kubectl argo rollouts get rollout` presents them
 * (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/info/rollout_info.go).
 *
 * Step counting: exactly Argo's. `Step N/M` is `status.currentStepIndex` over
 * `spec.strategy.canary.steps.length`. The index is zero-based and points at the step
 * being executed, so N is also the number of steps completed: Slipway's production
 * canary (setWeight 10, pause 2m, setWeight 25, pause 5m, setWeight 50, pause 5m,
 * setWeight 75, pause 5m) paused after reaching 25% shows `3/8`, and a finished rollout
 * shows `8/8`. The card adds what the current step does (`pause 5m`) and the canary
 * weight, so nobody has to count.
 */
import { arr, get, KubeObject, num, str } from './kube';
import { CanaryStep, RolloutStatus, Tone } from './types';

/** Describes one canary step the way Backstage's own Rollout view labels them. */
export function describeStep(step: unknown): string {
  const weight = num(get(step, 'setWeight'));
  if (weight !== undefined) return `setWeight ${weight}%`;
  if (get(step, 'pause') !== undefined) {
    const duration = get(step, 'pause', 'duration');
    return duration === undefined || duration === null ? 'pause until promoted' : `pause ${duration}`;
  }
  if (get(step, 'analysis') !== undefined) return 'analysis';
  if (get(step, 'experiment') !== undefined) return 'experiment';
  if (get(step, 'setCanaryScale') !== undefined) return 'setCanaryScale';
  if (get(step, 'setHeaderRoute') !== undefined) return 'setHeaderRoute';
  if (get(step, 'setMirrorRoute') !== undefined) return 'setMirrorRoute';
  if (get(step, 'plugin') !== undefined) return 'plugin';
  return 'step';
}

export function canarySteps(rollout: KubeObject): unknown[] {
  return arr(get(rollout.spec, 'strategy', 'canary', 'steps'));
}

/** Argo's current canary step, or undefined for blue-green, no steps, or no currentStepIndex yet. */
export function canaryStep(rollout: KubeObject): CanaryStep | undefined {
  const steps = canarySteps(rollout);
  const index = num(get(rollout.status, 'currentStepIndex'));
  if (steps.length === 0 || index === undefined) return undefined;
  return {
    index,
    total: steps.length,
    text: `${index}/${steps.length}`,
    current: index >= steps.length ? 'complete' : describeStep(steps[index]),
  };
}

/**
 * The weight the current step asks for, like Argo's replicasetutil.GetCurrentSetWeight:
 * 0 when aborted, 100 when all steps are done, else the last setWeight at or before the
 * current step (0 before the first).
 */
export function currentSetWeight(rollout: KubeObject): number | undefined {
  const steps = canarySteps(rollout);
  if (steps.length === 0) return undefined;
  if (isAborted(rollout)) return 0;
  const index = num(get(rollout.status, 'currentStepIndex')) ?? 0;
  if (index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const weight = num(get(steps[i], 'setWeight'));
    if (weight !== undefined) return weight;
  }
  return 0;
}

function conditionReason(rollout: KubeObject, reasons: string[]): { reason: string; message?: string } | undefined {
  for (const condition of arr(get(rollout.status, 'conditions'))) {
    const reason = str(get(condition, 'reason'));
    if (reason && reasons.includes(reason)) return { reason, message: str(get(condition, 'message')) };
  }
  return undefined;
}

/**
 * The phase Argo reports in `status.phase`, or the same computation for controllers older
 * than v1.0 that do not write it (RolloutStatusString in rollout_info.go).
 */
export function rolloutPhase(rollout: KubeObject): { phase: string; message?: string } {
  const phase = str(get(rollout.status, 'phase'));
  if (phase) return { phase, message: str(get(rollout.status, 'message')) };
  const invalid = arr(get(rollout.status, 'conditions')).find(c => get(c, 'type') === 'InvalidSpec');
  if (invalid) return { phase: 'Degraded', message: `InvalidSpec: ${str(get(invalid, 'message')) ?? ''}` };
  const degraded = conditionReason(rollout, ['RolloutAborted', 'ProgressDeadlineExceeded']);
  if (degraded) return { phase: 'Degraded', message: `${degraded.reason}: ${degraded.message ?? ''}` };
  if (get(rollout.spec, 'paused') === true) return { phase: 'Paused', message: 'manually paused' };
  const pause = str(get(rollout.status, 'pauseConditions', 0, 'reason'));
  if (pause) return { phase: 'Paused', message: pause };
  const desired = num(get(rollout.spec, 'replicas')) ?? 1;
  const updated = num(get(rollout.status, 'updatedReplicas')) ?? 0;
  const replicas = num(get(rollout.status, 'replicas')) ?? 0;
  const available = num(get(rollout.status, 'availableReplicas')) ?? 0;
  if (updated < desired || updated < replicas || available < updated) {
    return { phase: 'Progressing', message: 'more replicas need to be updated' };
  }
  const stable = str(get(rollout.status, 'stableRS'));
  const current = str(get(rollout.status, 'currentPodHash'));
  if (stable && stable === current) return { phase: 'Healthy' };
  return { phase: 'Progressing' };
}

function toneOfPhase(state: string): Tone {
  switch (state) {
    case 'Healthy':
      return 'ok';
    case 'Progressing':
      return 'progress';
    case 'Paused':
      return 'paused';
    case 'Degraded':
    case 'Aborted':
      return 'error';
    default:
      return 'neutral';
  }
}

/** Strips Argo's `Reason: ` prefix when the reason is already shown as the state. */
function withoutPrefix(message: string | undefined, prefix: string): string | undefined {
  if (!message) return undefined;
  return message.startsWith(`${prefix}: `) ? message.slice(prefix.length + 2) : message;
}

function pauseReasons(rollout: KubeObject): string[] {
  const reasons = arr(get(rollout.status, 'pauseConditions'))
    .map(condition => str(get(condition, 'reason')))
    .filter((reason): reason is string => reason !== undefined);
  if (get(rollout.spec, 'paused') === true && !reasons.includes('PausedByUser')) reasons.unshift('manually paused');
  return reasons;
}

/** The abort reason: Argo's `status.message` / RolloutAborted condition, else the analysis that failed. */
function abortReason(rollout: KubeObject, message: string | undefined): string | undefined {
  const fromMessage = message?.startsWith('RolloutAborted') ? withoutPrefix(message, 'RolloutAborted') : undefined;
  if (fromMessage && fromMessage !== 'RolloutAborted') return fromMessage;
  const condition = conditionReason(rollout, ['RolloutAborted']);
  if (condition?.message) return condition.message;
  return (
    str(get(rollout.status, 'canary', 'currentBackgroundAnalysisRunStatus', 'message')) ??
    str(get(rollout.status, 'canary', 'currentStepAnalysisRunStatus', 'message')) ??
    'aborted'
  );
}

/** `status.abort`, or (controllers that leave it unset, as in Backstage's aborted-rollout fixture) a RolloutAborted condition. */
export function isAborted(rollout: KubeObject): boolean {
  if (get(rollout.status, 'abort') === true) return true;
  return arr(get(rollout.status, 'conditions')).some(c => get(c, 'reason') === 'RolloutAborted' && get(c, 'status') === 'False');
}

export function summariseRollout(rollout: KubeObject): RolloutStatus {
  const strategy = get(rollout.spec, 'strategy', 'canary') !== undefined
    ? 'canary'
    : get(rollout.spec, 'strategy', 'blueGreen') !== undefined
      ? 'blueGreen'
      : 'unknown';
  const { phase, message } = rolloutPhase(rollout);
  const aborted = isAborted(rollout);
  const step = strategy === 'canary' ? canaryStep(rollout) : undefined;

  let state = phase;
  let reason: string | undefined;
  if (aborted) {
    state = 'Aborted';
    reason = abortReason(rollout, message);
  } else if (phase === 'Paused') {
    reason = pauseReasons(rollout).join(', ') || message;
  } else if (phase === 'Degraded' || phase === 'Progressing') {
    reason = message;
  }

  const routedWeight = num(get(rollout.status, 'canary', 'weights', 'canary', 'weight'));
  const inCanary = strategy === 'canary' && step !== undefined && step.index < step.total && !aborted;
  const canaryWeight = inCanary ? routedWeight ?? currentSetWeight(rollout) : undefined;

  return {
    name: rollout.metadata?.name ?? '',
    state,
    tone: toneOfPhase(state),
    ...(reason ? { reason } : {}),
    strategy,
    ...(step ? { step } : {}),
    ...(canaryWeight !== undefined ? { canaryWeight } : {}),
  };
}
