import type { GoldenPath } from '@slipway/common';
import { createStaticFrontendContext } from './golden-path.context';
import { FRONTEND_METRICS_CONTRACT } from './golden-path.metrics';
import { safeResolveStaticFrontendSpec, type StaticFrontendSpec } from './golden-path.resolve';
import { staticFrontendSpecSchema } from './golden-path.spec';

/**
 * `static-frontend`: a web UI built by Node and served by nginx-unprivileged (non-root, read-only
 * root filesystem), routed on each environment's host with cert-manager TLS, proxying path
 * prefixes such as /api to named backend Services, delivered as a Deployment with a
 * RollingUpdate that never drops below the ready replicas. Not an Argo Rollouts canary: nginx's
 * stub_status (the only metrics nginx open source gives) has no status codes or latencies, so
 * a canary's analysis could gate on nothing the readiness probe does not already (README,
 * "Why a RollingUpdate and not a canary").
 */
export function staticFrontendGoldenPath(dir: string): GoldenPath<StaticFrontendSpec> {
  return {
    id: 'static-frontend',
    title: 'Static web frontend',
    description:
      'A web UI built by Node and served by non-root nginx with security headers, caching, /healthz and metrics, routed on its host with ' +
      'cert-manager TLS and proxying path prefixes such as /api to backend Services, with its whole GitOps delivery: Kustomize overlays per ' +
      'environment, a safe rolling update, alerts, NetworkPolicies, HPA, PDB and Argo CD Applications.',
    dir,
    spec: staticFrontendSpecSchema,
    resolve: safeResolveStaticFrontendSpec,
    context: spec => ({ ...createStaticFrontendContext(spec) }),
    summary: spec => {
      const context = createStaticFrontendContext(spec);
      return {
        kubernetesId: context.labels.common['backstage.io/kubernetes-id'],
        argocdAppSelector: context.argocdAppSelector,
        details: `backends: ${spec.backends.length ? spec.backends.map(backend => `${backend.pathPrefix} → ${backend.service}`).join(', ') : 'none'}`,
      };
    },
    metrics: FRONTEND_METRICS_CONTRACT,
    checkProfile: {
      requiredKinds: {
        Deployment: 'the rolling update that runs nginx and its exporter',
        Service: 'what the HTTPRoute and the ServiceMonitor select',
        HTTPRoute: 'the routes on the environment\'s host (HTTPS, and the redirect from HTTP)',
        HorizontalPodAutoscaler: 'scaling between the environment\'s bounds',
        PodDisruptionBudget: 'keeping replicas up while nodes drain',
        NetworkPolicy: 'default-deny with the traffic the frontend needs (gateway, Prometheus, DNS, its backends)',
        ServiceMonitor: 'the scrape of the exporter the alerts read',
        PrometheusRule: 'the availability and scrape alerts',
        ServiceAccount: 'a pod identity without a mounted token',
        Certificate: 'the cert-manager certificate of the environment\'s host, which its HTTPS listener serves',
        ReferenceGrant: 'the grant that lets the Gateway read that certificate\'s Secret in this namespace',
        ConfigMap: 'nginx\'s backend locations for the environment, mounted at /etc/nginx/backends',
      },
      forbiddenKinds: {
        Ingress: 'the frontend is routed by Gateway API HTTPRoutes on the Gateway\'s TLS listeners; an Ingress would serve it a second way, outside them',
        Rollout: 'nothing in stub_status can tell a failing canary from a good one: the Deployment\'s rolling update, gated by readiness, is the rollout',
      },
      rules: [
        'nginx-resolver-fqdn',
        'nginx-backend-egress',
        'promql-unknown-series',
        'pdb-allows-drain',
        'gateway-admits-route',
        'gateway-tls-secret',
        'network-gateway-source',
        'networkpolicy-ports',
        'argocd-sync-order',
        'ci-promote-by-digest',
        'catalog-component-objects',
        'alert-scrape-failure',
        'image-node-version',
      ],
    },
  };
}
