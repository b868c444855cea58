import type { KubernetesObject, LoadedObject } from '../types';
import { matchesServiceSelector, podTemplates } from '../kube';
import { knownSchemaKinds } from '../schema-registry';
import {
  OPERATOR_FILES,
  conditionHolds,
  operatorAutoscalers,
  operatorPodDisruptionBudgets,
  operatorPods,
  operatorSecrets,
  operatorServices,
  parsePath,
  renderTemplate,
  valuesAt,
} from '.';

const set = (...objects: unknown[]) => ({ environment: 'staging', objects: objects.map(object => ({ object: object as KubernetesObject, file: 'deploy/overlays/staging', environment: 'staging' }) as LoadedObject) });
const cluster = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name: 'orders-db', namespace: 'orders-staging' },
  spec: { instances: 3, storage: { size: '1Gi' }, ...spec },
});
const rabbit = (spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'rabbitmq.com/v1beta1',
  kind: 'RabbitmqCluster',
  metadata: { name: 'orders-mq', namespace: 'orders-staging', labels },
  spec,
});

describe('the operator data files', () => {
  it('describe only kinds the schema stage knows (apart from Sealed Secrets, which has no schema yet)', () => {
    const known = new Set(knownSchemaKinds().map(key => `${key.split('/').length > 2 ? key.split('/')[0] : ''}/${key.split('/').pop()}`));
    for (const file of OPERATOR_FILES) {
      for (const resource of file.resources) {
        if (resource.kind === 'SealedSecret') continue;
        expect(`${file.operator}: ${resource.group}/${resource.kind} ${known.has(`${resource.group}/${resource.kind}`)}`).toBe(`${file.operator}: ${resource.group}/${resource.kind} true`);
      }
    }
  });

  it('cite an upstream source for every resource', () => {
    for (const file of OPERATOR_FILES) {
      expect(file.upstream).toMatch(/^https:\/\//);
      for (const resource of file.resources) expect(resource.source.length).toBeGreaterThan(20);
    }
  });

  it('give every operator Service a selector that matches the pods the same resource runs', () => {
    const samples = [cluster(), rabbit(), { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'orders-pool', namespace: 'orders-staging' }, spec: { cluster: { name: 'orders-db' } } }];
    const deployed = set(...samples);
    const pods = operatorPods(deployed);
    const services = operatorServices(deployed);
    expect(services.map(service => service.object.metadata.name).sort()).toEqual(
      ['orders-db-any', 'orders-db-r', 'orders-db-ro', 'orders-db-rw', 'orders-mq', 'orders-mq-nodes', 'orders-pool'].sort(),
    );
    for (const service of services) {
      const selector = (service.object.spec as { selector: Record<string, string> }).selector;
      const selected = pods.filter(group => group.owner === service.owner && matchesServiceSelector(selector, group.labels));
      expect(`${service.object.metadata.name}: ${selected.length > 0}`).toBe(`${service.object.metadata.name}: true`);
    }
  });
});

describe('paths, templates and conditions', () => {
  it('parses dotted paths with bracketed keys and list fan-out', () => {
    expect(parsePath('metadata.annotations["cert-manager.io/issuer"]')).toEqual(['metadata', 'annotations', 'cert-manager.io/issuer']);
    expect(valuesAt({ spec: { listeners: [{ tls: { certificateRefs: [{ name: 'a' }, { name: 'b' }] } }, { tls: 'x' }, null] } }, 'spec.listeners[].tls.certificateRefs[].name')).toEqual(['a', 'b']);
  });

  it('renders the first template whose fields are all set', () => {
    const object = { metadata: { name: 'db' }, spec: { target: {} } };
    expect(renderTemplate(['{spec.target.name}', '{metadata.name}'], object)).toBe('db');
    expect(renderTemplate('{metadata.name}-app', object)).toBe('db-app');
    expect(renderTemplate('{spec.missing}', object)).toBeUndefined();
  });

  it('reads upstream defaults and list membership', () => {
    expect(conditionHolds({ path: 'spec.enablePDB', default: true, equals: true }, { spec: {} })).toBe(true);
    expect(conditionHolds({ path: 'spec.enablePDB', default: true, equals: true }, { spec: { enablePDB: false } })).toBe(false);
    expect(conditionHolds({ path: 'spec.list', excludes: 'ro' }, { spec: { list: ['r'] } })).toBe(true);
    expect(conditionHolds({ path: 'spec.list', excludes: 'ro' }, { spec: { list: ['ro'] } })).toBe(false);
    expect(conditionHolds({ anyOf: [{ path: 'a', present: true }, { path: 'b', present: true }] }, { b: 1 })).toBe(true);
  });
});

describe('what the operators make', () => {
  it('CloudNativePG: the app Secret unless bootstrap names one, the superuser Secret only with enableSuperuserAccess', () => {
    const names = (spec: Record<string, unknown>) => operatorSecrets(set(cluster(spec))).map(secret => secret.name);
    expect(names({})).toEqual(['orders-db-app', 'orders-db-ca', 'orders-db-server', 'orders-db-replication']);
    expect(names({ enableSuperuserAccess: true })).toContain('orders-db-superuser');
    expect(names({ bootstrap: { initdb: { database: 'app', owner: 'app', secret: { name: 'mine' } } } })).not.toContain('orders-db-app');
  });

  it('CloudNativePG: role-labelled instance pods with inherited labels, the -ro and -r Services unless disabled, and its PDBs', () => {
    const deployed = set(cluster({ inheritedMetadata: { labels: { 'backstage.io/kubernetes-id': 'orders' } }, managed: { services: { disabledDefaultServices: ['ro'] } } }));
    expect(operatorPods(deployed).map(pods => [pods.role, pods.labels['cnpg.io/instanceRole'], pods.labels['backstage.io/kubernetes-id']])).toEqual([
      ['primary instance', 'primary', 'orders'],
      ['replica instance', 'replica', 'orders'],
    ]);
    expect(operatorServices(deployed).map(service => service.object.metadata.name)).toEqual(['orders-db-rw', 'orders-db-r', 'orders-db-any']);
    expect(operatorPodDisruptionBudgets(deployed).map(pdb => [pdb.object.metadata.name, (pdb.object.spec as { minAvailable: number }).minAvailable])).toEqual([
      ['orders-db-primary', 1],
      ['orders-db', 1],
    ]);
    expect(operatorPodDisruptionBudgets(set(cluster({ instances: 1, enablePDB: false })))).toEqual([]);
  });

  it('RabbitMQ: <name>-default-user with its keys, <name> and <name>-nodes Services, pods labelled app.kubernetes.io/name=<name>', () => {
    const deployed = set(rabbit({ rabbitmq: { additionalPlugins: ['rabbitmq_stream'] } }, { 'backstage.io/kubernetes-id': 'orders', 'app.kubernetes.io/name': 'mine' }));
    const [defaultUser] = operatorSecrets(deployed);
    expect(defaultUser.name).toBe('orders-mq-default-user');
    expect([...(defaultUser.keys ?? [])]).toEqual(['username', 'password', 'default_user.conf', 'provider', 'type', 'host', 'port', 'connection_string', 'stream-port']);
    const [client, nodes] = operatorServices(deployed).map(service => service.object);
    expect(client.metadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'orders',
      'app.kubernetes.io/name': 'orders-mq',
      'app.kubernetes.io/component': 'rabbitmq',
      'app.kubernetes.io/part-of': 'rabbitmq',
    });
    expect((client.spec as { ports: Array<{ port: number }> }).ports.map(port => port.port)).toEqual([5672, 15672, 15692]);
    expect((nodes.spec as { ports: Array<{ port: number }> }).ports.map(port => port.port)).toEqual([4369, 25672]);
    const [pods] = operatorPods(deployed);
    expect(pods.labels).toEqual({ 'app.kubernetes.io/name': 'orders-mq', 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' });
    expect(pods.ports.map(port => port.containerPort)).toEqual([4369, 25672, 5672, 15672, 15692]);
    expect(operatorSecrets(set(rabbit({ secretBackend: { externalSecret: { name: 'mq-creds' } } }))).map(secret => secret.name)).toEqual(['orders-mq-erlang-cookie']);
  });

  it('KEDA: keda-hpa-<name> scaling the target, a Deployment unless scaleTargetRef says otherwise', () => {
    const scaledObject = (spec: Record<string, unknown>) => ({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'worker' }, spec });
    const [made] = operatorAutoscalers(set(scaledObject({ scaleTargetRef: { name: 'worker' }, minReplicaCount: 0, maxReplicaCount: 10 })));
    expect(made.object).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'keda-hpa-worker' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' }, minReplicas: 1, maxReplicas: 10 },
    });
    const rollout = operatorAutoscalers(set(scaledObject({ scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'api' }, advanced: { horizontalPodAutoscalerConfig: { name: 'api-hpa' } } })));
    expect(rollout[0].object.metadata.name).toBe('api-hpa');
    expect(rollout[0].object.spec).toMatchObject({ scaleTargetRef: { kind: 'Rollout' }, maxReplicas: 100 });
  });

  it('cert-manager and External Secrets: the Secret each names, with its keys', () => {
    const made = operatorSecrets(set(
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { secretName: 'web-tls', additionalOutputFormats: [{ type: 'CombinedPEM' }] } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db' }, spec: { data: [{ secretKey: 'password' }] } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'all' }, spec: { target: { name: 'everything' }, dataFrom: [{ extract: { key: 'x' } }] } },
    ));
    expect(made.map(secret => [secret.name, secret.keys && [...secret.keys]])).toEqual([
      ['web-tls', ['tls.crt', 'tls.key', 'ca.crt', 'tls-combined.pem']],
      ['db', ['password']],
      ['everything', undefined],
    ]);
  });

  it('KEDA ScaledJob: its job template is a pod template, checked like a workload\'s', () => {
    const scaledJob = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 'batch' }, spec: { jobTargetRef: { template: { metadata: { labels: { app: 'batch' } }, spec: { containers: [{ name: 'run', image: 'x:1' }] } } } } };
    expect(podTemplates(set(scaledJob)).map(template => [template.specPath, template.labels, template.longRunning])).toEqual([['spec.jobTargetRef.template.spec', { app: 'batch' }, false]]);
  });

  it('never throws on malformed resources', () => {
    const broken = [
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'x' }, spec: 'nope' },
      { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: {}, spec: { override: [] } },
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'y' }, spec: { scaleTargetRef: 7, minReplicaCount: 'many' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'z' }, spec: { secretName: ['a'] } },
    ];
    const deployed = set(...broken);
    expect(() => [operatorSecrets(deployed), operatorServices(deployed), operatorPods(deployed), operatorAutoscalers(deployed), operatorPodDisruptionBudgets(deployed)]).not.toThrow();
  });
});
