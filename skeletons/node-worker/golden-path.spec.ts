import {
  catalogFragment,
  deliveryFragment,
  environmentList,
  externalPostgresSchema,
  environmentSchema,
  identityFragment,
  imageFragment,
  monitoringFragment,
  networkFragment,
  resourcesFragment,
  schedulingFragment,
  specRules,
  canarySteps,
  environmentConfigField,
  podOptionsFragment,
  peersFields,
  type PodOptionsRules,
} from '@slipway/common';
import { z } from 'zod';

/*
 * The node-worker golden path's spec: the shared fragments plus the queue it consumes, the
 * broker it runs as a backing resource, KEDA scaling per environment, and the canary analysis
 * and alerts on its own failure ratio and lag. Browser-safe: it imports only @slipway/common
 * and zod, so the app's form fields check values with it.
 */

const { dnsLabel, namespaceTemplate, duration, quantity, port, count, podLabels, severity, pinnedImage } = specRules;

/** The brokers the worker's adapters speak (its src/config.ts QUEUE_KINDS). */
export const QUEUE_KINDS = ['rabbitmq', 'redis', 'nats'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** A name valid as a RabbitMQ queue, a Redis key and a NATS stream or durable consumer alike (the app's own rule). */
const QUEUE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$';
const queueName = (what: string) =>
  z.string().regex(new RegExp(QUEUE_NAME_PATTERN), { error: `must be letters, digits, "-" and "_", starting with a letter or digit, at most 200 (${what})` });
/** A NATS subject: dot-separated tokens, `*` for one token, `>` for the rest as the last token. */
const NATS_SUBJECT_PATTERN = '^([A-Za-z0-9_-]+|\\*)(\\.([A-Za-z0-9_-]+|\\*))*(\\.>)?$|^>$';

const ratio = (what: string, min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` })
    .describe(what);

const milliseconds = (min: number, max: number) => count(min, max);

/** A NATS subject a client may publish or subscribe to, wildcards and `$JS.…` API subjects included. */
const NATS_PERMISSION_PATTERN = '^[A-Za-z0-9_$*>-]+(\\.[A-Za-z0-9_$*>-]+)*$';
const natsPermissions = (what: string) =>
  z
    .array(z.string().regex(new RegExp(NATS_PERMISSION_PATTERN), { error: 'must be a NATS subject (tokens separated by ".", * and > wildcards)' }))
    .min(1, { error: 'must name at least one subject' })
    .max(32, { error: 'must have at most 32 entries' })
    .describe(what);

/**
 * Another client of the broker this worker runs (a system's publisher, say): its pods are let in
 * on the client port, in its own namespace; on NATS and Redis it is also a user of the server, with
 * its password from the store. Its own side (credentials, egress) is rendered in its own repo.
 */
const brokerClientSchema = z
  .object({
    name: dnsLabel('client name').describe('The client\'s name: its user on NATS and Redis (password <keyPrefix>/<name> in the store), and how the policy names it.'),
    namespace: namespaceTemplate('client namespace')
      .optional()
      .describe("The client's namespace; {environment} stands for the environment's name (e.g. bookstore-{environment}). Default: the broker's (the worker's own)."),
    podLabels: podLabels('Labels of the client\'s pods, which the broker\'s policy admits. Default: app.kubernetes.io/name: <name>, as every Slipway part\'s pods carry.').optional(),
    acl: z
      .string()
      .regex(/^[!-~]+( [!-~]+)*$/, { error: 'must be Redis ACL rules separated by single spaces, e.g. ~orders +xadd +ping' })
      .max(1000, { error: 'must be at most 1000 characters' })
      .optional()
      .describe('Redis only, required there: the client user\'s ACL rules (keys and commands), e.g. ~votes +xadd +ping for a producer of stream votes.'),
    permissions: z
      .object({
        publish: natsPermissions('Subjects the client may publish to.'),
        subscribe: natsPermissions('Subjects the client may subscribe to (a request-reply client needs _INBOX.>).'),
      })
      .strict()
      .optional()
      .describe('NATS only, required there: the subjects the client\'s user may publish and subscribe to.'),
  })
  .strict();

const brokerClients = (what: string) =>
  z.array(brokerClientSchema).max(32, { error: 'must have at most 32 entries' }).describe(what);

/** One environment of a worker: where it runs, how KEDA scales it, its canary and its alert tiers. No host: nothing routes to a worker. */
/**
 * The worker's main container and the variables its overlays set on it
 * (deploy/overlays/[environment]/rollout-env.yaml.hbs and the backing services' client-env partials).
 */
export const NODE_WORKER_POD: PodOptionsRules = {
  mainContainer: 'worker',
  reservedEnv: [
    'QUEUE_KIND', 'QUEUE_URL', 'RABBITMQ_USERNAME', 'RABBITMQ_PASSWORD', 'QUEUE_NAME', 'QUEUE_SUBJECT', 'CONSUMER_GROUP', 'CONSUMER_NAME',
    'CONCURRENCY', 'MAX_ATTEMPTS', 'RETRY_BASE_MS', 'RETRY_MAX_MS', 'HANDLER_TIMEOUT_MS', 'DRAIN_TIMEOUT_MS', 'METRICS_PORT', 'LOG_LEVEL', 'NODE_ENV',
    'DATABASE_URL',
  ],
};

export const workerEnvironmentSchema = z
  .object({
    name: environmentSchema.shape.name,
    namespace: dnsLabel('namespace')
      .optional()
      .describe('Namespace the worker and its broker run in. Default: <name>-<environment>.'),
    cluster: environmentSchema.shape.cluster,
    scaling: z
      .object({
        min: count(0, 100)
          .optional()
          .describe('Fewest replicas KEDA keeps; 0 lets it scale the worker to zero while the queue is empty. Default: 1 in the production tier (the last environment), 0 before it.'),
        max: count(1, 500).optional().describe('Most replicas KEDA scales to. Default: 10 in the production tier, 4 before it.'),
        lagPerReplica: count(1, 1000000)
          .optional()
          .describe('Queue depth (messages waiting for this consumer group) each replica is sized for: KEDA runs about depth / lagPerReplica replicas. Default: keda.lagPerReplica.'),
      })
      .strict()
      .optional()
      .describe('KEDA scaling on the queue depth.'),
    broker: z
      .object({
        instances: count(1, 7)
          .optional()
          .describe('Broker servers in this environment: 1, or an odd number for a quorum (RabbitMQ quorum queues, JetStream Raft). Default: 3 in the production tier, 1 before it.'),
        namespace: dnsLabel('broker namespace')
          .optional()
          .describe('broker.external only: the external broker\'s namespace in this environment (overrides broker.external.namespace).'),
        clients: brokerClients('The broker\'s other clients in this environment only, beside broker.clients (a system passes each environment\'s own).').optional(),
      })
      .strict()
      .optional()
      .describe('The broker in this environment.'),
    canary: z
      .object({
        steps: canarySteps('Percentage of the replicas the canary runs at this step (1–99); as competing consumers of one queue, it takes about that share of the messages.')
          .optional()
          .describe('Canary steps: replica weights and pauses. Default: 10% 2m, 25% 5m, 50% 5m, 75% 5m in the production tier; 25% 2m, 50% 2m before it.'),
      })
      .strict()
      .optional()
      .describe('Argo Rollouts canary for this environment (no traffic routing: the canary shares the queue).'),
    alerts: z
      .object({
        pageSeverity: severity('Severity of the page tier (WorkerFailureRatioHigh, WorkerLagHigh, PodsNotReady). Default: critical in the production tier, warning before it (earlier environments page nobody).'),
        ticketSeverity: severity('Severity of the ticket tier (WorkerDeadLetters, MetricsTargetDown, MetricsAbsent). Default: warning in the production tier, info before it.'),
      })
      .strict()
      .optional()
      .describe("Severities this environment's alerts carry, which Alertmanager routes by."),
    priorityClassName: environmentSchema.shape.priorityClassName,
    config: environmentConfigField(NODE_WORKER_POD),
    // Egress only: nothing calls a worker (system/checkWiring.ts refuses a calls edge to one).
    peers: peersFields.egressOnly,
  })
  .strict()
  .describe('One environment: an overlay, an Argo CD Application, a broker and a GitHub environment.');

export const nodeWorkerSpecSchema = z
  .object({
    ...identityFragment,
    ...catalogFragment,
    metricsPort: port('Port /metrics, /livez and /healthz are served on: the worker\'s only port (it serves no traffic).').default(9464),
    queue: z
      .object({
        kind: z
          .enum(QUEUE_KINDS, { error: `must be one of ${QUEUE_KINDS.join(', ')}` })
          .default('rabbitmq')
          .describe('The broker: rabbitmq (a quorum queue), redis (a Redis Stream and consumer group) or nats (a JetStream stream and durable pull consumer).'),
        name: queueName('queue name')
          .optional()
          .describe('The RabbitMQ queue, Redis stream or NATS stream consumed (QUEUE_NAME); retries and dead letters are named after it. Default: the worker\'s name.'),
        subject: z
          .string()
          .regex(new RegExp(NATS_SUBJECT_PATTERN), { error: 'must be a NATS subject: tokens of letters, digits, "-" and "_" separated by ".", "*" for a token, ">" last' })
          .optional()
          .describe('NATS only: the subject the stream captures (QUEUE_SUBJECT). Default: the queue name.'),
        consumerGroup: queueName('consumer group')
          .optional()
          .describe('Redis consumer group or NATS durable consumer every replica shares (CONSUMER_GROUP); KEDA reads its lag. Default: the worker\'s name.'),
        concurrency: count(1, 1000).default(4).describe('Messages each replica handles at once (CONCURRENCY: RabbitMQ prefetch, Redis and NATS batch size).'),
        retry: z
          .object({
            maxAttempts: count(1, 100).default(5).describe('Attempts per message before it is dead-lettered (MAX_ATTEMPTS; 1 = no retry).'),
            baseMs: milliseconds(1, 3600000).default(1000).describe('Wait after the first failed attempt, doubled for each further one (RETRY_BASE_MS).'),
            maxMs: milliseconds(1, 86400000).default(60000).describe('The longest wait between two attempts (RETRY_MAX_MS).'),
          })
          .strict()
          .prefault({})
          .describe('Retry policy: exponential backoff in the broker, then the dead-letter queue.'),
        handlerTimeoutMs: milliseconds(1, 3600000).default(30000).describe('One attempt\'s time limit (HANDLER_TIMEOUT_MS); past it the attempt fails with reason timeout.'),
        drainTimeoutMs: milliseconds(0, 3600000)
          .default(20000)
          .describe('On SIGTERM, how long messages in flight may take to finish before they are handed back (DRAIN_TIMEOUT_MS); the pod\'s grace period is set 10 s above it.'),
      })
      .strict()
      .prefault({})
      .describe('The queue the worker consumes and how it treats each message.'),
    broker: z
      .object({
        external: z
          .object({
            name: dnsLabel('external broker name', 50).describe('The broker\'s name: its Service <name>.<namespace>.svc.cluster.local (a RabbitmqCluster, or the nats or valkey chart\'s release).'),
            namespace: namespaceTemplate('external broker namespace')
              .optional()
              .describe("The broker's namespace; {environment} stands for each environment's name (e.g. bookstore-{environment}); environments[].broker.namespace overrides it. Default: the worker's namespace."),
          })
          .strict()
          .optional()
          .describe(
            'Consume from a broker the worker does not run (one another part or the system holds): its repo then has no broker server objects, only the worker\'s own ' +
              'user or credentials, its egress and KEDA\'s trigger. The broker must admit the worker (its clients list) and, for NATS and Redis, hold its user.',
          ),
        clients: brokerClients('Other clients of the broker this worker runs, in every environment: their pods are admitted on the client port (not with broker.external).').default([]),
        name: dnsLabel('broker name', 50)
          .optional()
          .describe('Name of the broker\'s objects (its Service is <name>.<namespace>.svc.cluster.local). Default: <worker name>-mq, -redis or -nats.'),
        storage: z
          .object({
            size: quantity('8Gi').default('8Gi').describe('Volume per broker server (queues, streams).'),
            className: dnsLabel('StorageClass')
              .optional()
              .describe('StorageClass of the broker\'s volumes. Default: the cluster\'s default class.'),
          })
          .strict()
          .prefault({})
          .describe('The broker servers\' persistent volumes.'),
        resources: z
          .object({
            cpu: quantity('500m').default('500m').describe('CPU request and limit of each broker server (equal: Guaranteed QoS).'),
            memory: quantity('1Gi').default('1Gi').describe('Memory request and limit of each broker server.'),
          })
          .strict()
          .prefault({})
          .describe('Resources of each broker server.'),
        rabbitmq: z
          .object({
            image: pinnedImage().default('rabbitmq:4.2.6-management').describe('RabbitMQ image the Cluster Operator runs, pinned.'),
            operatorNamespace: dnsLabel('RabbitMQ operators\' namespace')
              .default('rabbitmq-system')
              .describe('Namespace of the RabbitMQ Cluster and Messaging Topology Operators, admitted to the management API (15672).'),
          })
          .strict()
          .prefault({})
          .describe('RabbitMQ (queue.kind rabbitmq): the Cluster Operator\'s RabbitmqCluster, with a User and Permission for the worker.'),
        secretStore: z
          .object({
            kind: z
              .enum(['ClusterSecretStore', 'SecretStore'], { error: 'must be ClusterSecretStore or SecretStore' })
              .default('ClusterSecretStore')
              .describe('Kind of the External Secrets store the broker passwords are read from.'),
            name: dnsLabel('secret store').default('platform-secrets').describe('Name of that store.'),
            keyPrefix: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,200}$/, { error: 'must be a key path such as shop/staging/orders-nats' })
              .optional()
              .describe('Where the passwords are in the store: <keyPrefix>/<user>, property password (users: the worker, and default for Redis). Default: <system or name>/<environment>/<broker name>.'),
          })
          .strict()
          .prefault({})
          .describe('NATS and Redis (queue.kind nats, redis): their users\' passwords come from this External Secrets store, never from Git.'),
      })
      .strict()
      .prefault({})
      .describe('The broker the worker consumes from: run in each environment\'s namespace as a backing resource, or another\'s (external).'),
    // A worker only uses a PostgreSQL (it runs no cluster, migration or backup): a system's
    // resource is held by a part whose path runs one (node-service), which admits the worker.
    postgres: z
      .object({
        external: externalPostgresSchema('worker')
          .optional()
          .describe(
            'Store each message in a PostgreSQL cluster another part of its system runs: DATABASE_URL from its operator-made Secret, the worker\'s egress to the cluster\'s pods on 5432, ' +
              'and the sample handler inserts every message (keyed by its id) before it is acknowledged. The holder must admit the worker (its postgres.clients).',
          ),
      })
      .strict()
      .prefault({})
      .describe('The PostgreSQL the worker writes to, if any.'),
    keda: z
      .object({
        namespace: dnsLabel('KEDA namespace').default('keda').describe('Namespace the KEDA operator runs in; the broker admits it to read the queue depth.'),
        podLabels: podLabels('Labels of the KEDA operator pods (the keda chart gives them app: keda-operator).').default({ app: 'keda-operator' }),
        pollingInterval: count(5, 3600).default(30).describe('Seconds between KEDA\'s reads of the queue depth.'),
        cooldownPeriod: count(0, 86400).default(300).describe('Seconds the queue must stay empty before KEDA scales a worker with scaling.min 0 to zero.'),
        lagPerReplica: count(1, 1000000)
          .default(20)
          .describe('Default queue depth each replica is sized for (environments[].scaling.lagPerReplica overrides it).'),
      })
      .strict()
      .prefault({})
      .describe('KEDA, which scales the worker on the depth of its queue (a ScaledObject on the Rollout).'),
    ...imageFragment,
    environments: environmentList(workerEnvironmentSchema),
    analysis: z
      .object({
        maxFailureRatio: ratio('Highest share of failed attempts (failed / (failed + processed)) the canary\'s own pods may show.', 0, 0.5).default(0.05),
        maxLag: count(0, 10000000)
          .default(1000)
          .describe('Most messages the queue may hold waiting while the canary runs; a canary that stops consuming lets it grow.'),
        p95DurationMs: count(1, 3600000).default(10000).describe('Highest p95 handler time per attempt on the canary\'s pods, in milliseconds.'),
        minMessages: count(1, 1000000)
          .default(50)
          .describe(
            'Attempts the canary\'s pods must have made in the 2-minute window before a measurement counts; with fewer (a canary that processed nothing) it is inconclusive, never a pass. ' +
              'At least 1/maxFailureRatio, so one failure in a small sample cannot abort the canary.',
          ),
        interval: duration('interval').default('1m').describe('How often each analysis query runs.'),
        failureLimit: count(0, 10).default(1).describe('Failed measurements tolerated before the rollout aborts.'),
        initialDelay: duration('initialDelay')
          .default('1m')
          .describe('How long the analysis waits before its first measurement, so the canary has consumed messages Prometheus has scraped.'),
        inconclusiveLimit: count(0, 10)
          .default(1)
          .describe('Measurements without enough data tolerated before the rollout pauses for a person to promote or abort it.'),
      })
      .strict()
      .prefault({})
      .describe('Canary analysis on the worker\'s own metrics, measured by Prometheus.'),
    alerts: z
      .object({
        failureRatio: ratio('Share of failed attempts over 10 minutes that pages (WorkerFailureRatioHigh).', 0.001, 1).default(0.1),
        lagMessages: count(1, 10000000).default(1000).describe('Queue depth that pages once it has lasted 15 minutes (WorkerLagHigh): the workers are not keeping up.'),
      })
      .strict()
      .prefault({})
      .describe('Alert thresholds (each environment says the severities).'),
    ...resourcesFragment,
    ...schedulingFragment,
    ...podOptionsFragment(NODE_WORKER_POD),
    ...networkFragment,
    ...monitoringFragment,
    ...deliveryFragment,
  })
  .strict();

export type NodeWorkerSpecInput = z.input<typeof nodeWorkerSpecSchema>;
export type ParsedNodeWorkerSpec = z.output<typeof nodeWorkerSpecSchema>;
export type WorkerEnvironmentInput = z.output<typeof workerEnvironmentSchema>;
export type BrokerClientInput = z.output<typeof brokerClientSchema>;
