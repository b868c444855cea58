/**
 * Pods → ready/desired, restarts and the pods with errors.
 *
 * Shapes: core/v1 Pod `status.phase`, `status.conditions[type=Ready]`,
 * `status.containerStatuses[].{ready, restartCount, state.waiting.reason, state.terminated.reason, lastState.terminated.reason}`
 * (as in Backstage's plugins/kubernetes-react/src/__fixtures__/2-deployments.json).
 */
import { arr, get, KubeObject, num, str } from './kube';
import { PodProblem, PodSummary, Tone } from './types';

/** Waiting reasons that mean the container will not come up by itself. */
const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PostStartHookError',
]);

function containerStatuses(pod: KubeObject): unknown[] {
  return [...arr(get(pod.status, 'initContainerStatuses')), ...arr(get(pod.status, 'containerStatuses'))];
}

export function restartsOf(pod: KubeObject): number {
  return containerStatuses(pod).reduce<number>((sum, status) => sum + (num(get(status, 'restartCount')) ?? 0), 0);
}

export function isPodReady(pod: KubeObject): boolean {
  return arr(get(pod.status, 'conditions')).some(c => get(c, 'type') === 'Ready' && get(c, 'status') === 'True');
}

/** Why a pod is unwell, or undefined when it is fine (or finished: Succeeded pods are not problems). */
export function podProblem(pod: KubeObject): PodProblem | undefined {
  const name = pod.metadata?.name ?? '';
  const phase = str(get(pod.status, 'phase'));
  const restarts = restartsOf(pod);
  if (phase === 'Succeeded') return undefined;
  const problem = (reason: string, message?: string): PodProblem => ({
    pod: name,
    reason,
    ...(message ? { message } : {}),
    restarts,
  });
  if (phase === 'Failed') return problem(str(get(pod.status, 'reason')) ?? 'Failed', str(get(pod.status, 'message')));
  for (const status of containerStatuses(pod)) {
    const waiting = str(get(status, 'state', 'waiting', 'reason'));
    if (waiting && BAD_WAITING.has(waiting)) {
      const lastTerminated = str(get(status, 'lastState', 'terminated', 'reason'));
      const message =
        str(get(status, 'state', 'waiting', 'message')) ??
        (lastTerminated ? `last exit: ${lastTerminated} (code ${num(get(status, 'lastState', 'terminated', 'exitCode')) ?? '?'})` : undefined);
      return problem(waiting, message);
    }
    const terminated = str(get(status, 'state', 'terminated', 'reason'));
    if (terminated && terminated !== 'Completed') return problem(terminated, str(get(status, 'state', 'terminated', 'message')));
    if (str(get(status, 'lastState', 'terminated', 'reason')) === 'OOMKilled' && get(status, 'ready') !== true) {
      return problem('OOMKilled');
    }
  }
  const scheduled = arr(get(pod.status, 'conditions')).find(c => get(c, 'type') === 'PodScheduled');
  if (phase === 'Pending' && get(scheduled, 'status') === 'False') {
    return problem(str(get(scheduled, 'reason')) ?? 'Unschedulable', str(get(scheduled, 'message')));
  }
  if (!isPodReady(pod)) {
    const reason = phase === 'Pending' ? 'Pending' : 'not ready';
    const ready = arr(get(pod.status, 'conditions')).find(c => get(c, 'type') === 'Ready');
    return problem(reason, str(get(ready, 'message')));
  }
  return undefined;
}

export function summarisePods(pods: KubeObject[], desired?: number): PodSummary {
  const live = pods.filter(pod => get(pod.status, 'phase') !== 'Succeeded');
  const ready = live.filter(isPodReady).length;
  const problems = live.map(podProblem).filter((p): p is PodProblem => p !== undefined);
  const restarts = live.reduce((sum, pod) => sum + restartsOf(pod), 0);
  let tone: Tone = 'ok';
  if (problems.some(p => p.reason !== 'not ready' && p.reason !== 'Pending')) tone = 'error';
  else if (problems.length > 0 || (desired !== undefined && ready < desired)) tone = 'warning';
  else if (live.length === 0) tone = desired === 0 ? 'neutral' : 'warning';
  return {
    total: live.length,
    ready,
    ...(desired !== undefined ? { desired } : {}),
    restarts,
    problems,
    tone,
  };
}
