import { checkPodReferences } from './podReferences';
import { add, baselineModel, edit, problemsOf, remove, rulesOf } from '../policy/__fixtures__/repoModel';

const addEnv = (env: unknown) => (rollout: any) => { rollout.spec.template.spec.containers[0].env.push(env); };

describe('Secrets, ConfigMaps and ServiceAccounts pods need', () => {
  it('passes the baseline (CloudNativePG makes orders-db-app)', () => {
    expect(rulesOf(checkPodReferences, baselineModel())).toEqual([]);
  });

  it('flags the app secret once the database cluster is gone', () => {
    const problems = problemsOf(checkPodReferences, remove(baselineModel(), 'Cluster', 'orders-db'));
    expect(new Set(problems.map(p => p.rule))).toEqual(new Set(['env-secret-ref']));
    expect(problems[0].message).toContain('Secret/orders-db-app is not in the deployed objects and no operator we know of');
  });

  it('flags a key CloudNativePG does not write', () => {
    const model = edit(baselineModel(), 'Job', 'orders-migrate', job => { job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = 'url'; });
    expect(problemsOf(checkPodReferences, model)[0].message).toContain('"url" is not a key of Secret/orders-db-app (made by CloudNativePG Cluster/orders-db');
  });

  it('accepts the superuser secret and optional references', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', addEnv({ name: 'PGPASS', valueFrom: { secretKeyRef: { name: 'orders-db-superuser', key: 'password' } } }));
    edit(model, 'Rollout', 'orders', addEnv({ name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'x', optional: true } } }));
    expect(rulesOf(checkPodReferences, model)).toEqual([]);
  });

  it('flags a missing ConfigMap or ConfigMap key', () => {
    const missingKey = edit(baselineModel(), 'Rollout', 'orders', addEnv({ name: 'X', valueFrom: { configMapKeyRef: { name: 'orders-config', key: 'NOPE' } } }));
    expect(rulesOf(checkPodReferences, missingKey)).toEqual(['env-configmap-ref']);
    expect(rulesOf(checkPodReferences, remove(baselineModel(), 'ConfigMap', 'orders-config'))).toEqual(['env-configmap-ref']);
  });

  it('knows ExternalSecret and SealedSecret targets', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', addEnv({ name: 'STRIPE_KEY', valueFrom: { secretKeyRef: { name: 'stripe', key: 'api-key' } } }));
    expect(rulesOf(checkPodReferences, model)).toEqual(['env-secret-ref']);
    add(model, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'stripe', labels: {} },
      spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'api-key', remoteRef: { key: 'stripe' } }] },
    });
    expect(rulesOf(checkPodReferences, model)).toEqual([]);
  });

  it('checks envFrom and volumes, and the ServiceAccount', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      r.spec.template.spec.containers[0].envFrom.push({ secretRef: { name: 'extra' } });
      r.spec.template.spec.volumes.push({ name: 'certs', secret: { secretName: 'tls' } });
      r.spec.template.spec.serviceAccountName = 'orders-api';
    });
    const fields = problemsOf(checkPodReferences, model).filter(p => p.environment === 'staging').map(p => `${p.rule} ${p.message.split(':')[0]}`);
    expect(fields).toEqual([
      'env-secret-ref Rollout/orders spec.template.spec.containers[0].envFrom[1].secretRef',
      'env-secret-ref Rollout/orders spec.template.spec.volumes[1].secret',
      'service-account-exists Rollout/orders spec.template.spec.serviceAccountName',
    ]);
  });
});
