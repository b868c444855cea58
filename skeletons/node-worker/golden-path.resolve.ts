import {
  buildSupplyChain,
  checkEnvironments,
  githubProjectSlug,
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
import { nodeWorkerSpecSchema, type ParsedNodeWorkerSpec, type QueueKind, type WorkerEnvironmentInput } from './golden-path.spec';

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
  broker: { instances: number };
}

/** The resolved node-worker spec: every name and default decided. */
export type NodeWorkerSpec = Omit<ParsedNodeWorkerSpec, 'image' | 'environments' | 'gitops' | 'ci' | 'queue' | 'broker'> & {
  image: ResolvedImage;
  ci: ResolvedCi;
  environments: ResolvedWorkerEnvironment[];
  gitops: { repoUrl: string; branch: string; projectSlug?: string };
  queue: Omit<ParsedNodeWorkerSpec['queue'], 'name' | 'subject' | 'consumerGroup'> & { name: string; subject: string; consumerGroup: string };
  broker: Omit<ParsedNodeWorkerSpec['broker'], 'name'> & { name: string };
};

/** The broker's default name suffix per kind: `<worker>-mq` for RabbitMQ. */
const BROKER_SUFFIX: Record<QueueKind, string> = { rabbitmq: 'mq', redis: 'redis', nats: 'nats' };

const TIER_SCALING = {
  'pre-production': { min: 0, max: 4, instances: 1 },
  production: { min: 1, max: 10, instances: 3 },
} as const;

function resolveEnvironment(input: ParsedNodeWorkerSpec, env: WorkerEnvironmentInput, index: number, podOptions: EnvironmentPodOptions): ResolvedWorkerEnvironment {
  const base = resolveEnvironmentBase(input.name, env, index, input.environments);
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
    broker: { instances: env.broker?.instances ?? tier.instances },
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
  const repoUrl = input.gitops.repoUrl ?? `https://github.com/example-org/${input.name}.git`;
  const podOptions = resolvePodOptions(input);
  const environments = input.environments.map((env, index) => resolveEnvironment(input, env, index, podOptions.perEnvironment[index]));
  const queueName = input.queue.name ?? input.name;
  const spec: NodeWorkerSpec = {
    ...input,
    image: supplyChain.image,
    ci: supplyChain.ci,
    environments,
    gitops: { repoUrl, branch: input.gitops.branch, projectSlug: githubProjectSlug(repoUrl) },
    queue: { ...input.queue, name: queueName, subject: input.queue.subject ?? queueName, consumerGroup: input.queue.consumerGroup ?? input.name },
    broker: { ...input.broker, name: input.broker.name ?? `${input.name}-${BROKER_SUFFIX[input.queue.kind]}` },
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
  const issues = [...supplyChain.issues, ...environmentIssues, ...podOptions.issues, ...crossFieldIssues(spec)];
  return issues.length ? { ok: false, issues } : { ok: true, spec };
}
