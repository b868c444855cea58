import { validateRenderedFiles } from '../pipeline';
import { renderGoldenPathExample } from '../rules/__fixtures__/renderedRepo';
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

  it("knows the Secret of a cluster another repo holds in the namespace, once an object declares it (slipway.dev/held-elsewhere), keys included", () => {
    const model = remove(baselineModel(), 'Cluster', 'orders-db');
    expect(rulesOf(checkPodReferences, model)).toEqual(['env-secret-ref']);
    edit(model, 'Rollout', 'orders', rollout => { rollout.metadata.annotations = { ...rollout.metadata.annotations, 'slipway.dev/held-elsewhere': 'postgresql.cnpg.io/Cluster/orders-db' }; });
    expect(rulesOf(checkPodReferences, model)).toEqual([]);
    edit(model, 'Job', 'orders-migrate', job => { job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = 'url'; });
    expect(problemsOf(checkPodReferences, model)[0].message).toContain('"url" is not a key of Secret/orders-db-app (made by CloudNativePG Cluster/orders-db (held elsewhere)');
    // Another cluster's name makes another Secret: orders-db-app is unknown again.
    edit(model, 'Rollout', 'orders', rollout => { rollout.metadata.annotations['slipway.dev/held-elsewhere'] = 'postgresql.cnpg.io/Cluster/other-db'; });
    expect(rulesOf(checkPodReferences, model)).toEqual(['env-secret-ref']);
  });

  it('flags a key CloudNativePG does not write', () => {
    const model = edit(baselineModel(), 'Job', 'orders-migrate', job => { job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = 'url'; });
    expect(problemsOf(checkPodReferences, model)[0].message).toContain('"url" is not a key of Secret/orders-db-app (made by CloudNativePG Cluster/orders-db');
  });

  it('accepts the superuser secret only with enableSuperuserAccess (CloudNativePG makes none by default), and optional references', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', addEnv({ name: 'PGPASS', valueFrom: { secretKeyRef: { name: 'orders-db-superuser', key: 'password' } } }));
    edit(model, 'Rollout', 'orders', addEnv({ name: 'FEATURE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'x', optional: true } } }));
    expect(problemsOf(checkPodReferences, model).map(p => p.message)).toEqual([
      expect.stringContaining('Secret/orders-db-superuser is not in the deployed objects'),
      expect.stringContaining('Secret/orders-db-superuser is not in the deployed objects'),
    ]);
    edit(model, 'Cluster', 'orders-db', cluster => { cluster.spec.enableSuperuserAccess = true; });
    expect(rulesOf(checkPodReferences, model)).toEqual([]);
  });

  it('resolves the Secrets of the other operators in validate/operators', () => {
    const uses = (name: string, key: string) => addEnv({ name: name.toUpperCase().replace(/-/g, '_'), valueFrom: { secretKeyRef: { name, key } } });
    const model = baselineModel();
    for (const [name, key] of [['orders-mq-default-user', 'connection_string'], ['orders-tls', 'tls.crt'], ['orders-worker-user-credentials', 'password']]) {
      edit(model, 'Rollout', 'orders', uses(name, key));
    }
    expect(problemsOf(checkPodReferences, model).map(p => p.rule)).toEqual(Array(6).fill('env-secret-ref'));
    add(model, { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'orders-mq', labels: {} }, spec: { replicas: 3 } });
    add(model, { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'orders', labels: {} }, spec: { secretName: 'orders-tls', issuerRef: { name: 'ca' } } });
    add(model, { apiVersion: 'rabbitmq.com/v1beta1', kind: 'User', metadata: { name: 'orders-worker', labels: {} }, spec: { rabbitmqClusterReference: { name: 'orders-mq' } } });
    expect(rulesOf(checkPodReferences, model)).toEqual([]);
    edit(model, 'Rollout', 'orders', uses('orders-mq-default-user', 'uri'));
    expect(problemsOf(checkPodReferences, model)[0].message).toContain(
      '"uri" is not a key of Secret/orders-mq-default-user (made by RabbitMQ Cluster Operator RabbitmqCluster/orders-mq; keys: username, password, default_user.conf, provider, type, host, port, connection_string)',
    );
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
    // An ExternalSecret with creationPolicy Merge writes into a Secret that must exist already: it makes none.
    edit(model, 'ExternalSecret', 'stripe', externalSecret => { externalSecret.spec.target = { creationPolicy: 'Merge' }; });
    expect(problemsOf(checkPodReferences, model).map(p => p.rule)).toEqual(['env-secret-ref', 'env-secret-ref']);
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

  it('without overlay builds, leaves names a kustomization generates to the built check, and still reports any other', async () => {
    // --no-kustomize checks the raw files, where configMapGenerator has not run: log-output's Rollout
    // names log-output-env and log-output-files, which only kustomize makes.
    const files = await renderGoldenPathExample('node-service', 'log-output');
    const rendered = () => [...files].map(([path, content]) => ({ path, content, executable: false }));
    const raw = await validateRenderedFiles(rendered(), { kustomize: 'skip' });
    expect(raw.problems.filter(problem => problem.rule === 'env-configmap-ref')).toEqual([]);
    files.set('deploy/base/rollout.yaml', files.get('deploy/base/rollout.yaml')!.replace('name: log-output-files', 'name: log-output-filez'));
    const typo = await validateRenderedFiles(rendered(), { kustomize: 'skip' });
    expect(typo.problems.filter(problem => problem.rule === 'env-configmap-ref').map(problem => problem.message)).toEqual([
      expect.stringContaining('ConfigMap/log-output-filez is not in the deployed objects'),
    ]);
  }, 60_000);
});
