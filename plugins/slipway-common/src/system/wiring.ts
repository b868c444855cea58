/*
 * How each kind of end takes part in a system's wiring: what Service it answers on, which pods
 * stand behind it, which pods open its outbound connections, and what it can do. Facts read
 * from the skeletons (Services and NetworkPolicies under skeletons/<id>/deploy/base) and from
 * the backing-service partials (skeletons/_backing-services/<kind>/client-*.hbs), so the
 * resolved wiring names exactly what the rendered manifests select.
 */

export type Labels = Record<string, string>;

/** The label every Slipway object and pod carries with its component's name (skeletons/_shared/labels.hbs). */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** A part's HTTP Service as other parts call it. */
export interface HttpServiceWiring {
  /** The Service port's name, which a calls edge may name. */
  portName: string;
  /** The Service port callers connect to. */
  port: number;
  /**
   * The container port behind it, which NetworkPolicies name: they see the pod's port after the
   * Service translated it. Read from the part's values (`field`) when set there, else `default`.
   */
  targetPort: { field: string; default: number };
}

/** What a golden path's part is in a system. Pure data, so an adopter's path can declare its own. */
export interface PartWiring {
  /** `app.kubernetes.io/component` of the pods its Service selects (its skeleton's selectorLabels). */
  servingComponent: string;
  /**
   * `app.kubernetes.io/component` of the pods that open its connections, or undefined for every
   * pod of the part (node-service: the server, the migration Job and the CronJobs all reach the database).
   */
  clientComponent?: string;
  /** The Service other parts call; undefined when the part serves no HTTP to them (a worker). */
  http?: HttpServiceWiring;
  /** Suffixes of every Service the skeleton creates (`''`: the part's name), each checked to fit a DNS-1035 label. */
  serviceSuffixes: readonly string[];
  /** How a calling part takes a callee's address: an environment variable with its URL, or an nginx path prefix. */
  callerConfig: 'env' | 'path-prefix';
  /** Whether the part may open connections to resources (uses, publishes): nginx only proxies HTTP. */
  connectsToResources: boolean;
  /** Whether the part consumes a queue (and how many it can). */
  consumesQueues: number;
  /** Whether what it serves is an HTTP API (a catalog API entity), rather than web pages. */
  providesApi: boolean;
  /**
   * Whether the path takes a PostgreSQL from a uses edge: postgres.external {name} for a cluster
   * another part holds (node-service, node-worker), and, where `holds` says it can hold one
   * (node-service's database: postgres), postgres.name and postgres.clients for the cluster it holds.
   */
  usesPostgres?: boolean;
  /**
   * The resources a part of this path can hold (render in its repo), by kind and by what the
   * resource is to the system (resourceRole): node-service runs a database or a cache it uses,
   * node-worker the broker it consumes from. resolveSystem refuses a heldBy naming a part whose
   * path cannot hold the resource, and defaults heldBy to a part that can.
   */
  holds?: Partial<Record<ResourceKind, readonly ResourceRole[]>>;
  /** Whether the path publishes to a broker from a publishes edge (node-service's `publishes`). */
  publishes?: boolean;
  /** Whether the path takes a Redis cache from a uses edge (node-service's `cache`). */
  usesCache?: boolean;
}

/** The built-in golden paths' wiring, by id. */
export const BUILT_IN_PART_WIRING: Readonly<Record<string, PartWiring>> = {
  // skeletons/node-service/deploy/base/services.yaml.hbs: Service <name> port http 80 → the
  // container port http (spec.port, default 8080), plus <name>-stable and <name>-canary; pods
  // selected by app.kubernetes.io/name + component server. Its database egress selects every pod
  // of the component (app.kubernetes.io/name only), so the migration Job connects too.
  'node-service': {
    servingComponent: 'server',
    http: { portName: 'http', port: 80, targetPort: { field: 'port', default: 8080 } },
    serviceSuffixes: ['', '-stable', '-canary'],
    callerConfig: 'env',
    connectsToResources: true,
    consumesQueues: 0,
    providesApi: true,
    usesPostgres: true,
    // It runs the cluster or cache it uses: deploy/base/database.yaml.hbs (postgres.name), deploy/overlays/[environment]/messaging.yaml.hbs (cache.name).
    holds: { postgres: ['store'], redis: ['store'] },
    publishes: true,
    usesCache: true,
  },
  // skeletons/node-worker/deploy/base/service.yaml.hbs: Service <name> with the metrics port
  // only, for Prometheus. Its broker client is app.kubernetes.io/name + component worker
  // (golden-path.context.ts), so its CronJobs never reach the broker.
  'node-worker': {
    servingComponent: 'worker',
    clientComponent: 'worker',
    serviceSuffixes: [''],
    callerConfig: 'env',
    connectsToResources: true,
    consumesQueues: 1,
    providesApi: false,
    // deploy/overlays/[environment]/broker.yaml.hbs renders the broker it consumes from (broker.name, broker.clients).
    holds: { rabbitmq: ['broker'], nats: ['broker'], redis: ['broker'] },
    // postgres.external only (deploy/overlays/[environment]/database.yaml.hbs: its egress, its
    // DATABASE_URL): it runs no cluster, so a PostgreSQL it uses is held by another user.
    usesPostgres: true,
  },
  // skeletons/static-frontend/deploy/base/service.yaml.hbs: Service <name> port http 80 → nginx's
  // port http (spec.port, default 8080); pods app.kubernetes.io/name + component web, which its
  // backend egress policy selects (overlays/[environment]/networkpolicy-backends.yaml.hbs).
  'static-frontend': {
    servingComponent: 'web',
    clientComponent: 'web',
    http: { portName: 'http', port: 80, targetPort: { field: 'port', default: 8080 } },
    serviceSuffixes: [''],
    callerConfig: 'path-prefix',
    connectsToResources: false,
    consumesQueues: 0,
    providesApi: false,
  },
};

export const RESOURCE_KINDS = ['postgres', 'redis', 'rabbitmq', 'nats'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/**
 * What a resource is to its system: a broker when any part publishes to it or consumes from it
 * (its catalog type message-broker), else a store its users read and write (a database, a cache).
 */
export type ResourceRole = 'store' | 'broker';

/** Whether a part of this path can hold a resource of this kind in this role. */
export function canHold(wiring: PartWiring | undefined, kind: ResourceKind, role: ResourceRole): boolean {
  return wiring?.holds?.[kind]?.includes(role) ?? false;
}

/** The edge kinds from a part to a resource. */
export type ResourceEdgeKind = 'uses' | 'publishes' | 'consumes';

/** Where a client finds a resource's credentials: always a Secret made in the cluster, never one in Git. */
export interface CredentialsWiring {
  /** Secret name; `{resource}` and `{client}` stand for the names. */
  secret: string;
  /** Whose namespace the Secret is in (a pod reads Secrets of its own namespace only). */
  in: 'resource' | 'client';
  keys: readonly string[];
  madeBy: string;
}

/** A backing resource kind: its client Service, pods and credentials (skeletons/_backing-services/README.md). */
export interface ResourceWiring {
  title: string;
  /** Suffix of the Service clients connect to (`''`: the resource's name). */
  clientServiceSuffix: string;
  /** Suffixes of the other Services its operator or chart creates that we know of. */
  otherServiceSuffixes: readonly string[];
  /** The client port: the Service's and the pods' (the same number). */
  port: number;
  scheme: string;
  /** The pods the client egress policy names, `{resource}` standing for the name. */
  podLabels: Labels;
  /** Which edges may end at it. */
  takes: readonly ResourceEdgeKind[];
  credentials: CredentialsWiring;
  /** Backstage Resource spec.type when only `uses` ends at it; a broker's is message-broker. */
  catalogType: string;
}

export const RESOURCE_WIRING: Readonly<Record<ResourceKind, ResourceWiring>> = {
  // CloudNativePG: Services <cluster>-rw, -ro, -r; instances labelled cnpg.io/cluster; the
  // operator's Secret <cluster>-app (key fqdn-uri) exists only in the Cluster's namespace.
  postgres: {
    title: 'PostgreSQL (CloudNativePG)',
    clientServiceSuffix: '-rw',
    otherServiceSuffixes: ['-ro', '-r'],
    port: 5432,
    scheme: 'postgresql',
    podLabels: { 'cnpg.io/cluster': '{resource}' },
    takes: ['uses'],
    credentials: { secret: '{resource}-app', in: 'resource', keys: ['fqdn-uri'], madeBy: 'CloudNativePG' },
    catalogType: 'database',
  },
  // Valkey chart: Service <name> (the primary) on 6379; pods app.kubernetes.io/name valkey + instance <name>.
  redis: {
    title: 'Redis (Valkey chart)',
    clientServiceSuffix: '',
    otherServiceSuffixes: [],
    port: 6379,
    scheme: 'redis',
    podLabels: { [NAME_LABEL]: 'valkey', 'app.kubernetes.io/instance': '{resource}' },
    takes: ['uses', 'publishes', 'consumes'],
    credentials: { secret: '{resource}-{client}', in: 'client', keys: ['url'], madeBy: 'External Secrets' },
    catalogType: 'cache',
  },
  // RabbitMQ Cluster Operator: Service <name> (AMQP 5672) and the headless <name>-nodes; each
  // client's user from the Messaging Topology Operator, its Secret in the client's namespace.
  rabbitmq: {
    title: 'RabbitMQ (RabbitMQ Cluster Operator)',
    clientServiceSuffix: '',
    otherServiceSuffixes: ['-nodes'],
    port: 5672,
    scheme: 'amqp',
    podLabels: { [NAME_LABEL]: '{resource}', [COMPONENT_LABEL]: 'rabbitmq' },
    takes: ['publishes', 'consumes'],
    credentials: { secret: '{resource}-{client}-user-credentials', in: 'client', keys: ['username', 'password'], madeBy: 'RabbitMQ Messaging Topology Operator' },
    catalogType: 'message-broker',
  },
  // nats chart: Service <name> on 4222; pods app.kubernetes.io/name nats + instance <name> + component nats.
  nats: {
    title: 'NATS JetStream (nats chart)',
    clientServiceSuffix: '',
    otherServiceSuffixes: [],
    port: 4222,
    scheme: 'nats',
    podLabels: { [NAME_LABEL]: 'nats', 'app.kubernetes.io/instance': '{resource}', [COMPONENT_LABEL]: 'nats' },
    takes: ['publishes', 'consumes'],
    credentials: { secret: '{resource}-{client}', in: 'client', keys: ['url'], madeBy: 'External Secrets' },
    catalogType: 'message-broker',
  },
};

/** `{resource}`/`{client}` in a wiring template, replaced by the names. */
export function fillNames(template: string, names: { resource: string; client?: string }): string {
  return template.split('{resource}').join(names.resource).split('{client}').join(names.client ?? '');
}

export function partServingLabels(wiring: PartWiring, name: string): Labels {
  return { [NAME_LABEL]: name, [COMPONENT_LABEL]: wiring.servingComponent };
}

export function partClientLabels(wiring: PartWiring, name: string): Labels {
  return wiring.clientComponent ? { [NAME_LABEL]: name, [COMPONENT_LABEL]: wiring.clientComponent } : { [NAME_LABEL]: name };
}

export function resourcePodLabels(kind: ResourceKind, name: string): Labels {
  return Object.fromEntries(Object.entries(RESOURCE_WIRING[kind].podLabels).map(([key, value]) => [key, fillNames(value, { resource: name })]));
}

/** The container port a part's HTTP Service forwards to, from its values when they set it. */
export function partTargetPort(http: HttpServiceWiring, values: Record<string, unknown>): number {
  const set = values[http.targetPort.field];
  return typeof set === 'number' && Number.isInteger(set) ? set : http.targetPort.default;
}
