/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit deep, loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { argocdSyncOrder } from './argocd-sync-order';
import { simulateSync } from './argocd-sync-simulation';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'argocd-sync-order';

/** One built environment holding `objects` (namespace staging). */
function modelOf(...objects: any[]): RepoModel {
  const loaded: LoadedObject[] = objects.map(object => ({
    object: { ...object, metadata: { namespace: 'staging', ...object.metadata } },
    file: 'deploy/overlays/staging',
    environment: 'staging',
  }));
  return { files: new Map(), rawObjects: [], environments: new Map([['staging', loaded]]) };
}

const wave = (value: number, hook?: string) => ({
  'argocd.argoproj.io/sync-wave': String(value),
  ...(hook ? { 'argocd.argoproj.io/hook': hook } : {}),
});
const serviceAccount = (annotations: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', annotations } });
const job = (annotations: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', annotations },
  spec: { template: { spec: { serviceAccountName: 'app', restartPolicy: 'Never', containers: [{ name: 'm', image: 'x:1' }], ...spec } } },
});
const cluster = (annotations: Record<string, string>) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'db', annotations },
  spec: { instances: 1, storage: { size: '1Gi' } },
});
const readsDatabase = { containers: [{ name: 'm', image: 'x:1', env: [{ name: 'URL', valueFrom: { secretKeyRef: { name: 'db-app', key: 'uri' } } }] }] };

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(argocdSyncOrder, await renderExample(example))).toEqual([]);
    });

    it('reports defect 1: the migration hook in wave -1 runs as a ServiceAccount left in wave 0', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/base/serviceaccount.yaml', /\n {4}argocd\.argoproj\.io\/sync-wave: "-2"/, '');
      const problems = await unitProblems(argocdSyncOrder, files);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ rule: ID, object: 'Job/billing-migrate', environment: 'staging, production' });
      expect(problems[0].message).toContain('spec.template.spec.serviceAccountName: ServiceAccount/billing is applied at Sync wave 0, after these pods (Sync hook, wave -1)');
    });

    it('reports a PreSync migration: nothing of the Sync phase exists yet when it runs', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/base/migration-job.yaml', 'argocd.argoproj.io/hook: Sync', 'argocd.argoproj.io/hook: PreSync');
      const messages = (await unitProblems(argocdSyncOrder, files)).map(problem => problem.message);
      expect(messages).toEqual([
        expect.stringContaining('ServiceAccount/billing is applied at Sync wave -2, after these pods (PreSync hook, wave -1)'),
        expect.stringContaining('Secret/billing-db-app is written by CloudNativePG Cluster/billing-db'),
      ]);
      expect(messages[0]).toContain('or make the pod a Sync hook');
    });

    it('reports the Cluster moved into the migration\'s wave: its operator-made Secret is not there before the Job', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/base/database.yaml', 'argocd.argoproj.io/sync-wave: "-2"', 'argocd.argoproj.io/sync-wave: "-1"');
      const problems = await unitProblems(argocdSyncOrder, files);
      expect(problems.map(problem => problem.object)).toEqual(['Job/billing-migrate']);
      expect(problems[0].message).toContain('spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: Secret/billing-db-app is written by CloudNativePG Cluster/billing-db');
      expect(problems[0].message).toContain('in the same step as these pods');
    });
  });

  describe('on any repo', () => {
    it('accepts what a pod needs in an earlier or the same wave', () => {
      expect(argocdSyncOrder.run(modelOf(serviceAccount(wave(-1)), job(wave(-1, 'Sync'))))).toEqual([]);
      expect(argocdSyncOrder.run(modelOf(serviceAccount(), { ...job({}), kind: 'Job' }))).toEqual([]);
    });

    it('reports a ConfigMap volume and a PVC a Deployment gets only in a later wave, not an optional one', () => {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          template: {
            spec: {
              containers: [{ name: 'web', image: 'x:1', envFrom: [{ configMapRef: { name: 'flags', optional: true } }] }],
              volumes: [{ name: 'c', configMap: { name: 'conf' } }, { name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
            },
          },
        },
      };
      const later = (kind: string, name: string) => ({ apiVersion: 'v1', kind, metadata: { name, annotations: wave(1) } });
      const problems = argocdSyncOrder.run(modelOf(deployment, later('ConfigMap', 'conf'), later('PersistentVolumeClaim', 'data'), later('ConfigMap', 'flags')));
      expect(problems.map(problem => problem.message.split(': ')[0])).toEqual([
        'Deployment/web spec.template.spec.volumes[0].configMap',
        'Deployment/web spec.template.spec.volumes[1].persistentVolumeClaim',
      ]);
      expect(problems.every(problem => problem.rule === ID)).toBe(true);
    });

    it('lets a long-running pod share the wave of an operator-made Secret\'s owner, but not a Job', () => {
      const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: readsDatabase } } };
      expect(argocdSyncOrder.run(modelOf(cluster({}), deployment))).toEqual([]);
      expect(argocdSyncOrder.run(modelOf(cluster({}), job({}, readsDatabase))).map(problem => problem.object)).toEqual(['Job/migrate']);
      expect(argocdSyncOrder.run(modelOf(cluster(wave(-1)), job({}, readsDatabase)))).toEqual([]);
    });

    it('reports a need that only a Skip hook provides (never applied) and ignores SyncFail hooks as consumers', () => {
      const skipped = serviceAccount({ 'argocd.argoproj.io/hook': 'Skip' });
      expect(argocdSyncOrder.run(modelOf(skipped, job({})))[0].message).toContain('comes only from ServiceAccount/app, a Skip hook that a normal sync never applies');
      expect(argocdSyncOrder.run(modelOf(serviceAccount(wave(5)), job({ 'argocd.argoproj.io/hook': 'SyncFail' })))).toEqual([]);
    });

    it('maps Helm hooks (pre-install is PreSync, hook-weight is the wave) unless the set uses Argo CD hooks', () => {
      const helmJob = job({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-5' });
      expect(argocdSyncOrder.run(modelOf(serviceAccount(), helmJob))[0].message).toContain('after these pods (PreSync hook, wave -5)');
      const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { 'argocd.argoproj.io/hook': 'PostSync' } } };
      expect(argocdSyncOrder.run(modelOf(serviceAccount(), helmJob, other))).toEqual([]);
    });

    it('leaves CronJobs alone: they start no pod during the sync', () => {
      const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: 'app', containers: [] } } } } } };
      expect(argocdSyncOrder.run(modelOf(serviceAccount(wave(3)), cronJob))).toEqual([]);
    });

    it('never throws on malformed objects', () => {
      const broken = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', annotations: { 'argocd.argoproj.io/sync-wave': 'soon' } }, spec: { template: { spec: { serviceAccountName: 7, volumes: 'x' } } } };
      expect(() => argocdSyncOrder.run(modelOf(broken, { kind: 'Pod', metadata: { name: 'p' }, spec: null }))).not.toThrow();
    });
  });
});

describe('simulateSync', () => {
  it('orders like gitops-engine: phase, wave, kind (Namespace first, custom resources last), name', () => {
    const order = simulateSync({
      environment: 'staging',
      objects: modelOf(
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'a' } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'z' } },
        job(wave(-1, 'Sync')),
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'smoke', annotations: { 'argocd.argoproj.io/hook': 'PostSync' } } },
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'check', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } } },
        serviceAccount(wave(-2)),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
      ).environments.get('staging') as LoadedObject[],
    }).map(task => `${task.phases[0]}/${task.wave}/${task.object.kind}/${task.object.metadata.name}`);
    expect(order).toEqual([
      'PreSync/0/Job/check',
      'Sync/-2/ServiceAccount/app',
      'Sync/-1/Job/migrate',
      'Sync/0/Namespace/z',
      'Sync/0/Service/a',
      'Sync/0/Service/b',
      'Sync/0/Rollout/a',
      'PostSync/0/Job/smoke',
    ]);
  });
});
