/* eslint-disable @typescript-eslint/no-require-imports -- the model classes load lazily, as in @slipway/validate */
import {
  buildScenario,
  GENERATED_STEPS,
  SCENARIO_NAMES,
  ScenarioObject,
  scenarioObjects,
  scenarioResponse,
  scenarios,
} from './scenarios';

type Validator = new (data: never) => { validate(): void };
const MODELS: Record<string, () => Validator> = {
  Pod: () => require('kubernetes-models/v1/Pod').Pod,
  Service: () => require('kubernetes-models/v1/Service').Service,
  ReplicaSet: () => require('kubernetes-models/apps/v1/ReplicaSet').ReplicaSet,
  Rollout: () => require('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout').Rollout,
  AnalysisRun: () => require('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisRun').AnalysisRun,
  Application: () => require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application,
};

const NOW = new Date('2026-03-01T12:00:00Z');

describe.each(SCENARIO_NAMES)('scenario %s', name => {
  const scenario = buildScenario(name, { now: NOW });
  const objects = scenarioObjects(name, { now: NOW });

  it('validates every object against the kubernetes-models schemas (core, Argo Rollouts, Argo CD)', () => {
    for (const object of objects) {
      const Model = MODELS[object.kind]();
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('labels every object, and every pod template, with the kubernetes-id and its environment', () => {
    for (const object of objects) {
      expect(object.metadata?.labels).toMatchObject({ 'backstage.io/kubernetes-id': 'orders' });
      expect(['staging', 'production']).toContain(object.metadata?.labels?.['slipway.dev/environment']);
      if (object.kind === 'Rollout' || object.kind === 'ReplicaSet') {
        expect(object.spec?.template?.metadata?.labels).toMatchObject({
          'backstage.io/kubernetes-id': 'orders',
          'slipway.dev/environment': object.metadata?.labels?.['slipway.dev/environment'],
        });
      }
    }
  });

  it('holds both environments, Applications in argocd, workloads in <name>-<env>', () => {
    for (const env of ['staging', 'production']) {
      const ofEnv = objects.filter(o => o.metadata?.labels?.['slipway.dev/environment'] === env);
      expect(new Set(ofEnv.map(o => o.kind))).toEqual(new Set(['Rollout', 'ReplicaSet', 'Pod', 'Service', 'AnalysisRun', 'Application']));
      for (const object of ofEnv) expect(object.metadata?.namespace).toBe(object.kind === 'Application' ? 'argocd' : `orders-${env}`);
    }
  });

  it('links pods → ReplicaSets → Rollout and AnalysisRuns → Rollout by uid', () => {
    const byUid = new Map(objects.map(o => [o.metadata?.uid, o] as const));
    expect(byUid.size).toBe(objects.length);
    for (const object of objects.filter(o => ['Pod', 'ReplicaSet', 'AnalysisRun'].includes(o.kind))) {
      const owner = byUid.get(object.metadata?.ownerReferences?.[0]?.uid);
      expect(owner?.kind).toBe(object.kind === 'Pod' ? 'ReplicaSet' : 'Rollout');
      expect(owner?.metadata?.name).toBe(object.metadata?.ownerReferences?.[0]?.name);
    }
  });

  it('has unique names per kind and namespace, as a cluster would', () => {
    const keys = objects.map(o => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('serves objects test/k8s-double can filter (apiVersion, kind, metadata.name, labels)', () => {
    for (const object of objects as ScenarioObject[]) {
      expect(typeof object.apiVersion).toBe('string');
      expect(typeof object.kind).toBe('string');
      expect(typeof object.metadata?.name).toBe('string');
    }
    expect(scenario.clusters.flatMap(c => c.objects)).toEqual(objects);
  });
});

describe('scenario parameters', () => {
  it('follows the service name, project slug and tags', () => {
    const objects = scenarioObjects('pausedCanary', {
      now: NOW,
      name: 'billing',
      projectSlug: 'acme/billing',
      stagingTag: 'sha-aaaaaaa',
      productionTag: 'sha-bbbbbbb',
      previousTag: 'sha-ccccccc',
    });
    const images = new Set(objects.filter(o => o.kind === 'Pod').map(o => (o.kind === 'Pod' ? o.spec?.containers[0].image : '')));
    expect(images).toEqual(new Set(['ghcr.io/acme/billing:sha-aaaaaaa', 'ghcr.io/acme/billing:sha-bbbbbbb', 'ghcr.io/acme/billing:sha-ccccccc']));
    expect(objects.every(o => o.metadata?.labels?.['backstage.io/kubernetes-id'] === 'billing')).toBe(true);
    const app = objects.find(o => o.kind === 'Application');
    expect(app?.kind === 'Application' && app.spec.source?.repoURL).toBe('https://github.com/acme/billing.git');
  });

  it('uses the generated canary steps, and lets pausedCanary take others', () => {
    const rollouts = scenarioObjects('healthy', { now: NOW }).filter(o => o.kind === 'Rollout');
    for (const rollout of rollouts) {
      if (rollout.kind !== 'Rollout') continue;
      const env = rollout.metadata?.labels?.['slipway.dev/environment'] as 'staging' | 'production';
      expect(rollout.spec.strategy?.canary?.steps).toEqual(GENERATED_STEPS[env]);
      expect(rollout.status?.currentStepIndex).toBe(GENERATED_STEPS[env].length);
    }
    const steps = [{ setWeight: 20 }, { pause: {} }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } }];
    const paused = scenarioObjects('pausedCanary', { now: NOW, productionSteps: steps, pausedAtStep: 2 }).find(
      o => o.kind === 'Rollout' && o.metadata?.namespace === 'orders-production',
    );
    expect(paused?.kind === 'Rollout' && paused.status).toMatchObject({ currentStepIndex: 2, phase: 'Paused' });
  });

  it('is deterministic for a given clock', () => {
    expect(scenarioObjects('degraded', { now: NOW })).toEqual(scenarioObjects('degraded', { now: NOW }));
  });

  it('exposes every builder by name', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...SCENARIO_NAMES].sort());
  });
});

describe('scenarioResponse, the Kubernetes backend answer', () => {
  it('groups by fetched type, keeps kind on custom resources only, and omits clusters with nothing', () => {
    const response = scenarioResponse('healthy', { now: NOW });
    expect(response.items).toHaveLength(1);
    const [item] = response.items;
    expect(item.cluster).toEqual({ name: 'local' });
    expect(item.errors).toEqual([]);
    expect(item.resources.map(group => group.type)).toEqual([
      'pods',
      'services',
      'deployments',
      'replicasets',
      'horizontalpodautoscalers',
      'ingresses',
      'customresources',
      'customresources',
      'customresources',
    ]);
    const pods = item.resources[0].resources as Array<Record<string, unknown>>;
    expect(pods).toHaveLength(5);
    expect(pods[0].kind).toBeUndefined();
    const kinds = item.resources.slice(6).map(group => new Set((group.resources as Array<{ kind: string }>).map(o => o.kind)));
    expect(kinds).toEqual([new Set(['Rollout']), new Set(['AnalysisRun']), new Set(['Application'])]);
  });

  it('reports an unreachable cluster as a FETCH_ERROR and a refusing one as 403 per list path', () => {
    const unreachable = scenarioResponse('unreachableCluster', { now: NOW });
    expect(unreachable.items.map(i => i.cluster.name)).toEqual(['local', 'production']);
    expect(unreachable.items[1]).toMatchObject({ resources: [], errors: [{ errorType: 'FETCH_ERROR' }] });
    const forbidden = scenarioResponse('unreachableCluster', { now: NOW, failure: 403 });
    expect(forbidden.items[1].errors).toContainEqual({ errorType: 'UNKNOWN_ERROR', statusCode: 403, resourcePath: '/apis/argoproj.io/v1alpha1/rollouts' });
    expect(buildScenario('unreachableCluster', { failure: 403 }).clusters.map(c => c.failure)).toEqual([undefined, 403]);
  });
});
