/**
 * Scenario builders: the Kubernetes objects a Slipway service has in a cluster in
 * well-known situations, for both environments (staging, production).
 *
 * Used by the card's component tests (through `scenarioResponse`, the Kubernetes
 * backend's answer) and by the browser test, whose Kubernetes list API test double
 * (test/k8s-double) serves `scenarioObjects` / `scenario.clusters[].objects`. No React
 * here, no imports beyond types: keep it importable from plain Node/Jest.
 *
 * The objects are what the real controllers write, not a simplification:
 * - Rollout, ReplicaSet, Pod, AnalysisRun: Argo Rollouts CRD status fields as in
 *   argoproj/argo-rollouts pkg/kubectl-argo-rollouts/info/testdata/rollout-aborted/{rollout,analysisrun}.yaml
 *   and Backstage's plugins/kubernetes-react/src/components/CustomResources/ArgoRollouts/__fixtures__/{paused,aborted}-rollout.json;
 *   status.phase / status.message and the abort messages as the controller formats them
 *   ("RolloutAborted: Rollout aborted update to revision N: ...", "ProgressDeadlineExceeded: ...").
 *   AnalysisRuns are labelled like the controller labels them (rollout-type,
 *   rollouts-pod-template-hash, the Rollout's selector and `analysisRunMetadata.labels`)
 *   and owned by the Rollout.
 * - Pods and ReplicaSets: core shapes as in Backstage's
 *   plugins/kubernetes-react/src/__fixtures__/2-deployments.json, with Argo's
 *   `rollouts-pod-template-hash` label and owner chain Pod → ReplicaSet → Rollout.
 * - Application: Argo CD's ApplicationStatus (sync, health, operationState, summary,
 *   history, resources; argoproj/argo-cd pkg/apis/application/v1alpha1/types.go).
 * Every object is typed with the kubernetes-models / @kubernetes-models CRD types, so a
 * misspelt field fails to compile; src/__fixtures__/scenarios.test.ts also validates
 * them against those packages' JSON schemas.
 *
 * The Rollout specs are those `slipway render` generates (deploy/base/rollout.yaml plus
 * the overlays' canary steps), with one addition the generated Rollout does not have yet:
 * `spec.strategy.canary.analysis.analysisRunMetadata.labels` carrying
 * `backstage.io/kubernetes-id` and `slipway.dev/environment`. Without it Argo Rollouts
 * does not put those labels on AnalysisRuns, so Backstage's label-selector lookup never
 * finds them.
 */
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IAnalysisRun } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisRun';
import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';

export type ScenarioName =
  | 'healthy'
  | 'pausedCanary'
  | 'abortedAfterFailedAnalysis'
  | 'outOfSync'
  | 'degraded'
  | 'unreachableCluster';

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'healthy',
  'pausedCanary',
  'abortedAfterFailedAnalysis',
  'outOfSync',
  'degraded',
  'unreachableCluster',
];

export type Environment = 'staging' | 'production';

/** A canary step as in `spec.strategy.canary.steps`. */
export type CanaryStepSpec = NonNullable<NonNullable<NonNullable<IRollout['spec']['strategy']>['canary']>['steps']>[number];

export interface ScenarioOptions {
  /** Service name = `backstage.io/kubernetes-id`. Default `orders`. */
  name?: string;
  /** GitHub `owner/repo`; default `example-org/<name>` (as `slipway render` with the example values). */
  projectSlug?: string;
  /** Image repository; default `ghcr.io/<owner>/<name>`. */
  imageRepository?: string;
  /** Tag staging runs (CI pins `sha-<7 hex>` on every push to main). Default `sha-4f9c2e1`. */
  stagingTag?: string;
  /**
   * Tag Git asks production to run. Default: the staging tag. In healthy it is what
   * production runs; in pausedCanary / abortedAfterFailedAnalysis / degraded it is the
   * canary; in outOfSync it is the revision Argo CD failed to apply.
   */
  productionTag?: string;
  /** Production's stable tag before the new one: default `sha-1a2b3c4`. */
  previousTag?: string;
  /** Clock for all timestamps (creation, pause start, measurements). Default: now. */
  now?: Date;
  /** Cluster names. Default: both environments in `local`, except unreachableCluster (production in `production`). */
  clusters?: Partial<Record<Environment, string>>;
  /** pausedCanary: production canary steps. Default: the generated production steps (8: setWeight/pause pairs). */
  productionSteps?: CanaryStepSpec[];
  /**
   * pausedCanary: Argo's status.currentStepIndex. Default 3: paused on `pause 5m` after
   * `setWeight 25`, which `kubectl argo rollouts get rollout` shows as `Step: 3/8`.
   */
  pausedAtStep?: number;
  /** unreachableCluster: how the production cluster fails. Default `unreachable` (connection refused). */
  failure?: 'unreachable' | 403;
}

type KubeModel = IPod | IReplicaSet | IService | IRollout | IAnalysisRun | IApplication;

/** What every built object also guarantees (and test/k8s-double's KubernetesObject asks for). */
export interface ListedShape {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Any object the builders produce: the kubernetes-models type of its kind, with name, namespace and labels set. */
export type ScenarioObject = KubeModel & ListedShape;

/** An error as the Kubernetes backend reports it per cluster (KubernetesFetchError). */
export type ScenarioClusterError =
  | { errorType: 'FETCH_ERROR'; message: string }
  | { errorType: string; statusCode: number; resourcePath: string };

export interface ScenarioCluster {
  name: string;
  /** The objects this cluster holds (what its list API serves when it is reachable). */
  objects: ScenarioObject[];
  /** Set when the cluster cannot be read: the browser test makes its double fail this way. */
  failure?: 'unreachable' | 403;
}

export interface Scenario {
  name: ScenarioName;
  /** The catalog entity, as the generated catalog-info.yaml describes the service. */
  entity: ScenarioEntity;
  clusters: ScenarioCluster[];
}

export interface ScenarioEntity {
  apiVersion: 'backstage.io/v1alpha1';
  kind: 'Component';
  metadata: { name: string; namespace: string; description: string; annotations: Record<string, string> };
  spec: { type: string; lifecycle: string; owner: string };
}

/** The Kubernetes backend's `POST /api/kubernetes/services/:name` answer (ObjectsByEntityResponse). */
export interface ScenarioResponse {
  items: Array<{
    cluster: { name: string };
    resources: Array<{ type: string; resources: unknown[] }>;
    podMetrics: unknown[];
    errors: ScenarioClusterError[];
  }>;
}

// ---------------------------------------------------------------------------------------------
// Deterministic ids, hashes and timestamps

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `length` characters from `alphabet`, derived from `seed`. */
function derive(seed: string, length: number, alphabet = '0123456789abcdef'): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    let hash = fnv1a(`${seed}#${i}`);
    for (let j = 0; j < 4 && out.length < length; j++) {
      out += alphabet[hash % alphabet.length];
      hash = Math.floor(hash / alphabet.length);
    }
  }
  return out;
}

/** Kubernetes' SafeEncodeString alphabet, used for pod-template hashes and generated name suffixes. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const podTemplateHash = (seed: string) => derive(`hash:${seed}`, 10, SAFE);
const nameSuffix = (seed: string) => derive(`suffix:${seed}`, 5, SAFE);
const uid = (seed: string) => {
  const h = derive(`uid:${seed}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const gitSha = (seed: string) => derive(`git:${seed}`, 40);

// ---------------------------------------------------------------------------------------------
// Context

interface Context {
  name: string;
  slug: string;
  repository: string;
  stagingTag: string;
  productionTag: string;
  previousTag: string;
  now: number;
  clusters: Record<Environment, string>;
}

function contextOf(scenario: ScenarioName, options: ScenarioOptions = {}): Context {
  const name = options.name ?? 'orders';
  const slug = options.projectSlug ?? `example-org/${name}`;
  const stagingTag = options.stagingTag ?? 'sha-4f9c2e1';
  return {
    name,
    slug,
    repository: options.imageRepository ?? `ghcr.io/${slug.split('/')[0]}/${name}`,
    stagingTag,
    productionTag: options.productionTag ?? stagingTag,
    previousTag: options.previousTag ?? 'sha-1a2b3c4',
    now: (options.now ?? new Date()).getTime(),
    clusters: {
      staging: options.clusters?.staging ?? 'local',
      production: options.clusters?.production ?? (scenario === 'unreachableCluster' ? 'production' : 'local'),
    },
  };
}

const iso = (ctx: Context, secondsAgo: number) => new Date(ctx.now - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const namespaceOf = (ctx: Context, env: Environment) => `${ctx.name}-${env}`;

function commonLabels(ctx: Context, env: Environment): Record<string, string> {
  return {
    'app.kubernetes.io/name': ctx.name,
    'app.kubernetes.io/part-of': ctx.name,
    'app.kubernetes.io/managed-by': 'slipway',
    'backstage.io/kubernetes-id': ctx.name,
    'slipway.dev/environment': env,
  };
}

function selectorLabels(ctx: Context): Record<string, string> {
  return { 'app.kubernetes.io/name': ctx.name, 'app.kubernetes.io/component': 'server' };
}

function podTemplateLabels(ctx: Context, env: Environment): Record<string, string> {
  return { ...commonLabels(ctx, env), 'app.kubernetes.io/component': 'server' };
}

// ---------------------------------------------------------------------------------------------
// The generated Rollout spec (deploy/base/rollout.yaml + overlays)

/** Canary steps of the generated overlays. */
export const GENERATED_STEPS: Record<Environment, CanaryStepSpec[]> = {
  staging: [{ setWeight: 25 }, { pause: { duration: '1m' } }, { setWeight: 50 }, { pause: { duration: '1m' } }],
  production: [
    { setWeight: 10 },
    { pause: { duration: '2m' } },
    { setWeight: 25 },
    { pause: { duration: '5m' } },
    { setWeight: 50 },
    { pause: { duration: '5m' } },
    { setWeight: 75 },
    { pause: { duration: '5m' } },
  ],
};

const REPLICAS: Record<Environment, number> = { staging: 2, production: 3 };

type PodSpec = NonNullable<IPod['spec']>;

function containerSpec(ctx: Context, tag: string): PodSpec['containers'][number] {
  return {
    name: 'app',
    image: `${ctx.repository}:${tag}`,
    ports: [
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
    ],
    env: [
      { name: 'PORT', value: '8080' },
      { name: 'METRICS_PORT', value: '9464' },
      { name: 'LOG_LEVEL', value: 'info' },
    ],
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function podSpec(ctx: Context, tag: string): PodSpec {
  return {
    serviceAccountName: ctx.name,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 30,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [containerSpec(ctx, tag)],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
}

/** status.canary / weights etc. passed by each scenario. */
type RolloutStatus = NonNullable<IRollout['status']>;

interface Release {
  tag: string;
  /** rollout.argoproj.io/revision */
  revision: number;
}

function releaseHash(ctx: Context, env: Environment, release: Release): string {
  return podTemplateHash(`${ctx.name}/${env}/${release.tag}`);
}

function rollout(ctx: Context, env: Environment, desired: Release, steps: CanaryStepSpec[], status: RolloutStatus): IRollout {
  const analysis = {
    templates: [{ templateName: `${ctx.name}-canary-analysis` }],
    startingStep: 1,
    args: [
      { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ],
    // Not in the generated Rollout yet (see the file comment): without it AnalysisRuns lack these labels.
    analysisRunMetadata: {
      labels: { 'backstage.io/kubernetes-id': ctx.name, 'slipway.dev/environment': env },
    },
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: ctx.name,
      namespace: namespaceOf(ctx, env),
      uid: uid(`${ctx.name}/${env}/rollout`),
      generation: desired.revision + 3,
      resourceVersion: String(100000 + desired.revision * 97),
      creationTimestamp: iso(ctx, 30 * 86400),
      labels: commonLabels(ctx, env),
      annotations: { 'rollout.argoproj.io/revision': String(desired.revision) },
    },
    spec: {
      replicas: REPLICAS[env],
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(ctx) },
      strategy: {
        canary: {
          stableService: `${ctx.name}-stable`,
          canaryService: `${ctx.name}-canary`,
          trafficRouting: {
            plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: ctx.name, namespace: namespaceOf(ctx, env) } },
          },
          analysis,
          steps,
        },
      },
      template: {
        metadata: { labels: podTemplateLabels(ctx, env) },
        spec: podSpec(ctx, desired.tag),
      },
    },
    status: {
      observedGeneration: String(desired.revision + 3),
      selector: Object.entries(selectorLabels(ctx))
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      ...status,
    },
  };
}

function replicaSet(ctx: Context, env: Environment, release: Release, replicas: number, ready: number, owner: IRollout): IReplicaSet {
  const hash = releaseHash(ctx, env, release);
  const labels = { ...podTemplateLabels(ctx, env), 'rollouts-pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${ctx.name}-${hash}`,
      namespace: namespaceOf(ctx, env),
      uid: uid(`${ctx.name}/${env}/rs/${hash}`),
      creationTimestamp: iso(ctx, 3600 * (10 - Math.min(release.revision, 9))),
      labels,
      annotations: {
        'rollout.argoproj.io/desired-replicas': String(REPLICAS[env]),
        'rollout.argoproj.io/revision': String(release.revision),
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: ctx.name,
          uid: owner.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selectorLabels(ctx), 'rollouts-pod-template-hash': hash } },
      template: { metadata: { labels }, spec: podSpec(ctx, release.tag) },
    },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: 2,
    },
  };
}

type PodState = 'ready' | 'crashloop';

function pod(ctx: Context, env: Environment, rs: IReplicaSet, index: number, tag: string, state: PodState, ageSeconds: number): IPod {
  const hash = rs.metadata?.labels?.['rollouts-pod-template-hash'] ?? '';
  const name = `${rs.metadata?.name}-${nameSuffix(`${rs.metadata?.name}/${index}`)}`;
  const image = `${ctx.repository}:${tag}`;
  const started = iso(ctx, ageSeconds);
  const ready = state === 'ready';
  const condition = (type: string, status: boolean, reason?: string, message?: string) => ({
    type,
    status: status ? 'True' : 'False',
    lastTransitionTime: started,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rs.metadata?.name}-`,
      namespace: namespaceOf(ctx, env),
      uid: uid(`${name}/pod`),
      creationTimestamp: started,
      labels: { ...podTemplateLabels(ctx, env), 'rollouts-pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata?.name ?? '',
          uid: rs.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...podSpec(ctx, tag), nodeName: `node-${1 + (index % 3)}`, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
    status: {
      phase: 'Running',
      conditions: [
        condition('Initialized', true),
        ready
          ? condition('Ready', true)
          : condition('Ready', false, 'ContainersNotReady', 'containers with unready status: [app]'),
        ready
          ? condition('ContainersReady', true)
          : condition('ContainersReady', false, 'ContainersNotReady', 'containers with unready status: [app]'),
        condition('PodScheduled', true),
      ],
      containerStatuses: [
        ready
          ? {
              name: 'app',
              image,
              imageID: `${ctx.repository}@sha256:${derive(`digest:${tag}`, 64)}`,
              containerID: `containerd://${derive(`container:${name}`, 64)}`,
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: started } },
              lastState: {},
            }
          : {
              name: 'app',
              image,
              imageID: `${ctx.repository}@sha256:${derive(`digest:${tag}`, 64)}`,
              containerID: `containerd://${derive(`container:${name}`, 64)}`,
              ready: false,
              started: false,
              restartCount: 6,
              state: {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off 2m40s restarting failed container=app pod=${name}_${namespaceOf(ctx, env)}(${uid(`${name}/pod`)})`,
                },
              },
              lastState: {
                terminated: {
                  exitCode: 1,
                  reason: 'Error',
                  startedAt: iso(ctx, 95),
                  finishedAt: iso(ctx, 93),
                  containerID: `containerd://${derive(`container:${name}:last`, 64)}`,
                },
              },
            },
      ],
      hostIP: `10.0.${1 + (index % 3)}.10`,
      podIP: `10.244.${1 + (index % 3)}.${20 + index}`,
      podIPs: [{ ip: `10.244.${1 + (index % 3)}.${20 + index}` }],
      qosClass: 'Burstable',
      startTime: started,
    },
  };
}

function pods(ctx: Context, env: Environment, rs: IReplicaSet, tag: string, count: number, state: PodState, ageSeconds: number): IPod[] {
  return Array.from({ length: count }, (_, index) => pod(ctx, env, rs, index, tag, state, ageSeconds + index * 7));
}

function services(ctx: Context, env: Environment, stableHash: string, canaryHash: string): IService[] {
  const service = (name: string, extraSelector: Record<string, string>, withMetrics: boolean): IService => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: namespaceOf(ctx, env),
      uid: uid(`${name}/${env}/service`),
      creationTimestamp: iso(ctx, 30 * 86400),
      labels: { ...commonLabels(ctx, env), ...(withMetrics ? { 'slipway.dev/metrics': 'true' } : {}) },
      ...(Object.keys(extraSelector).length > 0
        ? { annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': ctx.name } }
        : {}),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: `10.96.${fnv1a(name + env) % 250}.${fnv1a(env + name) % 250}`,
      selector: { ...selectorLabels(ctx), ...extraSelector },
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' as const },
        ...(withMetrics ? [{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' as const }] : []),
      ],
    },
  });
  return [
    service(ctx.name, {}, true),
    service(`${ctx.name}-stable`, { 'rollouts-pod-template-hash': stableHash }, false),
    service(`${ctx.name}-canary`, { 'rollouts-pod-template-hash': canaryHash }, false),
  ];
}

// ---------------------------------------------------------------------------------------------
// AnalysisRuns (from the generated AnalysisTemplate `<name>-canary-analysis`)

interface Measured {
  value: string;
  phase: 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
}

function analysisRun(
  ctx: Context,
  env: Environment,
  owner: IRollout,
  release: Release,
  phase: 'Successful' | 'Failed' | 'Running',
  successRate: Measured[],
  latency: Measured[],
  startedSecondsAgo: number,
  message?: string,
): IAnalysisRun {
  const hash = releaseHash(ctx, env, release);
  const namespace = namespaceOf(ctx, env);
  const selector = `namespace="${namespace}", service="${ctx.name}", rollouts_pod_template_hash="${hash}"`;
  const address = 'http://prometheus-operated.monitoring.svc.cluster.local:9090';
  const measurements = (values: Measured[]) =>
    values.map((m, i) => ({
      phase: m.phase,
      value: m.value,
      startedAt: iso(ctx, startedSecondsAgo - i * 60),
      finishedAt: iso(ctx, startedSecondsAgo - i * 60 - 1),
    }));
  const result = (name: string, values: Measured[]) => {
    const failed = values.filter(v => v.phase === 'Failed').length;
    const metricPhase = failed > 1 ? 'Failed' : phase === 'Running' ? 'Running' : 'Successful';
    return {
      name,
      phase: metricPhase,
      count: values.length,
      successful: values.filter(v => v.phase === 'Successful').length,
      ...(failed > 0 ? { failed } : {}),
      measurements: measurements(values),
      ...(metricPhase === 'Failed' && message ? { message } : {}),
    };
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: `${ctx.name}-${hash}-${release.revision}`,
      namespace,
      uid: uid(`${ctx.name}/${env}/ar/${release.revision}`),
      creationTimestamp: iso(ctx, startedSecondsAgo + 1),
      labels: {
        'rollout-type': 'Background',
        'rollouts-pod-template-hash': hash,
        'backstage.io/kubernetes-id': ctx.name,
        'slipway.dev/environment': env,
        ...selectorLabels(ctx),
      },
      annotations: { 'rollout.argoproj.io/revision': String(release.revision) },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: ctx.name,
          uid: owner.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      args: [
        { name: 'namespace', value: namespace },
        { name: 'canary-hash', value: hash },
      ],
      metrics: [
        {
          name: 'success-rate',
          interval: '1m',
          failureLimit: 1,
          successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99',
          provider: {
            prometheus: {
              address,
              query: `sum(rate(http_requests_total{${selector}, status_code!~"5.."}[2m]))\n/\nsum(rate(http_requests_total{${selector}}[2m]))\n`,
            },
          },
        },
        {
          name: 'p95-latency',
          interval: '1m',
          failureLimit: 1,
          successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] <= 0.5',
          provider: {
            prometheus: {
              address,
              query: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${selector}}[2m])))\n`,
            },
          },
        },
      ],
    },
    status: {
      phase,
      startedAt: iso(ctx, startedSecondsAgo),
      ...(message ? { message } : {}),
      metricResults: [result('success-rate', successRate), result('p95-latency', latency)],
      runSummary: {
        count: 2,
        successful: phase === 'Successful' ? 2 : phase === 'Failed' ? 1 : 0,
        ...(phase === 'Failed' ? { failed: 1 } : {}),
      },
    },
  };
}

const ok = (value: string): Measured => ({ value, phase: 'Successful' });
const bad = (value: string): Measured => ({ value, phase: 'Failed' });

// ---------------------------------------------------------------------------------------------
// Argo CD Applications (deploy/argocd/<env>.yaml)

interface AppState {
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  healthMessage?: string;
  /** The tag the Git revision pins (what sync.revision deploys). */
  tag: string;
  /** Images currently running, for status.summary.images. */
  runningTags: string[];
  operation?: { phase: 'Failed' | 'Running' | 'Error'; message: string; failedResource?: string };
}

function application(ctx: Context, env: Environment, state: AppState): IApplication {
  const revision = gitSha(`${ctx.slug}/deploy/${env}/${state.tag}`);
  const previousRevision = gitSha(`${ctx.slug}/deploy/${env}/previous`);
  const source = {
    repoURL: `https://github.com/${ctx.slug}.git`,
    targetRevision: 'main',
    path: `deploy/overlays/${env}`,
  };
  const destination = { server: 'https://kubernetes.default.svc', namespace: namespaceOf(ctx, env) };
  const syncedRevision = state.operation?.phase === 'Failed' ? previousRevision : revision;
  const resourceStatus = state.sync === 'OutOfSync' ? 'OutOfSync' : 'Synced';
  const resources = [
    { group: '', version: 'v1', kind: 'Service', name: ctx.name, status: 'Synced', health: { status: 'Healthy' } },
    { group: '', version: 'v1', kind: 'Service', name: `${ctx.name}-canary`, status: 'Synced', health: { status: 'Healthy' } },
    { group: '', version: 'v1', kind: 'Service', name: `${ctx.name}-stable`, status: 'Synced', health: { status: 'Healthy' } },
    { group: '', version: 'v1', kind: 'ServiceAccount', name: ctx.name, status: 'Synced' },
    {
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Rollout',
      name: ctx.name,
      status: resourceStatus,
      health: {
        status: state.health,
        ...(state.healthMessage ? { message: state.healthMessage } : {}),
      },
    },
    { group: 'argoproj.io', version: 'v1alpha1', kind: 'AnalysisTemplate', name: `${ctx.name}-canary-analysis`, status: 'Synced' },
  ].map(resource => ({ ...resource, namespace: namespaceOf(ctx, env) }));
  const operationState = state.operation
    ? {
        operation: {
          sync: { revision },
          initiatedBy: { automated: true },
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        phase: state.operation.phase,
        message: state.operation.message,
        retryCount: state.operation.phase === 'Failed' ? 5 : 0,
        startedAt: iso(ctx, 420),
        ...(state.operation.phase !== 'Running' ? { finishedAt: iso(ctx, 60) } : {}),
        syncResult: {
          revision,
          source,
          resources: state.operation.failedResource
            ? [
                {
                  group: 'argoproj.io',
                  version: 'v1alpha1',
                  kind: 'Rollout',
                  namespace: namespaceOf(ctx, env),
                  name: ctx.name,
                  status: 'SyncFailed',
                  message: state.operation.failedResource,
                  hookPhase: 'Failed',
                  syncPhase: 'Sync',
                },
              ]
            : [],
        },
      }
    : {
        operation: { sync: { revision }, initiatedBy: { automated: true }, retry: { limit: 5 } },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: iso(ctx, 900),
        finishedAt: iso(ctx, 897),
        syncResult: { revision, source, resources: [] },
      };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${ctx.name}-${env}`,
      namespace: 'argocd',
      uid: uid(`${ctx.name}/${env}/application`),
      creationTimestamp: iso(ctx, 30 * 86400),
      labels: {
        'app.kubernetes.io/name': ctx.name,
        'app.kubernetes.io/part-of': ctx.name,
        'app.kubernetes.io/managed-by': 'slipway',
        'backstage.io/kubernetes-id': ctx.name,
        'slipway.dev/environment': env,
      },
      annotations: { 'slipway.dev/generated-by': 'slipway' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: 'default',
      source,
      destination,
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['CreateNamespace=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
      ignoreDifferences: [{ group: 'argoproj.io', kind: 'Rollout', name: ctx.name, jsonPointers: ['/spec/replicas'] }],
    },
    status: {
      sync: { status: state.sync, revision, comparedTo: { source, destination } },
      health: { status: state.health, ...(state.healthMessage ? { message: state.healthMessage } : {}) },
      reconciledAt: iso(ctx, 30),
      sourceType: 'Kustomize',
      summary: { images: state.runningTags.map(tag => `${ctx.repository}:${tag}`) },
      history: [
        {
          id: 1,
          revision: syncedRevision,
          deployStartedAt: iso(ctx, 901),
          deployedAt: iso(ctx, 897),
          source,
        },
      ],
      resources,
      operationState,
      ...(state.operation?.phase === 'Failed'
        ? {
            conditions: [
              {
                type: 'SyncError',
                message: `Failed sync attempt to ${revision}: ${state.operation.message}`,
                lastTransitionTime: iso(ctx, 60),
              },
            ],
          }
        : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One environment in a given state

interface EnvironmentObjects {
  env: Environment;
  objects: KubeModel[];
}

/** A finished rollout: every step done, all pods on `release`, the last background AnalysisRun Successful. */
function healthyEnvironment(ctx: Context, env: Environment, release: Release): EnvironmentObjects {
  const hash = releaseHash(ctx, env, release);
  const steps = GENERATED_STEPS[env];
  const ro = rollout(ctx, env, release, steps, {
    phase: 'Healthy',
    replicas: REPLICAS[env],
    updatedReplicas: REPLICAS[env],
    readyReplicas: REPLICAS[env],
    availableReplicas: REPLICAS[env],
    HPAReplicas: REPLICAS[env],
    currentPodHash: hash,
    currentStepHash: derive(`step:${env}`, 10, SAFE),
    currentStepIndex: steps.length,
    stableRS: hash,
    canary: { weights: { canary: { podTemplateHash: hash, serviceName: `${ctx.name}-canary`, weight: 0 }, stable: { podTemplateHash: hash, serviceName: `${ctx.name}-stable`, weight: 100 } } },
    conditions: [
      rolloutCondition(ctx, 'Available', 'True', 'AvailableReason', 'Rollout has minimum availability'),
      rolloutCondition(ctx, 'Completed', 'True', 'RolloutCompleted', 'Rollout completed update to revision ' + release.revision),
      rolloutCondition(ctx, 'Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${ctx.name}-${hash}" has successfully progressed.`),
      rolloutCondition(ctx, 'Healthy', 'True', 'RolloutHealthy', 'Rollout is healthy'),
    ],
  });
  const rs = replicaSet(ctx, env, release, REPLICAS[env], REPLICAS[env], ro);
  const previous = { tag: ctx.previousTag === release.tag ? `${release.tag}-1` : ctx.previousTag, revision: release.revision - 1 };
  return {
    env,
    objects: [
      ro,
      rs,
      ...pods(ctx, env, rs, release.tag, REPLICAS[env], 'ready', 3 * 3600),
      ...services(ctx, env, hash, hash),
      // An older run (previous revision) and the latest: the card must show the newest.
      analysisRun(ctx, env, ro, previous, 'Successful', [ok('[0.9991]'), ok('[0.9994]')], [ok('[0.171]'), ok('[0.169]')], 2 * 86400),
      analysisRun(
        ctx,
        env,
        ro,
        release,
        'Successful',
        [ok('[0.9993]'), ok('[0.9989]'), ok('[0.9995]')],
        [ok('[0.182]'), ok('[0.176]'), ok('[0.179]')],
        3 * 3600,
      ),
    ],
  };
}

function rolloutCondition(ctx: Context, type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string) {
  return { type, status, reason, message, lastTransitionTime: iso(ctx, 600), lastUpdateTime: iso(ctx, 300) };
}

/** A canary in progress from `stable` to `canary` (production). */
function canaryEnvironment(
  ctx: Context,
  env: Environment,
  stable: Release,
  canary: Release,
  how:
    | { kind: 'paused'; steps: CanaryStepSpec[]; stepIndex: number }
    | { kind: 'aborted' }
    | { kind: 'degraded' },
): EnvironmentObjects {
  const stableHash = releaseHash(ctx, env, stable);
  const canaryHash = releaseHash(ctx, env, canary);
  const replicas = REPLICAS[env];
  const steps = how.kind === 'paused' ? how.steps : GENERATED_STEPS[env];
  const weights = (weight: number) => ({
    canary: { podTemplateHash: canaryHash, serviceName: `${ctx.name}-canary`, weight },
    stable: { podTemplateHash: stableHash, serviceName: `${ctx.name}-stable`, weight: 100 - weight },
  });
  const base = {
    replicas: replicas,
    HPAReplicas: replicas,
    currentPodHash: canaryHash,
    currentStepHash: derive(`step:${env}`, 10, SAFE),
    stableRS: stableHash,
  };
  const available = rolloutCondition(ctx, 'Available', 'True', 'AvailableReason', 'Rollout has minimum availability');
  const objects: KubeModel[] = [];

  if (how.kind === 'paused') {
    // Set weight: the last setWeight at or before the current step.
    let weight = 0;
    for (let i = Math.min(how.stepIndex, steps.length - 1); i >= 0; i--) {
      const w = steps[i]?.setWeight;
      if (typeof w === 'number') {
        weight = w;
        break;
      }
    }
    const canaryPods = Math.max(1, Math.ceil((replicas * weight) / 100));
    const ro = rollout(ctx, env, canary, steps, {
      ...base,
      phase: 'Paused',
      message: 'CanaryPauseStep',
      replicas: replicas + canaryPods,
      updatedReplicas: canaryPods,
      readyReplicas: replicas + canaryPods,
      availableReplicas: replicas + canaryPods,
      currentStepIndex: how.stepIndex,
      controllerPause: true,
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: iso(ctx, 95) }],
      canary: {
        weights: weights(weight),
        currentBackgroundAnalysisRunStatus: { name: `${ctx.name}-${canaryHash}-${canary.revision}`, status: 'Running' },
      },
      conditions: [
        available,
        rolloutCondition(ctx, 'Paused', 'True', 'RolloutPaused', 'Rollout is paused'),
        rolloutCondition(ctx, 'Progressing', 'Unknown', 'RolloutPaused', 'Rollout is paused'),
        rolloutCondition(ctx, 'Healthy', 'False', 'RolloutHealthy', 'Rollout is not healthy'),
      ],
    });
    const stableRs = replicaSet(ctx, env, stable, replicas, replicas, ro);
    const canaryRs = replicaSet(ctx, env, canary, canaryPods, canaryPods, ro);
    objects.push(
      ro,
      stableRs,
      canaryRs,
      ...pods(ctx, env, stableRs, stable.tag, replicas, 'ready', 5 * 86400),
      ...pods(ctx, env, canaryRs, canary.tag, canaryPods, 'ready', 480),
      ...services(ctx, env, stableHash, canaryHash),
      analysisRun(ctx, env, ro, stable, 'Successful', [ok('[0.9992]'), ok('[0.9990]')], [ok('[0.174]'), ok('[0.171]')], 5 * 86400),
      analysisRun(ctx, env, ro, canary, 'Running', [ok('[0.9987]'), ok('[0.9981]'), ok('[0.9984]')], [ok('[0.191]'), ok('[0.187]'), ok('[0.193]')], 400),
    );
    return { env, objects };
  }

  if (how.kind === 'aborted') {
    const analysisMessage = 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)';
    const abortMessage = `Rollout aborted update to revision ${canary.revision}: ${analysisMessage}`;
    const ro = rollout(ctx, env, canary, steps, {
      ...base,
      phase: 'Degraded',
      message: `RolloutAborted: ${abortMessage}`,
      abort: true,
      abortedAt: iso(ctx, 120),
      updatedReplicas: 0,
      readyReplicas: replicas,
      availableReplicas: replicas,
      currentStepIndex: 0,
      canary: {
        weights: weights(0),
        currentBackgroundAnalysisRunStatus: {
          name: `${ctx.name}-${canaryHash}-${canary.revision}`,
          status: 'Failed',
          message: analysisMessage,
        },
      },
      conditions: [
        available,
        rolloutCondition(ctx, 'Progressing', 'False', 'RolloutAborted', abortMessage),
        rolloutCondition(ctx, 'Healthy', 'False', 'RolloutHealthy', 'Rollout is not healthy'),
      ],
    });
    const stableRs = replicaSet(ctx, env, stable, replicas, replicas, ro);
    // The aborted canary's ReplicaSet is scaled to zero: its image runs nowhere.
    const canaryRs = replicaSet(ctx, env, canary, 0, 0, ro);
    objects.push(
      ro,
      stableRs,
      canaryRs,
      ...pods(ctx, env, stableRs, stable.tag, replicas, 'ready', 5 * 86400),
      ...services(ctx, env, stableHash, stableHash),
      analysisRun(ctx, env, ro, stable, 'Successful', [ok('[0.9992]'), ok('[0.9990]')], [ok('[0.174]'), ok('[0.171]')], 5 * 86400),
      analysisRun(
        ctx,
        env,
        ro,
        canary,
        'Failed',
        [ok('[0.9978]'), bad('[0.9712]'), bad('[0.9634]')],
        [ok('[0.196]'), ok('[0.204]'), ok('[0.211]')],
        300,
        analysisMessage,
      ),
    );
    return { env, objects };
  }

  // degraded: the canary's pods crash-loop; the rollout exceeds its progress deadline.
  const canaryRsName = `${ctx.name}-${canaryHash}`;
  const deadline = `ReplicaSet "${canaryRsName}" has timed out progressing.`;
  const ro = rollout(ctx, env, canary, steps, {
    ...base,
    phase: 'Degraded',
    message: `ProgressDeadlineExceeded: ${deadline}`,
    replicas: replicas + 1,
    updatedReplicas: 1,
    readyReplicas: replicas,
    availableReplicas: replicas,
    currentStepIndex: 0,
    canary: { weights: weights(0) },
    conditions: [
      available,
      rolloutCondition(ctx, 'Progressing', 'False', 'ProgressDeadlineExceeded', deadline),
      rolloutCondition(ctx, 'Healthy', 'False', 'RolloutHealthy', 'Rollout is not healthy'),
    ],
  });
  const stableRs = replicaSet(ctx, env, stable, replicas, replicas, ro);
  const canaryRs = replicaSet(ctx, env, canary, 1, 0, ro);
  objects.push(
    ro,
    stableRs,
    canaryRs,
    ...pods(ctx, env, stableRs, stable.tag, replicas, 'ready', 5 * 86400),
    ...pods(ctx, env, canaryRs, canary.tag, 1, 'crashloop', 900),
    ...services(ctx, env, stableHash, canaryHash),
    // Background analysis starts at step 1, which the crashing canary never reached.
    analysisRun(ctx, env, ro, stable, 'Successful', [ok('[0.9992]'), ok('[0.9990]')], [ok('[0.174]'), ok('[0.171]')], 5 * 86400),
  );
  return { env, objects };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const STAGING_RELEASE = (ctx: Context): Release => ({ tag: ctx.stagingTag, revision: 12 });
const PREVIOUS_RELEASE = (ctx: Context): Release => ({ tag: ctx.previousTag, revision: 6 });
const PRODUCTION_RELEASE = (ctx: Context): Release => ({ tag: ctx.productionTag, revision: 7 });

function build(scenario: ScenarioName, options: ScenarioOptions = {}): Scenario {
  const ctx = contextOf(scenario, options);
  const staging = healthyEnvironment(ctx, 'staging', STAGING_RELEASE(ctx));
  const stagingApp = application(ctx, 'staging', {
    sync: 'Synced',
    health: 'Healthy',
    tag: ctx.stagingTag,
    runningTags: [ctx.stagingTag],
  });
  let production: EnvironmentObjects;
  let productionApp: IApplication;
  const previous = PREVIOUS_RELEASE(ctx);
  const next = PRODUCTION_RELEASE(ctx);

  switch (scenario) {
    case 'healthy':
    case 'unreachableCluster':
      production = healthyEnvironment(ctx, 'production', next);
      productionApp = application(ctx, 'production', { sync: 'Synced', health: 'Healthy', tag: next.tag, runningTags: [next.tag] });
      break;
    case 'pausedCanary':
      production = canaryEnvironment(ctx, 'production', previous, next, {
        kind: 'paused',
        steps: options.productionSteps ?? GENERATED_STEPS.production,
        stepIndex: options.pausedAtStep ?? 3,
      });
      // Argo CD's Rollout health check reports a paused Rollout as Suspended.
      productionApp = application(ctx, 'production', {
        sync: 'Synced',
        health: 'Suspended',
        healthMessage: 'Rollout is paused',
        tag: next.tag,
        runningTags: [previous.tag, next.tag],
      });
      break;
    case 'abortedAfterFailedAnalysis': {
      production = canaryEnvironment(ctx, 'production', previous, next, { kind: 'aborted' });
      const rolloutObject = production.objects.find((o): o is IRollout => o.kind === 'Rollout');
      productionApp = application(ctx, 'production', {
        sync: 'Synced',
        health: 'Degraded',
        healthMessage: rolloutObject?.status?.message,
        tag: next.tag,
        runningTags: [previous.tag],
      });
      break;
    }
    case 'outOfSync':
      // Git pins the new tag, but Argo CD's sync keeps failing: the cluster still runs the previous one.
      production = healthyEnvironment(ctx, 'production', previous);
      productionApp = application(ctx, 'production', {
        sync: 'OutOfSync',
        health: 'Healthy',
        tag: next.tag,
        runningTags: [previous.tag],
        operation: {
          phase: 'Failed',
          message: 'one or more synchronization tasks completed unsuccessfully (retried 5 times).',
          failedResource:
            'admission webhook "validate.kyverno.svc-fail" denied the request: resource Rollout/' +
            `${ctx.name}-production/${ctx.name} was blocked: require-image-signature`,
        },
      });
      break;
    case 'degraded': {
      production = canaryEnvironment(ctx, 'production', previous, next, { kind: 'degraded' });
      const rolloutObject = production.objects.find((o): o is IRollout => o.kind === 'Rollout');
      productionApp = application(ctx, 'production', {
        sync: 'Synced',
        health: 'Degraded',
        healthMessage: rolloutObject?.status?.message,
        tag: next.tag,
        runningTags: [previous.tag, next.tag],
      });
      break;
    }
  }

  const byCluster = new Map<string, ScenarioObject[]>();
  // Every builder above sets metadata.name, namespace and labels (scenarios.test.ts checks it).
  const add = (cluster: string, objects: KubeModel[]) =>
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), ...(objects as ScenarioObject[])]);
  add(ctx.clusters.staging, [...staging.objects, stagingApp]);
  add(ctx.clusters.production, [...production.objects, productionApp]);
  const clusters: ScenarioCluster[] = [...byCluster.entries()].map(([name, objects]) => ({
    name,
    objects,
    ...(scenario === 'unreachableCluster' && name === ctx.clusters.production && name !== ctx.clusters.staging
      ? { failure: options.failure ?? 'unreachable' }
      : {}),
  }));

  return { name: scenario, entity: scenarioEntity(options), clusters };
}

/** The catalog entity for the service, as the generated catalog-info.yaml describes it. */
export function scenarioEntity(options: ScenarioOptions = {}): ScenarioEntity {
  const name = options.name ?? 'orders';
  const slug = options.projectSlug ?? `example-org/${name}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      description: 'Takes and tracks customer orders.',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'argocd/app-selector': `backstage.io/kubernetes-id=${name}`,
        'github.com/project-slug': slug,
        'slipway.dev/environments': 'staging,production',
        'slipway.dev/skeleton': 'node-service@0.1.0',
      },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/team-a' },
  };
}

/** Every staging and production object is Synced, Healthy and on its tag; production = staging tag unless told otherwise. */
export const healthy = (options?: ScenarioOptions): Scenario => build('healthy', options);
/** Production's canary paused on a pause step (default step 3/8, canary at 25%); staging healthy. */
export const pausedCanary = (options?: ScenarioOptions): Scenario => build('pausedCanary', options);
/** Production's canary aborted: background analysis success-rate failed twice (limit 1); stable still runs the previous tag. */
export const abortedAfterFailedAnalysis = (options?: ScenarioOptions): Scenario => build('abortedAfterFailedAnalysis', options);
/** Production's Application OutOfSync: the sync to the new revision failed; the cluster still runs the previous tag. */
export const outOfSync = (options?: ScenarioOptions): Scenario => build('outOfSync', options);
/** Production's canary pod crash-loops; the Rollout exceeded its progress deadline (Degraded); Argo CD health Degraded. */
export const degraded = (options?: ScenarioOptions): Scenario => build('degraded', options);
/** Staging healthy in cluster `local`; production in cluster `production`, which cannot be reached (or answers 403). */
export const unreachableCluster = (options?: ScenarioOptions): Scenario => build('unreachableCluster', options);

export const scenarios: Record<ScenarioName, (options?: ScenarioOptions) => Scenario> = {
  healthy,
  pausedCanary,
  abortedAfterFailedAnalysis,
  outOfSync,
  degraded,
  unreachableCluster,
};

export function buildScenario(scenario: ScenarioName, options?: ScenarioOptions): Scenario {
  return build(scenario, options);
}

/**
 * The flat list of Kubernetes objects (pods, replicasets, services, rollouts, analysisruns,
 * applications) of a scenario, for both environments and every cluster, including the
 * objects of a cluster the scenario makes unreachable. Use `buildScenario(...).clusters`
 * to serve clusters separately.
 */
export function scenarioObjects(scenario: ScenarioName, options?: ScenarioOptions): ScenarioObject[] {
  return build(scenario, options).clusters.flatMap(cluster => cluster.objects);
}

/** What app-config.yaml makes the Kubernetes backend fetch, in its order. */
export const FETCHED_TYPES: ReadonlyArray<{ type: string; path: string; kinds: string[] }> = [
  { type: 'pods', path: '/api/v1/pods', kinds: ['Pod'] },
  { type: 'services', path: '/api/v1/services', kinds: ['Service'] },
  { type: 'deployments', path: '/apis/apps/v1/deployments', kinds: ['Deployment'] },
  { type: 'replicasets', path: '/apis/apps/v1/replicasets', kinds: ['ReplicaSet'] },
  { type: 'horizontalpodautoscalers', path: '/apis/autoscaling/v2/horizontalpodautoscalers', kinds: ['HorizontalPodAutoscaler'] },
  { type: 'ingresses', path: '/apis/networking.k8s.io/v1/ingresses', kinds: ['Ingress'] },
  { type: 'customresources', path: '/apis/argoproj.io/v1alpha1/rollouts', kinds: ['Rollout'] },
  { type: 'customresources', path: '/apis/argoproj.io/v1alpha1/analysisruns', kinds: ['AnalysisRun'] },
  { type: 'customresources', path: '/apis/argoproj.io/v1alpha1/applications', kinds: ['Application'] },
];

/**
 * What the Kubernetes backend answers for the scenario (ObjectsByEntityResponse), built
 * the way plugin-kubernetes-backend builds it: one `{type, resources}` group per fetched
 * kind, custom resources as separate `customresources` groups carrying `kind`, built-in
 * objects without `apiVersion`/`kind` (the API server's list items omit them), per-cluster
 * `errors`, and clusters with neither objects nor errors left out.
 */
export function scenarioResponse(scenario: ScenarioName | Scenario, options?: ScenarioOptions): ScenarioResponse {
  const built = typeof scenario === 'string' ? build(scenario, options) : scenario;
  const items: ScenarioResponse['items'] = [];
  for (const cluster of built.clusters) {
    if (cluster.failure === 'unreachable') {
      items.push({
        cluster: { name: cluster.name },
        resources: [],
        podMetrics: [],
        errors: [
          {
            errorType: 'FETCH_ERROR',
            message: `request to https://${cluster.name}.k8s.example.com:6443/api/v1/pods?labelSelector=backstage.io%2Fkubernetes-id%3D${built.entity.metadata.name} failed, reason: connect ECONNREFUSED 10.20.0.1:6443`,
          },
        ],
      });
      continue;
    }
    if (cluster.failure === 403) {
      items.push({
        cluster: { name: cluster.name },
        resources: [],
        podMetrics: [],
        errors: FETCHED_TYPES.map(({ path }) => ({ errorType: 'UNKNOWN_ERROR', statusCode: 403, resourcePath: path })),
      });
      continue;
    }
    const resources = FETCHED_TYPES.map(({ type, kinds }) => ({
      type,
      resources: cluster.objects
        .filter(object => kinds.includes(object.kind))
        .map(object => {
          if (type === 'customresources') return object as unknown;
          const { apiVersion: _apiVersion, kind: _kind, ...rest } = object;
          return rest as unknown;
        }),
    }));
    if (resources.some(group => group.resources.length > 0)) {
      items.push({ cluster: { name: cluster.name }, resources, podMetrics: [], errors: [] });
    }
  }
  return { items };
}
