import { z } from 'zod';
import { DNS1123_LABEL_MAX, DNS1123_LABEL_PATTERN, MAX_SERVICE_NAME_LENGTH } from '../names';
import { ENVIRONMENT_NAMESPACE_TOKEN, MAX_ENVIRONMENTS, DEFAULT_ENVIRONMENT_NAMES, environmentNamespaceFrom, environmentSchema, identityFragment, specRules } from '../spec';
import { RESOURCE_KINDS, RESOURCE_WIRING, type ResourceEdgeKind } from './wiring';

/*
 * The Slipway system spec: one system's values. A system is parts (each rendered by a golden
 * path from its own values), backing resources, and the edges between them; Slipway derives
 * every address, NetworkPolicy allow-list, catalog relation and sync wave from the edges
 * (resolveSystem.ts). Rules that need nothing but these values are here; the ones that depend
 * on what each golden path serves are checked by the resolver, which knows the paths.
 */

const { dnsLabel, count, quantity, port, gitUrl, gitBranch } = specRules;

/** Kubernetes Service names are DNS-1035 labels: they must start with a letter. */
export const DNS1035_LABEL_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';

/** Written in a namespace or repo URL where the environment's or the part's name goes. */
export const ENVIRONMENT_TOKEN = ENVIRONMENT_NAMESPACE_TOKEN;
export const NAME_TOKEN = '{name}';

/** Most parts and resources of one system: each part is a repo, a CI workflow and an Application per environment. */
export const MAX_PARTS = 20;
export const MAX_RESOURCES = 10;

const serviceLabel = (what: string) =>
  z
    .string({ error: 'is required' })
    .max(DNS1123_LABEL_MAX, { error: `must be at most ${DNS1123_LABEL_MAX} characters` })
    .regex(new RegExp(DNS1035_LABEL_PATTERN), {
      error: `must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (${what}: it names a Kubernetes Service)`,
    });

const NAMESPACE_TEMPLATE_PATTERN = '^([a-z0-9]|\\{environment\\})([-a-z0-9]|\\{environment\\})*$';
const namespaceTemplate = (what: string) =>
  // Its length is checked once {environment} is replaced, in every environment (systemRuleIssues).
  z
    .string()
    .regex(new RegExp(NAMESPACE_TEMPLATE_PATTERN), {
      error: `must be a DNS-1123 label in which {environment} may stand for the environment's name, e.g. shop-{environment} (${what})`,
    });

/** A RabbitMQ queue, a Redis stream and a NATS stream alike: the same rule as node-worker's queue.name (skeletons/node-worker/golden-path.spec.ts). */
const QUEUE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$';
/** A NATS subject: dot-separated tokens, `*` for one token, `>` for the rest as the last token. */
const NATS_SUBJECT_PATTERN = '^([A-Za-z0-9_-]+|\\*)(\\.([A-Za-z0-9_-]+|\\*))*(\\.>)?$|^>$';
const ENV_VAR_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** An nginx location prefix as static-frontend's backends take it (its spec also refuses the prefixes nginx answers itself). */
const PATH_PREFIX_PATTERN = '^/[a-z0-9][-a-z0-9]*(/[a-z0-9][-a-z0-9]*)*$';

const systemEnvironmentSchema = z
  .object({
    name: environmentSchema.shape.name,
    namespace: dnsLabel('namespace')
      .optional()
      .describe("The environment's namespace, where every part and resource runs unless it names its own. Default: <system>-<environment>."),
    cluster: environmentSchema.shape.cluster,
  })
  .strict();

const partSchema = z
  .object({
    name: serviceLabel('part name').describe(
      "Part name: the golden path's `name` (its repo, image, catalog Component and Kubernetes Service). Unique across parts and resources.",
    ),
    goldenPath: dnsLabel('golden path id').describe('The golden path that renders the part, e.g. node-service, node-worker or static-frontend.'),
    namespace: namespaceTemplate('part namespace')
      .optional()
      .describe("The part's namespace in each environment, {environment} standing for its name (e.g. catalog-{environment}). Default: the environment's namespace."),
    values: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        "The part's own golden-path values (checked with that path's spec). The system sets name, owner, system and each environment's namespace; the part's values may add per-environment settings under environments[] by name.",
      ),
  })
  .strict();

const resourceSchema = z
  .object({
    name: serviceLabel('resource name').describe('Resource name: its Kubernetes objects, its Service and its catalog Resource. Unique across parts and resources.'),
    kind: z
      .enum(RESOURCE_KINDS, { error: `must be one of ${RESOURCE_KINDS.join(', ')}` })
      .describe('postgres (a CloudNativePG cluster), redis (Valkey), rabbitmq (the RabbitMQ Cluster Operator) or nats (NATS JetStream).'),
    description: identityFragment.description.optional().describe('What the resource holds. Default: its kind and the system.'),
    namespace: namespaceTemplate('resource namespace')
      .optional()
      .describe("The resource's namespace in each environment, {environment} standing for its name. Default: the environment's namespace."),
    instances: count(1, 9)
      .optional()
      .describe('Servers in every environment (1, or an odd number for rabbitmq and nats, which need a quorum). Default: 3 in the production tier (the last environment), 1 before it.'),
    storageSize: quantity('8Gi').optional().describe('Volume per server. Default: the golden path\'s (10Gi for postgres, 8Gi for the brokers).'),
    heldBy: serviceLabel('part name')
      .optional()
      .describe(
        "The part whose deploy tree holds the resource's manifests (its repo's deploy/, or apps/<part> of the config repo), synced with its own Application; its golden path must be able to hold it (node-service a postgres or a redis cache it uses, node-worker the broker it consumes from). " +
          'Default: for a broker (any publishes or consumes edge to it), its first consumer in parts order, which runs it; for a database or cache, its first user; either way one whose golden path can hold it.',
      ),
    backup: z
      .object({
        destinationPath: z
          .string()
          .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._~-]+)*\/?$/, { error: 'must be an s3://bucket[/path] URL' })
          .describe('Object store the base backups and WAL archive go to, e.g. s3://acme-backups/bookstore.'),
        schedule: z
          .string()
          .regex(/^(\S+\s+){5}\S+$/, { error: 'must be a six-field cron expression with seconds first, e.g. "0 0 2 * * *"' })
          .default('0 0 2 * * *')
          .describe('When the base backup runs: six-field cron, seconds first (CloudNativePG ScheduledBackup).'),
        environments: z
          .array(environmentSchema.shape.name)
          .min(1, { error: 'must name at least one environment' })
          .optional()
          .describe('Environments backed up. Default: every environment.'),
      })
      .strict()
      .optional()
      .describe('postgres only: scheduled backups to an object store (CloudNativePG ScheduledBackup). Default: none.'),
  })
  .strict();

const edgeEnds = (from: string, toWhat: 'part name' | 'resource name', to: string) => ({
  from: serviceLabel('part name').describe(from),
  to: serviceLabel(toWhat).describe(to),
});

const callsEdgeSchema = z
  .object({
    ...edgeEnds('The calling part.', 'part name', 'The part called over HTTP.'),
    port: z
      .union([z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a Service port name such as http' }), port('port')], {
        error: "must be the callee Service's port name (http) or number (80)",
      })
      .optional()
      .describe("The callee Service's port, by name or number, as its golden path exposes it. Default: its HTTP port (http, 80)."),
    env: z
      .string()
      .regex(new RegExp(ENV_VAR_NAME_PATTERN), { error: 'must be an environment variable name: letters, digits and _, not starting with a digit' })
      .optional()
      .describe('For a caller that takes addresses as environment variables: the variable holding the callee\'s URL. Default: <CALLEE>_URL, e.g. CATALOG_URL.'),
    pathPrefix: z
      .string()
      .regex(new RegExp(PATH_PREFIX_PATTERN), { error: "must be a path prefix such as /api: '/' then lowercase segments of letters, digits and '-', no trailing slash" })
      .optional()
      .describe('For a caller that proxies path prefixes (static-frontend): the prefix its nginx sends to the callee.'),
  })
  .strict();

const usesEdgeSchema = z.object({ ...edgeEnds('The part connecting.', 'resource name', 'The postgres or redis resource it reads and writes.') }).strict();

const messageEdgeSchema = (verb: string) =>
  z
    .object({
      ...edgeEnds(`The part that ${verb}.`, 'resource name', 'The rabbitmq, redis or nats resource.'),
      queue: z
        .string({ error: 'is required' })
        .regex(new RegExp(QUEUE_NAME_PATTERN), { error: 'must be letters, digits, "-" and "_", starting with a letter or digit, at most 200 (queue name)' })
        .describe('The RabbitMQ queue, Redis stream or NATS stream.'),
      subject: z
        .string()
        .regex(new RegExp(NATS_SUBJECT_PATTERN), { error: 'must be a NATS subject: tokens of letters, digits, "-" and "_" separated by ".", "*" for a token, ">" last' })
        .optional()
        .describe('nats only: the subject the stream captures. Default: the queue name.'),
    })
    .strict();

/** Pod Security Admission levels a system's namespaces may enforce; privileged is not offered. */
export const POD_SECURITY_LEVELS = ['restricted', 'baseline'] as const;

export const EDGE_KINDS = ['calls', 'uses', 'publishes', 'consumes'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

const layoutSchema = z
  .discriminatedUnion(
    'kind',
    [
      z
        .object({ kind: z.literal('app-repos').describe("Each part's repo holds its own deploy/ (Kustomize base, overlays, Argo CD Applications).") })
        .strict(),
      z
        .object({
          kind: z.literal('config-repo').describe("Each part's repo holds its code and CI; one config repo holds every part's and resource's manifests."),
          repoUrl: gitUrl().optional().describe('The config repo Argo CD syncs from. Default: repos.urlPattern with <system>-config as the name.'),
          branch: gitBranch().default('main').describe('Branch of the config repo Argo CD syncs and CI commits image pins to.'),
        })
        .strict(),
    ],
    { error: 'must be app-repos or config-repo' },
  )
  .default({ kind: 'app-repos' })
  .describe('Where the manifests live: in each part\'s repo (app-repos), or in one system config repo (config-repo).');

export const systemSpecSchema = z
  .object({
    name: z
      .string({ error: 'is required' })
      .min(1, { error: 'is required' })
      .max(MAX_SERVICE_NAME_LENGTH, {
        error: `must be at most ${MAX_SERVICE_NAME_LENGTH} characters so <system>-<environment> (the default namespaces, the Argo CD Applications) stays within 63`,
      })
      .regex(new RegExp(DNS1123_LABEL_PATTERN), {
        error: "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
      })
      .describe('System name: a DNS-1123 label. Names the catalog System and the default namespaces <system>-<environment>.'),
    owner: identityFragment.owner,
    description: identityFragment.description.describe('What the system does. Free text.'),
    environments: z
      .array(systemEnvironmentSchema)
      .min(1, { error: 'must list at least one environment' })
      .max(MAX_ENVIRONMENTS, { error: `must list at most ${MAX_ENVIRONMENTS} environments` })
      .default(() => DEFAULT_ENVIRONMENT_NAMES.map(name => ({ name })))
      .describe('The environments in promotion order, the same for every part; the last is the production tier.'),
    podSecurity: z
      .enum(POD_SECURITY_LEVELS, { error: `must be one of ${POD_SECURITY_LEVELS.join(', ')}` })
      .default('restricted')
      .describe(
        "Pod Security Standard every namespace of the system enforces (label pod-security.kubernetes.io/enforce): restricted, which every golden path's pods meet, or baseline.",
      ),
    repos: z
      .object({
        urlPattern: z
          .string()
          .refine(pattern => pattern.includes(NAME_TOKEN), { error: 'must contain {name}, which stands for each part\'s name' })
          .refine(pattern => gitUrl().safeParse(pattern.split(NAME_TOKEN).join('x')).success, {
            error: 'must be an https:// or git@ repository URL once {name} is replaced (http:// only for localhost)',
          })
          .default('https://github.com/example-org/{name}.git')
          .describe("Each part's repo, {name} standing for the part's name, e.g. https://github.com/acme/{name}.git."),
        branch: gitBranch().default('main').describe("The parts' repos' branch CI builds and (with app-repos) Argo CD syncs."),
      })
      .strict()
      .prefault({})
      .describe("Where the parts' repos live."),
    layout: layoutSchema,
    parts: z
      .array(partSchema)
      .min(1, { error: 'must list at least one part' })
      .max(MAX_PARTS, { error: `must list at most ${MAX_PARTS} parts` })
      .describe('The services of the system, each rendered by a golden path into a repo of its own.'),
    resources: z
      .array(resourceSchema)
      .max(MAX_RESOURCES, { error: `must list at most ${MAX_RESOURCES} resources` })
      .default([])
      .describe('Backing resources the parts share: databases, caches, brokers.'),
    edges: z
      .object({
        calls: z.array(callsEdgeSchema).default([]).describe('Part → part over HTTP.'),
        uses: z.array(usesEdgeSchema).default([]).describe('Part → postgres or redis resource it reads and writes.'),
        publishes: z.array(messageEdgeSchema('publishes')).default([]).describe('Part → broker resource it publishes a queue\'s messages to.'),
        consumes: z.array(messageEdgeSchema('consumes')).default([]).describe('Part → broker resource whose queue it consumes.'),
      })
      .strict()
      .prefault({})
      .describe('Every connection between the parts and resources: Slipway allows exactly these, at both ends, and nothing else.'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of systemRuleIssues(spec)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

export type SystemSpecInput = z.input<typeof systemSpecSchema>;
export type ParsedSystemSpec = z.output<typeof systemSpecSchema>;
export type ParsedPart = ParsedSystemSpec['parts'][number];
export type ParsedResource = ParsedSystemSpec['resources'][number];

interface RuleIssue {
  path: Array<string | number>;
  message: string;
}

/** `<system>-<environment>` unless the environment names its own. */
export function environmentNamespace(system: string, environment: { name: string; namespace?: string }): string {
  return environment.namespace ?? `${system}-${environment.name}`;
}

/** A part's or resource's namespace in one environment. */
export function endpointNamespace(template: string | undefined, system: string, environment: { name: string; namespace?: string }): string {
  return template === undefined ? environmentNamespace(system, environment) : environmentNamespaceFrom(template, environment.name);
}

const NAMESPACE_PATTERN = new RegExp(DNS1123_LABEL_PATTERN);

/** The edge kinds whose `to` is a resource, and the resource kinds each may end at. */
function resourceKindsTaking(kind: ResourceEdgeKind): string[] {
  return RESOURCE_KINDS.filter(resource => RESOURCE_WIRING[resource].takes.includes(kind));
}

/** Rules across fields of the values alone: names, edges' ends, namespaces. */
function systemRuleIssues(spec: ParsedSystemSpec): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const add = (path: RuleIssue['path'], message: string) => issues.push({ path, message });

  // Names: parts and resources share the catalog and the namespaces, so one name is one thing.
  const seen = new Map<string, string>();
  spec.parts.forEach((part, index) => {
    const earlier = seen.get(part.name);
    if (earlier) add(['parts', index, 'name'], `must be unique across parts and resources: ${earlier} is also named ${part.name}`);
    else seen.set(part.name, `parts[${index}]`);
  });
  spec.resources.forEach((resource, index) => {
    const earlier = seen.get(resource.name);
    if (earlier) add(['resources', index, 'name'], `must be unique across parts and resources: ${earlier} is also named ${resource.name}`);
    else seen.set(resource.name, `resources[${index}]`);
  });
  const environmentNames = spec.environments.map(environment => environment.name);
  spec.environments.forEach((environment, index) => {
    if (environmentNames.indexOf(environment.name) < index) add(['environments', index, 'name'], `must be unique: environments[${environmentNames.indexOf(environment.name)}] is also ${environment.name}`);
  });

  // Namespaces: a DNS label in every environment, and a different one per environment, or two
  // environments' objects (same names) would overwrite each other.
  const namespaceRule = (path: RuleIssue['path'], template: string | undefined, what: string) => {
    const byNamespace = new Map<string, string>();
    for (const environment of spec.environments) {
      const namespace = endpointNamespace(template, spec.name, environment);
      if (namespace.length > DNS1123_LABEL_MAX || !NAMESPACE_PATTERN.test(namespace)) {
        add(path, `must be a DNS-1123 label of at most ${DNS1123_LABEL_MAX} characters in every environment; in ${environment.name} it is ${JSON.stringify(namespace)}`);
        return;
      }
      const other = byNamespace.get(namespace);
      if (other) {
        add(path, `must differ per environment: ${other} and ${environment.name} would both put ${what} in namespace ${namespace} (write {environment} in it)`);
        return;
      }
      byNamespace.set(namespace, environment.name);
    }
  };
  namespaceRule(['environments'], undefined, 'the system');
  spec.parts.forEach((part, index) => namespaceRule(['parts', index, 'namespace'], part.namespace, part.name));
  spec.resources.forEach((resource, index) => namespaceRule(['resources', index, 'namespace'], resource.namespace, resource.name));

  // Edges: each end must exist and be of the right sort.
  const parts = new Set(spec.parts.map(part => part.name));
  const resources = new Map(spec.resources.map(resource => [resource.name, resource]));
  const partList = [...parts].join(', ');
  const resourceList = [...resources.keys()].join(', ') || 'none declared';
  const fromRule = (kind: EdgeKind, index: number, from: string) => {
    if (!parts.has(from)) {
      add(['edges', kind, index, 'from'], resources.has(from) ? `must name a part: ${from} is a resource, and resources open no connections` : `must name a part of the system (${partList}); ${from} is none`);
    }
  };
  spec.edges.calls.forEach((edge, index) => {
    fromRule('calls', index, edge.from);
    if (!parts.has(edge.to)) {
      add(['edges', 'calls', index, 'to'], resources.has(edge.to) ? `must name a part: ${edge.to} is a resource (connect to it with edges.uses, publishes or consumes)` : `must name a part of the system (${partList}); ${edge.to} is none`);
    } else if (edge.to === edge.from) {
      add(['edges', 'calls', index, 'to'], 'must differ from from: an edge to itself is not a connection between parts (a part reaches itself without the network)');
    }
    if (edge.env !== undefined && edge.pathPrefix !== undefined) add(['edges', 'calls', index, 'pathPrefix'], 'must not be set with env: a caller takes the address one way, by environment variable or by path prefix');
  });
  const resourceEdges: Array<[ResourceEdgeKind, Array<{ from: string; to: string; subject?: string }>]> = [
    ['uses', spec.edges.uses],
    ['publishes', spec.edges.publishes],
    ['consumes', spec.edges.consumes],
  ];
  for (const [kind, edges] of resourceEdges) {
    edges.forEach((edge, index) => {
      fromRule(kind, index, edge.from);
      const resource = resources.get(edge.to);
      const allowed = resourceKindsTaking(kind);
      if (!resource) {
        add(['edges', kind, index, 'to'], edge.to === edge.from ? 'must differ from from: an edge to itself is not a connection' : parts.has(edge.to) ? `must name a resource: ${edge.to} is a part (call it with edges.calls)` : `must name a resource of the system (${resourceList}); ${edge.to} is none`);
      } else if (!allowed.includes(resource.kind)) {
        const hint = kind === 'uses' ? 'publish to or consume from a broker with edges.publishes or consumes' : 'connect to a database with edges.uses';
        add(['edges', kind, index, 'to'], `must name a ${allowed.join(', ')} resource: ${edge.to} is ${resource.kind} (${hint})`);
      } else if (edge.subject !== undefined && resource.kind !== 'nats') {
        add(['edges', kind, index, 'subject'], `is only for nats resources: ${edge.to} is ${resource.kind}, whose queues have no subjects`);
      }
    });
  }

  // The same edge twice would be two identical rules, or two variables for one address.
  const edgeKeys = new Map<string, string>();
  const keyed: Array<[EdgeKind, Array<{ from: string; to: string; queue?: string }>]> = [['calls', spec.edges.calls], ...resourceEdges];
  for (const [kind, edges] of keyed) {
    edges.forEach((edge, index) => {
      const key = `${kind}:${edge.from}->${edge.to}:${edge.queue ?? ''}`;
      const earlier = edgeKeys.get(key);
      if (earlier) add(['edges', kind, index], `must not repeat ${earlier}: the same edge twice`);
      else edgeKeys.set(key, `edges.${kind}[${index}]`);
    });
  }

  // Resource settings that only some kinds take.
  spec.resources.forEach((resource, index) => {
    if (resource.backup && resource.kind !== 'postgres') add(['resources', index, 'backup'], `is only for postgres resources: ${resource.name} is ${resource.kind}`);
    for (const name of resource.backup?.environments ?? []) {
      if (!environmentNames.includes(name)) add(['resources', index, 'backup', 'environments'], `must name environments of the system (${environmentNames.join(', ')}); ${name} is none`);
    }
    if ((resource.kind === 'rabbitmq' || resource.kind === 'nats') && resource.instances !== undefined && resource.instances % 2 === 0) {
      add(['resources', index, 'instances'], `must be 1 or an odd number: ${resource.kind} needs a majority of its servers for a quorum, and ${resource.instances} tolerates no more failures than ${resource.instances - 1}`);
    }
    if (resource.heldBy !== undefined) {
      const clients = [...spec.edges.uses, ...spec.edges.publishes, ...spec.edges.consumes].filter(edge => edge.to === resource.name).map(edge => edge.from);
      if (!clients.includes(resource.heldBy)) add(['resources', index, 'heldBy'], `must name a part with an edge to ${resource.name} (${[...new Set(clients)].join(', ') || 'none has one'})`);
    }
  });

  // What the system decides, a part's values must not decide differently.
  spec.parts.forEach((part, index) => {
    const values = part.values;
    if (values.name !== undefined && values.name !== part.name) add(['parts', index, 'values', 'name'], `must be ${part.name} or left out: the part's name is its golden-path name`);
    if (values.owner !== undefined && values.owner !== spec.owner) add(['parts', index, 'values', 'owner'], `must be ${spec.owner} or left out: every part is owned by the system's owner`);
    if (values.system !== undefined) add(['parts', index, 'values', 'system'], 'must be left out: the system sets it (system:<name>)');
    if (values.environments === undefined) return;
    if (!Array.isArray(values.environments)) {
      add(['parts', index, 'values', 'environments'], 'must be a list of environments by name');
      return;
    }
    values.environments.forEach((environment: unknown, position: number) => {
      const name = environment !== null && typeof environment === 'object' ? (environment as Record<string, unknown>).name : undefined;
      if (typeof name !== 'string' || !environmentNames.includes(name)) {
        add(['parts', index, 'values', 'environments', position, 'name'], `must name an environment of the system (${environmentNames.join(', ')})`);
      } else if ((environment as Record<string, unknown>).namespace !== undefined) {
        add(['parts', index, 'values', 'environments', position, 'namespace'], `must be left out: the system places the part (parts[${index}].namespace, or environments[].namespace)`);
      }
    });
  });
  return issues;
}
