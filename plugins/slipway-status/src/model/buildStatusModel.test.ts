import {
  abortedAfterFailedAnalysis,
  degraded,
  healthy,
  outOfSync,
  pausedCanary,
  Scenario,
  scenarioEntity,
  scenarioResponse,
  unreachableCluster,
} from '../__fixtures__/scenarios';
import { buildStatusModel, clusterProblemOf, CommitsAhead, StatusModelInput } from './buildStatusModel';
import { ObjectsResponse } from './kube';
import { EnvironmentRow } from './types';

const NOW = new Date('2026-03-01T12:00:00Z');

function modelOf(scenario: Scenario, extra: Partial<StatusModelInput> = {}) {
  return buildStatusModel({ response: scenarioResponse(scenario), entity: scenario.entity, ...extra });
}

function row(rows: EnvironmentRow[], key: string): EnvironmentRow {
  const found = rows.find(r => r.key === key);
  if (!found) throw new Error(`no row ${key} in ${rows.map(r => r.key).join(', ')}`);
  return found;
}

describe('buildStatusModel over the scenarios', () => {
  it('healthy: one row per environment, in the annotation order, everything green', () => {
    const model = modelOf(healthy({ now: NOW }));
    expect(model.expectedEnvironments).toEqual(['staging', 'production']);
    expect(model.rows.map(r => [r.key, r.state, r.cluster, r.namespace])).toEqual([
      ['staging', 'deployed', 'local', 'orders-staging'],
      ['production', 'deployed', 'local', 'orders-production'],
    ]);
    const production = row(model.rows, 'production');
    expect(production.argocd).toMatchObject({ sync: 'Synced', health: 'Healthy', tone: 'ok' });
    expect(production.argocd?.shortRevision).toMatch(/^[0-9a-f]{7}$/);
    expect(production.image?.stable).toMatchObject({
      label: 'sha-4f9c2e1',
      commitUrl: 'https://github.com/example-org/orders/commit/4f9c2e1',
    });
    expect(production.image?.source).toBe('pods');
    expect(production.rollout).toMatchObject({ state: 'Healthy', step: { text: '8/8' } });
    // The newest of two AnalysisRuns.
    expect(production.analysis).toMatchObject({ verdict: 'Successful', revision: '7', outdated: false });
    expect(production.analysis?.metrics.map(m => `${m.name} ${m.value} ${m.threshold}`)).toEqual([
      'success-rate 99.95% ≥ 99%',
      'p95-latency 179 ms ≤ 500 ms',
    ]);
    expect(production.pods).toMatchObject({ total: 3, ready: 3, desired: 3, restarts: 0, problems: [], tone: 'ok' });
    expect(production.comparison).toEqual({ against: 'staging', relation: 'same', text: 'same image as staging' });
    expect(model.clusterProblems).toEqual([]);
    expect(model.empty).toBeUndefined();
  });

  it('pausedCanary: production paused on step 3/8 at 25%, stable and canary images, analysis running', () => {
    const production = row(modelOf(pausedCanary({ now: NOW })).rows, 'production');
    expect(production.rollout).toMatchObject({
      state: 'Paused',
      reason: 'CanaryPauseStep',
      step: { text: '3/8', current: 'pause 5m' },
      canaryWeight: 25,
    });
    expect(production.image?.stable?.label).toBe('sha-1a2b3c4');
    expect(production.image?.canary?.label).toBe('sha-4f9c2e1');
    expect(production.analysis).toMatchObject({ verdict: 'Running', outdated: false });
    expect(production.argocd).toMatchObject({ health: 'Suspended', tone: 'paused' });
    expect(production.pods).toMatchObject({ total: 4, ready: 4, desired: 3 });
    expect(production.comparison?.relation).toBe('differs');
  });

  it('pausedCanary with a five-step canary paused on its third step reads 2/5', () => {
    const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'orders-canary-analysis' }] } }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } }];
    const production = row(modelOf(pausedCanary({ now: NOW, productionSteps: steps, pausedAtStep: 2 })).rows, 'production');
    expect(production.rollout).toMatchObject({ state: 'Paused', step: { text: '2/5', current: 'pause until promoted' }, canaryWeight: 20 });
  });

  it('abortedAfterFailedAnalysis: Aborted with the reason, failed analysis with values, canary image not running', () => {
    const production = row(modelOf(abortedAfterFailedAnalysis({ now: NOW })).rows, 'production');
    expect(production.rollout).toMatchObject({
      state: 'Aborted',
      tone: 'error',
      reason: 'Rollout aborted update to revision 7: Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
    });
    expect(production.analysis).toMatchObject({
      verdict: 'Failed',
      message: 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
    });
    expect(production.analysis?.metrics[0]).toMatchObject({ name: 'success-rate', value: '96.34%', threshold: '≥ 99%', tone: 'error' });
    expect(production.image?.stable?.label).toBe('sha-1a2b3c4');
    expect(production.image?.canary).toBeUndefined();
    expect(production.image?.desiredNotRunning?.label).toBe('sha-4f9c2e1');
    expect(production.argocd).toMatchObject({ sync: 'Synced', health: 'Degraded', tone: 'error' });
  });

  it('outOfSync: the Application is OutOfSync with the failed sync; the cluster still runs the previous tag', () => {
    const production = row(modelOf(outOfSync({ now: NOW })).rows, 'production');
    expect(production.argocd).toMatchObject({
      sync: 'OutOfSync',
      health: 'Healthy',
      operation: { phase: 'Failed', message: 'one or more synchronization tasks completed unsuccessfully (retried 5 times).' },
      tone: 'error',
    });
    expect(production.argocd?.conditions[0]).toMatch(/^SyncError: Failed sync attempt to [0-9a-f]{40}/);
    expect(production.image?.stable?.label).toBe('sha-1a2b3c4');
    expect(production.rollout?.state).toBe('Healthy');
  });

  it('degraded: Degraded rollout, crash-looping canary pod, analysis of the earlier revision flagged', () => {
    const production = row(modelOf(degraded({ now: NOW })).rows, 'production');
    expect(production.rollout).toMatchObject({ state: 'Degraded', reason: expect.stringMatching(/^ProgressDeadlineExceeded: ReplicaSet "orders-\w+" has timed out progressing\.$/) });
    expect(production.pods).toMatchObject({ total: 4, ready: 3, desired: 3, restarts: 6, tone: 'error' });
    expect(production.pods?.problems).toEqual([expect.objectContaining({ reason: 'CrashLoopBackOff', restarts: 6 })]);
    expect(production.image?.canary?.label).toBe('sha-4f9c2e1');
    expect(production.analysis).toMatchObject({ verdict: 'Successful', revision: '6', outdated: true });
    expect(production.argocd).toMatchObject({ health: 'Degraded', tone: 'error' });
  });

  it('unreachableCluster: the problem is reported per cluster and the other cluster’s rows remain', () => {
    const model = modelOf(unreachableCluster({ now: NOW }));
    expect(model.clusterProblems).toEqual([
      expect.objectContaining({ cluster: 'production', kind: 'unreachable', message: expect.stringContaining('ECONNREFUSED') }),
    ]);
    expect(row(model.rows, 'staging')).toMatchObject({ state: 'deployed', cluster: 'local' });
    expect(row(model.rows, 'production')).toMatchObject({
      state: 'unknown',
      notes: ['not found in the clusters that answered; could not read cluster production'],
    });
  });

  it('unreachableCluster answering 403: a forbidden problem listing what could not be read', () => {
    const model = modelOf(unreachableCluster({ now: NOW, failure: 403 }));
    expect(model.clusterProblems).toEqual([
      {
        cluster: 'production',
        kind: 'forbidden',
        message:
          '403 Forbidden listing pods, services, deployments, replicasets, horizontalpodautoscalers, ingresses, rollouts, analysisruns, applications',
        resources: ['pods', 'services', 'deployments', 'replicasets', 'horizontalpodautoscalers', 'ingresses', 'rollouts', 'analysisruns', 'applications'],
        hint: expect.stringContaining('get and list'),
      },
    ]);
    expect(row(model.rows, 'production').state).toBe('unknown');
  });
});

describe('production against staging (the default promotion order)', () => {
  const behind = healthy({ now: NOW, stagingTag: 'sha-bbbbbbb', productionTag: 'sha-aaaaaaa' });

  it('says how many commits staging is ahead when something can tell', () => {
    const commitsAhead: CommitsAhead = (base, head) => (base === 'aaaaaaa' && head === 'bbbbbbb' ? 3 : 0);
    expect(row(modelOf(behind, { commitsAhead }).rows, 'production').comparison).toEqual({
      against: 'staging',
      relation: 'ahead',
      commits: 3,
      text: 'staging is 3 commits ahead',
    });
    const one: CommitsAhead = (base, head) => (base === 'aaaaaaa' && head === 'bbbbbbb' ? 1 : 0);
    expect(row(modelOf(behind, { commitsAhead: one }).rows, 'production').comparison?.text).toBe('staging is 1 commit ahead');
  });

  it('says staging is behind when production has commits staging lacks', () => {
    const commitsAhead: CommitsAhead = (base, head) => (base === 'bbbbbbb' && head === 'aaaaaaa' ? 2 : 0);
    expect(row(modelOf(behind, { commitsAhead }).rows, 'production').comparison).toMatchObject({ relation: 'behind', commits: -2, text: 'staging is 2 commits behind' });
  });

  it('says "differs" when the distance is unknown', () => {
    expect(row(modelOf(behind).rows, 'production').comparison).toEqual({
      against: 'staging',
      relation: 'differs',
      text: 'differs from staging (sha-aaaaaaa vs sha-bbbbbbb)',
    });
    expect(row(modelOf(behind, { commitsAhead: () => undefined }).rows, 'production').comparison?.relation).toBe('differs');
  });

  it('compares only deployed environments', () => {
    const model = buildStatusModel({ response: { items: [] }, entity: scenarioEntity() });
    expect(model.rows.every(r => r.comparison === undefined)).toBe(true);
  });
});

describe('three environments: each against the one before it in the declared promotion order', () => {
  /** The scenario with a dev environment in front: staging's objects copied, relabelled and re-tagged. */
  function withDev(scenario: Scenario, stagingTag: string, devTag: string, environments: string): Scenario {
    const [cluster] = scenario.clusters;
    const dev = cluster.objects
      .filter(object => object.metadata?.labels?.['slipway.dev/environment'] === 'staging')
      .map(object =>
        JSON.parse(
          JSON.stringify(object)
            .replaceAll('orders-staging', 'orders-dev')
            .replaceAll('"slipway.dev/environment":"staging"', '"slipway.dev/environment":"dev"')
            .replaceAll(stagingTag, devTag),
        ),
      );
    const entity = { ...scenario.entity, metadata: { ...scenario.entity.metadata, annotations: { ...scenario.entity.metadata.annotations, 'slipway.dev/environments': environments } } };
    return { ...scenario, entity, clusters: [{ ...cluster, objects: [...cluster.objects, ...dev] }] };
  }
  const scenario = (environments: string) =>
    withDev(healthy({ now: NOW, stagingTag: 'sha-bbbbbbb', productionTag: 'sha-aaaaaaa' }), 'sha-bbbbbbb', 'sha-ccccccc', environments);

  it('dev → staging → production: staging against dev, production against staging, dev against nothing', () => {
    const model = modelOf(scenario('dev,staging,production'));
    expect(model.expectedEnvironments).toEqual(['dev', 'staging', 'production']);
    expect(model.rows.map(r => [r.key, r.state, r.argocd?.application])).toEqual([
      ['dev', 'deployed', 'orders-dev'],
      ['staging', 'deployed', 'orders-staging'],
      ['production', 'deployed', 'orders-production'],
    ]);
    expect(row(model.rows, 'dev').comparison).toBeUndefined();
    expect(row(model.rows, 'staging').comparison).toEqual({ against: 'dev', relation: 'differs', text: 'differs from dev (sha-bbbbbbb vs sha-ccccccc)' });
    expect(row(model.rows, 'production').comparison).toEqual({ against: 'staging', relation: 'differs', text: 'differs from staging (sha-aaaaaaa vs sha-bbbbbbb)' });
  });

  it('counts commits against the previous environment, not a fixed staging', () => {
    const commitsAhead: CommitsAhead = (base, head) => (base === 'bbbbbbb' && head === 'ccccccc' ? 4 : 0);
    expect(row(modelOf(scenario('dev,staging,production'), { commitsAhead }).rows, 'staging').comparison?.text).toBe('dev is 4 commits ahead');
  });

  it('follows the order the entity declares, not the names: with dev,production production is compared with dev', () => {
    const model = modelOf(scenario('dev,production'));
    expect(row(model.rows, 'production').comparison?.against).toBe('dev');
    // staging is deployed but not declared: listed after the declared ones, compared with nothing.
    expect(model.rows.map(r => r.key)).toEqual(['dev', 'production', 'staging']);
    expect(row(model.rows, 'staging').comparison).toBeUndefined();
  });

  it('compares nothing when the entity declares no promotion order', () => {
    const model = modelOf(scenario('dev,staging,production'), { expectedEnvironments: [] });
    expect(model.rows.every(r => r.comparison === undefined)).toBe(true);
  });
});

describe('empty answers and per-cluster errors', () => {
  const entity = scenarioEntity();

  it('no cluster configured: every expected environment unknown, empty = no-clusters', () => {
    const model = buildStatusModel({ response: { items: [] }, entity, configuredClusters: [] });
    expect(model.empty).toBe('no-clusters');
    expect(model.rows.map(r => [r.environment, r.state, r.notes[0]])).toEqual([
      ['staging', 'unknown', 'no Kubernetes cluster is configured'],
      ['production', 'unknown', 'no Kubernetes cluster is configured'],
    ]);
  });

  it('clusters configured (or unknown) but nothing labelled: expected environments not deployed', () => {
    for (const configuredClusters of [['local'], undefined]) {
      const model = buildStatusModel({ response: { items: [] }, entity, configuredClusters });
      expect(model.empty).toBe('no-objects');
      expect(model.rows.map(r => [r.environment, r.state])).toEqual([
        ['staging', 'not-deployed'],
        ['production', 'not-deployed'],
      ]);
    }
  });

  it('an environment deployed only in staging leaves production not deployed', () => {
    const scenario = healthy({ now: NOW });
    scenario.clusters[0].objects = scenario.clusters[0].objects.filter(o => o.metadata?.labels?.['slipway.dev/environment'] === 'staging');
    const model = modelOf(scenario);
    expect(model.rows.map(r => [r.environment, r.state])).toEqual([
      ['staging', 'deployed'],
      ['production', 'not-deployed'],
    ]);
  });

  it('an Application Argo CD still skips (no image yet) gives an awaiting-image row with its Argo CD state', () => {
    const response: ObjectsResponse = {
      items: [
        {
          cluster: { name: 'local' },
          errors: [],
          resources: [
            {
              type: 'customresources',
              resources: [
                {
                  apiVersion: 'argoproj.io/v1alpha1',
                  kind: 'Application',
                  metadata: {
                    name: 'orders-production',
                    namespace: 'argocd',
                    labels: { 'backstage.io/kubernetes-id': 'orders', 'slipway.dev/environment': 'production' },
                    annotations: { 'argocd.argoproj.io/skip-reconcile': 'true' },
                  },
                  spec: {},
                },
              ],
            },
          ],
        },
      ],
    };
    const production = row(buildStatusModel({ response, entity }).rows, 'production');
    expect(production).toMatchObject({ state: 'awaiting-image', argocd: { reconcileSkipped: true, awaitingFirstImage: true } });
    expect(production.notes[0]).toMatch(/skip-reconcile/);
  });

  it('the generated bootstrap (app-of-apps + automated sync disabled) gives awaiting-image rows and no row for the app-of-apps', () => {
    const labels = (extra: Record<string, string>) => ({ 'backstage.io/kubernetes-id': 'orders', ...extra });
    const held = (environment: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: `orders-${environment}`, namespace: 'argocd', labels: labels({ 'slipway.dev/environment': environment }) },
      spec: { destination: { namespace: `orders-${environment}` }, syncPolicy: { automated: { enabled: false, prune: true, selfHeal: true } } },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Missing' }, summary: { images: ['ghcr.io/example-org/orders'] } },
    });
    const root = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'orders-apps', namespace: 'argocd', labels: labels({ 'slipway.dev/role': 'app-of-apps' }) },
      spec: { destination: { namespace: 'argocd' } },
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [{ kind: 'Application' }] },
    };
    const response: ObjectsResponse = {
      items: [{ cluster: { name: 'local' }, errors: [], resources: [{ type: 'customresources', resources: [root, held('staging'), held('production')] }] }],
    };
    const rows = buildStatusModel({ response, entity }).rows;
    expect(rows.map(r => [r.environment, r.state])).toEqual([
      ['staging', 'awaiting-image'],
      ['production', 'awaiting-image'],
    ]);
    expect(rows[0].notes).toEqual(['no image built yet: automated sync stays off until CI pins the first image and turns it on']);
  });

  it('classifies backend errors: 401, 404 (CRD missing), other statuses; partial failures mark rows', () => {
    const cluster = (errors: unknown[]) => ({ cluster: { name: 'c' }, resources: [], errors: errors as never });
    expect(clusterProblemOf(cluster([{ errorType: 'UNAUTHORIZED_ERROR', statusCode: 401, resourcePath: '/api/v1/pods' }]))).toMatchObject({
      kind: 'unauthorized',
      message: '401 Unauthorized listing pods',
    });
    expect(
      clusterProblemOf(cluster([{ errorType: 'NOT_FOUND', statusCode: 404, resourcePath: '/apis/argoproj.io/v1alpha1/applications' }])),
    ).toMatchObject({ kind: 'error', message: '404 Not Found listing applications', hint: expect.stringContaining('CRD') });
    expect(clusterProblemOf(cluster([{ errorType: 'SYSTEM_ERROR', statusCode: 500, resourcePath: '/api/v1/pods' }]))?.message).toBe(
      '500 Internal Server Error listing pods',
    );
    expect(clusterProblemOf(cluster([]))).toBeUndefined();

    // 403 on analysisruns only: the rows stay, the analysis column knows why it is empty.
    const scenario = healthy({ now: NOW });
    const response = scenarioResponse(scenario);
    const item = response.items[0];
    item.resources = item.resources.filter(group => !group.resources.some(o => (o as { kind?: string }).kind === 'AnalysisRun'));
    item.errors = [{ errorType: 'UNKNOWN_ERROR', statusCode: 403, resourcePath: '/apis/argoproj.io/v1alpha1/analysisruns' }];
    const model = buildStatusModel({ response, entity: scenario.entity });
    expect(model.clusterProblems[0]).toMatchObject({ kind: 'forbidden', resources: ['analysisruns'] });
    expect(model.rows.map(r => [r.key, r.state, r.unavailable, r.analysis])).toEqual([
      ['staging', 'deployed', ['analysisruns'], undefined],
      ['production', 'deployed', ['analysisruns'], undefined],
    ]);
  });
});

describe('grouping', () => {
  it('gives the same environment in two clusters two rows keyed by cluster', () => {
    const first = healthy({ now: NOW, clusters: { staging: 'eu', production: 'eu' } });
    const second = healthy({ now: NOW, clusters: { staging: 'us', production: 'us' } });
    const response = { items: [...scenarioResponse(first).items, ...scenarioResponse(second).items] };
    const model = buildStatusModel({ response, entity: first.entity });
    expect(model.rows.map(r => r.key)).toEqual(['staging@eu', 'staging@us', 'production@eu', 'production@us']);
    // Each row gets the Application from its own cluster.
    expect(model.rows.every(r => r.argocd?.application === `orders-${r.environment}`)).toBe(true);
  });

  it('lists environments nobody expected after the expected ones', () => {
    const scenario = healthy({ now: NOW });
    const entity = { metadata: { name: 'orders', annotations: { 'slipway.dev/environments': 'production' } } };
    const model = buildStatusModel({ response: scenarioResponse(scenario), entity });
    expect(model.rows.map(r => r.key)).toEqual(['production', 'staging']);
  });

  it('groups objects without the environment label by owner, then namespace', () => {
    const scenario = healthy({ now: NOW });
    for (const object of scenario.clusters[0].objects) {
      if (object.kind === 'Pod' || object.kind === 'AnalysisRun') delete object.metadata?.labels?.['slipway.dev/environment'];
    }
    const model = modelOf(scenario);
    expect(model.rows.map(r => r.key)).toEqual(['staging', 'production']);
    expect(row(model.rows, 'production').pods?.total).toBe(3);
    expect(row(model.rows, 'production').analysis?.verdict).toBe('Successful');

    const unlabelled = healthy({ now: NOW });
    for (const object of unlabelled.clusters[0].objects) delete object.metadata?.labels?.['slipway.dev/environment'];
    const byNamespace = modelOf(unlabelled, { expectedEnvironments: [] });
    expect(byNamespace.rows.map(r => r.key)).toEqual(['orders-production', 'orders-staging']);
    expect(byNamespace.rows[0].notes).toContain('no slipway.dev/environment label: grouped by namespace');
  });

  it('takes AnalysisRuns labelled for the environment when no Rollout owns them, never another Rollout’s', () => {
    const scenario = healthy({ now: NOW });
    const runs = scenario.clusters[0].objects.filter(o => o.kind === 'AnalysisRun' && o.metadata.namespace === 'orders-production');
    const newest = runs.reduce((a, b) => (a.metadata.creationTimestamp! > b.metadata.creationTimestamp! ? a : b));
    delete newest.metadata.ownerReferences;
    expect(row(modelOf(scenario).rows, 'production').analysis?.name).toBe(newest.metadata.name);
    newest.metadata.ownerReferences = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'other', uid: 'other-uid' }];
    expect(row(modelOf(scenario).rows, 'production').analysis?.name).not.toBe(newest.metadata.name);
  });

  it('tolerates Date timestamps (as @kubernetes/client-node types them) and junk entries', () => {
    const scenario = healthy({ now: NOW });
    const response = scenarioResponse(scenario);
    for (const group of response.items[0].resources) {
      for (const object of group.resources as Array<{ metadata?: { creationTimestamp?: unknown } }>) {
        if (object.metadata?.creationTimestamp) object.metadata.creationTimestamp = new Date(object.metadata.creationTimestamp as string);
      }
      (group.resources as unknown[]).push(null, 42, 'x');
    }
    const model = buildStatusModel({ response, entity: scenario.entity });
    expect(row(model.rows, 'production').analysis?.revision).toBe('7');
  });

  it('without a Rollout, reports the image most pods run', () => {
    const scenario = healthy({ now: NOW });
    scenario.clusters[0].objects = scenario.clusters[0].objects.filter(o => o.kind !== 'Rollout');
    const production = row(modelOf(scenario).rows, 'production');
    expect(production.rollout).toBeUndefined();
    expect(production.image).toMatchObject({ stable: { label: 'sha-4f9c2e1' }, source: 'pods' });
    expect(production.pods).toMatchObject({ total: 3, ready: 3 });
  });
});

describe('an entity whose manifests are in a system config repo (slipway.dev/manifests-location)', () => {
  const scenario = healthy({ now: NOW });
  const entity = {
    ...scenario.entity,
    metadata: {
      ...scenario.entity.metadata,
      annotations: {
        ...scenario.entity.metadata.annotations,
        'slipway.dev/manifests-location': 'url:https://github.com/example-org/shop-config/tree/main/apps/orders',
      },
    },
  };
  const appRepo = modelOf(scenario);
  const configRepo = modelOf(scenario, { entity });

  it('shows the same environments: the Applications carry the same labels in either layout', () => {
    expect(configRepo.rows.map(r => [r.key, r.state, r.argocd?.application])).toEqual(appRepo.rows.map(r => [r.key, r.state, r.argocd?.application]));
    expect(configRepo.rows.map(r => r.key)).toEqual(['staging', 'production']);
  });

  it("links Argo CD's sync revision into the config repo it syncs, the image's commit into the app repo", () => {
    const production = row(configRepo.rows, 'production');
    const revision = production.argocd?.revision as string;
    expect(production.argocd?.revisionUrl).toBe(`https://github.com/example-org/shop-config/commit/${revision}`);
    expect(row(appRepo.rows, 'production').argocd?.revisionUrl).toBe(`https://github.com/example-org/orders/commit/${revision}`);
    expect(production.image?.stable?.commitUrl).toBe('https://github.com/example-org/orders/commit/4f9c2e1');
    expect(configRepo.manifestsUrl).toBe('https://github.com/example-org/shop-config/tree/main/apps/orders');
    expect(appRepo.manifestsUrl).toBeUndefined();
  });
});
