import { loadRepoModel } from './load';
import { checkObjectSchemas, closestFieldName, formatFieldPath } from './schema';
import { knownSchemaKinds } from './schema-registry';
import { KubernetesObject, LoadedObject } from './types';
import { replaceLine, sampleRepoFiles } from './__fixtures__/sample-repo';

function rawObjectsOf(files: Record<string, string>): LoadedObject[] {
  return loadRepoModel(new Map(Object.entries(files))).model.rawObjects;
}

function check(object: Record<string, unknown>) {
  return checkObjectSchemas([{ object: object as unknown as KubernetesObject, file: 'deploy/base/x.yaml' }]);
}

const podSpec = { containers: [{ name: 'app', image: 'app:1' }] };

describe('checkObjectSchemas', () => {
  it('accepts the valid sample objects, Argo CD and CloudNativePG included', () => {
    expect(checkObjectSchemas(rawObjectsOf(sampleRepoFiles()))).toEqual([]);
  });

  it('names file, line, object, field path and rule for a wrong type', () => {
    const files = replaceLine(sampleRepoFiles(), 'deploy/base/deployment.yaml', 'replicas: 2', 'replicas: two');
    expect(checkObjectSchemas(rawObjectsOf(files))).toEqual([
      {
        check: 'schema',
        rule: 'schema-type',
        file: 'deploy/base/deployment.yaml',
        object: 'Deployment/demo',
        line: 6,
        message: 'spec.replicas: must be integer (got "two")',
      },
    ]);
  });

  it('flags misspelled fields with a suggestion, where the schema declares its fields', () => {
    let files = replaceLine(sampleRepoFiles(), 'deploy/base/deployment.yaml', '  replicas: 2', '  replica: 2');
    files = replaceLine(files, 'deploy/base/deployment.yaml', 'readinessProbe:', 'readynessProbe:');
    const problems = checkObjectSchemas(rawObjectsOf(files));
    expect(problems.map(p => [p.rule, p.line, p.message])).toEqual([
      ['unknown-field', 6, 'spec.replica: unknown field: the schema has no "replica" here (did you mean spec.replicas?)'],
      [
        'unknown-field',
        20,
        'spec.template.spec.containers[0].readynessProbe: unknown field: the schema has no "readynessProbe" here (did you mean spec.template.spec.containers[0].readinessProbe?)',
      ],
    ]);
  });

  it('leaves maps and free-form fields alone', () => {
    expect(
      check({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', labels: { 'app.kubernetes.io/name': 'x' }, annotations: { anything: 'goes' } },
        stringData: { PASSWORD: 'x', 'any-key': 'y' },
      }),
    ).toEqual([]);
    expect(
      check({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'a' },
        spec: {
          project: 'default',
          destination: { server: 'https://kubernetes.default.svc' },
          source: { repoURL: 'https://x', chart: 'c', helm: { valuesObject: { free: { form: true } } } },
        },
      }),
    ).toEqual([]);
  });

  it('finds unknown fields in the schemas generated from upstream CRDs (Argo Rollouts) too', () => {
    const problems = check({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: {
        selector: { matchLabels: { app: 'r' } },
        template: { metadata: { labels: { app: 'r' } }, spec: podSpec },
        strategy: { canary: { steps: [{ setWeight: 20 }, { pauze: {} }] } },
      },
    });
    expect(problems.map(p => p.message)).toEqual([
      'spec.strategy.canary.steps[1].pauze: unknown field: the schema has no "pauze" here (did you mean spec.strategy.canary.steps[1].pause?)',
    ]);
  });

  it('hints at the declared name inside a subschema the generator shared through $defs (a Rollout container)', () => {
    const problems = check({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { selector: { matchLabels: { app: 'r' } }, template: { spec: { containers: [{ name: 'app', image: 'app:1', imagePullPolice: 'Always' }] } } },
    });
    expect(problems.map(p => p.message)).toEqual([
      'spec.template.spec.containers[0].imagePullPolice: unknown field: the schema has no "imagePullPolice" here (did you mean spec.template.spec.containers[0].imagePullPolicy?)',
    ]);
  });

  it("checks a Rollout's volumes, which its CRD leaves open, as core Volumes", () => {
    const rollout = (volumes: unknown[]) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { selector: { matchLabels: { app: 'r' } }, template: { spec: { ...podSpec, volumes } } },
    });
    expect(check(rollout([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]))).toEqual([]);
    expect(check(rollout([{ name: 'tmp', emptyDri: {} }, { configMap: { name: 'c' } }])).map(p => `${p.rule}: ${p.message}`)).toEqual([
      'schema-required: spec.template.spec.volumes[1].name: required field is missing',
      'unknown-field: spec.template.spec.volumes[0].emptyDri: unknown field: the schema has no "emptyDri" here (did you mean spec.template.spec.volumes[0].emptyDir?)',
    ]);
  });

  it('checks Gateway API kinds with the schemas generated from its v1.0.0 standard-channel CRDs', () => {
    const problems = check({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { parentRefs: [{ name: 'gw', sectionNme: 'https' }], rules: [{ backendRefs: [{ name: 'r', port: 'http' }] }] },
    });
    expect(problems.map(p => `${p.rule}: ${p.message}`)).toEqual([
      'schema-type: spec.rules[0].backendRefs[0].port: must be integer (got "http")',
      'unknown-field: spec.parentRefs[0].sectionNme: unknown field: the schema has no "sectionNme" here (did you mean spec.parentRefs[0].sectionName?)',
    ]);
  });

  it('merges the branches of int-or-string fields into one readable rule', () => {
    const problems = check({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: true }], type: 'Public' } });
    expect(problems.map(p => `${p.rule}: ${p.message}`)).toEqual([
      'schema-type: spec.ports[0].targetPort: must be string or integer (got true)',
      'schema-enum: spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got "Public")',
    ]);
  });

  it('reports missing required fields at the field itself', () => {
    const problems = check({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: podSpec } } });
    expect(problems.map(p => `${p.rule}: ${p.message}`)).toEqual(['schema-required: spec.selector: required field is missing']);
  });

  it('checks CloudNativePG with the generated 1.24 models: bounds, types, enums and typos', () => {
    const problems = check({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db' },
      spec: { instances: 0, storage: { size: '1Gi' }, enablePDB: 'no', enablePodMonitr: true, managed: { roles: [{ name: 'reader', ensure: 'present', login: true }] } },
    });
    expect(problems.map(p => `${p.rule}: ${p.message}`).sort()).toEqual([
      'schema-minimum: spec.instances: must be >= 1 (got 0)',
      'schema-type: spec.enablePDB: must be boolean (got "no")',
      'unknown-field: spec.enablePodMonitr: unknown field: the schema has no "enablePodMonitr" here',
    ]);
    const backup = check({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'b' }, spec: { schedule: '0 0 0 * * *', cluster: { name: 'db' }, method: 'barmanObjectStor' } });
    expect(backup.map(p => p.rule)).toEqual(['schema-enum']);
  });

  it('knows KEDA, cert-manager and External Secrets (v1beta1 model, v1 generated) kinds', () => {
    const scaledObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'worker' },
      spec: { scaleTargetRef: { name: 'worker' }, minReplicaCount: 0, triggers: [{ type: 'rabbitmq', metadata: { queueName: 'jobs', mode: 'QueueLength', value: '20' } }] },
    };
    expect(check(scaledObject)).toEqual([]);
    expect(check({ ...scaledObject, spec: { ...scaledObject.spec, pollingIntervl: 5 } }).map(p => p.message)).toEqual([
      'spec.pollingIntervl: unknown field: the schema has no "pollingIntervl" here (did you mean spec.pollingInterval?)',
    ]);
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web' }, spec: { secretName: 'web-tls', dnsNames: ['web.example.com'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } } };
    expect(check(certificate)).toEqual([]);
    expect(check({ ...certificate, spec: { dnsNames: ['web.example.com'] } }).map(p => p.message).sort()).toEqual([
      'spec.issuerRef: required field is missing',
      'spec.secretName: required field is missing',
    ]);
    const externalSecret = (apiVersion: string, spec: Record<string, unknown>) => ({ apiVersion, kind: 'ExternalSecret', metadata: { name: 'db' }, spec });
    const esSpec = { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, target: { name: 'db-credentials' }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] };
    expect(check(externalSecret('external-secrets.io/v1', esSpec))).toEqual([]);
    expect(check(externalSecret('external-secrets.io/v1beta1', esSpec))).toEqual([]);
    expect(check(externalSecret('external-secrets.io/v1', { ...esSpec, target: { creationPolicy: 'Sometimes' } })).map(p => p.rule)).toEqual(['schema-enum']);
  });

  it('checks RabbitMQ operator kinds with the schemas generated from their CRDs, unknown fields included', () => {
    const cluster = check({
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'RabbitmqCluster',
      metadata: { name: 'mq' },
      spec: { replicas: 3, replics: 3, persistence: { storage: '10Gi' }, resources: { requests: { cpu: '500m', memory: '1Gi' } }, rabbitmq: { additionalConfig: 'x' } },
    });
    expect(cluster.map(p => `${p.rule}: ${p.message}`)).toEqual([
      'unknown-field: spec.replics: unknown field: the schema has no "replics" here (did you mean spec.replicas?)',
    ]);
    const queue = check({ apiVersion: 'rabbitmq.com/v1beta1', kind: 'Queue', metadata: { name: 'q' }, spec: { durable: 'yes', arguments: { 'x-dead-letter-exchange': 'dlx' } } });
    expect(queue.map(p => `${p.rule}: ${p.message}`).sort()).toEqual([
      'schema-required: spec.name: required field is missing',
      'schema-required: spec.rabbitmqClusterReference: required field is missing',
      'schema-type: spec.durable: must be boolean (got "yes")',
    ]);
  });

  it('reports kinds it has no schema for, hinting at the known apiVersion', () => {
    const problems = check({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'old' } });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'unknown-kind',
        object: 'Deployment/old',
        message: 'no schema known for apiVersion apps/v1beta1, kind Deployment (Deployment is known as apps/v1)',
      }),
    ]);
    expect(check({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })[0].message).toBe(
      'no schema known for apiVersion example.com/v1, kind Widget',
    );
  });

  it('tags problems of built objects with their environment', () => {
    const [problem] = checkObjectSchemas([
      { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } }, file: 'deploy/overlays/staging', environment: 'staging' },
    ]);
    expect(problem).toEqual({
      check: 'schema',
      rule: 'schema-type',
      file: 'deploy/overlays/staging',
      environment: 'staging',
      object: 'ConfigMap/c',
      message: 'data.a: must be string (got 1)',
    });
  });

  it.each(knownSchemaKinds())('loads the schema of %s', key => {
    const slash = key.lastIndexOf('/');
    const problems = check({ apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: 'x' } });
    expect(problems.filter(p => p.rule === 'schema-check-failed' || p.rule === 'unknown-kind' || p.rule === 'unknown-field')).toEqual([]);
  });
});

describe('helpers', () => {
  it('prints paths the way kubectl explain spells them', () => {
    expect(formatFieldPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('spec.template.spec.containers[0].image');
    expect(formatFieldPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
  });

  it('suggests only close names', () => {
    expect(closestFieldName('replica', ['replicas', 'selector'])).toBe('replicas');
    expect(closestFieldName('Replicas', ['replicas'])).toBe('replicas');
    expect(closestFieldName('foo', ['replicas', 'selector'])).toBeUndefined();
  });
});

describe('fields newer than the pinned models', () => {
  const rollout = (canary: Record<string, unknown>) => ({
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'orders' },
      spec: {
        selector: { matchLabels: { app: 'orders' } },
        template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'app', image: 'x:1' }] } },
        strategy: { canary },
      },
    },
    file: 'rollout.yaml',
  });

  it('accepts analysisRunMetadata where Argo Rollouts declares it (canary.analysis), but not a misspelling of it', () => {
    const { checkObjectSchemas } = require('./schema') as typeof import('./schema');
    const analysis = (metadata: Record<string, unknown>) => ({ templates: [{ templateName: 'success-rate' }], ...metadata });
    expect(checkObjectSchemas([rollout({ analysis: analysis({ analysisRunMetadata: { labels: { a: 'b' } } }) })])).toEqual([]);
    expect(checkObjectSchemas([rollout({ analysis: analysis({ analysisRunMetdata: { labels: { a: 'b' } } }) })])).toEqual([
      expect.objectContaining({ rule: 'unknown-field', message: expect.stringContaining('(did you mean spec.strategy.canary.analysis.analysisRunMetadata?)') }),
    ]);
  });

  it("accepts native sidecars (initContainers' restartPolicy), which the v1.9.1 Rollout CRD declares", () => {
    const { checkObjectSchemas } = require('./schema') as typeof import('./schema');
    const sidecar = rollout({});
    const spec = sidecar.object.spec.template.spec as Record<string, unknown>;
    spec.initContainers = [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'Always' }];
    expect(checkObjectSchemas([sidecar])).toEqual([]);
  });
});
