import { summariseApplication } from './argocd';
import { KubeObject } from './kube';

const REVISION = '98fd6fdd36cd0dad5d5e244efa2ec11e12cee8ae';

function application(status: Record<string, unknown>, annotations: Record<string, string> = {}): KubeObject {
  return { kind: 'Application', metadata: { name: 'orders-production', namespace: 'argocd', annotations }, status };
}

describe('summariseApplication', () => {
  it('reads sync, health and a short, linked revision', () => {
    const summary = summariseApplication(
      application({
        sync: { status: 'Synced', revision: REVISION },
        health: { status: 'Healthy' },
        operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' },
      }),
      'acme/orders',
    );
    expect(summary).toEqual({
      application: 'orders-production',
      sync: 'Synced',
      health: 'Healthy',
      revision: REVISION,
      shortRevision: '98fd6fd',
      revisionUrl: `https://github.com/acme/orders/commit/${REVISION}`,
      conditions: [],
      reconcileSkipped: false,
      tone: 'ok',
    });
  });

  it('shows an OutOfSync application whose sync failed, with the conditions', () => {
    const summary = summariseApplication(
      application({
        sync: { status: 'OutOfSync', revision: REVISION },
        health: { status: 'Healthy' },
        operationState: { phase: 'Failed', message: 'one or more synchronization tasks completed unsuccessfully (retried 5 times).' },
        conditions: [{ type: 'SyncError', message: 'Failed sync attempt' }],
      }),
    );
    expect(summary).toMatchObject({
      sync: 'OutOfSync',
      operation: { phase: 'Failed', message: 'one or more synchronization tasks completed unsuccessfully (retried 5 times).' },
      conditions: ['SyncError: Failed sync attempt'],
      tone: 'error',
    });
    expect(summary.revisionUrl).toBeUndefined();
  });

  it.each([
    [{ sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } }, 'warning'],
    [{ sync: { status: 'Synced' }, health: { status: 'Degraded', message: 'RolloutAborted: x' } }, 'error'],
    [{ sync: { status: 'Synced' }, health: { status: 'Suspended' } }, 'paused'],
    [{ sync: { status: 'Synced' }, health: { status: 'Progressing' } }, 'progress'],
    [{ sync: { status: 'Synced' }, health: { status: 'Missing' } }, 'error'],
    [{}, 'warning'],
  ])('colours %j as %s', (status, tone) => {
    expect(summariseApplication(application(status)).tone).toBe(tone);
  });

  it('says when Argo CD skips the application until the first image (generated skip-reconcile)', () => {
    const summary = summariseApplication(application({}, { 'argocd.argoproj.io/skip-reconcile': 'true' }));
    expect(summary).toMatchObject({ sync: 'Unknown', health: 'Unknown', reconcileSkipped: true, tone: 'neutral' });
  });

  it('keeps non-SHA revisions (Helm chart versions) whole and unlinked', () => {
    const summary = summariseApplication(application({ sync: { status: 'Synced', revision: '1.4.2' }, health: { status: 'Healthy' } }), 'acme/orders');
    expect(summary).toMatchObject({ revision: '1.4.2', shortRevision: '1.4.2' });
    expect(summary.revisionUrl).toBeUndefined();
  });
});
