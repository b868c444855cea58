import { deriveNames, type DerivedNames, type MetricsContract } from '@slipway/common';
import {
  alertsRunbookUrl,
  deployTreeContext,
  type DeployTreeContext,
  catalogEntityContext,
  componentLabelsContext,
  entityName,
  podOptionsContext,
  promotionContext,
  storeUsers,
  type CatalogEntityContext,
  type ComponentLabelsContext,
  type PodOptionsContext,
  type PromotionContext,
} from '../_shared/golden-path.context';
import type { NodeWorkerSpec, ResolvedWorkerEnvironment } from './golden-path.resolve';

/*
 * What the node-worker skeleton files see: the resolved spec, the shared labels and promotion
 * order, the metric names (read from the app's own declaration), and per environment the context
 * the backing-service partials take (skeletons/_backing-services/README.md, "Context").
 */

/** A backing-service partial's client: the worker's pods, and what they may do on the broker. */
interface BrokerClient {
  name: string;
  podLabels: Record<string, string>;
  namespace: string;
  permissions?: { configure: string; write: string; read: string } | { publish: string[]; subscribe: string[] };
  acl?: string;
}

/** The context `{{> backing/<kind>/<part> (lookup brokers environment.name)}}` renders with. */
export type BrokerContext = Record<string, unknown> & { service: { name: string }; namespace: string; clients: BrokerClient[] };

export interface NodeWorkerContext extends PromotionContext<ResolvedWorkerEnvironment>, ComponentLabelsContext, PodOptionsContext, CatalogEntityContext, DeployTreeContext {
  spec: NodeWorkerSpec;
  names: DerivedNames;
  /** The worker pods' selector (`{{> selectorLabels}}`): name and component, never changed after the first deploy. */
  selectorLabels: Record<string, string>;
  /** `{{#if queue.rabbitmq}}`: one flag per broker kind. */
  queue: { rabbitmq: boolean; redis: boolean; nats: boolean };
  metrics: WorkerMetricNames;
  /**
   * The broker's context per environment name: its name and namespace, and, for a broker the
   * worker runs, its size and its clients (the worker first, then broker.clients).
   */
  brokers: Record<string, BrokerContext>;
  /** The worker as the broker's client, per environment name. */
  brokerClients: Record<string, BrokerClient>;
  /** `{{#if externalBroker}}`: the broker is another's (broker.external); the repo renders only the worker's client side. */
  externalBroker: boolean;
  /**
   * `{{#if database}}`: the PostgreSQL cluster the worker writes to (postgres.external), which
   * another part runs in the worker's namespace; false without one. Its `environments` are the
   * context `{{> backing/postgres/client-*}}` renders with in each environment's overlay.
   */
  database: DatabaseContext | false;
  /** Values the promtool tests (deploy/tests) feed the alerts: a backlog twice the paging threshold. */
  alertTests: { backlog: number };
  /** How the catalog's Resource names each broker kind. */
  brokerTitles: Record<NodeWorkerSpec['queue']['kind'], string>;
  /** Above DRAIN_TIMEOUT_MS, so the kubelet never kills a draining worker. */
  terminationGracePeriodSeconds: number;
  alertsRunbookUrl: string;
}

/** The context `{{> backing/postgres/client-env}}` and `client-networkpolicy` render with. */
export type PostgresClientContext = Record<string, unknown> & { service: { name: string }; namespace: string; client: BrokerClient };

export interface DatabaseContext {
  /** The CloudNativePG Cluster's name: its `<cluster>-app` Secret, its pods' `cnpg.io/cluster` label. */
  cluster: string;
  environments: Record<string, PostgresClientContext>;
}

/** The names skeletons use (`metrics.*`), each looked up in the declaration so none can drift from it. */
export interface WorkerMetricNames {
  processed: string;
  failed: string;
  deadLettered: string;
  duration: string;
  inFlight: string;
  lag: string;
  deadLetterDepth: string;
  labels: { reason: string; outcome: string };
}

export function workerMetricNames(contract: MetricsContract): WorkerMetricNames {
  const declared = (name: string, label?: string): string => {
    const metric = contract.metrics.find(candidate => candidate.name === name);
    if (!metric) throw new Error(`metric ${name} is not declared in the node-worker's src/metrics.contract.json`);
    if (label && !metric.labels.includes(label)) throw new Error(`metric ${name} does not declare the label ${label}`);
    return name;
  };
  return {
    processed: declared('worker_messages_processed_total'),
    failed: declared('worker_messages_failed_total', 'reason'),
    deadLettered: declared('worker_messages_dead_lettered_total'),
    duration: declared('worker_message_duration_seconds', 'outcome'),
    inFlight: declared('worker_messages_in_flight'),
    lag: declared('worker_queue_lag_messages'),
    deadLetterDepth: declared('worker_dead_letter_messages'),
    labels: { reason: 'reason', outcome: 'outcome' },
  };
}

/**
 * What the worker may do on its broker (skeletons/node-worker README, "For the deploy side"):
 * its queue, the retry queues and dead letters named after it, nothing else.
 */
function clientAccess(spec: NodeWorkerSpec): Pick<BrokerClient, 'permissions' | 'acl'> {
  const q = spec.queue.name;
  switch (spec.queue.kind) {
    case 'rabbitmq': {
      const own = `${q}(\\.retry\\.[0-9]+|\\.dead)?`;
      return { permissions: { configure: `^${own}$`, write: `^(${own}|amq\\.default)$`, read: `^${own}$` } };
    }
    case 'nats':
      return { permissions: { publish: [spec.queue.subject, `${q}-dead`, '$JS.API.>', `$JS.ACK.${q}.>`], subscribe: ['_INBOX.>'] } };
    case 'redis':
      return { acl: `~${q} ~${q}:* +@stream +@sortedset +@transaction +@scripting +client +ping +info` };
  }
}

function brokerContext(spec: NodeWorkerSpec, env: ResolvedWorkerEnvironment, client: BrokerClient, labels: Record<string, string>): BrokerContext {
  const { broker } = spec;
  const common: BrokerContext = {
    service: { name: broker.name },
    // The broker's namespace: the worker's own, or the external broker's. The client partials
    // name it wherever the broker is (FQDN, egress namespaceSelector, rabbitmqClusterReference).
    namespace: env.broker.namespace,
    // Not rendered in this repo: client partials name its namespace explicitly (backing README).
    external: spec.broker.external !== undefined,
    // The partials set app.kubernetes.io/name themselves (a duplicate key would not parse).
    labels: Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'app.kubernetes.io/name')),
    instances: env.broker.instances,
    storage: broker.storage,
    resources: broker.resources,
    clients: [client, ...env.broker.clients],
    monitoring: { namespace: spec.monitoring.namespace, podLabels: {}, monitorLabels: spec.monitoring.ruleLabels },
    keda: { namespace: spec.keda.namespace, podLabels: spec.keda.podLabels },
  };
  if (spec.queue.kind === 'rabbitmq') {
    return { ...common, image: broker.rabbitmq.image, operator: { namespace: broker.rabbitmq.operatorNamespace, podLabels: {} } };
  }
  const owner = spec.system ? entityName(spec.system) : spec.name;
  const keyPrefix = broker.secretStore.keyPrefix ?? `${owner}/${env.name}/${broker.name}`;
  return {
    ...common,
    ...(spec.queue.kind === 'redis' ? { replicas: env.broker.instances - 1 } : {}),
    clients: storeUsers(common.clients, keyPrefix),
    application: { name: `${broker.name}-${env.name}` },
    environmentName: env.name,
    argocd: spec.argocd,
    destination: { server: env.cluster },
    dns: spec.dns,
    secretStore: { kind: broker.secretStore.kind, name: broker.secretStore.name, keyPrefix },
  };
}

/**
 * The worker as a client of the PostgreSQL another part runs: in the worker's own namespace
 * (CloudNativePG writes `<cluster>-app` only in the Cluster's), its pods the worker's alone (the
 * scheduled jobs are not admitted, as on the broker).
 */
function databaseContext(spec: NodeWorkerSpec, clients: Record<string, BrokerClient>, labels: Record<string, string>): DatabaseContext | false {
  const external = spec.postgres.external;
  if (!external) return false;
  const environments: Record<string, PostgresClientContext> = {};
  for (const env of spec.environments) {
    const { name, podLabels, namespace } = clients[env.name]!;
    environments[env.name] = {
      service: { name: external.name },
      namespace: env.namespace,
      labels: Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'app.kubernetes.io/name')),
      client: { name, podLabels, namespace },
    };
  }
  return { cluster: external.name, environments };
}

export function createNodeWorkerContext(spec: NodeWorkerSpec, contract: MetricsContract): NodeWorkerContext {
  const labels = componentLabelsContext(spec);
  const podLabels = { ...labels.labels.selector, 'app.kubernetes.io/component': 'worker' };
  const brokers: Record<string, BrokerContext> = {};
  const brokerClients: Record<string, BrokerClient> = {};
  for (const env of spec.environments) {
    const client: BrokerClient = { name: spec.name, podLabels, namespace: env.namespace, ...clientAccess(spec) };
    brokerClients[env.name] = client;
    brokers[env.name] = brokerContext(spec, env, client, labels.labels.common);
  }
  return {
    spec,
    names: deriveNames(spec.name),
    selectorLabels: podLabels,
    queue: { rabbitmq: spec.queue.kind === 'rabbitmq', redis: spec.queue.kind === 'redis', nats: spec.queue.kind === 'nats' },
    metrics: workerMetricNames(contract),
    brokers,
    brokerClients,
    externalBroker: spec.broker.external !== undefined,
    database: databaseContext(spec, brokerClients, labels.labels.common),
    alertTests: { backlog: spec.alerts.lagMessages * 2 },
    brokerTitles: { rabbitmq: 'RabbitMQ (RabbitMQ Cluster Operator)', redis: 'Redis (Valkey chart)', nats: 'NATS JetStream (nats chart)' },
    terminationGracePeriodSeconds: Math.ceil(spec.queue.drainTimeoutMs / 1000) + 10,
    alertsRunbookUrl: alertsRunbookUrl(spec.gitops),
    ...deployTreeContext(spec.gitops, spec.environments),
    // A scheduled job gets config, not the broker: it runs as a pod the broker's policies do not admit.
    ...podOptionsContext(spec),
    ...promotionContext(spec.environments),
    ...labels,
    // The broker it consumes from, its own or an external one, and the database it writes to; a worker serves no API.
    ...catalogEntityContext(spec, {
      dependsOn: [`resource:${spec.broker.name}`, ...(spec.postgres.external ? [`resource:${spec.postgres.external.name}`] : [])],
    }),
  };
}
