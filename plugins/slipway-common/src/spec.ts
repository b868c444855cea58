import { z } from 'zod';
import {
  DNS1123_LABEL_MAX,
  DNS1123_LABEL_PATTERN,
  DNS1123_SUBDOMAIN_MAX,
  DNS_HOST_PATTERN,
  FREE_TEXT_PATTERN,
  MAX_ENVIRONMENT_NAME_LENGTH,
  MAX_SERVICE_NAME_LENGTH,
} from './names';
import {
  AWS_ROLE_ARN_PATTERN,
  DEFAULT_ACTIONS,
  GCP_SERVICE_ACCOUNT_PATTERN,
  GCP_WORKLOAD_IDENTITY_PROVIDER_PATTERN,
  GITHUB_SECRET_NAME_PATTERN,
  PINNED_ACTION_PATTERN,
  REGISTRY_AUTH_METHODS,
} from './supplyChain';
import { catalogFragment } from './catalogRelations';

/*
 * The Slipway service spec. This one schema is the source of truth for the
 * template form (via `specJsonSchema`), the scaffolder action input and the CLI.
 * Every rule carries a message that says the rule, so an error can name the
 * field and the rule together.
 */

const dnsLabel = (what: string, max = DNS1123_LABEL_MAX) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(new RegExp(DNS1123_LABEL_PATTERN), {
      error: `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit (${what})`,
    });

const hostName = () =>
  z
    .string()
    .max(DNS1123_SUBDOMAIN_MAX, { error: `must be at most ${DNS1123_SUBDOMAIN_MAX} characters` })
    .regex(new RegExp(DNS_HOST_PATTERN), {
      error: 'must be a fully qualified DNS host name such as api.example.com (lowercase, no scheme, no port, no wildcard)',
    });

const ENTITY_REF_PATTERN =
  '^(?:[a-zA-Z][a-zA-Z0-9]*:)?(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?/)?[a-zA-Z0-9](?:[-a-zA-Z0-9_.]*[a-zA-Z0-9])?$';
const entityRef = (example: string) =>
  z
    .string()
    .max(255, { error: 'must be at most 255 characters' })
    .regex(new RegExp(ENTITY_REF_PATTERN), {
      error: `must be a Backstage entity reference such as ${example}`,
    });

const DURATION_PATTERN = '^[1-9][0-9]*(s|m|h)$';
const duration = (what: string) =>
  z.string().regex(new RegExp(DURATION_PATTERN), {
    error: `must be a duration such as 30s, 5m or 1h (${what})`,
  });

const QUANTITY_PATTERN = '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$';
const quantity = (example: string) =>
  z.string().regex(new RegExp(QUANTITY_PATTERN), {
    error: `must be a Kubernetes quantity such as ${example}`,
  });

const IMAGE_REGISTRY_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
const IMAGE_REPOSITORY_PATTERN = '^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$';
/** An image pinned by a digest or a tag name, never `latest`. */
const PINNED_IMAGE_PATTERN =
  '^[a-z0-9][-a-z0-9.:/_]*[a-z0-9](@sha256:[a-f0-9]{64}|:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$';
/** A base image pinned by a tag other than latest, a digest, or both (`node:22-bookworm-slim@sha256:…`). */
const BASE_IMAGE_PATTERN =
  '^[a-z0-9][-a-z0-9.:/_]*[a-z0-9](:(?!latest(@|$))[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$';
// Plain http only for the embedded local Git remote on this machine.
const GIT_URL_PATTERN =
  '^(https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._~/-]+|http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?/[A-Za-z0-9._~/-]+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+)$';
const GIT_BRANCH_PATTERN = '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$';
const LABEL_KEY_PATTERN = '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
const LABEL_VALUE_PATTERN = '^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$';
/** An IPv4 or IPv6 CIDR block, as a NetworkPolicy ipBlock takes it. */
const CIDR_PATTERN = '^(([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*/[0-9]{1,3})$';

/** Pod labels a NetworkPolicy peer selects by (matchLabels). */
const podLabels = (what: string) =>
  z
    .record(
      z.string().regex(new RegExp(LABEL_KEY_PATTERN), { error: 'must be a label key' }),
      z.string().regex(new RegExp(LABEL_VALUE_PATTERN), { error: 'must be a label value' }).max(63),
    )
    .describe(what);

const port = (what: string) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' })
    .describe(what);

const count = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` });

/** A GitHub Action pinned to a full commit SHA, e.g. `actions/checkout@<40 hex> # v7.0.1`. */
const action = (what: string, pinned: string) =>
  z
    .string()
    .regex(new RegExp(PINNED_ACTION_PATTERN), { error: 'must be owner/repo@<full 40-character commit SHA>, optionally followed by " # <tag>"' })
    .default(pinned)
    .describe(what);

/** One canary step; what its weight shares out (traffic through a route, or replicas of a worker) is the path's to say. */
const canaryStep = (weightDescription: string) =>
  z
    .object({
      weight: count(1, 99).describe(weightDescription),
      pause: duration('pause')
        .optional()
        .describe('How long to hold this weight while the analysis runs, e.g. 2m. Omit to wait for a manual promotion.'),
    })
    .strict();

export const canaryStepSchema = canaryStep('Percentage of traffic sent to the canary at this step (1–99).');

/** Canary steps, with increasing weights whose meaning `weightDescription` says. */
export const canarySteps = (weightDescription: string) =>
  z
    .array(canaryStep(weightDescription))
    .min(1, { error: 'must have at least one step' })
    .max(10, { error: 'must have at most 10 steps' })
    .refine(steps => steps.every((step, i) => i === 0 || step.weight > steps[i - 1].weight), {
      error: 'weights must increase from step to step',
    });

const canaryStepsSchema = canarySteps('Percentage of traffic sent to the canary at this step (1–99).');

/** Alertmanager severities the generated alerts carry, most severe first; routing matches them exactly. */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
const severity = (what: string) =>
  z.enum(ALERT_SEVERITIES, { error: `must be one of ${ALERT_SEVERITIES.join(', ')}` }).optional().describe(what);

/** Written in a namespace where each environment's name goes: `bookstore-{environment}`. */
export const ENVIRONMENT_NAMESPACE_TOKEN = '{environment}';
const NAMESPACE_TEMPLATE_PATTERN = '^([a-z0-9]|\\{environment\\})([-a-z0-9]|\\{environment\\})*$';
/** A namespace per environment: a DNS-1123 label in which `{environment}` may stand for the environment's name. */
const namespaceTemplate = (what: string) =>
  z
    .string()
    .max(DNS1123_LABEL_MAX, { error: `must be at most ${DNS1123_LABEL_MAX} characters` })
    .regex(new RegExp(NAMESPACE_TEMPLATE_PATTERN), {
      error: `must be a DNS-1123 label, in which {environment} may stand for the environment's name, e.g. bookstore-{environment} (${what})`,
    });

/** A namespace template (specRules.namespaceTemplate) in one environment. */
export function environmentNamespaceFrom(template: string, environment: string): string {
  return template.split(ENVIRONMENT_NAMESPACE_TOKEN).join(environment);
}

/**
 * The field rules the fragments are built from, for a golden path's own fields: each carries
 * the message that names its rule, as every field here does.
 */
export const specRules = {
  dnsLabel,
  namespaceTemplate,
  hostName,
  duration,
  quantity,
  port,
  count,
  podLabels,
  severity,
  pinnedImage: () =>
    z.string().regex(new RegExp(PINNED_IMAGE_PATTERN), { error: 'must be an image pinned to a tag other than latest, or to a digest' }),
  /** A Dockerfile base image (ci.baseImages.*) of any golden path. */
  baseImage: () => z.string().regex(new RegExp(BASE_IMAGE_PATTERN), { error: 'must be an image pinned by a tag other than latest and/or a digest' }),
  /** A Git repository URL as gitops.repoUrl takes it (the system spec's repos and config repo too). */
  gitUrl: () => z.string().regex(new RegExp(GIT_URL_PATTERN), { error: 'must be an https:// or git@ repository URL (http:// only for localhost)' }),
  gitBranch: () => z.string().regex(new RegExp(GIT_BRANCH_PATTERN), { error: 'must be a branch name' }),
};

/*
 * Scheduling: where a workload's pods may run. One definition for every golden path whose pods
 * run a workload (node-service, node-worker, static-frontend), rendered by the shared partial
 * skeletons/_shared/pod-scheduling.hbs, so the paths cannot drift.
 */

/** What the scheduler does with a pod no node satisfies a spread constraint for (TopologySpreadConstraint.whenUnsatisfiable). */
export const TOPOLOGY_SPREAD_WHEN_UNSATISFIABLE = ['ScheduleAnyway', 'DoNotSchedule'] as const;
export type TopologySpreadWhenUnsatisfiable = (typeof TOPOLOGY_SPREAD_WHEN_UNSATISFIABLE)[number];

/** A PriorityClass name: a DNS-1123 subdomain; `system-` is reserved for Kubernetes' own classes. */
const PRIORITY_CLASS_NAME_PATTERN = '^(?!system-)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** Spec field of an environment entry: the PriorityClass its pods run at (pod spec priorityClassName). */
export const priorityClassNameField = z
  .string()
  .max(DNS1123_SUBDOMAIN_MAX, { error: `must be at most ${DNS1123_SUBDOMAIN_MAX} characters` })
  .regex(new RegExp(PRIORITY_CLASS_NAME_PATTERN), {
    error: 'must be a PriorityClass name: a DNS-1123 subdomain not starting with system- (reserved for system-cluster-critical and system-node-critical)',
  })
  .optional()
  .describe(
    "PriorityClass of this environment's pods (pod spec priorityClassName), e.g. a higher class for production so its pods preempt lower-priority ones when the cluster is full. " +
      'The PriorityClass is cluster-scoped and must exist (the platform team\'s): the API server rejects pods naming a class it does not know. Default: none (the cluster\'s globalDefault class, or priority 0).',
  );

/** Spec fragment: how the scheduler spreads the pods of the component's workload across zones and nodes. */
export const schedulingFragment = {
  scheduling: z
    .object({
      topologySpread: z
        .object({
          zones: z
            .boolean({ error: 'must be true or false' })
            .default(true)
            .describe('Spread the pods across zones (node label topology.kubernetes.io/zone), so losing one zone leaves pods in the others.'),
          nodes: z
            .boolean({ error: 'must be true or false' })
            .default(true)
            .describe('Spread the pods across nodes (node label kubernetes.io/hostname), so draining or losing one node takes few of them.'),
          maxSkew: count(1, 10)
            .default(1)
            .describe('Most pods one zone (or node) may run beyond the emptiest one (TopologySpreadConstraint.maxSkew).'),
          whenUnsatisfiable: z
            .enum(TOPOLOGY_SPREAD_WHEN_UNSATISFIABLE, { error: `must be one of ${TOPOLOGY_SPREAD_WHEN_UNSATISFIABLE.join(', ')}` })
            .default('ScheduleAnyway')
            .describe(
              'What the scheduler does when no node keeps the skew within maxSkew: ScheduleAnyway places the pod where the skew grows least; ' +
                'DoNotSchedule leaves it Pending, which on a one-zone cluster (or with too few nodes) holds the rollout back.',
            ),
        })
        .strict()
        .prefault({})
        .describe(
          "Topology spread constraints on the pods, each counting only this workload's pods of the same revision (matchLabelKeys: the pod-template hash), so a rollout spreads the new pods too.",
        ),
    })
    .strict()
    .prefault({})
    .describe("Where the workload's pods are scheduled. The PriorityClass is per environment (environments[].priorityClassName)."),
};

/*
 * Pod options the seeds need (seed 001's two-container pod with a shared file and a ConfigMap
 * read as a file and as env; seed 000's production-only backup CronJob), for a golden path
 * whose workload runs its own image.
 */

const ENV_VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Names that say "credential": their values belong in a Secret (an ExternalSecret), never in a ConfigMap in Git. */
const CREDENTIAL_NAME = /(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
/** What a golden path's pod options must not collide with: its main container and the variables the skeleton sets on it. */
export interface PodOptionsRules {
  /** The main container's name, which a sidecar must not take. */
  mainContainer: string;
  /** Variables the skeleton sets (`env` wins over `envFrom`, so config could never change them). */
  reservedEnv: readonly string[];
}
/** A ConfigMap key (validation.IsConfigMapKey) that is also a plain file name. */
const CONFIG_FILE_NAME_PATTERN = '^(?!\\.\\.?$)[-._A-Za-z0-9]{1,253}$';
/**
 * Most bytes of config one ConfigMap carries. The API server allows 1 MiB, but Argo CD applies
 * client-side by default, and `kubectl apply` keeps the whole object in the
 * kubectl.kubernetes.io/last-applied-configuration annotation, and a object's annotations
 * total at most 262144 bytes (apimachinery ValidateAnnotationsSize, TotalAnnotationSizeLimitB).
 */
export const MAX_CONFIG_BYTES = 200 * 1024;
const ABSOLUTE_PATH_PATTERN = '^/([A-Za-z0-9._-]+/)*[A-Za-z0-9._-]+$';

const configEnv = (what: string, reserved: readonly string[]) =>
  z
    .record(
      z
        .string()
        .regex(new RegExp(ENV_VAR_NAME_PATTERN), { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' })
        .refine(name => !reserved.includes(name), {
          error: `must not be one the skeleton sets (${reserved.join(', ')}): a container's env wins over envFrom, so config could never change it`,
        })
        .refine(name => !CREDENTIAL_NAME.test(name), {
          error: 'names a credential: config is stored in Git as plain text; put credentials in a Secret (an ExternalSecret), never in config',
        }),
      z.string().max(4096, { error: 'must be at most 4096 characters' }),
    )
    .describe(what);

const configFiles = (what: string) =>
  z
    .record(
      z.string().regex(new RegExp(CONFIG_FILE_NAME_PATTERN), { error: 'must be a file name: letters, digits, -, _ and ., at most 253 characters' }),
      z.string(),
    )
    .describe(what);

const utf8 = new TextEncoder();
/** Bytes of ConfigMap data as it lands in Git and in the apply annotation (keys and values). */
export function configBytes(...parts: Array<Record<string, string> | undefined>): number {
  let bytes = 0;
  for (const part of parts) for (const [key, value] of Object.entries(part ?? {})) bytes += utf8.encode(key).length + utf8.encode(value).length;
  return bytes;
}

/** Spec field of an environment entry: what it changes of the component's config. */
export const environmentConfigField = (rules: PodOptionsRules) =>
  z
    .object({
      env: configEnv('Environment variables this environment sets or overrides (merged over config.env).', rules.reservedEnv).default({}),
      files: configFiles('Files this environment adds or replaces (merged over config.files).').default({}),
    })
    .strict()
    .optional()
    .describe("This environment's changes to config: its values win over the component's; the rest is inherited.");

const sidecarSchema = (rules: PodOptionsRules) =>
  z
    .object({
      name: dnsLabel('sidecar container name')
        .refine(name => name !== rules.mainContainer, { error: `must not be ${rules.mainContainer} (the main container)` })
        .describe('Container name, unique in the pod.'),
      image: z
        .union([z.literal('self'), specRules.pinnedImage()], { error: 'must be self or an image pinned to a tag other than latest, or to a digest' })
        .default('self')
        .describe("self: the service's own image, promoted with it by digest; or another image pinned to a tag other than latest, or to a digest."),
      command: z.array(z.string().min(1).max(1024)).min(1).max(32).optional().describe("Replaces the image's entrypoint. Default: the image's."),
      args: z
        .array(z.string().min(1).max(1024))
        .max(32)
        .default([])
        .describe("Arguments to the entrypoint, e.g. [dist/writer.js] for the service's own image (whose entrypoint is node)."),
      resources: z
        .object({
          cpuRequest: quantity('50m').default('50m').describe('CPU request.'),
          memoryRequest: quantity('64Mi').default('64Mi').describe('Memory request.'),
          cpuLimit: quantity('200m').default('200m').describe('CPU limit.'),
          memoryLimit: quantity('128Mi').default('128Mi').describe('Memory limit.'),
        })
        .strict()
        .prefault({})
        .describe("The sidecar's requests and limits (they add to the pod's, which the HPA's CPU utilisation is measured against)."),
    })
    .strict()
    .refine(sidecar => sidecar.image !== 'self' || sidecar.command !== undefined || sidecar.args.length > 0, {
      error: "with image self, args (or command) is required: the image's own entrypoint would start the server a second time on the same ports",
      path: ['args'],
    });

const CRON_SCHEDULE_PATTERN = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$';
/** An IANA zone name such as Europe/Berlin (CronJob spec.timeZone; the API server refuses TZ= inside schedule). */
const TIME_ZONE_PATTERN = '^(Etc/UTC|UTC|[A-Z][A-Za-z_-]+(/[A-Za-z0-9_+-]+){1,2})$';
export const CRON_CONCURRENCY_POLICIES = ['Forbid', 'Replace', 'Allow'] as const;
/** Longest CronJob name: the controller names each Job <cronjob>-<minutes since epoch>, and a Job name is a 63-character label (Kubernetes docs, CronJob: "no longer than 52 characters"). */
export const MAX_CRONJOB_NAME_LENGTH = 52;

const cronJobSchema = z
  .object({
    name: dnsLabel('CronJob name').describe(`Job name, unique; the CronJob is <name>-<job>, at most ${MAX_CRONJOB_NAME_LENGTH} characters.`),
    schedule: z
      .string()
      .regex(new RegExp(CRON_SCHEDULE_PATTERN), { error: 'must be a five-field cron expression (minute hour day month weekday) or a macro such as @daily' })
      .refine(schedule => !/(^|\s)(CRON_)?TZ=/.test(schedule), { error: 'must not carry TZ= (the API server refuses it): set timeZone instead' })
      .describe('When it runs: five-field cron, in timeZone.'),
    timeZone: z
      .string()
      .regex(new RegExp(TIME_ZONE_PATTERN), { error: 'must be an IANA time zone name such as Etc/UTC or Europe/Berlin' })
      .default('Etc/UTC')
      .describe("Time zone of the schedule (CronJob spec.timeZone); without one the controller's local time would apply."),
    args: z
      .array(z.string().min(1).max(1024))
      .min(1, { error: 'must have at least one argument' })
      .max(32)
      .optional()
      .describe("Arguments to the service image's entrypoint (node). Default: [dist/jobs.js, <job>], the job of that name in the generated src/jobs.ts."),
    environments: z
      .array(dnsLabel('environment name'))
      .min(1, { error: 'must name at least one environment' })
      .optional()
      .describe('Environments that run it, e.g. [production] for a production-only backup. Default: every environment.'),
    concurrencyPolicy: z
      .enum(CRON_CONCURRENCY_POLICIES, { error: `must be one of ${CRON_CONCURRENCY_POLICIES.join(', ')}` })
      .default('Forbid')
      .describe('What happens when a run is due while the last one still runs: Forbid skips it, Replace stops the old one, Allow runs both.'),
    activeDeadlineSeconds: count(60, 86400).default(3600).describe('A run taking longer is stopped and counts as failed.'),
    backoffLimit: count(0, 10).default(2).describe('Retries of a failing run before it counts as failed (and CronJobFailed fires).'),
  })
  .strict();

/** Spec fragment: sidecar containers sharing a directory with the main one, config as files and env, and CronJobs. */
export const podOptionsFragment = (rules: PodOptionsRules) => ({
  config: z
    .object({
      env: configEnv('Environment variables of every container of the pod (envFrom a ConfigMap). No credentials: those come from Secrets.', rules.reservedEnv).default({}),
      files: configFiles('Files mounted read-only at mountPath in every container of the pod (a ConfigMap volume).').default({}),
      mountPath: z
        .string()
        .regex(new RegExp(ABSOLUTE_PATH_PATTERN), { error: 'must be an absolute path such as /etc/config' })
        .default('/etc/config')
        .describe('Where the files appear.'),
    })
    .strict()
    .prefault({})
    .describe(
      'Configuration kept in Git, overridable per environment (environments[].config): generated ConfigMaps whose names carry a hash of their content, so a change rolls out as a canary like a new image.',
    ),
  sidecars: z
    .array(sidecarSchema(rules))
    .max(3, { error: 'must have at most 3 entries' })
    .refine(sidecars => new Set(sidecars.map(sidecar => sidecar.name)).size === sidecars.length, { error: 'names must be unique' })
    .default([])
    .describe(
      'Containers beside the server in every pod, e.g. a writer whose file the server reads. Native sidecars (initContainers with restartPolicy Always): started before the server, stopped after it. [] for none.',
    ),
  sharedVolume: z
    .object({
      mountPath: z
        .string()
        .regex(new RegExp(ABSOLUTE_PATH_PATTERN), { error: 'must be an absolute path such as /shared' })
        .default('/shared')
        .describe('Where the shared directory appears in the server and in every sidecar.'),
      sizeLimit: quantity('64Mi').default('64Mi').describe('Most it may hold; past it the kubelet evicts the pod.'),
    })
    .strict()
    .prefault({})
    .describe('A directory (emptyDir) the server and its sidecars share, present when there are sidecars; it lives and dies with the pod.'),
  cronJobs: z
    .array(cronJobSchema)
    .max(5, { error: 'must have at most 5 entries' })
    .refine(jobs => new Set(jobs.map(job => job.name)).size === jobs.length, { error: 'names must be unique' })
    .default([])
    .describe("Scheduled runs of the service's image (a cleanup, a report), each in the environments it lists; alerted on when a run fails. [] for none."),
});

/** node-service's main container and the variables its Rollout sets (skeletons/node-service/deploy/base/rollout.yaml.hbs). */
export const NODE_SERVICE_POD: PodOptionsRules = {
  mainContainer: 'app',
  reservedEnv: ['PORT', 'METRICS_PORT', 'LOG_LEVEL', 'DATABASE_URL', 'NODE_ENV', 'QUEUE_KIND', 'QUEUE_URL', 'QUEUE_NAME', 'QUEUE_SUBJECT', 'RABBITMQ_USERNAME', 'RABBITMQ_PASSWORD', 'REDIS_URL', 'CACHE_TTL_SECONDS'],
};

/** At most this many environments: each is an overlay, an Application, a GitHub environment and a CI job. */
export const MAX_ENVIRONMENTS = 6;

/*
 * Peers: the other parts of a system this one talks to in one environment, as the system
 * resolver derives them from the edges (system/resolveNetwork.ts). System wiring, not a form
 * field: no Template binds it, so sync-template-form leaves it off every form. Exact namespaces,
 * no {environment}: the resolver gives each environment its own.
 */

/** Most rules per direction in one environment: each becomes one peer of one NetworkPolicy rule. */
export const MAX_PEER_RULES = 32;
export const PEER_PROTOCOLS = ['TCP', 'UDP'] as const;

const PEER_POD_LABELS = "Labels of the peer's pods (podSelector matchLabels), e.g. app.kubernetes.io/name: catalog, app.kubernetes.io/component: server.";

const peerRuleSchema = z
  .object({
    name: dnsLabel('peer name').describe("The peer's part or resource name in the system; the policy rule's comment, and how the both-ends check names the edge."),
    namespace: dnsLabel('namespace').describe("The peer's namespace in this environment, exactly (the policy matches it by kubernetes.io/metadata.name)."),
    podLabels: podLabels(PEER_POD_LABELS)
      .refine(labels => Object.keys(labels).length > 0, { error: 'must name at least one label: an empty podSelector admits every pod of the namespace' })
      .describe(PEER_POD_LABELS),
    ports: z
      .array(
        z
          .object({
            port: port("The destination pods' container port (NetworkPolicies see it after the Service has translated its own port)."),
            protocol: z.enum(PEER_PROTOCOLS, { error: `must be one of ${PEER_PROTOCOLS.join(', ')}` }).default('TCP').describe('Protocol: TCP or UDP.'),
          })
          .strict(),
      )
      .min(1, { error: 'must list at least one port: a rule without ports admits every port' })
      .max(8, { error: 'must have at most 8 ports' })
      .describe("The destination pods' ports the rule admits: the callee's, on both ends of the edge."),
  })
  .strict();

export type PeerRule = z.output<typeof peerRuleSchema>;

const peerRules = (what: string) =>
  z
    .array(peerRuleSchema)
    .max(MAX_PEER_RULES, { error: `must have at most ${MAX_PEER_RULES} rules` })
    .superRefine((rules, ctx) => {
      rules.forEach((rule, index) => {
        const first = rules.findIndex(other => other.name === rule.name && other.namespace === rule.namespace);
        if (first < index) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `must differ from rule ${first} (${rule.name} in ${rule.namespace}): one rule per peer, with all its ports` });
        }
      });
    })
    .default([])
    .describe(what);

const INGRESS_PEERS = 'The system parts that may connect to this one\'s serving pods here (NetworkPolicy <name>-peers-ingress). [] for none.';
const EGRESS_PEERS = 'The system parts and resources this one\'s client pods may connect to here (NetworkPolicy <name>-peers-egress). [] for none.';

const PEERS = "This environment's allows to and from the other parts of its system, each at both ends: the system resolver writes them from the system's edges. " +
  'They add to the default deny; nothing else is opened.';

/** `environments[].peers` in the directions a golden path's part can have: a worker is called by nobody, a frontend calls its backends through `backends`. */
export const peersFields = {
  ingressAndEgress: z.object({ ingress: peerRules(INGRESS_PEERS), egress: peerRules(EGRESS_PEERS) }).strict().prefault({}).describe(PEERS),
  ingressOnly: z.object({ ingress: peerRules(INGRESS_PEERS) }).strict().prefault({}).describe(PEERS),
  egressOnly: z.object({ egress: peerRules(EGRESS_PEERS) }).strict().prefault({}).describe(PEERS),
};

/** Peers as every golden path's resolved environment carries them (a direction a path does not take is []). */
export interface EnvironmentPeers {
  ingress: PeerRule[];
  egress: PeerRule[];
  /** Either direction has a rule: the overlay lists networkpolicy-peers.yaml. */
  any: boolean;
}

export const environmentSchema = z
  .object({
    name: z
      .string({ error: 'is required' })
      .max(MAX_ENVIRONMENT_NAME_LENGTH, {
        error: `must be at most ${MAX_ENVIRONMENT_NAME_LENGTH} characters so <name>-<environment> (the Argo CD Application, the default namespace) stays within 63`,
      })
      .regex(new RegExp(DNS1123_LABEL_PATTERN), {
        error: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
      })
      .describe(
        'Environment name, unique: a DNS-1123 label. Names the overlay folder (deploy/overlays/<environment>), the Argo CD Application, ' +
          'the GitHub environment, the slipway.dev/environment label and the default namespace.',
      ),
    namespace: dnsLabel('namespace')
      .optional()
      .describe('Namespace the service runs in. Default: <name>-<environment>.'),
    replicas: count(1, 100)
      .optional()
      .describe('Replicas before autoscaling; also the HPA minimum by default. Default: 3 in the production tier (the last environment), 2 before it.'),
    autoscaling: z
      .object({
        min: count(1, 100).optional().describe('HPA minimum replicas. Default: replicas.'),
        max: count(1, 500).optional().describe('HPA maximum replicas. Default: 10 in the production tier, 4 before it.'),
        targetCpuPercent: count(10, 95).optional().describe('Average CPU utilisation the HPA aims for. Default: 70.'),
      })
      .strict()
      .optional()
      .describe('Horizontal Pod Autoscaler bounds.'),
    host: hostName()
      .optional()
      .describe('Public host name the HTTPRoute serves. Default: <name>.example.com for the production tier (the last environment), <name>.<environment>.example.com before it.'),
    cluster: z
      .string()
      .regex(/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/, {
        error: 'must be an https:// Kubernetes API server URL (the Argo CD destination server)',
      })
      .optional()
      .describe('Argo CD destination server. Default: https://kubernetes.default.svc.'),
    canary: z
      .object({
        steps: canaryStepsSchema
          .optional()
          .describe('Canary steps: weights and pauses. Default: 10% 2m, 25% 5m, 50% 5m, 75% 5m in the production tier; 25% 2m, 50% 2m before it.'),
      })
      .strict()
      .optional()
      .describe('Argo Rollouts canary for this environment.'),
    alerts: z
      .object({
        pageSeverity: severity('Severity of the page tier (ErrorBudgetBurnPage, PodsNotReady). Default: critical in the production tier, warning before it (earlier environments page nobody).'),
        ticketSeverity: severity('Severity of the ticket tier (ErrorBudgetBurnTicket, HighLatency, MetricsTargetDown, MetricsAbsent). Default: warning in the production tier, info before it.'),
      })
      .strict()
      .optional()
      .describe('Severities this environment\'s alerts carry, which Alertmanager routes by.'),
    priorityClassName: priorityClassNameField,
    config: environmentConfigField(NODE_SERVICE_POD),
    peers: peersFields.ingressAndEgress,
  })
  .strict();

/** The default promotion order: staging on every push, production on a v* tag. */
export const DEFAULT_ENVIRONMENT_NAMES = ['staging', 'production'] as const;

/** The environments list of a golden path whose entries `environment` describes: ordered, default staging → production. */
export const environmentList = <T extends z.ZodObject>(environment: T) =>
  z
    .array(environment)
    .min(1, { error: 'must list at least one environment' })
    .max(MAX_ENVIRONMENTS, { error: `must list at most ${MAX_ENVIRONMENTS} environments` })
    .default(() => DEFAULT_ENVIRONMENT_NAMES.map(name => ({ name })) as z.output<T>[])
    .describe(
      'The environments in promotion order. The first is deployed on every push to the branch; a v* tag promotes the image that push built ' +
        'through the others in order, each after the one before it. The last is the production tier (its defaults, its alerts page).',
    );

export const environmentsSchema = environmentList(environmentSchema);

export const DATABASE_ENGINES = ['none', 'postgres'] as const;
export const LANGUAGES = ['typescript'] as const;
export const LIFECYCLES = ['experimental', 'production', 'deprecated'] as const;

/** Spec fragment: Who the component is and who owns it: the catalog entity, the repo and every object are named from these. */
export const identityFragment = {
  name: z
    .string({ error: 'is required' })
    .min(1, { error: 'is required' })
    .max(MAX_SERVICE_NAME_LENGTH, {
      error: `must be at most ${MAX_SERVICE_NAME_LENGTH} characters so every derived name (e.g. <name>-db-replication) stays within 63`,
    })
    .regex(new RegExp(DNS1123_LABEL_PATTERN), {
      error: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    })
    .describe('Service name: a DNS-1123 label. Names the repo, the image and every Kubernetes object.'),
  owner: entityRef('group:default/team-a')
    .min(1, { error: 'is required' })
    .describe('Owning team or user, as a Backstage entity reference.'),
  description: z
    .string({ error: 'is required' })
    .min(1, { error: 'is required' })
    .max(2000, { error: 'must be at most 2000 characters' })
    .regex(new RegExp(FREE_TEXT_PATTERN), { error: 'must not contain control characters such as NUL or ESC (tab and line breaks are fine)' })
    .describe('What the service does. Free text; it is written verbatim as one string.'),
  system: entityRef('system:default/payments').optional().describe('Backstage system the service belongs to.'),
  lifecycle: z.enum(LIFECYCLES, { error: `must be one of ${LIFECYCLES.join(', ')}` }).default('experimental').describe('Backstage lifecycle of the component.'),
};

/** Spec fragment: Where CI pushes the image and how the cluster pulls it. */
export const imageFragment = {
  image: z
    .object({
      registry: z
        .string()
        .regex(new RegExp(IMAGE_REGISTRY_PATTERN), { error: 'must be a registry host with an optional path, e.g. ghcr.io/acme' })
        .default('ghcr.io/example-org')
        .describe('Container registry (and namespace) CI pushes to.'),
      repository: z
        .string()
        .regex(new RegExp(IMAGE_REPOSITORY_PATTERN), { error: 'must be a lowercase image repository name' })
        .optional()
        .describe('Image repository under the registry. Default: the service name.'),
      push: z
        .object({
          auth: z
            .enum(REGISTRY_AUTH_METHODS, { error: `must be one of ${REGISTRY_AUTH_METHODS.join(', ')}` })
            .optional()
            .describe(
              'How CI logs in to push: github-token (the workflow token; ghcr.io only), secrets (the two named GitHub secrets), ' +
                'aws-oidc (Amazon ECR through an IAM role GitHub OIDC assumes), gcp-oidc (Artifact Registry through workload identity federation). ' +
                'Default: github-token for ghcr.io, secrets for any other registry.',
            ),
          usernameSecret: z
            .string()
            .regex(new RegExp(GITHUB_SECRET_NAME_PATTERN), { error: 'must be a GitHub secret name (A-Z, 0-9, _; not starting with GITHUB_)' })
            .default('REGISTRY_USERNAME')
            .describe('With auth secrets: the GitHub secret holding the registry user name.'),
          passwordSecret: z
            .string()
            .regex(new RegExp(GITHUB_SECRET_NAME_PATTERN), { error: 'must be a GitHub secret name (A-Z, 0-9, _; not starting with GITHUB_)' })
            .default('REGISTRY_PASSWORD')
            .describe('With auth secrets: the GitHub secret holding the registry password or access token (push scope only).'),
          awsRoleArn: z
            .string()
            .regex(new RegExp(AWS_ROLE_ARN_PATTERN), { error: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/ci-push' })
            .optional()
            .describe('With auth aws-oidc: the IAM role CI assumes through GitHub OIDC; it needs ECR push rights on the repository. The region is read from the registry host.'),
          gcpWorkloadIdentityProvider: z
            .string()
            .regex(new RegExp(GCP_WORKLOAD_IDENTITY_PROVIDER_PATTERN), {
              error: 'must be projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
            })
            .optional()
            .describe('With auth gcp-oidc: the workload identity provider that trusts this repository.'),
          gcpServiceAccount: z
            .string()
            .regex(new RegExp(GCP_SERVICE_ACCOUNT_PATTERN), { error: 'must be a service account e-mail such as ci-push@my-project.iam.gserviceaccount.com' })
            .optional()
            .describe('With auth gcp-oidc: the service account CI impersonates; it needs roles/artifactregistry.writer.'),
        })
        .strict()
        .prefault({})
        .describe('How CI authenticates to the registry to push. Never a token in the repo: secrets or OIDC only.'),
      pullSecret: dnsLabel('image pull Secret')
        .optional()
        .describe(
          'A kubernetes.io/dockerconfigjson Secret in each namespace that lets the nodes pull a private image (a private ghcr.io package needs one); ' +
            'created outside Git, by hand or by External Secrets, and listed in the ServiceAccount imagePullSecrets. Default: none (public image, or node credentials).',
        ),
    })
    .strict()
    .prefault({})
    .describe('Where CI pushes the image (tagged sha-<short commit>) and how it is pulled.'),
};

/** Spec fragment: The environments, in promotion order. */
export const environmentsFragment = {
  environments: environmentsSchema,
};

/** Spec fragment: Container resource requests and limits. */
export const resourcesFragment = {
  resources: z
    .object({
      cpuRequest: quantity('100m').default('100m').describe('CPU request of the service container.'),
      memoryRequest: quantity('128Mi').default('128Mi').describe('Memory request of the service container.'),
      cpuLimit: quantity('500m').default('500m').describe('CPU limit of the service container.'),
      memoryLimit: quantity('256Mi').default('256Mi').describe('Memory limit of the service container.'),
    })
    .strict()
    .prefault({})
    .describe('Container resource requests and limits.'),
};

/** Spec fragment: Cluster DNS the pods may reach once egress is denied by default. */
export const networkFragment = {
  dns: z
    .object({
      namespace: dnsLabel('cluster DNS namespace').default('kube-system').describe('Namespace the cluster DNS pods (CoreDNS) run in.'),
      podLabels: podLabels('Labels of the cluster DNS pods; CoreDNS keeps k8s-app: kube-dns.').default({ 'k8s-app': 'kube-dns' }),
      ipBlocks: z
        .array(z.string().regex(new RegExp(CIDR_PATTERN), { error: 'must be a CIDR block such as 169.254.20.10/32' }))
        .max(8, { error: 'must have at most 8 entries' })
        .default(['169.254.20.10/32'])
        .describe(
          'DNS servers that are not pods a selector can match: NodeLocal DNSCache (hostNetwork, 169.254.20.10 by default; in its iptables mode also the kube-dns Service IP) ' +
            'or GKE Cloud DNS (169.254.169.254/32). Allowed on port 53 only; [] to allow just the DNS pods.',
        ),
    })
    .strict()
    .prefault({})
    .describe('Cluster DNS the pods may query on port 53 (UDP and TCP) once their egress is denied by default.'),
};

/** Spec fragment: Prometheus wiring: where it scrapes from and which labels select the rules. */
export const monitoringFragment = {
  monitoring: z
    .object({
      namespace: dnsLabel('monitoring namespace')
        .default('monitoring')
        .describe('Namespace Prometheus scrapes from; the NetworkPolicy admits it to the metrics port.'),
      prometheusUrl: z
        .string()
        .regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/, { error: 'must be an http(s) URL' })
        .default('http://prometheus-operated.monitoring.svc.cluster.local:9090')
        .describe('Prometheus the AnalysisTemplate queries. Use the fully qualified service name.'),
      ruleLabels: z
        .record(
          z.string().regex(new RegExp(LABEL_KEY_PATTERN), { error: 'must be a label key' }),
          z.string().regex(new RegExp(LABEL_VALUE_PATTERN), { error: 'must be a label value' }).max(63),
        )
        .default({ release: 'kube-prometheus-stack' })
        .describe('Labels the Prometheus operator selects ServiceMonitors and PrometheusRules by.'),
    })
    .strict()
    .prefault({})
    .describe('Prometheus wiring.'),
};

/** The GitHub Actions every golden path's workflow uses, each pinned to a full commit SHA. */
export const ciActionsSchema = z
  .object({
    checkout: action('Checks out the repo.', DEFAULT_ACTIONS.checkout),
    setupNode: action('Installs Node.', DEFAULT_ACTIONS.setupNode),
    setupBuildx: action('Sets up Docker Buildx.', DEFAULT_ACTIONS.setupBuildx),
    login: action('Logs in to the registry.', DEFAULT_ACTIONS.login),
    buildPush: action('Builds and pushes the image with its SBOM and provenance attestations.', DEFAULT_ACTIONS.buildPush),
    configureAwsCredentials: action('With image.push.auth aws-oidc: assumes the IAM role through GitHub OIDC.', DEFAULT_ACTIONS.configureAwsCredentials),
    googleAuth: action('With image.push.auth gcp-oidc: authenticates through workload identity federation.', DEFAULT_ACTIONS.googleAuth),
    createAppToken: action("With a system's config repo (gitops.manifests): mints the GitHub App installation token CI pushes the image bumps with.", DEFAULT_ACTIONS.createAppToken),
  })
  .strict()
  .prefault({})
  .describe('GitHub Actions used by the workflow, each pinned to a full commit SHA (a tag can be moved; a SHA cannot), with its release tag as a comment.');

/** Spec fragment: Argo CD, the GitOps repo and the CI workflow that delivers it. */
export const deliveryFragment = {
  argocd: z
    .object({
      namespace: dnsLabel('Argo CD namespace').default('argocd').describe('Namespace the Argo CD Applications live in.'),
      project: dnsLabel('Argo CD project').default('default').describe('Argo CD project of the Applications.'),
      system: z
        .object({
          name: dnsLabel('system name').describe("The system's name: its app-of-apps for an environment is <name>-apps-<environment>, in the system's repo."),
          wave: z.number().int().min(-100).max(100).describe("argocd.argoproj.io/sync-wave of this repo's Applications in the environment's app-of-apps."),
        })
        .strict()
        .optional()
        .describe(
          "Set by a system: the system's app-of-apps per environment owns this repo's Applications (at this sync wave), so the repo renders no app-of-apps of its own " +
            '(two app-of-apps owning one Application prune and overwrite each other). Default: the repo\'s own app-of-apps, deploy/argocd/apps.yaml.',
        ),
    })
    .strict()
    .prefault({})
    .describe('Argo CD Applications.'),
  gitops: z
    .object({
      repoUrl: z
        .string()
        .regex(new RegExp(GIT_URL_PATTERN), { error: 'must be an https:// or git@ repository URL (http:// only for localhost)' })
        .optional()
        .describe('Repository Argo CD syncs from. Default: https://github.com/example-org/<name>.git.'),
      branch: z
        .string()
        .regex(new RegExp(GIT_BRANCH_PATTERN), { error: 'must be a branch name' })
        .default('main')
        .describe('Branch Argo CD syncs and CI commits image pins to.'),
      manifests: z
        .object({
          repoUrl: specRules.gitUrl().describe('The config repo holding the manifests.'),
          branch: specRules.gitBranch().default('main').describe('Branch of the config repo Argo CD syncs and CI bumps images on.'),
          path: z
            .string()
            .regex(/^[a-z0-9][-a-z0-9]*(\/[a-z0-9][-a-z0-9]*)*$/, { error: 'must be a relative folder of lowercase names, e.g. apps/catalog' })
            .describe('Folder of the config repo that holds what deploy/ holds in an app repo, e.g. apps/catalog.'),
        })
        .strict()
        .optional()
        .describe(
          "Set by a system with the config-repo layout: the manifests (deploy/'s base, overlays and Argo CD Applications) live in this folder of the system's config repo " +
            'instead of deploy/ here, and CI bumps the image there. Default: deploy/ of this repo.',
        ),
    })
    .strict()
    .prefault({})
    .describe('Where the generated repo lives.'),
  ci: z
    .object({
      nodeVersion: z
        .string()
        .regex(/^(20|22|24)(\.[0-9]+){0,2}$/, { error: 'must be Node 20, 22 or 24' })
        .default('22')
        .describe('Node version of CI and of the image: the build stage and the distroless runtime both use its major.'),
      baseImages: z
        .object({
          build: specRules
            .baseImage()
            .optional()
            .describe('Base image of the build stage, e.g. node:22-bookworm-slim@sha256:<digest>. Must run the Node major of ci.nodeVersion. Default: node:<major>-bookworm-slim.'),
          runtime: specRules
            .baseImage()
            .optional()
            .describe('Base image of the runtime stage (its entrypoint must be node, running as non-root). Must run the Node major of ci.nodeVersion. Default: gcr.io/distroless/nodejs<major>-debian12:nonroot.'),
        })
        .strict()
        .prefault({})
        .describe('Dockerfile base images. Pin them by digest (image:tag@sha256:…) where your registry mirror lets you; the defaults are pinned by tag.'),
      actions: ciActionsSchema,
    })
    .strict()
    .prefault({})
    .describe('GitHub Actions workflow settings.'),

};

/**
 * A PostgreSQL cluster a part uses and does not run (one another part of its system holds):
 * node-service's and node-worker's `postgres.external`. CloudNativePG writes `<cluster>-app`
 * only in the Cluster's namespace ("If you deploy your application in the same namespace that
 * contains the PostgreSQL cluster, you can also use environment variables"; docs, Connecting
 * from an application): so a cluster held elsewhere is in the part's own namespace.
 */
export const externalPostgresSchema = (part: 'service' | 'worker') =>
  z
    .object({
      name: dnsLabel('external database cluster name', 50).describe(
        `The CloudNativePG Cluster's name, in the ${part}'s own namespace in every environment: DATABASE_URL is its operator-made Secret <name>-app (key fqdn-uri).`,
      ),
    })
    .strict();

/**
 * Spec fragment: TLS for every public host through cert-manager. Each environment's host gets a
 * Certificate (and the Secret cert-manager writes) in its own namespace, an HTTPS listener of its
 * own on the Gateway serving that Secret, and a redirect from plain HTTP; the names come from
 * resolveTls.ts, the objects from the shared partials tls-certificate, gateway and https-redirect-route.
 */
export const tlsFragment = {
  tls: z
    .object({
      issuer: z
        .object({
          kind: z
            .enum(['ClusterIssuer', 'Issuer'], { error: 'must be ClusterIssuer or Issuer' })
            .default('ClusterIssuer')
            .describe("Kind of the cert-manager issuer (an Issuer is namespaced: it must exist in every environment's namespace, where the Certificates are)."),
          name: dnsLabel('cert-manager issuer')
            .default('letsencrypt')
            .describe("Name of the cert-manager issuer that signs each host's certificate (an ACME issuer such as Let's Encrypt, or your CA)."),
        })
        .strict()
        .prefault({})
        .describe("The cert-manager issuer of the hosts' certificates."),
    })
    .strict()
    .prefault({})
    .describe(
      "TLS for every public host: one cert-manager Certificate per environment's host, in the environment's namespace, served by an HTTPS listener of its own on the Gateway; plain HTTP on the host redirects to HTTPS.",
    ),
};

/** Spec fragment: the Gateway API Gateway a public component's HTTPRoutes attach to, and where its proxies run. */
export const gatewayFragment = {
  gateway: z
    .object({
      name: dnsLabel('gateway name').default('public-gateway').describe('Name of the Gateway the HTTPRoutes attach to.'),
      className: dnsLabel('GatewayClass name')
        .default('eg')
        .describe('GatewayClass of the Gateway in deploy/platform (your gateway implementation; eg is Envoy Gateway\'s quick-start class).'),
      namespace: dnsLabel('gateway namespace')
        .default('gateway-system')
        .describe("The Gateway's namespace, which the HTTPRoutes' parentRefs name."),
      dataPlane: z
        .object({
          namespace: dnsLabel('gateway data-plane namespace')
            .optional()
            .describe(
              "Namespace the gateway's proxy pods run in; the allow-gateway NetworkPolicy admits traffic from there. " +
                "Default: with className eg (Envoy Gateway), envoy-gateway-system, where Envoy Gateway runs them unless it is in Gateway Namespace Mode; otherwise the Gateway's namespace (Istio, NGINX Gateway Fabric, kgateway).",
            ),
          podLabels: podLabels(
            'Labels of the proxy pods, so only they are admitted rather than every pod of that namespace. Default: with className eg, Envoy Gateway\'s gateway.envoyproxy.io/owning-gateway-name and -namespace labels for this Gateway; otherwise none (the whole namespace).',
          ).default({}),
        })
        .strict()
        .prefault({})
        .describe('Where the pods that forward the gateway\'s traffic to the service run (they, not the Gateway object, are the source the NetworkPolicy sees).'),
    })
    .strict()
    .prefault({})
    .describe('Gateway API Gateway the HTTPRoutes attach to.'),
};

/*
 * node-service as a client of a system's messaging: a broker it publishes one queue's messages
 * to, and a Redis (Valkey) it caches reads in. Mostly system wiring (system/partValues.ts writes
 * them from the publishes and uses edges); no Template binds them, so they are not form fields.
 */

/** The brokers node-service can publish to (its src/publisher.ts adapters), as node-worker consumes from. */
export const PUBLISH_KINDS = ['rabbitmq', 'redis', 'nats'] as const;
export type PublishKind = (typeof PUBLISH_KINDS)[number];

/** A RabbitMQ queue, a Redis stream and a NATS stream alike (node-worker's queue.name rule). */
const MESSAGE_QUEUE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$';
/** A NATS subject: dot-separated tokens, `*` for one token, `>` for the rest as the last token. */
const MESSAGE_SUBJECT_PATTERN = '^([A-Za-z0-9_-]+|\\*)(\\.([A-Za-z0-9_-]+|\\*))*(\\.>)?$|^>$';

/** A backing service another part runs: its name, and its namespace per environment. */
const heldElsewhere = (what: string) =>
  z
    .object({
      name: dnsLabel(`external ${what} name`, 50).describe(`The ${what}'s name: its Service <name>.<namespace>.svc.cluster.local.`),
      namespace: namespaceTemplate(`external ${what} namespace`)
        .optional()
        .describe(`The ${what}'s namespace; {environment} stands for each environment's name (e.g. bookstore-{environment}). Default: the service's namespace.`),
    })
    .strict();

const secretStoreKeyPrefix = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}$/, { error: 'must be a key path such as shop/staging/orders-nats' })
  .optional();

const publishesField = z
  .object({
    kind: z.enum(PUBLISH_KINDS, { error: `must be one of ${PUBLISH_KINDS.join(', ')}` }).describe('The broker: rabbitmq (a queue), redis (a Redis Stream) or nats (a JetStream stream\'s subject).'),
    external: heldElsewhere('broker').describe(
      'The broker, which another part runs (the worker that consumes the queue holds it): this repo renders only the service\'s side, its RabbitMQ User and Permission or its credentials, and its egress. The holder must admit the service.',
    ),
    queue: z
      .string({ error: 'is required' })
      .regex(new RegExp(MESSAGE_QUEUE_PATTERN), { error: 'must be letters, digits, "-" and "_", starting with a letter or digit, at most 200 (queue name)' })
      .describe('The RabbitMQ queue (through the default exchange), Redis stream or NATS stream the service publishes to (QUEUE_NAME).'),
    subject: z
      .string()
      .regex(new RegExp(MESSAGE_SUBJECT_PATTERN), { error: 'must be a NATS subject: tokens of letters, digits, "-" and "_" separated by ".", "*" for a token, ">" last' })
      .optional()
      .describe('nats only: the subject published to, which the stream captures (QUEUE_SUBJECT). Default: the queue name.'),
    keyPrefix: secretStoreKeyPrefix.describe('redis and nats: where the service\'s password is in the secret store, <keyPrefix>/<name>. Default: <system or name>/<environment>/<broker>, as the holder\'s.'),
  })
  .strict()
  .optional()
  .describe('A broker the service publishes events to (POST /items publishes one per item written). Default: none.');

const cacheField = z
  .object({
    external: heldElsewhere('cache')
      .optional()
      .describe('A Redis (Valkey) another part runs: the repo renders only the service\'s credentials and egress; the holder admits it (its cache.clients). Not with name or clients.'),
    name: dnsLabel('cache name', 50).optional().describe('Name of the Valkey the service runs beside itself (a system\'s resource name). Default: <name>-cache. Not with external.'),
    clients: z
      .array(
        z
          .object({
            name: dnsLabel('cache client name').describe('The client\'s name: its Valkey user (password <keyPrefix>/<name>), keys <name>:*.'),
            namespace: namespaceTemplate('client namespace').optional().describe("The client's namespace; {environment} stands for the environment's name. Default: the service's."),
            podLabels: podLabels("Labels of the client's pods, which the cache's policy admits on 6379. Default: app.kubernetes.io/name: <name>.").optional(),
          })
          .strict(),
      )
      .max(32, { error: 'must have at most 32 entries' })
      .default([])
      .describe('Other clients of the Valkey this service runs: admitted on 6379, each with its own user and keys. Not with external.'),
    ttlSeconds: count(1, 86400).default(60).describe('How long a cached read is kept (CACHE_TTL_SECONDS).'),
    instances: count(1, 9).optional().describe('Valkey pods of the cache the service runs (a primary and replicas). Default: 3 in the production tier, 1 before it.'),
    storage: z
      .object({
        size: quantity('8Gi').default('8Gi').describe('Volume per Valkey pod.'),
        className: dnsLabel('StorageClass').optional().describe('StorageClass of the volumes. Default: the cluster\'s default class.'),
      })
      .strict()
      .prefault({})
      .describe('The Valkey pods\' persistent volumes.'),
    resources: z
      .object({
        cpu: quantity('250m').default('250m').describe('CPU request and limit of each Valkey pod (equal: Guaranteed QoS).'),
        memory: quantity('512Mi').default('512Mi').describe('Memory request and limit of each Valkey pod.'),
      })
      .strict()
      .prefault({})
      .describe('Resources of each Valkey pod.'),
    keyPrefix: secretStoreKeyPrefix.describe('Where the Valkey users\' passwords are in the secret store, <keyPrefix>/<user>. Default: <system or name>/<environment>/<cache>, as the holder\'s.'),
  })
  .strict()
  .optional()
  .describe('A Redis (Valkey) cache of reads (GET /items/:id is cache-aside): one the service runs, or another part\'s (external). Default: none.');

const secretStoreField = z
  .object({
    kind: z.enum(['ClusterSecretStore', 'SecretStore'], { error: 'must be ClusterSecretStore or SecretStore' }).default('ClusterSecretStore').describe('Kind of the External Secrets store.'),
    name: dnsLabel('secret store').default('platform-secrets').describe('Name of that store.'),
  })
  .strict()
  .prefault({})
  .describe('The External Secrets store the Redis and NATS passwords come from (publishes to redis or nats, cache), never from Git.');

/*
 * The node-service golden path's spec: the shared fragments (each one object of fields, spread
 * in, so the field order, which is the form's, stays as written) and its own fields.
 */
export const serviceSpecSchema = z
  .object({
    ...identityFragment,
    ...catalogFragment,
    language: z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` }).default('typescript').describe('Service language and skeleton.'),
    port: port('Port the service listens on for HTTP traffic.').default(8080),
    metricsPort: port('Port /metrics is served on, kept apart from traffic the gateway routes.').default(9464),
    ...imageFragment,
    ...environmentsFragment,
    analysis: z
      .object({
        successRate: z
          .number({ error: 'must be a number' })
          .min(0.9, { error: 'must be between 0.9 and 1' })
          .max(1, { error: 'must be between 0.9 and 1' })
          .default(0.99)
          .describe('Minimum ratio of non-5xx responses the canary must keep.'),
        p95LatencyMs: count(1, 60000).default(500).describe('Maximum p95 request latency in milliseconds.'),
        interval: duration('interval').default('1m').describe('How often each analysis query runs.'),
        failureLimit: count(0, 10).default(1).describe('Failed measurements tolerated before the rollout aborts.'),
        initialDelay: duration('initialDelay')
          .default('1m')
          .describe('How long the analysis waits after it starts before the first measurement, so the canary has served traffic Prometheus has scraped.'),
        inconclusiveLimit: count(0, 10)
          .default(1)
          .describe('Measurements without enough data tolerated before the rollout pauses for a person to promote or abort it.'),
        minRequests: count(1, 1000000)
          .default(100)
          .describe(
            'Canary requests the 2-minute query window must hold before a measurement counts; with fewer it is inconclusive. ' +
              'At least 1/(1 - successRate), so a single 5xx in a small sample cannot abort the canary.',
          ),
      })
      .strict()
      .prefault({})
      .describe('Canary analysis thresholds, measured by Prometheus.'),
    slo: z
      .object({
        objective: z
          .number({ error: 'must be a number' })
          .min(0.9, { error: 'must be between 0.9 and 0.9999' })
          .max(0.9999, { error: 'must be between 0.9 and 0.9999' })
          .default(0.995)
          .describe('Share of requests over 30 days that must not be answered with 5xx; the burn-rate alerts page and open tickets against its error budget.'),
      })
      .strict()
      .prefault({})
      .describe('Service level objective the generated burn-rate alerts watch.'),
    database: z.enum(DATABASE_ENGINES, { error: `must be one of ${DATABASE_ENGINES.join(', ')}` }).default('none').describe('Database: none, or a CloudNativePG PostgreSQL cluster.'),
    postgres: z
      .object({
        // Every client a cluster admits is in the service's own namespace too (externalPostgresSchema).
        external: externalPostgresSchema('service')
          .optional()
          .describe(
            'Use a PostgreSQL cluster the service does not run (one another part of its system holds): the repo then has no Cluster, backup, PodMonitor or database ingress ' +
              'policy, only DATABASE_URL, the egress to the cluster\'s pods on 5432 and, if migrations is true, the migration Job. The holder must admit the service (its postgres.clients).',
          ),
        name: dnsLabel('database cluster name', 50)
          .optional()
          .describe('Name of the cluster the service runs (a system\'s resource name). Default: <name>-db. Not with external.'),
        clients: z
          .array(
            z
              .object({
                name: dnsLabel('database client name').describe('The client\'s name, as the policy names it.'),
                podLabels: podLabels("Labels of the client's pods, which the cluster's policy admits on 5432. Default: app.kubernetes.io/name: <name>, as every Slipway part's pods carry.").optional(),
              })
              .strict(),
          )
          .max(32, { error: 'must have at most 32 entries' })
          .default([])
          .describe('Other clients of the cluster this service runs, in its namespace (where the operator\'s Secret is): their pods are admitted on 5432. Not with external.'),
        migrations: z
          .boolean()
          .optional()
          .describe('Run the migration Job (dist/migrate.js) before each rollout. Default: true for the cluster the service runs, false with external (the holder owns the schema).'),
        instances: count(1, 9).default(3).describe('PostgreSQL instances (1 primary, the rest replicas).'),
        operatorNamespace: dnsLabel('CloudNativePG operator namespace')
          .default('cnpg-system')
          .describe('Namespace the CloudNativePG operator runs in; the database NetworkPolicy admits it to the instances\' status (8000) and PostgreSQL (5432) ports.'),
        storageSize: quantity('10Gi').default('10Gi').describe('Storage per instance.'),
        imageName: z
          .string()
          .regex(new RegExp(PINNED_IMAGE_PATTERN), { error: 'must be an image pinned to a tag other than latest, or to a digest' })
          .default('ghcr.io/cloudnative-pg/postgresql:16.6')
          .describe('PostgreSQL operand image.'),
        backup: z
          .object({
            destinationPath: z
              .string()
              .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._~-]+)*\/?$/, { error: 'must be an s3://bucket[/path] URL' })
              .optional()
              .describe('Object store (S3 or S3-compatible) the base backups and WAL archive go to, e.g. s3://acme-backups/billing. Backups are off until it is set.'),
            endpointURL: z
              .string()
              .regex(/^https?:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/, { error: 'must be an http(s) URL' })
              .optional()
              .describe('Endpoint of an S3-compatible store (MinIO, Ceph); leave out for AWS S3.'),
            credentialsSecret: dnsLabel('backup credentials Secret')
              .optional()
              .describe('Secret with ACCESS_KEY_ID and ACCESS_SECRET_KEY for the object store, created outside Git (never in the repo). Default: <name>-db-backup-creds.'),
            schedule: z
              .string()
              .regex(/^(\S+\s+){5}\S+$/, { error: 'must be a six-field cron expression with seconds first, e.g. "0 0 2 * * *"' })
              .default('0 0 2 * * *')
              .describe('When the base backup runs: six-field cron, seconds first (CloudNativePG ScheduledBackup).'),
            retentionPolicy: z
              .string()
              .regex(/^[1-9][0-9]*[dwm]$/, { error: 'must be a number of days, weeks or months, e.g. 30d' })
              .default('30d')
              .describe('How long backups and WAL are kept in the object store.'),
          })
          .strict()
          .prefault({})
          .describe('Backups of the database to an object store; off unless destinationPath is set.'),
      })
      .strict()
      .prefault({})
      .describe('CloudNativePG settings, used when database is postgres.'),
    publishes: publishesField,
    cache: cacheField,
    secretStore: secretStoreField,
    ...resourcesFragment,
    ...schedulingFragment,
    ...podOptionsFragment(NODE_SERVICE_POD),
    ...tlsFragment,
    ...gatewayFragment,
    ...networkFragment,
    ...monitoringFragment,
    ...deliveryFragment,
  })
  .strict();

/** What a user writes: only name, owner and description are required. */
export type ServiceSpecInput = z.input<typeof serviceSpecSchema>;
/** The spec after static defaults, before defaults derived from the name. */
export type ParsedServiceSpec = z.output<typeof serviceSpecSchema>;
export type CanaryStep = z.output<typeof canaryStepSchema>;
export type EnvironmentInput = z.output<typeof environmentSchema>;
