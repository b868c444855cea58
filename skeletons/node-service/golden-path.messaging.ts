import { cacheAccess, environmentNamespaceFrom, publisherAccess, type ClientAccess, type PublishKind, type ServiceSpec } from '@slipway/common';
import { chartBackingContext, storeUsers } from '../_shared/golden-path.context';

/*
 * What node-service's messaging files see (deploy/overlays/[environment]/messaging.yaml.hbs,
 * rollout-env.yaml.hbs, deploy/argocd/[environment]-cache.yaml.hbs): per environment, the
 * context the backing-service partials take (skeletons/_backing-services/README.md, "Context")
 * for the broker it publishes to and the Valkey it caches in, with the service as their client.
 */

/** The service as a backing service's client: its pods (every pod of the component: the server and its jobs) and its access. */
export type MessagingClient = { name: string; namespace: string; podLabels: Record<string, string> } & Partial<ClientAccess>;

/** One backing service as its partials take it, with this service as `client`. */
export type BackingContext = Record<string, unknown> & { service: { name: string }; namespace: string; client: MessagingClient; clients: MessagingClient[] };

export interface MessagingContext {
  /** `{{#if publishes}}`: the kind published to, one flag each, or false. */
  publishes: { kind: PublishKind; rabbitmq: boolean; redis: boolean; nats: boolean; queue: string; subject: string } | false;
  /** `{{#if cache}}`: the cache's name, and whether the repo runs it (cache.name) or another part does (cache.external). */
  cache: { name: string; own: boolean; ttlSeconds: number } | false;
  /** Either: the overlay lists messaging.yaml and patches the container's env. */
  messaging: boolean;
  /** The service has a Redis client (package.json's redis): it publishes to Redis or caches in one. */
  redis: boolean;
  /**
   * Per environment, in promotion order: the broker published to and the cache, as the partials
   * take them. A list an `[environment]` file picks its entry from by name
   * (`{{#each messagingEnvironments}}{{#if (eq name @root.environment.name)}}`): a map would need
   * `lookup`, which fetch:template's Nunjucks has no translation for (bench/handlebarsToNunjucks.js).
   */
  messagingEnvironments: Array<{ name: string; broker?: BackingContext; cache?: BackingContext }>;
}

type Environment = ServiceSpec['environments'][number];

function common(spec: ServiceSpec, labels: Record<string, string>, name: string, namespace: string, external: boolean, client: MessagingClient, clients: MessagingClient[]) {
  return {
    service: { name },
    namespace,
    external,
    // The partials set app.kubernetes.io/name themselves (a duplicate key would not parse).
    labels: Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'app.kubernetes.io/name')),
    client,
    clients,
    monitoring: { namespace: spec.monitoring.namespace, podLabels: {}, monitorLabels: spec.monitoring.ruleLabels },
  };
}

function brokerContext(spec: ServiceSpec, env: Environment, labels: Record<string, string>, self: { name: string; namespace: string; podLabels: Record<string, string> }): BackingContext | undefined {
  const { publishes } = spec;
  if (!publishes) return undefined;
  const namespace = publishes.external.namespace ? environmentNamespaceFrom(publishes.external.namespace, env.name) : env.namespace;
  const client: MessagingClient = { ...self, ...publisherAccess(publishes.kind, publishes.queue, publishes.subject) };
  const base = common(spec, labels, publishes.external.name, namespace, true, client, [client]);
  // RabbitMQ users come from the Messaging Topology Operator; NATS's from the platform's store.
  if (publishes.kind === 'rabbitmq') return base;
  return { ...base, ...chartBackingContext(spec, env, publishes.external.name, { ...spec.secretStore, keyPrefix: publishes.keyPrefix }) };
}

function cacheContext(spec: ServiceSpec, env: Environment, labels: Record<string, string>, self: { name: string; namespace: string; podLabels: Record<string, string> }): BackingContext | undefined {
  const { cache } = spec;
  if (!cache) return undefined;
  const name = cache.external?.name ?? cache.name ?? `${spec.name}-cache`;
  const namespace = cache.external?.namespace ? environmentNamespaceFrom(cache.external.namespace, env.name) : env.namespace;
  const chart = chartBackingContext(spec, env, name, { ...spec.secretStore, keyPrefix: cache.keyPrefix });
  const client: MessagingClient = { ...self, ...cacheAccess(spec.name) };
  const others: MessagingClient[] = cache.clients.map(other => ({
    name: other.name,
    namespace: other.namespace ? environmentNamespaceFrom(other.namespace, env.name) : env.namespace,
    podLabels: other.podLabels ?? { 'app.kubernetes.io/name': other.name },
    ...cacheAccess(other.name),
  }));
  const instances = cache.instances ?? (env.isLast ? 3 : 1);
  return {
    ...common(spec, labels, name, namespace, cache.external !== undefined, client, storeUsers([client, ...others], chart.secretStore.keyPrefix)),
    ...chart,
    instances,
    // Valkey's chart counts the replicas that follow the primary (Handlebars has no arithmetic).
    replicas: instances - 1,
    storage: cache.storage,
    resources: cache.resources,
  };
}

export function createMessagingContext(spec: ServiceSpec, labels: Record<string, string>): MessagingContext {
  const messagingEnvironments = spec.environments.map(env => {
    // The service's pods as a client: all of them (server, migration Job, CronJobs), as its database egress selects (system/wiring.ts).
    const self = { name: spec.name, namespace: env.namespace, podLabels: { 'app.kubernetes.io/name': spec.name } };
    return { name: env.name, broker: brokerContext(spec, env, labels, self), cache: cacheContext(spec, env, labels, self) };
  });
  const { publishes, cache } = spec;
  return {
    publishes: publishes
      ? { kind: publishes.kind, rabbitmq: publishes.kind === 'rabbitmq', redis: publishes.kind === 'redis', nats: publishes.kind === 'nats', queue: publishes.queue, subject: publishes.subject ?? publishes.queue }
      : false,
    cache: cache ? { name: cache.external?.name ?? cache.name ?? `${spec.name}-cache`, own: cache.external === undefined, ttlSeconds: cache.ttlSeconds } : false,
    messaging: publishes !== undefined || cache !== undefined,
    redis: publishes?.kind === 'redis' || cache !== undefined,
    messagingEnvironments,
  };
}
