/* eslint-disable @typescript-eslint/no-explicit-any -- test fixture: tests edit deep, loosely typed manifests */
import { stringify } from 'yaml';
import type { KubernetesObject, LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../../types';

/**
 * A small, valid Slipway repo model for the "orders" service, as the generator is meant
 * to produce it: every policy and reference check passes on it. Tests break one thing
 * and expect exactly the rule that guards it.
 */

export const SERVICE = 'orders';
export const ENVIRONMENTS = ['staging', 'production'] as const;
const IMAGE = 'ghcr.io/example-org/orders';
const TAG = 'sha-0123abc';

const labels = (extra: Record<string, string> = {}) => ({
  'app.kubernetes.io/name': SERVICE,
  'app.kubernetes.io/part-of': SERVICE,
  'backstage.io/kubernetes-id': SERVICE,
  ...extra,
});
const podLabels = labels();
const selector = { 'app.kubernetes.io/name': SERVICE, 'app.kubernetes.io/component': 'api' };

const containerSecurity = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
const podSecurity = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };
const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
const databaseEnv = [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${SERVICE}-db-app`, key: 'uri' } } }];

function meta(name: string, namespace: string | undefined, extraLabels: Record<string, string> = {}) {
  return { name, ...(namespace ? { namespace } : {}), labels: labels(extraLabels) };
}

/** The service's objects; `namespace`/`tag` undefined gives the raw base (kustomize sets them). */
export function serviceObjects(namespace?: string, tag?: string): any[] {
  const image = tag ? `${IMAGE}:${tag}` : IMAGE;
  const service = (name: string, extra: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace, extra),
    spec: {
      selector,
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9464, targetPort: 'metrics' },
      ],
    },
  });
  // Cloned: the constants above are shared, and tests edit objects in place.
  return structuredClone([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(SERVICE, namespace), automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${SERVICE}-config`, namespace),
      data: {
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc.cluster.local:4318',
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: meta(SERVICE, namespace),
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...podLabels, ...selector } },
          spec: {
            serviceAccountName: SERVICE,
            automountServiceAccountToken: false,
            securityContext: podSecurity,
            containers: [
              {
                name: 'app',
                image,
                ports: [
                  { name: 'http', containerPort: 8080 },
                  { name: 'metrics', containerPort: 9464 },
                ],
                env: [
                  ...databaseEnv,
                  { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: `${SERVICE}-config`, key: 'LOG_LEVEL' } } },
                  { name: 'PAYMENTS_URL', value: 'http://payments.payments-staging.svc.cluster.local:80' },
                ],
                envFrom: [{ configMapRef: { name: `${SERVICE}-config` } }],
                resources,
                securityContext: containerSecurity,
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
                livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
        strategy: {
          canary: {
            canaryService: `${SERVICE}-canary`,
            stableService: `${SERVICE}-stable`,
            trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: SERVICE } } },
            analysis: {
              startingStep: 1,
              templates: [{ templateName: `${SERVICE}-canary-analysis` }],
              args: [
                { name: 'service', value: SERVICE },
                { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
            },
            steps: [{ setWeight: 20 }, { pause: { duration: '2m' } }, { setWeight: 50 }, { pause: { duration: '2m' } }],
          },
        },
      },
    },
    service(SERVICE, { 'app.kubernetes.io/component': 'api' }),
    service(`${SERVICE}-stable`, { 'app.kubernetes.io/component': 'stable' }),
    service(`${SERVICE}-canary`, { 'app.kubernetes.io/component': 'canary' }),
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(SERVICE, namespace),
      spec: {
        scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: SERVICE },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(SERVICE, namespace),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${SERVICE}-default-deny`, namespace),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${SERVICE}-allow-dns`, namespace),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${SERVICE}-allow-gateway`, namespace),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
            ports: [{ protocol: 'TCP', port: 'http' }],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${SERVICE}-allow-db`, namespace),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': SERVICE } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': `${SERVICE}-db` } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`${SERVICE}-db-allow-app`, namespace),
      spec: {
        podSelector: { matchLabels: { 'cnpg.io/cluster': `${SERVICE}-db` } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': SERVICE } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(SERVICE, namespace),
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': SERVICE, 'app.kubernetes.io/component': 'api' } },
        endpoints: [{ port: 'metrics', interval: '15s' }],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta(SERVICE, namespace),
      spec: {
        parentRefs: [{ name: 'public', namespace: 'gateway-system' }],
        hostnames: [`${SERVICE}.example.com`],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              { name: `${SERVICE}-stable`, port: 80, weight: 100 },
              { name: `${SERVICE}-canary`, port: 80, weight: 0 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: meta(`${SERVICE}-canary-analysis`, namespace),
      spec: {
        args: [{ name: 'service' }, { name: 'namespace' }, { name: 'threshold', value: '0.99' }],
        metrics: [
          {
            name: 'success-rate',
            interval: '1m',
            count: 3,
            failureLimit: 1,
            successCondition: 'result[0] >= 0.99',
            provider: {
              prometheus: {
                address: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
                query:
                  'sum(rate(http_requests_total{service="{{args.service}}",namespace="{{args.namespace}}",status_code!~"5.."}[2m])) / ' +
                  'sum(rate(http_requests_total{service="{{args.service}}",namespace="{{args.namespace}}"}[2m]))',
              },
            },
          },
          {
            name: 'latency-p95',
            interval: '1m',
            count: 3,
            failureLimit: 1,
            successCondition: 'result[0] <= 0.5',
            provider: {
              prometheus: {
                address: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
                query:
                  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{args.service}}"}[2m])))',
              },
            },
          },
        ],
      },
    },
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: meta(`${SERVICE}-db`, namespace),
      spec: {
        instances: 2,
        inheritedMetadata: { labels: labels() },
        storage: { size: '1Gi' },
        bootstrap: { initdb: { database: 'app', owner: 'app' } },
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(`${SERVICE}-migrate`, namespace),
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: { ...podLabels, 'app.kubernetes.io/component': 'migration' } },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: SERVICE,
            securityContext: podSecurity,
            containers: [
              {
                name: 'migrate',
                image,
                args: ['migrate'],
                env: databaseEnv,
                resources,
                securityContext: containerSecurity,
              },
            ],
          },
        },
      },
    },
  ]);
}

function application(environment: string, annotations: Record<string, string> = {}): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${SERVICE}-${environment}`, namespace: 'argocd', labels: labels(), annotations },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/example-org/orders.git', targetRevision: 'main', path: `deploy/overlays/${environment}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: `${SERVICE}-${environment}` },
      ignoreDifferences: [{ group: 'argoproj.io', kind: 'Rollout', jsonPointers: ['/spec/replicas'] }],
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
    },
  };
}

export const WORKFLOW = `name: ci
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
concurrency:
  group: ci-\${{ github.ref }}
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      packages: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
        with:
          node-version: 22
      - run: npm ci && npm test
      - name: Describe the change
        env:
          TITLE: \${{ github.event.pull_request.title }}
        run: echo "building $TITLE for \${{ github.sha }}"
      - uses: docker/build-push-action@v6.9.0
      - uses: ./.github/actions/bump-overlay
`;

export const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
  annotations:
    backstage.io/kubernetes-id: orders
    argocd/app-selector: backstage.io/kubernetes-id=orders
spec:
  type: service
  lifecycle: experimental
  owner: group:default/team-a
`;

const KUSTOMIZATION_BASE = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [resources.yaml]
`;
const overlayKustomization = (environment: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${SERVICE}-${environment}
resources: [../../base]
images:
  - name: ${IMAGE}
    newTag: ${TAG}
`;

export interface BaselineOptions {
  /** false: no kustomize builds, only raw base objects (the no-binary fallback). Default true. */
  built?: boolean;
}

/** A fresh, valid model. Every call returns independent objects. */
export function baselineModel(options: BaselineOptions = {}): RepoModel {
  const built = options.built ?? true;
  const base = serviceObjects();
  const files = new Map<string, string>([
    ['catalog-info.yaml', CATALOG],
    ['.github/workflows/ci.yaml', WORKFLOW],
    ['deploy/base/kustomization.yaml', KUSTOMIZATION_BASE],
    ['deploy/base/resources.yaml', base.map(object => stringify(object)).join('---\n')],
  ]);
  const rawObjects: LoadedObject[] = base.map(object => ({ object, file: 'deploy/base/resources.yaml' }));
  const environments = new Map<string, LoadedObject[]>();
  for (const environment of ENVIRONMENTS) {
    const app = application(environment);
    files.set(`deploy/overlays/${environment}/kustomization.yaml`, overlayKustomization(environment));
    files.set(`deploy/argocd/${environment}.yaml`, stringify(app));
    rawObjects.push({ object: app, file: `deploy/argocd/${environment}.yaml` });
    if (built) {
      environments.set(
        environment,
        serviceObjects(`${SERVICE}-${environment}`, TAG).map(object => ({ object, file: `deploy/overlays/${environment}`, environment })),
      );
    }
  }
  return { files, environments, rawObjects };
}

/** Every loaded object of the model: built sets and raw objects. */
export function allLoaded(model: RepoModel): LoadedObject[] {
  return [...[...model.environments.values()].flat(), ...model.rawObjects];
}

/**
 * Edits every copy (each environment and the raw base) of `Kind/name`. Each edited object is a new
 * one in its array, as a changed repo's parse would be: what the checks derive from a model's
 * arrays (objectSets) is kept while they hold the same objects, which the parser freezes.
 */
export function edit(model: RepoModel, kind: string, name: string, change: (object: any) => void): RepoModel {
  let found = 0;
  const edited = (objects: LoadedObject[]) =>
    objects.map(loaded => {
      if (loaded.object.kind !== kind || loaded.object.metadata.name !== name) return loaded;
      const object = structuredClone(loaded.object);
      change(object);
      found++;
      return { ...loaded, object };
    });
  for (const [environment, objects] of model.environments) model.environments.set(environment, edited(objects));
  model.rawObjects = edited(model.rawObjects);
  if (found === 0) throw new Error(`fixture has no ${kind}/${name}`);
  return model;
}

/** Removes every copy of `Kind/name`. */
export function remove(model: RepoModel, kind: string, name: string): RepoModel {
  const keep = (loaded: LoadedObject) => !(loaded.object.kind === kind && loaded.object.metadata.name === name);
  for (const [environment, objects] of model.environments) model.environments.set(environment, objects.filter(keep));
  model.rawObjects = model.rawObjects.filter(keep);
  return model;
}

/** Adds an object to every built environment (namespaced like the rest) and to the raw base. */
export function add(model: RepoModel, object: any): RepoModel {
  for (const [environment, objects] of model.environments) {
    const copy = structuredClone(object);
    copy.metadata.namespace ??= `${SERVICE}-${environment}`;
    objects.push({ object: copy as KubernetesObject, file: `deploy/overlays/${environment}`, environment });
  }
  model.rawObjects.push({ object: structuredClone(object) as KubernetesObject, file: 'deploy/base/resources.yaml' });
  return model;
}

/** The rule ids `check` reports, sorted and de-duplicated. */
export function rulesOf(check: ModelCheck | ModelCheck[], model: RepoModel): string[] {
  return [...new Set(problemsOf(check, model).map(problem => problem.rule))].sort();
}

export function problemsOf(check: ModelCheck | ModelCheck[], model: RepoModel): ValidationProblem[] {
  return (Array.isArray(check) ? check : [check]).flatMap(each => each(model));
}

/** Readable failure output: the messages, not just the ids. */
export function describeProblems(problems: ValidationProblem[]): string {
  return problems.map(problem => `[${problem.rule}] ${problem.environment ?? '-'} ${problem.message}`).join('\n');
}
