/**
 * node-worker consuming from a broker it does not run (broker.external): the bookstore's
 * payments-worker on the system's RabbitMQ bookstore-mq (skeletons/node-worker/examples/
 * external-rabbitmq.yaml), and the same for Redis and NATS. Each repo renders, validates with no
 * problems and its overlays build; the built objects hold no broker server, only the worker's
 * client side, every address the broker's fully qualified Service name in the broker's namespace.
 * The other way round, a worker that runs its broker admits the system's other clients
 * (broker.clients) in their own namespaces, from the same backing partials.
 */
import { promises as fs } from 'fs';
import { parse } from 'yaml';
import { resolveSystem, type EnvironmentEdge, type NetworkRule, type ResolvedPart, type ResolvedResource, type ResolvedSystem } from '@slipway/common';
import { validateRenderedFiles } from '@slipway/validate';
import { builtInGoldenPath, builtInGoldenPathIds, createGoldenPathRegistry, nodeWorkerGoldenPath } from '@slipway/skeletons';
import { generateGoldenPathRepo, readValuesFile } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { requireShippedKustomize } from '../plugins/slipway-validate/src/kustomize';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any;
}

type Values = Record<string, unknown>;

/** The server side of a broker: none of these may be in a repo that does not run it. */
const BROKER_SERVER_KINDS = ['RabbitmqCluster', 'PodMonitor', 'Application'];

async function renderValidateBuild(values: Values, environments: string[]) {
  const { dir, files } = await generateGoldenPathRepo('node-worker', values);
  try {
    const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
    const built = new Map<string, Obj[]>();
    for (const environment of environments) built.set(environment, await overlayObjects<Obj>(dir, environment));
    return { files, report, built };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const named = (objects: Obj[], kind: string, name: string): Obj => {
  const found = objects.find(object => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${objects.map(object => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  return found;
};

/** The worker container's env as built (the overlay's JSON patch applied). */
function workerEnv(objects: Obj[], worker: string): Array<{ name: string; value?: string; valueFrom?: any }> {
  const rollout = named(objects, 'Rollout', worker);
  return rollout.spec.template.spec.containers.find((container: { name: string }) => container.name === 'worker').env;
}

/** Every NetworkPolicy's egress peers and ports from the worker's pods. */
function egressTo(objects: Obj[], worker: string) {
  return objects
    .filter(object => object.kind === 'NetworkPolicy' && object.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === worker)
    .flatMap(policy => (policy.spec.egress ?? []) as Array<{ to: any[]; ports: any[] }>);
}

/** Servers' NetworkPolicies, PDBs and monitors select the broker's pods by these. */
const serverSelected = (objects: Obj[], brokerLabels: Record<string, string>) =>
  objects.filter(
    object =>
      ['NetworkPolicy', 'PodDisruptionBudget', 'ServiceMonitor', 'PodMonitor'].includes(object.kind) &&
      Object.entries(brokerLabels).every(([key, value]) => (object.spec.podSelector ?? object.spec.selector)?.matchLabels?.[key] === value),
  );

describe('node-worker on the bookstore\'s RabbitMQ, which it does not run (examples/external-rabbitmq.yaml)', () => {
  const environments = ['dev', 'staging', 'production'];
  let result: Awaited<ReturnType<typeof renderValidateBuild>>;

  beforeAll(async () => {
    result = await renderValidateBuild(await readValuesFile('skeletons/node-worker/examples/external-rabbitmq.yaml'), environments);
  }, 120_000);

  it('validates with no problems and builds every overlay', () => {
    expect(result.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    expect(result.report.stats.overlaysBuilt).toEqual(environments);
  });

  it('still checks the client side: a User that lost the cluster\'s namespace, or a scaler Secret nothing makes, is named', async () => {
    const edit = (file: string, from: string | RegExp, to: string) =>
      result.files.map(entry => {
        if (entry.path !== file) return entry;
        const content = entry.content.replace(from, to);
        if (content === entry.content) throw new Error(`${String(from)} not in ${file}`);
        return { ...entry, content };
      });
    const problems = async (files: typeof result.files) =>
      (await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() })).problems.map(
        problem => `${problem.rule}: ${problem.message}`,
      );
    // Without the namespace the operator looks for the cluster in the User's own namespace, where this repo has none.
    expect(await problems(edit('deploy/overlays/staging/broker.yaml', /(kind: User[\s\S]*?rabbitmqClusterReference:\n {4}name: bookstore-mq\n)[^\n]*\n {4}namespace: bookstore-staging\n/, '$1'))).toEqual([
      expect.stringMatching(/^operator-resource-refs: User\/bookstore-mq-payments-worker spec\.rabbitmqClusterReference\.name: RabbitmqCluster\/bookstore-mq is not in the deployed objects/),
    ]);
    expect(await problems(edit('deploy/overlays/staging/scaledobject.yaml', /name: bookstore-mq-payments-worker-user-credentials\n/, 'name: bookstore-mq-default-user\n'))).toEqual([
      expect.stringMatching(/^operator-resource-refs: TriggerAuthentication\/payments-worker-keda spec\.secretTargetRef\[0\]\.name: Secret\/bookstore-mq-default-user is not in the deployed objects/),
    ]);
  }, 120_000);

  it('renders no broker server: no RabbitmqCluster, no broker PDB, monitor or policy, no chart Application, no catalog Resource', () => {
    for (const environment of environments) {
      const objects = result.built.get(environment) as Obj[];
      expect(objects.filter(object => BROKER_SERVER_KINDS.includes(object.kind))).toEqual([]);
      expect(serverSelected(objects, { 'app.kubernetes.io/name': 'bookstore-mq', 'app.kubernetes.io/component': 'rabbitmq' })).toEqual([]);
    }
    expect(result.files.map(file => file.path).filter(file => file.startsWith('deploy/argocd/'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/-broker\.yaml$/)]),
    );
    const catalog = result.files.find(file => file.path === 'catalog-info.yaml')?.content ?? '';
    expect(catalog).not.toMatch(/kind: Resource/);
    expect(catalog).toMatch(/dependsOn:\n {4}- resource:bookstore-mq\n/);
  });

  it.each(environments)('in %s: the worker\'s own User and Permission on bookstore-mq in its namespace, env and KEDA at its FQDN, egress to its pods on 5672', environment => {
    const objects = result.built.get(environment) as Obj[];
    const namespace = `bookstore-${environment}`;
    const fqdn = `bookstore-mq.${namespace}.svc.cluster.local`;
    const user = named(objects, 'User', 'bookstore-mq-payments-worker');
    expect(user.metadata.namespace).toBe(namespace);
    expect(user.spec.rabbitmqClusterReference).toEqual({ name: 'bookstore-mq', namespace });
    const permission = named(objects, 'Permission', 'bookstore-mq-payments-worker');
    expect(permission.spec.rabbitmqClusterReference).toEqual({ name: 'bookstore-mq', namespace });
    expect(permission.spec.userReference).toEqual({ name: 'bookstore-mq-payments-worker' });
    expect(permission.spec.permissions.read).toBe('^orders(\\.retry\\.[0-9]+|\\.dead)?$');

    const env = workerEnv(objects, 'payments-worker');
    expect(env.find(entry => entry.name === 'QUEUE_URL')?.value).toBe(`amqp://$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@${fqdn}:5672/%2F`);
    expect(env.find(entry => entry.name === 'RABBITMQ_PASSWORD')?.valueFrom.secretKeyRef).toEqual({ name: 'bookstore-mq-payments-worker-user-credentials', key: 'password' });
    expect(env.find(entry => entry.name === 'QUEUE_NAME')?.value).toBe('orders');

    expect(egressTo(objects, 'payments-worker')).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'bookstore-mq', 'app.kubernetes.io/component': 'rabbitmq' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 5672 }],
    });

    const scaledObject = named(objects, 'ScaledObject', 'payments-worker');
    expect(scaledObject.spec.triggers[0].metadata).toMatchObject({ host: `amqp://${fqdn}:5672`, queueName: 'orders' });
    const auth = named(objects, 'TriggerAuthentication', scaledObject.spec.triggers[0].authenticationRef.name);
    expect(auth.spec.secretTargetRef.map((ref: { name: string }) => ref.name)).toEqual([
      'bookstore-mq-payments-worker-user-credentials',
      'bookstore-mq-payments-worker-user-credentials',
    ]);
  });
});

interface ExternalCase {
  kind: 'redis' | 'nats';
  worker: string;
  values: Values & { broker: { external: { name: string; namespace?: string } }; environments: Array<Values & { name: string; namespace: string }> };
  brokerNamespaces: Record<'staging' | 'production', string>;
  port: number;
  pods: Record<string, string>;
}

const externalCases: ExternalCase[] = [
  {
    kind: 'redis',
    worker: 'worker',
    // The broker in a namespace of its own, written per environment (as a system gives it).
    values: {
      name: 'worker',
      owner: 'group:default/team-vote',
      system: 'system:default/voting',
      description: 'Moves votes into PostgreSQL.',
      queue: { kind: 'redis', name: 'votes' },
      broker: { external: { name: 'voting-redis' } },
      environments: [
        { name: 'staging', namespace: 'voting-staging', broker: { namespace: 'voting-data-staging' } },
        { name: 'production', namespace: 'voting-production', broker: { namespace: 'voting-data' } },
      ],
    },
    brokerNamespaces: { staging: 'voting-data-staging', production: 'voting-data' },
    port: 6379,
    pods: { 'app.kubernetes.io/name': 'valkey', 'app.kubernetes.io/instance': 'voting-redis' },
  },
  {
    kind: 'nats',
    worker: 'broadcaster',
    values: {
      name: 'broadcaster',
      owner: 'group:default/team-todo',
      system: 'system:default/todo',
      description: 'Forwards todo changes.',
      queue: { kind: 'nats', name: 'todos', subject: 'todos.changed' },
      broker: { external: { name: 'todo-nats', namespace: 'todo-{environment}' } },
      environments: [
        { name: 'staging', namespace: 'todo-staging' },
        { name: 'production', namespace: 'todo-production' },
      ],
    },
    brokerNamespaces: { staging: 'todo-staging', production: 'todo-production' },
    port: 4222,
    pods: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': 'todo-nats', 'app.kubernetes.io/component': 'nats' },
  },
];

describe.each(externalCases)('node-worker on an external $kind', ({ kind, worker, values, brokerNamespaces, port, pods }) => {
  const environments = ['staging', 'production'] as const;
  const broker = values.broker.external.name;
  let result: Awaited<ReturnType<typeof renderValidateBuild>>;

  beforeAll(async () => {
    result = await renderValidateBuild(values, [...environments]);
  }, 120_000);

  it('validates with no problems, and renders no broker server (no chart Application, no users Secret, no server policy)', () => {
    expect(result.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    expect(result.files.some(file => file.path.endsWith('-broker.yaml'))).toBe(false);
    for (const environment of environments) {
      const objects = result.built.get(environment) as Obj[];
      expect(objects.filter(object => BROKER_SERVER_KINDS.includes(object.kind))).toEqual([]);
      expect(objects.filter(object => object.kind === 'ExternalSecret').map(object => object.metadata.name)).toEqual([`${broker}-${worker}`]);
      expect(serverSelected(objects, pods)).toEqual([]);
    }
  });

  it.each(environments)('in %s: credentials for the FQDN in the broker\'s namespace, egress to its pods there, KEDA at the FQDN', environment => {
    const objects = result.built.get(environment) as Obj[];
    const namespace = brokerNamespaces[environment];
    const fqdn = `${broker}.${namespace}.svc.cluster.local`;
    const credentials = named(objects, 'ExternalSecret', `${broker}-${worker}`);
    expect(credentials.metadata.namespace).toBe(values.environments.find(env => env.name === environment)?.namespace);
    expect(credentials.spec.target.template.data.url).toContain(`@${fqdn}:${port}`);
    expect(workerEnv(objects, worker).find(entry => entry.name === 'QUEUE_URL')?.valueFrom.secretKeyRef).toEqual({ name: `${broker}-${worker}`, key: 'url' });
    expect(egressTo(objects, worker)).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: { matchLabels: pods } }],
      ports: [{ protocol: 'TCP', port }],
    });
    const trigger = named(objects, 'ScaledObject', worker).spec.triggers[0];
    expect(kind === 'redis' ? trigger.metadata.address : trigger.metadata.natsServerMonitoringEndpoint).toBe(`${fqdn}:${kind === 'redis' ? 6379 : 8222}`);
  });
});

describe('node-worker that runs its broker admits the system\'s other clients (broker.clients)', () => {
  const environments = ['staging', 'production'];
  const owner = { owner: 'group:default/team-books', system: 'system:default/bookstore', description: 'Takes payments.' };

  it('RabbitMQ: orders in the worker\'s namespace and shipping in its own, by namespace and pods, and their namespaces may name the cluster', async () => {
    const { report, built } = await renderValidateBuild(
      {
        name: 'payments-worker',
        ...owner,
        queue: { kind: 'rabbitmq', name: 'orders' },
        broker: {
          name: 'bookstore-mq',
          clients: [
            { name: 'orders', podLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/component': 'server' } },
            { name: 'shipping', namespace: 'shipping-{environment}' },
          ],
        },
        environments: [
          { name: 'staging', namespace: 'bookstore-staging' },
          { name: 'production', namespace: 'bookstore-production', broker: { clients: [{ name: 'audit', namespace: 'audit' }] } },
        ],
      },
      environments,
    );
    expect(report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    for (const environment of environments) {
      const objects = built.get(environment) as Obj[];
      const namespace = `bookstore-${environment}`;
      const peer = (ns: string, labels: Record<string, string>) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: labels } });
      const expected = [
        peer(namespace, { 'app.kubernetes.io/name': 'payments-worker', 'app.kubernetes.io/component': 'worker' }),
        peer(namespace, { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/component': 'server' }),
        peer(`shipping-${environment}`, { 'app.kubernetes.io/name': 'shipping' }),
        ...(environment === 'production' ? [peer('audit', { 'app.kubernetes.io/name': 'audit' })] : []),
      ];
      const from = named(objects, 'NetworkPolicy', 'bookstore-mq-allow-clients').spec.ingress[0].from;
      expect(from.filter((entry: { namespaceSelector: any }) => entry.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] !== 'keda')).toEqual(expected);
      const allowed = named(objects, 'RabbitmqCluster', 'bookstore-mq').metadata.annotations?.['rabbitmq.com/topology-allowed-namespaces'].split(',');
      expect(new Set(allowed)).toEqual(new Set([namespace, `shipping-${environment}`, ...(environment === 'production' ? ['audit'] : [])]));
      // Only the worker's own User: the other clients' are in their repos.
      expect(objects.filter(object => object.kind === 'User').map(object => object.metadata.name)).toEqual(['bookstore-mq-payments-worker']);
    }
  }, 120_000);

  it('NATS: each other client is a user with its own subjects and password, and is let in on the client port', async () => {
    const { report, built, files } = await renderValidateBuild(
      {
        name: 'broadcaster',
        ...owner,
        queue: { kind: 'nats', name: 'todos', subject: 'todos.changed' },
        broker: { name: 'todo-nats', clients: [{ name: 'todo-backend', namespace: 'todo-{environment}', permissions: { publish: ['todos.changed'], subscribe: ['_INBOX.>'] } }] },
        environments: [{ name: 'staging' }, { name: 'production' }],
      },
      environments,
    );
    expect(report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    const objects = built.get('production') as Obj[];
    expect(named(objects, 'ExternalSecret', 'todo-nats-users').spec.data.map((entry: { secretKey: string }) => entry.secretKey)).toEqual(['broadcaster', 'todo-backend']);
    const application = parse(files.find(file => file.path === 'deploy/argocd/production-broker.yaml')?.content ?? '');
    expect(application.spec.source.helm.valuesObject.config.merge.authorization.users[1]).toEqual({
      user: 'todo-backend',
      password: '<< $NATS_PASSWORD_1 >>',
      permissions: { publish: { allow: ['todos.changed'] }, subscribe: { allow: ['_INBOX.>'] } },
    });
    const clients = named(objects, 'NetworkPolicy', 'todo-nats-allow-clients').spec.ingress[0];
    expect(clients.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'todo-production' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-backend' } } });
    expect(clients.ports).toEqual([{ protocol: 'TCP', port: 4222 }]);
  }, 120_000);

  it('Redis: each other client is an ACL user with its own password in the store, and is let in', async () => {
    const { report, built, files } = await renderValidateBuild(
      {
        name: 'worker',
        ...owner,
        queue: { kind: 'redis', name: 'votes' },
        broker: { name: 'voting-redis', clients: [{ name: 'vote', acl: '~votes +xadd +ping' }] },
        environments: [{ name: 'staging' }, { name: 'production' }],
      },
      environments,
    );
    expect(report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    const users = named(built.get('staging') as Obj[], 'ExternalSecret', 'voting-redis-users');
    expect(users.spec.data.map((entry: { secretKey: string }) => entry.secretKey)).toEqual(['default', 'worker', 'vote']);
    const application = parse(files.find(file => file.path === 'deploy/argocd/staging-broker.yaml')?.content ?? '');
    expect(application.spec.source.helm.valuesObject.auth.aclUsers.vote).toEqual({ permissions: '~votes +xadd +ping' });
    const from = named(built.get('staging') as Obj[], 'NetworkPolicy', 'voting-redis-allow-clients').spec.ingress[0].from;
    expect(from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'worker-staging' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vote' } } });
  }, 120_000);
});

describe('the node-worker spec for an external broker', () => {
  const goldenPath = builtInGoldenPath('node-worker');
  const base = { name: 'payments-worker', owner: 'group:default/team-books', description: 'Takes payments.' };
  const issues = (values: Values) => {
    const resolved = goldenPath.resolve({ ...base, ...values });
    return resolved.ok ? [] : resolved.issues.map(issue => `${issue.path}: ${issue.message}`);
  };

  it('refuses the fields of a broker the worker runs beside broker.external, and the other way round', () => {
    expect(
      issues({
        broker: { external: { name: 'bookstore-mq' }, name: 'other', clients: [{ name: 'orders' }] },
        environments: [{ name: 'staging', broker: { instances: 3 } }],
      }),
    ).toEqual([
      'broker.name: must be left out with broker.external: broker.external.name names the broker',
      'broker.clients: applies to a broker the worker runs; an external broker admits its clients where it is rendered',
      'environments[0].broker.instances: must be left out with broker.external: the worker runs no broker servers',
    ]);
    expect(issues({ environments: [{ name: 'staging', broker: { namespace: 'elsewhere' } }] })).toEqual([
      'environments[0].broker.namespace: applies to broker.external only: the broker the worker runs is in its own namespace',
    ]);
  });

  it('asks each other client for what its broker kind needs, and one user per name', () => {
    expect(issues({ queue: { kind: 'redis' }, broker: { clients: [{ name: 'vote' }] } })).toEqual(['broker.clients[0]: needs acl: every Redis client is an ACL user of its own']);
    expect(issues({ queue: { kind: 'nats' }, broker: { clients: [{ name: 'api', acl: '+ping' }] } })).toEqual([
      'broker.clients[0]: needs permissions: every NATS client is a user with its own subjects',
    ]);
    expect(issues({ broker: { clients: [{ name: 'orders', permissions: { publish: ['x'], subscribe: ['y'] } }] } })).toEqual([
      "broker.clients[0]: permissions applies to queue.kind nats only: a RabbitMQ client's Permission is in its own repo",
    ]);
    expect(issues({ broker: { clients: [{ name: 'payments-worker' }] } })).toEqual([
      'environments[0].broker.clients: names payments-worker twice in staging (the worker and each client are one user each)',
      'environments[1].broker.clients: names payments-worker twice in production (the worker and each client are one user each)',
    ]);
  });

  it('puts the external broker in the worker\'s namespace by default, a template\'s or an environment\'s own', () => {
    const namespaces = (broker: Values, environments: Values[]) => {
      // The definition itself, typed with its resolved spec (the registry's is the generic GoldenPath).
      const resolved = nodeWorkerGoldenPath(goldenPath.dir).resolve({ ...base, broker, environments });
      if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
      return resolved.spec.environments.map(env => env.broker.namespace);
    };
    const envs = [{ name: 'staging' }, { name: 'production', broker: { namespace: 'mq' } }];
    expect(namespaces({ external: { name: 'bookstore-mq' } }, envs)).toEqual(['payments-worker-staging', 'mq']);
    expect(namespaces({ external: { name: 'bookstore-mq', namespace: 'bookstore-{environment}' } }, envs)).toEqual(['bookstore-staging', 'mq']);
  });
});

/**
 * What a system renderer passes a worker that consumes a resource another part holds: from
 * resolveSystem alone, the resource's name (broker.external.name), its namespace per environment
 * (environments[].broker.namespace, from the environment's endpoints) and the queue of the
 * consumes edge. The rendered client side must then agree with the resolver's edge: the address,
 * the credentials Secret and the egress rule (pods, namespace, ports).
 */
describe('the bookstore\'s payments-worker from resolveSystem: its client side is the resolver\'s consumes edge', () => {
  let system: ResolvedSystem;
  let result: Awaited<ReturnType<typeof renderValidateBuild>>;

  beforeAll(async () => {
    // A broker is held by its first consumer (resolveSystem), which runs it: an audit worker,
    // first in parts order, consumes from bookstore-mq too, so payments-worker's is held elsewhere.
    const bookstore = await readValuesFile('examples/systems/bookstore.yaml');
    const edges = bookstore.edges as { consumes: Values[] };
    const withAuditor = {
      ...bookstore,
      parts: [{ name: 'audit-worker', goldenPath: 'node-worker', values: { description: 'Audits orders.' } }, ...(bookstore.parts as Values[])],
      edges: { ...edges, consumes: [{ from: 'audit-worker', to: 'bookstore-mq', queue: 'orders-audit' }, ...edges.consumes] },
    };
    const resolved = resolveSystem(withAuditor, { goldenPathIds: builtInGoldenPathIds() });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    system = resolved.system;
    const part = system.parts.find(candidate => candidate.name === 'payments-worker') as ResolvedPart;
    const consumes = system.environments[0].edges.find(edge => edge.kind === 'consumes' && edge.from === part.name) as EnvironmentEdge;
    const resource = system.resources.find(candidate => candidate.name === consumes.to) as ResolvedResource;
    expect(resource.heldBy).not.toBe(part.name);
    const own = (part.values.environments ?? []) as Array<Values & { name: string }>;
    const values: Values = {
      ...part.values,
      name: part.name,
      owner: system.owner,
      system: system.entityRef,
      queue: { kind: resource.kind, name: consumes.queue },
      broker: { external: { name: resource.name } },
      environments: system.environments.map(environment => ({
        ...own.find(entry => entry.name === environment.name),
        name: environment.name,
        namespace: environment.endpoints[part.name].namespace,
        broker: { namespace: environment.endpoints[resource.name].namespace },
      })),
    };
    result = await renderValidateBuild(values, system.environments.map(environment => environment.name));
  }, 120_000);

  it('validates with no problems', () => {
    expect(result.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
  });

  it('in every environment: QUEUE_URL at the edge\'s address, the edge\'s credentials Secret, and egress exactly as the resolver\'s rule', () => {
    for (const environment of system.environments) {
      const edge = environment.edges.find(candidate => candidate.kind === 'consumes' && candidate.from === 'payments-worker') as EnvironmentEdge;
      const objects = result.built.get(environment.name) as Obj[];
      const env = workerEnv(objects, 'payments-worker');
      expect(env.find(entry => entry.name === 'QUEUE_URL')?.value).toContain(`@${edge.address.fqdn}:${edge.address.port}/`);
      const credentials = edge.credentials as NonNullable<EnvironmentEdge['credentials']>;
      for (const key of credentials.keys) {
        expect(env.map(entry => entry.valueFrom?.secretKeyRef).filter(Boolean)).toContainEqual({ name: credentials.secret, key });
      }
      expect(named(objects, 'Rollout', 'payments-worker').metadata.namespace).toBe(credentials.namespace);
      const rule = environment.endpoints['payments-worker'].egress.find(candidate => candidate.edge === edge.id) as NetworkRule;
      const policy = named(objects, 'NetworkPolicy', `${edge.from}-to-${edge.to}`);
      expect(policy.spec.podSelector.matchLabels).toEqual(rule.pods);
      expect(policy.spec.egress).toEqual([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': rule.peer.namespace } }, podSelector: { matchLabels: rule.peer.podLabels } }],
          ports: rule.ports,
        },
      ]);
    }
  });
});
