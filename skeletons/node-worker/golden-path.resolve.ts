import {
  buildSupplyChain,
  checkEnvironments,
  DNS1123_LABEL_MAX,
  environmentNamespaceFrom,
  resolveGitops,
  type ResolvedGitops,
  issuesFromZod,
  resolveEnvironmentBase,
  resolvePodOptions,
  type EnvironmentPodOptions,
  type GoldenPathResolution,
  type ResolvedCi,
  type ResolvedEnvironmentBase,
  type ResolvedImage,
  type SpecIssue,
} from '@slipway/common';
import { nodeWorkerSpecSchema, type BrokerClientInput, type ParsedNodeWorkerSpec, type QueueKind, type WorkerEnvironmentInput } from './golden-path.spec';

/** A worker's environment with every default applied. */
export interface ResolvedWorkerEnvironment extends ResolvedEnvironmentBase, EnvironmentPodOptions {
  scaling: {
    /** KEDA's minReplicaCount: 0 scales to zero. */
    min: number;
    max: number;
    lagPerReplica: number;
    /** What Git holds as the Rollout's replicas: KEDA owns them once it runs (Argo CD ignores the drift). */
    initialReplicas: number;
  };
  broker: {
    /** Servers of the broker the worker runs (unused with broker.external). */
    instances: number;
    /** Where the broker is in this environment: the worker's namespace, or the external broker's. */
    namespace: string;
    /** The broker's other clients here (broker.clients and this environment's), namespaces resolved. */
    clients: ResolvedBrokerClient[];
  };
}

/** Another client of the worker's broker in one environment. */
export interface ResolvedBrokerClient {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  acl?: string;
  permissions?: { publish: string[]; subscribe: string[] };
}

/** The resolved node-worker spec: every name and default decided. */
export type NodeWorkerSpec = Omit<ParsedNodeWorkerSpec, 'image' | 'environments' | 'gitops' | 'ci' | 'queue' | 'broker'> & {
  image: ResolvedImage;
  ci: ResolvedCi;
  environments: ResolvedWorkerEnvironment[];
  gitops: ResolvedGitops;
  queue: Omit<ParsedNodeWorkerSpec['queue'], 'name' | 'subject' | 'consumerGroup'> & { name: string; subject: string; consumerGroup: string };
  broker: Omit<ParsedNodeWorkerSpec['broker'], 'name'> & { name: string };
};

/** The broker's default name suffix per kind: `<worker>-mq` for RabbitMQ. */
const BROKER_SUFFIX: Record<QueueKind, string> = { rabbitmq: 'mq', redis: 'redis', nats: 'nats' };

const TIER_SCALING = {
  'pre-production': { min: 0, max: 4, instances: 1 },
  production: { min: 1, max: 10, instances: 3 },
} as const;

function resolveClient(client: BrokerClientInput, environment: string, brokerNamespace: string): ResolvedBrokerClient {
  return {
    name: client.name,
    namespace: client.namespace === undefined ? brokerNamespace : environmentNamespaceFrom(client.namespace, environment),
    podLabels: client.podLabels ?? { 'app.kubernetes.io/name': client.name },
    ...(client.acl === undefined ? {} : { acl: client.acl }),
    ...(client.permissions === undefined ? {} : { permissions: client.permissions }),
  };
}

/** The broker's namespace in one environment: the worker's own, unless it is external and says otherwise. */
function brokerNamespace(input: ParsedNodeWorkerSpec, env: WorkerEnvironmentInput, workerNamespace: string): string {
  const external = input.broker.external;
  if (!external) return workerNamespace;
  if (env.broker?.namespace) return env.broker.namespace;
  return external.namespace === undefined ? workerNamespace : environmentNamespaceFrom(external.namespace, env.name);
}

function resolveEnvironment(input: ParsedNodeWorkerSpec, env: WorkerEnvironmentInput, index: number, podOptions: EnvironmentPodOptions): ResolvedWorkerEnvironment {
  const base = resolveEnvironmentBase(input.name, env, index, input.environments);
  const namespace = brokerNamespace(input, env, base.namespace);
  const tier = TIER_SCALING[base.tier];
  const min = env.scaling?.min ?? tier.min;
  return {
    ...base,
    ...podOptions,
    scaling: {
      min,
      max: env.scaling?.max ?? Math.max(tier.max, min, 1),
      lagPerReplica: env.scaling?.lagPerReplica ?? input.keda.lagPerReplica,
      // A first sync starts one replica, or none where KEDA may scale to zero; KEDA takes over from there.
      initialReplicas: min,
    },
    broker: {
      instances: env.broker?.instances ?? tier.instances,
      namespace,
      clients: [...input.broker.clients, ...(env.broker?.clients ?? [])].map(client => resolveClient(client, env.name, namespace)),
    },
  };
}

function crossFieldIssues(spec: NodeWorkerSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { maxFailureRatio, minMessages } = spec.analysis;
  if (maxFailureRatio > 0) {
    const needed = Math.ceil(1 / maxFailureRatio - 1e-9);
    if (minMessages < needed) {
      issues.push({
        path: 'analysis.minMessages',
        message: `must be at least ${needed} with maxFailureRatio ${maxFailureRatio}: with ${minMessages} attempts a single failure would abort the canary`,
      });
    }
  }
  if (spec.queue.retry.maxMs < spec.queue.retry.baseMs) {
    issues.push({ path: 'queue.retry.maxMs', message: `must not be below queue.retry.baseMs (${spec.queue.retry.baseMs})` });
  }
  if (spec.queue.kind !== 'nats' && spec.queue.subject !== spec.queue.name) {
    issues.push({ path: 'queue.subject', message: `applies to queue.kind nats only; leave it out for ${spec.queue.kind}` });
  }
  if (spec.queue.kind === 'nats' && subjectMatches(spec.queue.subject, `${spec.queue.name}-dead`)) {
    issues.push({ path: 'queue.subject', message: `must not capture the dead-letter subject ${spec.queue.name}-dead` });
  }
  return issues;
}

/** broker.external takes none of the fields of a broker the worker runs, and the other way round. */
function externalBrokerIssues(input: ParsedNodeWorkerSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const external = input.broker.external !== undefined;
  const runsNoClients = 'applies to a broker the worker runs; an external broker admits its clients where it is rendered';
  if (external && input.broker.name !== undefined) {
    issues.push({ path: 'broker.name', message: 'must be left out with broker.external: broker.external.name names the broker' });
  }
  if (external && input.broker.clients.length > 0) issues.push({ path: 'broker.clients', message: runsNoClients });
  input.environments.forEach((env, index) => {
    const at = `environments[${index}].broker`;
    if (external && env.broker?.instances !== undefined) issues.push({ path: `${at}.instances`, message: 'must be left out with broker.external: the worker runs no broker servers' });
    if (external && env.broker?.clients !== undefined) issues.push({ path: `${at}.clients`, message: runsNoClients });
    if (!external && env.broker?.namespace !== undefined) {
      issues.push({ path: `${at}.namespace`, message: 'applies to broker.external only: the broker the worker runs is in its own namespace' });
    }
  });
  return issues;
}

/** What an other client of the worker's broker must say for its kind: a user's rules on NATS and Redis; on RabbitMQ its Permission is in its own repo. */
function clientAccessIssue(kind: QueueKind, client: BrokerClientInput): string | undefined {
  if (kind === 'redis' && client.acl === undefined) return 'needs acl: every Redis client is an ACL user of its own';
  if (kind === 'nats' && client.permissions === undefined) return 'needs permissions: every NATS client is a user with its own subjects';
  if (kind !== 'redis' && client.acl !== undefined) return 'acl applies to queue.kind redis only';
  if (kind !== 'nats' && client.permissions !== undefined) {
    return `permissions applies to queue.kind nats only${kind === 'rabbitmq' ? ": a RabbitMQ client's Permission is in its own repo" : ''}`;
  }
  return undefined;
}

/** The broker's other clients: what their kind needs, a namespace that fits, and one user per name in each environment. */
function brokerClientIssues(input: ParsedNodeWorkerSpec, spec: NodeWorkerSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const kind = spec.queue.kind;
  const lists: Array<[string, BrokerClientInput[]]> = [
    ['broker.clients', input.broker.clients],
    ...input.environments.map((env, index): [string, BrokerClientInput[]] => [`environments[${index}].broker.clients`, env.broker?.clients ?? []]),
  ];
  for (const [at, clients] of lists) {
    clients.forEach((client, index) => {
      const message = clientAccessIssue(kind, client);
      if (message) issues.push({ path: `${at}[${index}]`, message });
    });
  }
  // One user per name (the store key <keyPrefix>/<name>, the ACL or NATS user, the policy's rule); Redis's administrator is default.
  spec.environments.forEach((env, index) => {
    const at = `environments[${index}].broker.clients`;
    const names = new Set<string>([spec.name, ...(kind === 'redis' ? ['default'] : [])]);
    for (const client of env.broker.clients) {
      if (client.namespace.length > DNS1123_LABEL_MAX) {
        issues.push({ path: at, message: `gives ${client.name} the namespace ${client.namespace} in ${env.name}, longer than ${DNS1123_LABEL_MAX} characters` });
      }
      if (names.has(client.name)) {
        issues.push({ path: at, message: `names ${client.name} twice in ${env.name} (the worker${kind === 'redis' ? ', default' : ''} and each client are one user each)` });
      }
      names.add(client.name);
    }
  });
  return issues;
}

/** True when a NATS subject filter (with `*` and `>`) matches a literal subject (as the app's src/config.ts checks). */
function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** Checks raw values and applies every default. Never throws. */
export function resolveNodeWorkerSpec(values: unknown): GoldenPathResolution<NodeWorkerSpec> {
  const parsed = nodeWorkerSpecSchema.safeParse(values);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, values) };
  const input = parsed.data;
  const supplyChain = buildSupplyChain(input);
  const podOptions = resolvePodOptions(input);
  const environments = input.environments.map((env, index) => resolveEnvironment(input, env, index, podOptions.perEnvironment[index]));
  const queueName = input.queue.name ?? input.name;
  const spec: NodeWorkerSpec = {
    ...input,
    image: supplyChain.image,
    ci: supplyChain.ci,
    environments,
    gitops: resolveGitops(input.name, input.gitops),
    queue: { ...input.queue, name: queueName, subject: input.queue.subject ?? queueName, consumerGroup: input.queue.consumerGroup ?? input.name },
    broker: { ...input.broker, name: input.broker.external?.name ?? input.broker.name ?? `${input.name}-${BROKER_SUFFIX[input.queue.kind]}` },
  };
  const environmentIssues = checkEnvironments(environments, {
    fields(env, at) {
      const out: SpecIssue[] = [];
      if (env.scaling.min > env.scaling.max) out.push({ path: `${at}.scaling.min`, message: `must not exceed scaling.max (${env.scaling.max})` });
      if (env.broker.instances > 1 && env.broker.instances % 2 === 0) {
        out.push({ path: `${at}.broker.instances`, message: 'must be 1 or odd: a quorum of an even number of servers survives no more failures than one fewer' });
      }
      return out;
    },
  });
  const issues = [...supplyChain.issues, ...environmentIssues, ...podOptions.issues, ...crossFieldIssues(spec), ...externalBrokerIssues(input), ...brokerClientIssues(input, spec)];
  return issues.length ? { ok: false, issues } : { ok: true, spec };
}
