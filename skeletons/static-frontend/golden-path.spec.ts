import { z } from 'zod';
import {
  catalogFragment,
  DNS1123_LABEL_PATTERN,
  ENVIRONMENT_NAMESPACE_TOKEN,
  ciActionsSchema,
  deliveryFragment,
  environmentList,
  environmentSchema,
  gatewayFragment,
  identityFragment,
  imageFragment,
  monitoringFragment,
  networkFragment,
  peersFields,
  resourcesFragment,
  schedulingFragment,
  specRules,
  tlsFragment,
} from '@slipway/common';

/*
 * The static-frontend golden path's spec: the shared fragments plus what a web UI served by
 * nginx needs of its own (its ports, the backends nginx proxies path prefixes to, the
 * certificates of its hosts, its base images). Browser-safe: it imports only zod and
 * @slipway/common, so the app's form fields check values with it as the action does.
 *
 * The security headers and caching rules are not options: they are what the golden path
 * guarantees (its README and the e2e test), and a CSP or Cache-Control set per repo is one no
 * test proves. A team that needs another rule edits nginx/conf.d/default.conf in its repo.
 */

/** Paths the frontend's nginx answers itself: a backend prefix must not hide them. */
export const RESERVED_PATH_PREFIXES = ['/assets', '/healthz', '/404.html', '/index.html'] as const;

/** The loopback port stub_status listens on for the exporter (nginx/conf.d/default.conf). */
export const STUB_STATUS_PORT = 8081;

/** Written in a backend's namespace where the environment's name goes: `bookstore-{environment}`. */
export const NAMESPACE_ENVIRONMENT_TOKEN = ENVIRONMENT_NAMESPACE_TOKEN;

const PATH_PREFIX_PATTERN = '^/[a-z0-9][-a-z0-9]*(/[a-z0-9][-a-z0-9]*)*$';
/** A DNS-1123 label in which `{environment}` may stand for part of the name. */
const NAMESPACE_TEMPLATE_PATTERN = '^([a-z0-9]|\\{environment\\})([-a-z0-9]|\\{environment\\})*$';

const backendSchema = z
  .object({
    pathPrefix: z
      .string({ error: 'is required' })
      .regex(new RegExp(PATH_PREFIX_PATTERN), {
        error: "must be a path prefix such as /api: '/' then lowercase segments of letters, digits and '-', no trailing slash",
      })
      .refine(prefix => !RESERVED_PATH_PREFIXES.some(reserved => prefix === reserved || prefix.startsWith(`${reserved}/`)), {
        error: `must not be or lie under ${RESERVED_PATH_PREFIXES.join(', ')}, which nginx answers itself`,
      })
      .describe(
        'Path prefix nginx proxies to the backend, e.g. /api: <pathPrefix>/books?page=2 reaches it as /books?page=2; <pathPrefix> alone redirects to <pathPrefix>/.',
      ),
    service: specRules.dnsLabel('backend Service name').describe('Name of the backend\'s Kubernetes Service, e.g. catalog-api.'),
    namespace: z
      .string()
      .max(63, { error: 'must be at most 63 characters' })
      .regex(new RegExp(NAMESPACE_TEMPLATE_PATTERN), {
        error: "must be a DNS-1123 label, in which {environment} may stand for the environment's name (e.g. bookstore-{environment})",
      })
      .optional()
      .describe(
        'Namespace of the backend Service; {environment} is replaced by each environment\'s name (e.g. bookstore-{environment}). ' +
          'Default: <service>-{environment}, the namespace a Slipway service named <service> gets in the same environment.',
      ),
    port: specRules.port('The backend Service\'s port nginx connects to (node-service: 80).').default(80),
    targetPort: specRules
      .port(
        'The container port of the backend\'s pods behind that Service port (node-service: 8080). NetworkPolicies see the pod\'s port after the Service translated it, so the egress rule names this one.',
      )
      .default(8080),
    podLabels: specRules
      .podLabels('Labels of the backend\'s pods, which the egress NetworkPolicy admits. Default: app.kubernetes.io/name: <service>, as every Slipway service\'s pods carry.')
      .optional(),
  })
  .strict();

/** One environment: the shared fields without the canary (a frontend rolls out as a Deployment), with its own alert tiers. */
const frontendEnvironmentSchema = environmentSchema.omit({ canary: true, alerts: true }).extend({
  alerts: z
    .object({
      pageSeverity: specRules.severity('Severity of the page tier (PodsNotReady, NginxDown). Default: critical in the production tier, warning before it.'),
      ticketSeverity: specRules.severity('Severity of the ticket tier (MetricsTargetDown, MetricsAbsent). Default: warning in the production tier, info before it.'),
    })
    .strict()
    .optional()
    .describe('Severities this environment\'s alerts carry, which Alertmanager routes by.'),
  // Ingress only: its egress to the parts it proxies to is `backends` (networkpolicy-backends.yaml).
  peers: peersFields.ingressOnly,
});

const baseImage = (what: string) => specRules.baseImage().describe(what);

export const staticFrontendSpecSchema = z
  .object({
    ...identityFragment,
    ...catalogFragment,
    port: specRules.port('Port nginx serves the pages, /healthz and the backends on (the container port named http, which the gateway routes).').default(8080),
    metricsPort: specRules
      .port(`Port the nginx-prometheus-exporter sidecar serves /metrics on (named metrics); never the traffic port, never ${STUB_STATUS_PORT} (stub_status).`)
      .default(9113),
    backends: z
      .array(backendSchema)
      .max(10, { error: 'must have at most 10 entries' })
      .default([])
      .describe(
        'Path prefixes nginx proxies to backend Services by their fully qualified name (<service>.<namespace>.svc.cluster.local), resolved per request; ' +
          'each gets an egress NetworkPolicy rule to its pods. The first one\'s prefix is the page script\'s API base. [] for pages only.',
      ),
    ...imageFragment,
    environments: environmentList(frontendEnvironmentSchema),
    ...resourcesFragment,
    ...schedulingFragment,
    ...tlsFragment,
    ...gatewayFragment,
    ...networkFragment,
    ...monitoringFragment,
    argocd: deliveryFragment.argocd,
    gitops: deliveryFragment.gitops,
    ci: z
      .object({
        nodeVersion: z
          .string()
          .regex(/^(20|22|24)(\.[0-9]+){0,2}$/, { error: 'must be Node 20, 22 or 24' })
          .default('22')
          .describe('Node version of CI and of the image\'s build stage (the runtime is nginx, without Node).'),
        baseImages: z
          .object({
            build: baseImage('Base image of the build stage, e.g. node:22-bookworm-slim@sha256:<digest>. Must run the Node major of ci.nodeVersion. Default: node:<major>-bookworm-slim.').optional(),
            runtime: baseImage(
              'Base image of the runtime stage: nginx-unprivileged (non-root uid 101), whose /docker-entrypoint.sh runs the resolver script. Default: nginxinc/nginx-unprivileged:1.30.5-trixie.',
            ).optional(),
          })
          .strict()
          .prefault({})
          .describe('Dockerfile base images. Pin them by digest (image:tag@sha256:…) where your registry mirror lets you; the defaults are pinned by tag.'),
        actions: ciActionsSchema,
      })
      .strict()
      .prefault({})
      .describe('GitHub Actions workflow settings.'),
  })
  .strict();

export type StaticFrontendSpecInput = z.input<typeof staticFrontendSpecSchema>;
export type ParsedStaticFrontendSpec = z.output<typeof staticFrontendSpecSchema>;
export type BackendInput = z.output<typeof backendSchema>;

/** DNS-1123 label, as Kubernetes names namespaces. */
export const NAMESPACE_PATTERN = new RegExp(DNS1123_LABEL_PATTERN);
