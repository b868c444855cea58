import { KubeObject } from './kube';
import { podProblem, summarisePods } from './pods';

const condition = (type: string, status: boolean, extra: Record<string, string> = {}) => ({ type, status: status ? 'True' : 'False', ...extra });

function pod(name: string, status: Record<string, unknown>): KubeObject {
  return { metadata: { name }, status };
}

const running = (name: string, restartCount = 0) =>
  pod(name, {
    phase: 'Running',
    conditions: [condition('Ready', true), condition('PodScheduled', true)],
    containerStatuses: [{ name: 'app', ready: true, restartCount, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
  });

const waiting = (name: string, reason: string, restartCount: number, message?: string) =>
  pod(name, {
    phase: reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
    conditions: [condition('Ready', false), condition('PodScheduled', true)],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        restartCount,
        state: { waiting: { reason, ...(message ? { message } : {}) } },
        lastState: reason === 'CrashLoopBackOff' ? { terminated: { reason: 'Error', exitCode: 1 } } : {},
      },
    ],
  });

describe('podProblem', () => {
  it('names CrashLoopBackOff and ImagePullBackOff with their messages and restarts', () => {
    expect(podProblem(waiting('a', 'CrashLoopBackOff', 6))).toEqual({ pod: 'a', reason: 'CrashLoopBackOff', message: 'last exit: Error (code 1)', restarts: 6 });
    expect(podProblem(waiting('b', 'ImagePullBackOff', 0, 'Back-off pulling image "ghcr.io/acme/orders:sha-0000000"'))).toEqual({
      pod: 'b',
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "ghcr.io/acme/orders:sha-0000000"',
      restarts: 0,
    });
    expect(podProblem(waiting('c', 'ErrImagePull', 0))?.reason).toBe('ErrImagePull');
    expect(podProblem(waiting('d', 'CreateContainerConfigError', 0, 'secret "db" not found'))?.message).toBe('secret "db" not found');
  });

  it('reports running pods that are not ready, unschedulable pods, OOM kills and failed pods', () => {
    const notReady = pod('e', {
      phase: 'Running',
      conditions: [condition('Ready', false, { message: 'containers with unready status: [app]' })],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { running: {} } }],
    });
    expect(podProblem(notReady)).toEqual({ pod: 'e', reason: 'not ready', message: 'containers with unready status: [app]', restarts: 0 });

    const unschedulable = pod('f', {
      phase: 'Pending',
      conditions: [condition('PodScheduled', false, { reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' })],
    });
    expect(podProblem(unschedulable)).toMatchObject({ reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' });

    const oom = pod('g', {
      phase: 'Running',
      conditions: [condition('Ready', false)],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 2, state: { running: {} }, lastState: { terminated: { reason: 'OOMKilled' } } }],
    });
    expect(podProblem(oom)).toMatchObject({ reason: 'OOMKilled', restarts: 2 });

    expect(podProblem(pod('h', { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }))).toMatchObject({ reason: 'Evicted', message: 'low on memory' });
  });

  it('has nothing to say about healthy or finished pods', () => {
    expect(podProblem(running('ok'))).toBeUndefined();
    expect(podProblem(pod('done', { phase: 'Succeeded' }))).toBeUndefined();
  });

  it('counts init container trouble too', () => {
    const init = pod('i', {
      phase: 'Pending',
      conditions: [condition('Ready', false), condition('PodScheduled', true)],
      initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    });
    expect(podProblem(init)).toMatchObject({ reason: 'CrashLoopBackOff', restarts: 3 });
  });
});

describe('summarisePods', () => {
  it('counts ready against desired, restarts, and lists the pods with errors', () => {
    const summary = summarisePods([running('a'), running('b', 1), running('c'), waiting('d', 'CrashLoopBackOff', 6)], 3);
    expect(summary).toMatchObject({ total: 4, ready: 3, desired: 3, restarts: 7, tone: 'error' });
    expect(summary.problems.map(p => `${p.pod}: ${p.reason}`)).toEqual(['d: CrashLoopBackOff']);
  });

  it('warns when fewer pods are ready than desired, or when there are none', () => {
    expect(summarisePods([running('a')], 3).tone).toBe('warning');
    expect(summarisePods([], 2).tone).toBe('warning');
    expect(summarisePods([], 0).tone).toBe('neutral');
    expect(summarisePods([running('a'), running('b')], 2).tone).toBe('ok');
  });

  it('leaves finished pods out', () => {
    expect(summarisePods([running('a'), pod('job', { phase: 'Succeeded' })]).total).toBe(1);
  });
});
