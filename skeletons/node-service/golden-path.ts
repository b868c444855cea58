import { GoldenPath, ServiceSpec, safeResolveServiceSpec, serviceSpecSchema } from '@slipway/common';
import { createSkeletonContext } from './golden-path.context';
import { SERVICE_METRICS_CONTRACT } from './golden-path.metrics';

/**
 * `node-service`: a TypeScript HTTP API behind a Gateway API route, delivered as an Argo
 * Rollouts canary gated by its own request success rate and latency, with an optional
 * CloudNativePG PostgreSQL. Its spec is `serviceSpecSchema` (@slipway/common): the shared
 * fragments plus its port, analysis, SLO, database and gateway fields; the browser form, the
 * action and the CLI all check values with it.
 */
export function nodeServiceGoldenPath(dir: string): GoldenPath<ServiceSpec> {
  return {
    id: 'node-service',
    title: 'Node.js service',
    description:
      'A TypeScript HTTP API with its whole GitOps delivery: Kustomize overlays per environment, an Argo Rollouts canary ' +
      'gated by Prometheus, alerts, NetworkPolicies, HPA, PDB, Gateway API routes with cert-manager TLS and Argo CD Applications; ' +
      'optionally PostgreSQL, config, sidecars and scheduled jobs.',
    dir,
    spec: serviceSpecSchema,
    resolve: safeResolveServiceSpec,
    context: spec => ({ ...createSkeletonContext(spec) }),
    summary: spec => {
      const context = createSkeletonContext(spec);
      return {
        kubernetesId: context.labels.common['backstage.io/kubernetes-id'],
        argocdAppSelector: context.argocdAppSelector,
        details: `database: ${spec.database}`,
      };
    },
    metrics: SERVICE_METRICS_CONTRACT,
    checkProfile: {
      requiredKinds: {
        Rollout: 'the canary that runs the service',
        AnalysisTemplate: 'the Prometheus analysis that gates each canary step',
        Service: 'the stable and canary Services the route splits traffic between',
        HTTPRoute: 'the route the canary shifts weight on (on its host\'s HTTPS listener), and the host\'s redirect from plain HTTP',
        HorizontalPodAutoscaler: 'scaling between the environment\'s bounds',
        PodDisruptionBudget: 'keeping replicas up while nodes drain',
        NetworkPolicy: 'default-deny with the traffic the service needs',
        ServiceMonitor: 'the scrape the analysis and alerts read',
        PrometheusRule: 'the burn-rate and availability alerts',
        ServiceAccount: 'a pod identity without a mounted token',
        Certificate: 'the cert-manager certificate of the environment\'s host, which its HTTPS listener serves',
        ReferenceGrant: 'the grant that lets the Gateway read that certificate\'s Secret in this namespace',
      },
      forbiddenKinds: {
        Ingress: 'the service is routed by a Gateway API HTTPRoute, which the canary shifts weight on; an Ingress would bypass the canary',
        Deployment: 'the Rollout runs the pods; a Deployment beside it would run a second, uncanaried copy',
      },
      rules: [
        'canary-analysis-required',
        'canary-analysis-error-rate',
        'canary-analysis-latency',
        'promql-unknown-series',
        'pdb-allows-drain',
        'gateway-admits-route',
        'gateway-tls-secret',
        'network-gateway-source',
        'argocd-sync-order',
        'ci-promote-by-digest',
        'catalog-component-objects',
        'argocd-prune-versioned-config',
      ],
    },
  };
}
