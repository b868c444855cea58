import {
  DNS1123_LABEL_MAX,
  buildSupplyChain,
  defaultDataPlane,
  environmentNamespaceFrom,
  resolveGitops,
  type ResolvedGitops,
  issuesFromZod,
  resolveEnvironments,
  type GoldenPathResolution,
  type ResolvedCi,
  type ResolvedEnvironment,
  type ResolvedImage,
  type SpecIssue,
} from '@slipway/common';
import {
  NAMESPACE_ENVIRONMENT_TOKEN,
  NAMESPACE_PATTERN,
  STUB_STATUS_PORT,
  staticFrontendSpecSchema,
  type BackendInput,
  type ParsedStaticFrontendSpec,
} from './golden-path.spec';

/** The runtime image when ci.baseImages.runtime is not set: nginx as uid 101, whose entrypoint runs /docker-entrypoint.d. */
export const DEFAULT_RUNTIME_IMAGE = 'nginxinc/nginx-unprivileged:1.30.5-trixie';

/** One backend as one environment reaches it. */
export interface EnvironmentBackend {
  pathPrefix: string;
  service: string;
  namespace: string;
  /** `<service>.<namespace>.svc.cluster.local`: nginx's resolver sends the name as written, without search domains. */
  fqdn: string;
  /** The Service port nginx connects to. */
  port: number;
  /** The pods' container port, which the egress NetworkPolicy names. */
  targetPort: number;
  podLabels: Record<string, string>;
}

/** One environment: its host and the host's TLS (@slipway/common's resolveEnvironments) and its backends. */
export interface FrontendEnvironment extends ResolvedEnvironment {
  backends: EnvironmentBackend[];
}

/** The fully resolved static-frontend spec: no optional field left. */
export type StaticFrontendSpec = Omit<ParsedStaticFrontendSpec, 'image' | 'environments' | 'gitops' | 'ci'> & {
  image: ResolvedImage;
  ci: ResolvedCi;
  environments: FrontendEnvironment[];
  gitops: ResolvedGitops;
};

function backendNamespace(backend: BackendInput, environment: string): string {
  const template = backend.namespace ?? `${backend.service}-${NAMESPACE_ENVIRONMENT_TOKEN}`;
  return environmentNamespaceFrom(template, environment);
}

function environmentBackends(backends: BackendInput[], environment: string): EnvironmentBackend[] {
  return backends.map(backend => {
    const namespace = backendNamespace(backend, environment);
    return {
      pathPrefix: backend.pathPrefix,
      service: backend.service,
      namespace,
      fqdn: `${backend.service}.${namespace}.svc.cluster.local`,
      port: backend.port,
      targetPort: backend.targetPort,
      podLabels: backend.podLabels ?? { 'app.kubernetes.io/name': backend.service },
    };
  });
}

/** Rules that span fields, checked once defaults are known. */
function crossFieldIssues(spec: StaticFrontendSpec, input: ParsedStaticFrontendSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (spec.port === spec.metricsPort) issues.push({ path: 'metricsPort', message: 'must differ from port, so /metrics is never routed by the gateway' });
  for (const [field, value] of [['port', spec.port], ['metricsPort', spec.metricsPort]] as const) {
    if (value === STUB_STATUS_PORT) issues.push({ path: field, message: `must not be ${STUB_STATUS_PORT}, where stub_status listens on loopback for the exporter` });
  }
  input.backends.forEach((backend, index) => {
    const earlier = input.backends.slice(0, index).findIndex(other => other.pathPrefix === backend.pathPrefix);
    if (earlier >= 0) issues.push({ path: `backends[${index}].pathPrefix`, message: `must differ from backends[${earlier}].pathPrefix: one backend per prefix` });
  });
  for (const environment of spec.environments) {
    environment.backends.forEach((backend, index) => {
      if (backend.namespace.length > DNS1123_LABEL_MAX || !NAMESPACE_PATTERN.test(backend.namespace)) {
        issues.push({
          path: `backends[${index}].namespace`,
          message: `must be a DNS-1123 label of at most ${DNS1123_LABEL_MAX} characters in every environment; in ${environment.name} it is ${JSON.stringify(backend.namespace)}`,
        });
      }
    });
  }
  return issues;
}

/** Validates raw values (form, action input, CLI file) and applies every default. Never throws. */
export function safeResolveStaticFrontendSpec(values: unknown): GoldenPathResolution<StaticFrontendSpec> {
  const parsed = staticFrontendSpecSchema.safeParse(values);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, values) };
  const input = parsed.data;
  // The shared supply chain checks the build stage's Node major; the runtime is nginx, not Node.
  const supplyChain = buildSupplyChain({ name: input.name, image: input.image, ci: { ...input.ci, baseImages: { build: input.ci.baseImages.build } } });
  const resolvedEnvironments = resolveEnvironments(input.name, input.environments);
  const environments = resolvedEnvironments.environments.map(environment => ({
    ...environment,
    backends: environmentBackends(input.backends, environment.name),
  }));
  const spec: StaticFrontendSpec = {
    ...input,
    gateway: { ...input.gateway, dataPlane: defaultDataPlane(input.gateway) },
    image: supplyChain.image,
    ci: { ...supplyChain.ci, baseImages: { build: supplyChain.ci.baseImages.build, runtime: input.ci.baseImages.runtime ?? DEFAULT_RUNTIME_IMAGE } },
    environments,
    gitops: resolveGitops(input.name, input.gitops),
  };
  const issues = [...supplyChain.issues, ...resolvedEnvironments.issues, ...crossFieldIssues(spec, input)];
  return issues.length ? { ok: false, issues } : { ok: true, spec };
}
