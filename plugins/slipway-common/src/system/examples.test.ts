import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { BUILT_IN_GOLDEN_PATHS, builtInGoldenPathIds } from '@slipway/skeletons/golden-paths';
import { resolveSystem } from './resolveSystem';
import type { ResolvedPart, ResolvedSystem } from './types';

/*
 * The five seed systems (examples/systems/*.yaml): each resolves, each part's values are what its
 * golden path's spec accepts today, both ends of every edge agree in every environment, and for
 * the bookstore the derived wiring is what the write-up (seed 004) and the skeletons say, worked
 * out by hand below.
 */

const EXAMPLES_DIR = join(__dirname, '..', '..', '..', '..', 'examples', 'systems');
const EXAMPLES = ['todo', 'log-pong', 'goals', 'voting', 'bookstore'] as const;
const GOLDEN_PATH_IDS = builtInGoldenPathIds();

type Values = Record<string, any>;

function exampleValues(name: string): Values {
  return parse(readFileSync(join(EXAMPLES_DIR, `${name}.yaml`), 'utf8')) as Values;
}

function resolved(name: string): ResolvedSystem {
  const result = resolveSystem(exampleValues(name), { goldenPathIds: GOLDEN_PATH_IDS });
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.issues, null, 1)}`);
  return result.system;
}

/** The part's values as the system hands them to its golden path: its name, owner, system and each environment's namespace set. */
function goldenPathValues(system: ResolvedSystem, part: ResolvedPart): Values {
  const own = (part.values.environments ?? []) as Values[];
  return {
    ...part.values,
    name: part.name,
    owner: system.owner,
    system: system.entityRef,
    environments: system.environments.map(environment => ({
      ...own.find(entry => entry.name === environment.name),
      name: environment.name,
      namespace: environment.endpoints[part.name].namespace,
    })),
  };
}

/** The edges a values file declares, as `kind from to`: read from the YAML, not from the resolver. */
function declaredPairs(values: Values): string[] {
  const pairs: string[] = [];
  for (const kind of ['calls', 'uses', 'publishes', 'consumes']) {
    for (const edge of values.edges?.[kind] ?? []) pairs.push(`${kind} ${edge.from} ${edge.to}`);
  }
  return pairs.sort();
}

describe.each(EXAMPLES)('example system %s', name => {
  const values = exampleValues(name);
  const system = resolved(name);

  it('names its seed write-up in the comment at the top', () => {
    const head = readFileSync(join(EXAMPLES_DIR, `${name}.yaml`), 'utf8').split('\n')[0];
    expect(head).toMatch(/^# Seed 00[0-4] \(\.\.\/shared\/seeds\/00[0-4]_[0-9a-f]+\.txt\)/);
  });

  it("gives each part values its golden path's spec accepts today", () => {
    for (const part of system.parts) {
      const goldenPath = BUILT_IN_GOLDEN_PATHS[part.goldenPath as keyof typeof BUILT_IN_GOLDEN_PATHS]('');
      const result = goldenPath.resolve(goldenPathValues(system, part));
      if (!result.ok) throw new Error(`${part.name} (${part.goldenPath}): ${JSON.stringify(result.issues)}`);
    }
  });

  it('allows every declared edge at both ends, and nothing else, in every environment', () => {
    const declared = declaredPairs(values);
    for (const environment of system.environments) {
      const endpoints = Object.values(environment.endpoints);
      const egressPairs: string[] = [];
      for (const end of endpoints) {
        for (const rule of end.egress) {
          egressPairs.push(`${rule.edge.split(':')[0]} ${end.name} ${rule.peer.name}`);
          const peer = environment.endpoints[rule.peer.name];
          expect(rule.peer.namespace).toBe(peer.namespace);
          // The mirror rule at the other end: same edge, this end as its peer, the same pods, the same ports.
          const mirror = peer.ingress.filter(other => other.edge === rule.edge);
          expect(mirror).toEqual([{ edge: rule.edge, pods: rule.peer.podLabels, peer: { name: end.name, role: end.role, namespace: end.namespace, podLabels: rule.pods }, ports: rule.ports }]);
        }
      }
      const ingressCount = endpoints.reduce((sum, end) => sum + end.ingress.length, 0);
      expect(egressPairs.sort()).toEqual(declared);
      expect(ingressCount).toBe(declared.length);
    }
  });

  it('addresses every edge by its fully qualified name', () => {
    for (const environment of system.environments) {
      for (const edge of environment.edges) {
        const namespace = environment.endpoints[edge.to].namespace;
        expect(edge.address.fqdn).toMatch(new RegExp(`^[a-z0-9-]+\\.${namespace}\\.svc\\.cluster\\.local$`));
        expect(edge.address.url).toContain(`${edge.address.fqdn}:${edge.address.port}`);
      }
    }
  });
});

describe('bookstore (seed 004), worked out by hand', () => {
  const system = resolved('bookstore');
  const environment = (name: string) => {
    const found = system.environments.find(candidate => candidate.name === name);
    if (!found) throw new Error(`no environment ${name}`);
    return found;
  };

  it('has dev → staging → production, each in its own namespace, restricted', () => {
    expect(system.environments.map(env => [env.name, env.namespace, env.isProductionTier])).toEqual([
      ['dev', 'bookstore-dev', false],
      ['staging', 'bookstore-staging', false],
      ['production', 'bookstore-production', true],
    ]);
    for (const env of system.environments) {
      expect(env.namespaces).toEqual([env.namespace]);
      expect(env.namespaceLabels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    }
  });

  it('sends storefront to catalog by its fully qualified name in every environment', () => {
    for (const name of ['dev', 'staging', 'production']) {
      const edge = environment(name).edges.find(candidate => candidate.kind === 'calls' && candidate.from === 'storefront' && candidate.to === 'catalog');
      // node-service's Service catalog, port http 80, in the environment's namespace; the prefix from the edge.
      expect(edge).toMatchObject({
        address: { fqdn: `catalog.bookstore-${name}.svc.cluster.local`, port: 80, targetPort: 8080, url: `http://catalog.bookstore-${name}.svc.cluster.local:80` },
        pathPrefix: '/api/books',
      });
      expect(edge?.env).toBeUndefined();
    }
  });

  it("lets orders out to RabbitMQ in bookstore-staging on AMQP, and RabbitMQ admit it", () => {
    const staging = environment('staging');
    // skeletons/_backing-services/rabbitmq/client-networkpolicy.hbs: pods name <mq> + component rabbitmq, port 5672.
    const mqPods = { 'app.kubernetes.io/name': 'bookstore-mq', 'app.kubernetes.io/component': 'rabbitmq' };
    expect(staging.endpoints.orders.egress).toContainEqual({
      edge: 'publishes:orders->bookstore-mq:orders',
      pods: { 'app.kubernetes.io/name': 'orders' },
      peer: { name: 'bookstore-mq', role: 'resource', namespace: 'bookstore-staging', podLabels: mqPods },
      ports: [{ port: 5672, protocol: 'TCP' }],
    });
    expect(staging.endpoints['bookstore-mq'].ingress.map(rule => [rule.peer.name, rule.peer.podLabels, rule.ports[0].port])).toEqual([
      ['orders', { 'app.kubernetes.io/name': 'orders' }, 5672],
      // node-worker's broker client: name + component worker.
      ['payments-worker', { 'app.kubernetes.io/name': 'payments-worker', 'app.kubernetes.io/component': 'worker' }, 5672],
    ]);
  });

  it('lets nothing in to payments-worker, and it out only to RabbitMQ', () => {
    for (const env of system.environments) {
      expect(env.endpoints['payments-worker'].ingress).toEqual([]);
      expect(env.endpoints['payments-worker'].service).toBeUndefined();
      expect(env.endpoints['payments-worker'].egress.map(rule => [rule.peer.name, rule.ports[0].port])).toEqual([['bookstore-mq', 5672]]);
    }
  });

  it('admits catalog and orders to PostgreSQL, catalog alone to Redis', () => {
    const production = environment('production');
    expect(production.endpoints['bookstore-db'].ingress.map(rule => [rule.peer.name, rule.pods, rule.ports[0].port])).toEqual([
      ['catalog', { 'cnpg.io/cluster': 'bookstore-db' }, 5432],
      ['orders', { 'cnpg.io/cluster': 'bookstore-db' }, 5432],
    ]);
    expect(production.endpoints['bookstore-cache'].ingress.map(rule => [rule.peer.name, rule.ports[0].port])).toEqual([['catalog', 6379]]);
    // The storefront reaches catalog and orders; nothing reaches the storefront but the gateway (not an edge).
    expect(production.endpoints.storefront.ingress).toEqual([]);
    expect(production.endpoints.catalog.ingress.map(rule => [rule.peer.name, rule.pods, rule.ports[0].port])).toEqual([
      ['storefront', { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/component': 'server' }, 8080],
    ]);
  });

  it("reads each client's credentials from the operator's Secret", () => {
    const staging = environment('staging');
    const credentials = (id: string) => staging.edges.find(edge => edge.id === id)?.credentials;
    expect(credentials('uses:catalog->bookstore-db')).toEqual({ secret: 'bookstore-db-app', namespace: 'bookstore-staging', keys: ['fqdn-uri'], madeBy: 'CloudNativePG' });
    expect(credentials('publishes:orders->bookstore-mq:orders')).toMatchObject({ secret: 'bookstore-mq-orders-user-credentials', keys: ['username', 'password'] });
    expect(credentials('uses:catalog->bookstore-cache')).toMatchObject({ secret: 'bookstore-cache-catalog', keys: ['url'] });
    expect(staging.edges.find(edge => edge.id === 'uses:orders->bookstore-db')?.address.fqdn).toBe('bookstore-db-rw.bookstore-staging.svc.cluster.local');
  });

  it('fills the catalog relations from the edges', () => {
    const catalog = (name: string) => system.parts.find(part => part.name === name)?.catalog;
    expect(catalog('storefront')).toEqual({ system: 'system:bookstore', dependsOn: ['component:catalog', 'component:orders'], consumesApis: ['api:catalog', 'api:orders'], providesApis: [] });
    expect(catalog('catalog')).toEqual({ system: 'system:bookstore', dependsOn: ['resource:bookstore-db', 'resource:bookstore-cache'], consumesApis: [], providesApis: ['api:catalog'] });
    expect(catalog('orders')?.dependsOn).toEqual(['resource:bookstore-db', 'resource:bookstore-mq']);
    expect(catalog('payments-worker')).toEqual({ system: 'system:bookstore', dependsOn: ['resource:bookstore-mq'], consumesApis: [], providesApis: [] });
    expect(system.resources.map(resource => [resource.name, resource.catalog.type])).toEqual([
      ['bookstore-db', 'database'],
      ['bookstore-cache', 'cache'],
      ['bookstore-mq', 'message-broker'],
    ]);
  });

  it('syncs the holders first (catalog: the database and cache; payments-worker: the broker), then orders, which uses both, then the storefront that calls them', () => {
    expect(system.resources.map(resource => [resource.name, resource.heldBy, resource.wave])).toEqual([
      ['bookstore-db', 'catalog', 1],
      ['bookstore-cache', 'catalog', 1],
      ['bookstore-mq', 'payments-worker', 1],
    ]);
    expect(Object.fromEntries(system.parts.map(part => [part.name, part.wave]))).toEqual({ storefront: 3, catalog: 1, orders: 2, 'payments-worker': 1 });
  });

  it("keeps each part's deploy/ in its own repo, each store in its first user's and the broker in its consumer's", () => {
    expect(system.layout).toEqual({ kind: 'app-repos' });
    expect(system.parts.find(part => part.name === 'catalog')?.deploy).toEqual({ repoUrl: 'https://github.com/acme/catalog.git', branch: 'main', path: 'deploy' });
    expect(system.resources.map(resource => [resource.name, resource.heldBy, resource.deploy.path])).toEqual([
      ['bookstore-db', 'catalog', 'deploy'],
      ['bookstore-cache', 'catalog', 'deploy'],
      ['bookstore-mq', 'payments-worker', 'deploy'],
    ]);
  });

  it('runs one server of each resource before production and three there, and backs up what the write-up backs up', () => {
    expect(system.environments.map(env => env.endpoints['bookstore-mq'].instances)).toEqual([1, 1, 3]);
    expect(system.resources.find(resource => resource.name === 'bookstore-db')?.backup).toEqual({
      destinationPath: 's3://bookstore-backups/postgres',
      schedule: '0 0 2 * * *',
      environments: ['staging', 'production'],
    });
  });
});

describe('config-repo layout (todo, seed 000; log-pong, seed 001)', () => {
  it("puts every part's manifests in the config repo, and each resource's in its holder's folder there", () => {
    const todo = resolved('todo');
    expect(todo.layout).toEqual({ kind: 'config-repo', repoUrl: 'https://github.com/example-org/todo-config.git', branch: 'main' });
    expect(todo.parts.map(part => [part.name, part.repo.url, part.deploy.repoUrl, part.deploy.path])).toEqual([
      ['todo-backend', 'https://github.com/example-org/todo-backend.git', 'https://github.com/example-org/todo-config.git', 'apps/todo-backend'],
      ['todo-frontend', 'https://github.com/example-org/todo-frontend.git', 'https://github.com/example-org/todo-config.git', 'apps/todo-frontend'],
      ['broadcaster', 'https://github.com/example-org/broadcaster.git', 'https://github.com/example-org/todo-config.git', 'apps/broadcaster'],
    ]);
    expect(todo.resources.map(resource => [resource.name, resource.heldBy, resource.deploy.repoUrl, resource.deploy.path])).toEqual([
      ['todo-db', 'todo-backend', 'https://github.com/example-org/todo-config.git', 'apps/todo-backend'],
      ['todo-nats', 'broadcaster', 'https://github.com/example-org/todo-config.git', 'apps/broadcaster'],
    ]);
  });

  it('gives the broadcaster NATS by its fully qualified name, never the short my-nats the write-up broke on', () => {
    const todo = resolved('todo');
    for (const env of todo.environments) {
      const edge = env.edges.find(candidate => candidate.kind === 'consumes' && candidate.from === 'broadcaster');
      expect(edge).toMatchObject({
        address: { fqdn: `todo-nats.todo-${env.name}.svc.cluster.local`, port: 4222, url: `nats://todo-nats.todo-${env.name}.svc.cluster.local:4222` },
        queue: 'todos',
        subject: 'todos.changed',
        credentials: { secret: 'todo-nats-broadcaster', namespace: `todo-${env.name}`, keys: ['url'] },
      });
    }
  });

  it("gives log-output pingpong's URL in PINGPONG_URL, the write-up's variable", () => {
    const logPong = resolved('log-pong');
    expect(logPong.parts.map(part => part.repo.url)).toEqual(['https://github.com/example-org/pingpong-code.git', 'https://github.com/example-org/log-output-code.git']);
    expect(logPong.environments[0].edges.find(edge => edge.kind === 'calls')).toMatchObject({
      from: 'log-output',
      to: 'pingpong',
      env: 'PINGPONG_URL',
      address: { url: 'http://pingpong.log-pong-production.svc.cluster.local:80' },
    });
  });
});
