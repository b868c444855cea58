import { environmentObjectName } from './names';
import { environmentTls, environmentTlsIssues, type EnvironmentTls } from './resolveTls';
import { ALERT_SEVERITIES, type AlertSeverity, type CanaryStep, type EnvironmentInput, type EnvironmentPeers, type PeerRule } from './spec';

/**
 * Environments are data: an ordered list (promotion order) whose LAST entry is the
 * production tier. Defaults follow the tier, never the name, so `dev → staging →
 * production` and `staging → live` resolve alike.
 */

/** The production tier is the last environment; every earlier one is pre-production. */
export type EnvironmentTier = 'production' | 'pre-production';

/** What every golden path's resolved environment has: its place in the promotion order, where it runs, its canary and alert tiers. */
export interface ResolvedEnvironmentBase {
  name: string;
  /** Position in the promotion order, from 0. */
  index: number;
  /** Deployed on every push to the branch. */
  isFirst: boolean;
  /** The production tier: the last environment. */
  isLast: boolean;
  tier: EnvironmentTier;
  /** The environment promoted before this one, or undefined for the first. */
  previous: string | undefined;
  /** The environment promoted after this one, or undefined for the last. */
  next: string | undefined;
  namespace: string;
  /** The environment's Argo CD Application (`<name>-<environment>`). */
  application: string;
  cluster: string;
  canarySteps: CanaryStep[];
  alerts: { pageSeverity: AlertSeverity; ticketSeverity: AlertSeverity };
  /** The PriorityClass the environment's pods run at, or undefined for the cluster's default. */
  priorityClassName: string | undefined;
  /** The system peers this environment's NetworkPolicies admit (spec peersFields); [] in a direction the path does not take. */
  peers: EnvironmentPeers;
}

/** An environment with a public host (node-service, static-frontend): the base plus its replicas, HPA bounds, host and the host's TLS. */
export interface ResolvedEnvironment extends ResolvedEnvironmentBase {
  replicas: number;
  autoscaling: { min: number; max: number; targetCpuPercent: number };
  host: string;
  tls: EnvironmentTls;
}

/** The fields every golden path's environment entry has (its own fields come on top). */
export interface EnvironmentBaseInput {
  name: string;
  namespace?: string;
  cluster?: string;
  canary?: { steps?: CanaryStep[] };
  alerts?: { pageSeverity?: AlertSeverity; ticketSeverity?: AlertSeverity };
  priorityClassName?: string;
  peers?: { ingress?: PeerRule[]; egress?: PeerRule[] };
}

interface TierDefaults {
  replicas: number;
  maxReplicas: number;
  host: (service: string, environment: string) => string;
  canarySteps: CanaryStep[];
  pageSeverity: AlertSeverity;
  ticketSeverity: AlertSeverity;
}

const TIER_DEFAULTS: Record<EnvironmentTier, TierDefaults> = {
  'pre-production': {
    replicas: 2,
    maxReplicas: 4,
    host: (service, environment) => `${service}.${environment}.example.com`,
    // 4 minutes in all: with the default analysis (first measurement after 1m, one every 1m,
    // abort on the second failure) a failing canary is aborted at 2m, half-way to promotion.
    canarySteps: [
      { weight: 25, pause: '2m' },
      { weight: 50, pause: '2m' },
    ],
    // Nobody is paged for an environment before production.
    pageSeverity: 'warning',
    ticketSeverity: 'info',
  },
  production: {
    replicas: 3,
    maxReplicas: 10,
    host: service => `${service}.example.com`,
    canarySteps: [
      { weight: 10, pause: '2m' },
      { weight: 25, pause: '5m' },
      { weight: 50, pause: '5m' },
      { weight: 75, pause: '5m' },
    ],
    pageSeverity: 'critical',
    ticketSeverity: 'warning',
  },
};

const DEFAULT_CLUSTER = 'https://kubernetes.default.svc';
const DEFAULT_TARGET_CPU_PERCENT = 70;

/** One problem with a spec: the field's path and the rule it broke (the shape resolve.ts reports). */
export interface EnvironmentIssue {
  path: string;
  message: string;
}

/** The tier of the environment at `index` of `count`: the last is the production tier. */
export function environmentTier(index: number, count: number): EnvironmentTier {
  return index === count - 1 ? 'production' : 'pre-production';
}

/** An environment's peers with every direction present, [] for one the path does not take. */
function resolvePeers(input: EnvironmentBaseInput['peers']): EnvironmentPeers {
  const ingress = input?.ingress ?? [];
  const egress = input?.egress ?? [];
  return { ingress, egress, any: ingress.length + egress.length > 0 };
}

/** The shared half of one environment: its place in the order, namespace, Application, cluster, canary steps and alert tiers. */
export function resolveEnvironmentBase(service: string, input: EnvironmentBaseInput, index: number, all: readonly { name: string }[]): ResolvedEnvironmentBase {
  const isLast = index === all.length - 1;
  const tier = environmentTier(index, all.length);
  const defaults = TIER_DEFAULTS[tier];
  return {
    name: input.name,
    index,
    isFirst: index === 0,
    isLast,
    tier,
    previous: index > 0 ? all[index - 1].name : undefined,
    next: isLast ? undefined : all[index + 1].name,
    namespace: input.namespace ?? environmentObjectName(service, input.name),
    application: environmentObjectName(service, input.name),
    cluster: input.cluster ?? DEFAULT_CLUSTER,
    canarySteps: input.canary?.steps ?? defaults.canarySteps,
    alerts: {
      pageSeverity: input.alerts?.pageSeverity ?? defaults.pageSeverity,
      ticketSeverity: input.alerts?.ticketSeverity ?? defaults.ticketSeverity,
    },
    // No default: a PriorityClass is the cluster's to define, and naming one it lacks fails every pod.
    priorityClassName: input.priorityClassName,
    peers: resolvePeers(input.peers),
  };
}

/** An environment entry with a public host; its peers in the directions its path takes (a frontend's are ingress only). */
type HostedEnvironmentInput = Omit<EnvironmentInput, 'peers'> & Pick<EnvironmentBaseInput, 'peers'>;

function resolveOne(service: string, input: HostedEnvironmentInput, index: number, all: readonly HostedEnvironmentInput[]): ResolvedEnvironment {
  const base = resolveEnvironmentBase(service, input, index, all);
  const defaults = TIER_DEFAULTS[base.tier];
  const replicas = input.replicas ?? input.autoscaling?.min ?? defaults.replicas;
  const min = input.autoscaling?.min ?? replicas;
  // Key order as before the split (the resolved spec is compared and serialised in tests).
  return {
    name: base.name,
    index: base.index,
    isFirst: base.isFirst,
    isLast: base.isLast,
    tier: base.tier,
    previous: base.previous,
    next: base.next,
    namespace: base.namespace,
    application: base.application,
    replicas,
    autoscaling: {
      min,
      max: input.autoscaling?.max ?? Math.max(defaults.maxReplicas, min),
      targetCpuPercent: input.autoscaling?.targetCpuPercent ?? DEFAULT_TARGET_CPU_PERCENT,
    },
    host: input.host ?? defaults.host(service, input.name),
    cluster: base.cluster,
    canarySteps: base.canarySteps,
    alerts: base.alerts,
    priorityClassName: base.priorityClassName,
    tls: environmentTls(base.application),
    peers: base.peers,
  };
}

/** `environments[1] (production)`: how an error names another environment. */
const label = (env: ResolvedEnvironmentBase) => `environments[${env.index}] (${env.name})`;

/** A golden path's own rules on its environments, run inside the shared ones so issues keep one order per environment. */
export interface EnvironmentRules<E extends ResolvedEnvironmentBase> {
  /** Rules on one environment's own fields, reported first; `at` is `environments[<index>]`. */
  fields?(env: E, at: string): EnvironmentIssue[];
  /** Clashes with earlier environments (after the shared name and namespace clashes). */
  clashes?(env: E, earlier: readonly E[], at: string): EnvironmentIssue[];
}

/**
 * Rules across one environment's fields and across environments, checked after defaults are
 * known: the shared ones (alert tiers in order, unique names, one namespace per cluster) and the path's own.
 */
export function checkEnvironments<E extends ResolvedEnvironmentBase>(environments: readonly E[], rules: EnvironmentRules<E> = {}): EnvironmentIssue[] {
  const issues: EnvironmentIssue[] = [];
  const rank = (severity: AlertSeverity) => ALERT_SEVERITIES.indexOf(severity);
  for (const env of environments) {
    const at = `environments[${env.index}]`;
    issues.push(...(rules.fields?.(env, at) ?? []));
    if (rank(env.alerts.ticketSeverity) < rank(env.alerts.pageSeverity)) {
      issues.push({
        path: `${at}.alerts.ticketSeverity`,
        message: `must not be more severe than pageSeverity (${env.alerts.pageSeverity}): the slow-burn ticket would outrank the page`,
      });
    }
    // Each clash is reported once, on the later environment, naming the earlier one.
    const earlier = environments.slice(0, env.index);
    const sameName = earlier.find(other => other.name === env.name);
    if (sameName) {
      issues.push({
        path: `${at}.name`,
        message: `must differ from the name of ${label(sameName)}: one overlay, Application and GitHub environment per name`,
      });
      continue;
    }
    const sameNamespace = earlier.find(other => other.cluster === env.cluster && other.namespace === env.namespace);
    if (sameNamespace) {
      issues.push({
        path: `${at}.namespace`,
        message: `must differ from the namespace of ${label(sameNamespace)} when both run on the same cluster (${env.cluster})`,
      });
    }
    issues.push(...(rules.clashes?.(env, earlier, at) ?? []));
  }
  return issues;
}

/** The rules of an environment with a public host: replicas within the HPA bounds, a certificate name that fits, one host per environment. */
const SERVICE_ENVIRONMENT_RULES: EnvironmentRules<ResolvedEnvironment> = {
  fields(env, at) {
    const issues: EnvironmentIssue[] = [];
    if (env.autoscaling.min > env.autoscaling.max) {
      issues.push({ path: `${at}.autoscaling.min`, message: `must not exceed autoscaling.max (${env.autoscaling.max})` });
    }
    if (env.replicas < env.autoscaling.min || env.replicas > env.autoscaling.max) {
      issues.push({
        path: `${at}.replicas`,
        message: `must lie within autoscaling min..max (${env.autoscaling.min}..${env.autoscaling.max})`,
      });
    }
    issues.push(...environmentTlsIssues(env.tls, at));
    return issues;
  },
  clashes(env, earlier, at) {
    const sameHost = earlier.find(other => other.host === env.host);
    return sameHost ? [{ path: `${at}.host`, message: `must differ from the host of ${label(sameHost)}` }] : [];
  },
};

/** The environments in promotion order with every default applied, and what is wrong across them. */
export function resolveEnvironments(
  service: string,
  inputs: HostedEnvironmentInput[],
): { environments: ResolvedEnvironment[]; issues: EnvironmentIssue[] } {
  const environments = inputs.map((input, index) => resolveOne(service, input, index, inputs));
  return { environments, issues: checkEnvironments(environments, SERVICE_ENVIRONMENT_RULES) };
}

/** The production tier: the last environment. */
export function productionEnvironment<E extends ResolvedEnvironmentBase>(environments: readonly E[]): E {
  const last = environments[environments.length - 1];
  if (!last) throw new Error('a resolved spec has at least one environment');
  return last;
}
