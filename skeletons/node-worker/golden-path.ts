import { parseMetricsContract, type GoldenPath, type MetricsContract } from '@slipway/common';
import contractJson from './src/metrics.contract.json';
import { componentLabelsContext } from '../_shared/golden-path.context';
import { createNodeWorkerContext } from './golden-path.context';
import { resolveNodeWorkerSpec, type NodeWorkerSpec } from './golden-path.resolve';
import { nodeWorkerSpecSchema } from './golden-path.spec';

/**
 * The metrics a node-worker exports: the app's own src/metrics.contract.json (its src/metrics.ts
 * builds its instruments from that file and refuses to start on drift), read here so the
 * skeleton's PromQL, the validator and the tests use the one declaration.
 */
function workerMetricsContract(): MetricsContract {
  const parsed = parseMetricsContract(contractJson);
  if ('error' in parsed) throw new Error(`skeletons/node-worker/src/metrics.contract.json ${parsed.error}`);
  return parsed.contract;
}

export const WORKER_METRICS_CONTRACT = workerMetricsContract();

/**
 * `node-worker`: a TypeScript queue consumer (RabbitMQ, Redis Streams or NATS JetStream) with
 * its broker as a backing resource, scaled by KEDA on the queue depth (to zero where allowed),
 * delivered as an Argo Rollouts canary judged on its own failure ratio, handler time and lag.
 */
export function nodeWorkerGoldenPath(dir: string): GoldenPath<NodeWorkerSpec> {
  return {
    id: 'node-worker',
    title: 'Node.js queue worker',
    description:
      'A TypeScript queue consumer for RabbitMQ, Redis Streams or NATS JetStream with its broker, KEDA scaling on queue depth ' +
      '(to zero where allowed), an Argo Rollouts canary gated on its own failure ratio and lag, alerts, NetworkPolicies and Argo CD Applications.',
    dir,
    spec: nodeWorkerSpecSchema,
    resolve: resolveNodeWorkerSpec,
    context: spec => ({ ...createNodeWorkerContext(spec, WORKER_METRICS_CONTRACT) }),
    summary: spec => {
      const { labels, argocdAppSelector } = componentLabelsContext(spec);
      return { kubernetesId: labels.common['backstage.io/kubernetes-id'], argocdAppSelector, details: `queue: ${spec.queue.kind} ${spec.queue.name}` };
    },
    metrics: WORKER_METRICS_CONTRACT,
    checkProfile: {
      requiredKinds: {
        Rollout: 'the canary that runs the worker',
        AnalysisTemplate: 'the Prometheus analysis on the canary\'s own failure ratio, handler time and lag',
        ScaledObject: 'KEDA scaling on the queue depth',
        PodDisruptionBudget: 'keeping replicas up while nodes drain',
        NetworkPolicy: 'default-deny with egress to the broker (and a database it writes to) and DNS only',
        ServiceMonitor: 'the scrape the analysis and alerts read',
        PrometheusRule: 'the failure-ratio, lag, dead-letter and absent-metrics alerts',
        ServiceAccount: 'a pod identity without a mounted token',
      },
      forbiddenKinds: {
        HTTPRoute: 'a worker serves no traffic: nothing routes to it',
        Ingress: 'a worker serves no traffic: nothing routes to it',
        HorizontalPodAutoscaler: 'KEDA makes the HPA from the ScaledObject (keda-hpa-<name>); a second one on the same Rollout would fight it',
        Deployment: 'the Rollout runs the pods; a Deployment beside it would consume the same queue uncanaried',
      },
      rules: [
        'canary-analysis-required',
        'canary-analysis-error-rate',
        'analysis-no-data-success',
        'analysis-minimum-sample',
        'canary-abort-before-promotion',
        'promql-unknown-series',
        'hpa-target-exists',
        'argocd-controller-fields',
        'operator-resource-refs',
        'pdb-allows-drain',
        'argocd-sync-order',
        'ci-promote-by-digest',
        'argocd-prune-versioned-config',
        'catalog-component-objects',
      ],
    },
  };
}
