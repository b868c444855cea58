import { z } from 'zod';
import { DerivedNames, deriveNames } from './names';
import { ParsedServiceSpec, serviceSpecSchema } from './spec';
import { resolvePodOptions, type EnvironmentPodOptions } from './resolvePodOptions';
import { resolveEnvironments, type ResolvedEnvironment } from './resolveEnvironments';
import { buildSupplyChain, type ResolvedCi, type ResolvedImage } from './resolveSupplyChain';
import { ENVOY_GATEWAY, ENVOY_GATEWAY_CLASS } from './gatewayDataPlanes';

/** One problem with a spec: the field's dotted path and the rule it broke. */
export interface SpecIssue {
  path: string;
  message: string;
}

/** Thrown for invalid input; its message lists every field and rule, one per line. */
export class SpecValidationError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(`Invalid service spec:\n${issues.map(i => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'SpecValidationError';
    this.issues = issues;
  }
}

/** The fully resolved spec every renderer and check works from: no optional fields left. */
export type ServiceSpec = Omit<ParsedServiceSpec, 'image' | 'environments' | 'gitops' | 'ci'> & {
  image: ResolvedImage;
  ci: ResolvedCi;
  /** In promotion order; the last is the production tier. */
  environments: Array<ResolvedEnvironment & EnvironmentPodOptions>;
  gitops: ResolvedGitops;
  names: DerivedNames;
};

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(spec)';
}

function valueAt(values: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = values;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** A zod error as spec issues: `path: rule`, with unknown keys and missing fields said as such. */
export function issuesFromZod(error: z.ZodError, values: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: 'is not a known field' });
      }
    } else if (issue.code === 'invalid_key') {
      // A record key broke its rule (an env name, a file name, a label key): zod says only
      // "Invalid key in record" and keeps the key's own rule messages inside.
      for (const keyIssue of issue.issues) issues.push({ path: formatPath(issue.path), message: keyIssue.message });
    } else if (issue.code === 'invalid_type' && valueAt(values, issue.path) === undefined) {
      issues.push({ path: formatPath(issue.path), message: 'is required' });
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}

/** `owner/repo` of a github.com repository URL, or undefined for any other host. */
export function githubProjectSlug(repoUrl: string): string | undefined {
  const match = /^(?:https:\/\/github\.com\/|git@github\.com:)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/.exec(repoUrl);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Where a repo lives and where its manifests do (its own deploy/, or a system's config repo), as every golden path resolves it. */
export interface ResolvedGitops {
  repoUrl: string;
  branch: string;
  /** owner/repo when the repo is on github.com */
  projectSlug?: string;
  /** The config repo folder holding the manifests (a system's config-repo layout); undefined: deploy/ of this repo. */
  manifests?: { repoUrl: string; branch: string; path: string };
}

export function resolveGitops(name: string, gitops: { repoUrl?: string; branch: string; manifests?: ResolvedGitops['manifests'] }): ResolvedGitops {
  const repoUrl = gitops.repoUrl ?? `https://github.com/example-org/${name}.git`;
  return { repoUrl, branch: gitops.branch, projectSlug: githubProjectSlug(repoUrl), ...(gitops.manifests ? { manifests: gitops.manifests } : {}) };
}

/** Rules that span fields, checked after defaults are known. */
function crossFieldIssues(spec: ServiceSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  // One 5xx in the smallest sample that counts must not fail the canary on its own:
  // 1 - 1/minRequests >= successRate. (successRate 1 asks for no 5xx at all, so any one fails.)
  const { successRate, minRequests } = spec.analysis;
  if (successRate < 1) {
    const needed = Math.ceil(1 / (1 - successRate) - 1e-9);
    if (minRequests < needed) {
      issues.push({
        path: 'analysis.minRequests',
        message: `must be at least ${needed} with successRate ${successRate}: with ${minRequests} requests a single 5xx would abort the canary`,
      });
    }
  }
  if (spec.port === spec.metricsPort) {
    issues.push({ path: 'metricsPort', message: 'must differ from port, so /metrics is never routed by the gateway' });
  }
  return issues;
}

export type SpecResult = { ok: true; spec: ServiceSpec } | { ok: false; issues: SpecIssue[] };

/** The cluster the service connects to: the external one, the one it runs under postgres.name, else the derived `<name>-db`. */
function databaseClusterName(input: ParsedServiceSpec): Partial<DerivedNames> {
  const name = input.postgres.external?.name ?? input.postgres.name;
  return name === undefined ? {} : { databaseCluster: name };
}

/** postgres.external takes none of the fields of a cluster the service runs; none of them applies without database: postgres. */
function databaseIssues(input: ParsedServiceSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { external, name, clients, backup } = input.postgres;
  if (input.database !== 'postgres') {
    for (const [field, set] of [['external', external !== undefined], ['name', name !== undefined], ['clients', clients.length > 0]] as const) {
      if (set) issues.push({ path: `postgres.${field}`, message: 'applies to database: postgres only' });
    }
    return issues;
  }
  // One rule per client; the service itself is always admitted.
  const seen = new Set<string>([input.name]);
  clients.forEach((client, index) => {
    if (seen.has(client.name)) issues.push({ path: `postgres.clients[${index}].name`, message: `names ${client.name} twice (the service and each client once)` });
    seen.add(client.name);
  });
  if (external === undefined) return issues;
  const runsNone = 'must be left out with postgres.external: the service runs no cluster';
  if (name !== undefined) issues.push({ path: 'postgres.name', message: `${runsNone} (postgres.external.name names it)` });
  if (clients.length > 0) issues.push({ path: 'postgres.clients', message: `${runsNone}; the cluster's holder admits its clients` });
  if (backup.destinationPath !== undefined) issues.push({ path: 'postgres.backup.destinationPath', message: `${runsNone}; its holder backs it up` });
  return issues;
}

/** A subject is NATS's only; a cache the service runs takes its own settings, an external one none of them. */
function messagingIssues(input: ParsedServiceSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const { publishes, cache } = input;
  if (publishes?.subject !== undefined && publishes.kind !== 'nats') {
    issues.push({ path: 'publishes.subject', message: `is for nats only: a ${publishes.kind} queue has no subject` });
  }
  if (publishes?.keyPrefix !== undefined && publishes.kind === 'rabbitmq') {
    issues.push({ path: 'publishes.keyPrefix', message: "is for redis and nats only: the RabbitMQ Messaging Topology Operator makes the service's credentials" });
  }
  if (!cache) return issues;
  const seen = new Set<string>([input.name]);
  cache.clients.forEach((client, index) => {
    if (seen.has(client.name)) issues.push({ path: `cache.clients[${index}].name`, message: `names ${client.name} twice (the service and each client once)` });
    seen.add(client.name);
  });
  if (cache.external === undefined) return issues;
  const runsNone = 'must be left out with cache.external: the service runs no Valkey';
  if (cache.name !== undefined) issues.push({ path: 'cache.name', message: `${runsNone} (cache.external.name names it)` });
  if (cache.clients.length > 0) issues.push({ path: 'cache.clients', message: `${runsNone}; the cache's holder admits its clients` });
  if (cache.instances !== undefined) issues.push({ path: 'cache.instances', message: `${runsNone}; its holder sizes it` });
  return issues;
}

/**
 * Where the gateway's proxy pods run when the spec does not say. Envoy Gateway, in its
 * default (Controller Namespace) mode, "creates all data plane resources in the controller
 * namespace (typically envoy-gateway-system)", labelled with the Gateway they serve
 * (gateway.envoyproxy.io/owning-gateway-name/-namespace; Envoy Gateway docs, "Gateway
 * Namespace Mode" and "Customize EnvoyProxy"). Most other implementations (Istio, NGINX
 * Gateway Fabric, kgateway) run them in the Gateway's own namespace. The facts live in
 * gatewayDataPlanes.ts, which the validator's network-gateway-source rule reads too.
 */
export function defaultDataPlane(gateway: ParsedServiceSpec['gateway']): ParsedServiceSpec['gateway']['dataPlane'] {
  const { dataPlane } = gateway;
  if (Object.keys(dataPlane.podLabels).length > 0) return dataPlane;
  if (gateway.className !== ENVOY_GATEWAY_CLASS) return dataPlane;
  // Envoy Gateway labels its proxies with the Gateway they serve in every mode, so the labels
  // keep the peer to this Gateway's proxies even when only the namespace is set (Gateway
  // Namespace Mode, or a controller installed elsewhere).
  return {
    namespace: dataPlane.namespace ?? ENVOY_GATEWAY.defaultControllerNamespace,
    podLabels: ENVOY_GATEWAY.gatewayPodLabels({ name: gateway.name, namespace: gateway.namespace, className: gateway.className }),
  };
}

/** Validates raw values (form, action input, CLI file) and applies every default. Never throws. */
export function safeResolveServiceSpec(values: unknown): SpecResult {
  const parsed = serviceSpecSchema.safeParse(values);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, values) };
  const input = parsed.data;
  const supplyChain = buildSupplyChain(input);
  const { environments: resolvedEnvironments, issues: environmentIssues } = resolveEnvironments(input.name, input.environments);
  const podOptions = resolvePodOptions(input);
  const environments = resolvedEnvironments.map((environment, index) => ({ ...environment, ...podOptions.perEnvironment[index] }));
  const spec: ServiceSpec = {
    ...input,
    gateway: { ...input.gateway, dataPlane: defaultDataPlane(input.gateway) },
    image: supplyChain.image,
    ci: supplyChain.ci,
    environments,
    gitops: resolveGitops(input.name, input.gitops),
    names: { ...deriveNames(input.name), ...databaseClusterName(input) },
  };
  const issues = [...supplyChain.issues, ...environmentIssues, ...podOptions.issues, ...crossFieldIssues(spec), ...databaseIssues(input), ...messagingIssues(input)];
  return issues.length ? { ok: false, issues } : { ok: true, spec };
}

/** Like `safeResolveServiceSpec`, but throws `SpecValidationError`. */
export function resolveServiceSpec(values: unknown): ServiceSpec {
  const result = safeResolveServiceSpec(values);
  if (!result.ok) throw new SpecValidationError(result.issues);
  return result.spec;
}
