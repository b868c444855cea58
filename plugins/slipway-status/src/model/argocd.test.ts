import { isAppOfApps, summariseApplication } from './argocd';
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
      awaitingFirstImage: false,
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

  it('says when Argo CD skips the application until the first image (older repos: skip-reconcile)', () => {
    const summary = summariseApplication(application({}, { 'argocd.argoproj.io/skip-reconcile': 'true' }));
    expect(summary).toMatchObject({ sync: 'Unknown', health: 'Unknown', reconcileSkipped: true, gate: 'skip-reconcile', awaitingFirstImage: true, tone: 'neutral' });
  });

  it('reads the generated gate (automated sync disabled) and the unpinned image Argo CD reports as awaiting the first image', () => {
    const held: KubeObject = {
      ...application({ sync: { status: 'OutOfSync' }, health: { status: 'Missing' }, summary: { images: ['ghcr.io/example-org/orders'] } }),
      spec: { syncPolicy: { automated: { enabled: false, prune: true, selfHeal: true } } },
    };
    // OutOfSync and Missing are what a held-back Application looks like: not an error.
    expect(summariseApplication(held)).toMatchObject({ gate: 'auto-sync-disabled', awaitingFirstImage: true, reconcileSkipped: false, tone: 'neutral' });
  });

  it('is not awaiting once an image is pinned, even with the gate still on; and an unpinned image alone counts', () => {
    const pinned: KubeObject = {
      ...application({ sync: { status: 'OutOfSync' }, health: { status: 'Missing' }, summary: { images: ['ghcr.io/example-org/orders:sha-0123abc'] } }),
      spec: { syncPolicy: { automated: { enabled: false } } },
    };
    expect(summariseApplication(pinned)).toMatchObject({ gate: 'auto-sync-disabled', awaitingFirstImage: false, tone: 'error' });
    const unpinned = application({ sync: { status: 'Synced' }, health: { status: 'Degraded' }, summary: { images: ['ghcr.io/example-org/orders', 'registry:5000/x'] } });
    expect(summariseApplication(unpinned)).toMatchObject({ awaitingFirstImage: true });
    const digest = application({ sync: { status: 'Synced' }, health: { status: 'Healthy' }, summary: { images: ['ghcr.io/example-org/orders@sha256:abc'] } });
    expect(summariseApplication(digest).awaitingFirstImage).toBe(false);
  });

  it('recognises an app-of-apps by its label or by owning only Applications', () => {
    expect(isAppOfApps({ kind: 'Application', metadata: { name: 'orders-apps', labels: { 'slipway.dev/role': 'app-of-apps' } } })).toBe(true);
    expect(isAppOfApps({ kind: 'Application', metadata: { name: 'root' }, status: { resources: [{ kind: 'Application' }, { kind: 'Application' }] } })).toBe(true);
    expect(isAppOfApps(application({ resources: [{ kind: 'Rollout' }, { kind: 'Service' }] }))).toBe(false);
  });

  it('keeps non-SHA revisions (Helm chart versions) whole and unlinked', () => {
    const summary = summariseApplication(application({ sync: { status: 'Synced', revision: '1.4.2' }, health: { status: 'Healthy' } }), 'acme/orders');
    expect(summary).toMatchObject({ revision: '1.4.2', shortRevision: '1.4.2' });
    expect(summary.revisionUrl).toBeUndefined();
  });
});
