import { KubeObject } from './kube';
import { canaryStep, currentSetWeight, describeStep, rolloutPhase, summariseRollout } from './rollout';

/** Slipway's generated production canary (deploy/overlays/production/rollout.yaml). */
const PRODUCTION_STEPS = [
  { setWeight: 10 },
  { pause: { duration: '2m' } },
  { setWeight: 25 },
  { pause: { duration: '5m' } },
  { setWeight: 50 },
  { pause: { duration: '5m' } },
  { setWeight: 75 },
  { pause: { duration: '5m' } },
];

const rollout = (status: Record<string, unknown>, steps: unknown[] = PRODUCTION_STEPS, spec: Record<string, unknown> = {}): KubeObject => ({
  kind: 'Rollout',
  metadata: { name: 'orders' },
  spec: { replicas: 3, strategy: { canary: { steps } }, ...spec },
  status,
});

describe('canary steps, counted the way Argo counts them', () => {
  it('is currentStepIndex over the number of steps, like `kubectl argo rollouts get rollout`', () => {
    // Paused on `pause 5m` after setWeight 25: Argo prints "Step: 3/8".
    expect(canaryStep(rollout({ currentStepIndex: 3 }))).toEqual({ index: 3, total: 8, text: '3/8', current: 'pause 5m' });
    expect(canaryStep(rollout({ currentStepIndex: 0 }))).toMatchObject({ text: '0/8', current: 'setWeight 10%' });
    expect(canaryStep(rollout({ currentStepIndex: 8 }))).toMatchObject({ text: '8/8', current: 'complete' });
  });

  it('shows a five-step canary paused on its third step as 2/5', () => {
    const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'smoke' }] } }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } }];
    expect(canaryStep(rollout({ currentStepIndex: 2 }, steps))).toEqual({ index: 2, total: 5, text: '2/5', current: 'pause until promoted' });
  });

  it('has no step without steps or without currentStepIndex', () => {
    expect(canaryStep(rollout({}, PRODUCTION_STEPS))).toBeUndefined();
    expect(canaryStep(rollout({ currentStepIndex: 0 }, []))).toBeUndefined();
  });

  it('describes every step kind', () => {
    expect(describeStep({ setWeight: 25 })).toBe('setWeight 25%');
    expect(describeStep({ pause: { duration: 30 } })).toBe('pause 30');
    expect(describeStep({ pause: {} })).toBe('pause until promoted');
    expect(describeStep({ analysis: {} })).toBe('analysis');
    expect(describeStep({ experiment: {} })).toBe('experiment');
    expect(describeStep({ setCanaryScale: { replicas: 1 } })).toBe('setCanaryScale');
    expect(describeStep({})).toBe('step');
  });

  it('computes the set weight like Argo: last setWeight at or before the step, 100 when done, 0 when aborted', () => {
    expect(currentSetWeight(rollout({ currentStepIndex: 3 }))).toBe(25);
    expect(currentSetWeight(rollout({ currentStepIndex: 2 }))).toBe(25);
    expect(currentSetWeight(rollout({ currentStepIndex: 1 }))).toBe(10);
    expect(currentSetWeight(rollout({ currentStepIndex: 8 }))).toBe(100);
    expect(currentSetWeight(rollout({ currentStepIndex: 3, abort: true }))).toBe(0);
    expect(currentSetWeight(rollout({ currentStepIndex: 0 }, [{ pause: {} }, { setWeight: 50 }]))).toBe(0);
  });
});

describe('summariseRollout', () => {
  it('shows a paused canary with its reason, step and the weight traffic routing reports', () => {
    const summary = summariseRollout(
      rollout({
        phase: 'Paused',
        message: 'CanaryPauseStep',
        currentStepIndex: 3,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T10:00:00Z' }],
        canary: { weights: { canary: { weight: 25 }, stable: { weight: 75 } } },
      }),
    );
    expect(summary).toEqual({
      name: 'orders',
      state: 'Paused',
      tone: 'paused',
      reason: 'CanaryPauseStep',
      strategy: 'canary',
      step: { index: 3, total: 8, text: '3/8', current: 'pause 5m' },
      canaryWeight: 25,
    });
  });

  it('falls back to the set weight without traffic-routing weights, and says when a user paused it', () => {
    const summary = summariseRollout(rollout({ currentStepIndex: 1, pauseConditions: [] }, PRODUCTION_STEPS, { paused: true }));
    expect(summary).toMatchObject({ state: 'Paused', reason: 'manually paused', canaryWeight: 10 });
  });

  it('shows Aborted with the analysis failure Argo reports', () => {
    const message =
      'RolloutAborted: Rollout aborted update to revision 7: Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)';
    const summary = summariseRollout(rollout({ phase: 'Degraded', message, abort: true, currentStepIndex: 0 }));
    expect(summary).toMatchObject({
      state: 'Aborted',
      tone: 'error',
      reason: 'Rollout aborted update to revision 7: Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
    });
    expect(summary.canaryWeight).toBeUndefined();
  });

  it('uses the background analysis message when an abort carries no message', () => {
    const summary = summariseRollout(
      rollout({
        abort: true,
        canary: { currentBackgroundAnalysisRunStatus: { name: 'x', status: 'Failed', message: 'metric "web" assessed Failed due to failed (1) > failureLimit (0)' } },
      }),
    );
    expect(summary).toMatchObject({ state: 'Aborted', reason: 'metric "web" assessed Failed due to failed (1) > failureLimit (0)' });
  });

  it('shows Degraded with its reason', () => {
    const summary = summariseRollout(
      rollout({ phase: 'Degraded', message: 'ProgressDeadlineExceeded: ReplicaSet "orders-7c9" has timed out progressing.', currentStepIndex: 0 }),
    );
    expect(summary).toMatchObject({
      state: 'Degraded',
      tone: 'error',
      reason: 'ProgressDeadlineExceeded: ReplicaSet "orders-7c9" has timed out progressing.',
      step: { text: '0/8' },
    });
  });

  it('knows blue-green rollouts have no canary steps', () => {
    const summary = summariseRollout({ metadata: { name: 'x' }, spec: { strategy: { blueGreen: { activeService: 'a' } } }, status: { phase: 'Healthy' } });
    expect(summary).toEqual({ name: 'x', state: 'Healthy', tone: 'ok', strategy: 'blueGreen' });
  });
});

describe('rolloutPhase without status.phase (controllers before v1.0, and Backstage’s own fixtures)', () => {
  // Shapes of backstage/backstage plugins/kubernetes-react/src/components/CustomResources/ArgoRollouts/__fixtures__.
  const backstageSteps = [
    { setWeight: 10 },
    { analysis: { templates: [{ templateName: 'always-pass' }] } },
    { pause: { duration: '1h' } },
    { setWeight: 20 },
    { pause: { duration: '1m' } },
    { analysis: { templates: [{ templateName: 'always-pass' }] } },
  ];
  const available = { type: 'Available', status: 'True', reason: 'AvailableReason', message: 'Rollout has minimum availability' };

  it('reads paused-rollout.json as Paused at step 2/6', () => {
    const paused = rollout(
      {
        availableReplicas: 4,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2021-03-09T16:13:09Z' }],
        conditions: [available],
        currentPodHash: '546c476497',
        currentStepIndex: 2,
        readyReplicas: 4,
        replicas: 4,
        stableRS: '546c476497',
        updatedReplicas: 4,
      },
      backstageSteps,
      { replicas: 4 },
    );
    expect(rolloutPhase(paused)).toEqual({ phase: 'Paused', message: 'CanaryPauseStep' });
    expect(summariseRollout(paused)).toMatchObject({ state: 'Paused', step: { text: '2/6', current: 'pause 1h' }, canaryWeight: 10 });
  });

  it('reads aborted-rollout.json (RolloutAborted condition, no abort flag) as Aborted', () => {
    const aborted = rollout(
      {
        conditions: [available, { type: 'Progressing', status: 'False', reason: 'RolloutAborted', message: 'some metric related failure message' }],
        currentStepIndex: 0,
        stableRS: '546c476497',
        currentPodHash: '546c476497',
        replicas: 4,
        updatedReplicas: 4,
        availableReplicas: 4,
      },
      backstageSteps,
      { replicas: 4 },
    );
    expect(rolloutPhase(aborted)).toEqual({ phase: 'Degraded', message: 'RolloutAborted: some metric related failure message' });
    expect(summariseRollout(aborted)).toMatchObject({ state: 'Aborted', reason: 'some metric related failure message' });
  });

  it('computes Progressing and Healthy from replica counts and hashes', () => {
    expect(rolloutPhase(rollout({ replicas: 3, updatedReplicas: 1, availableReplicas: 3 })).phase).toBe('Progressing');
    expect(rolloutPhase(rollout({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'a' })).phase).toBe('Healthy');
    expect(rolloutPhase(rollout({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'b' })).phase).toBe('Progressing');
    expect(rolloutPhase(rollout({ conditions: [{ type: 'InvalidSpec', status: 'True', message: 'bad' }] }))).toEqual({ phase: 'Degraded', message: 'InvalidSpec: bad' });
  });
});
