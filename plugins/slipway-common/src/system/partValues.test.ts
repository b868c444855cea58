import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { builtInGoldenPathIds } from '@slipway/skeletons/golden-paths';
import { publisherAccess } from '../messaging';
import { partValues } from './partValues';
import { resolveSystem } from './resolveSystem';
import type { ResolvedSystem } from './types';
import { BUILT_IN_PART_WIRING } from './wiring';

/* What each part's golden path is given by its system: checked against the example systems' values files and the resolver's own placements. */

type Values = Record<string, any>;

const EXAMPLES_DIR = join(__dirname, '..', '..', '..', '..', 'examples', 'systems');
const example = (name: string): Values => parse(readFileSync(join(EXAMPLES_DIR, `${name}.yaml`), 'utf8')) as Values;

function resolved(values: Values): ResolvedSystem {
  const result = resolveSystem(values, { goldenPathIds: builtInGoldenPathIds() });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.system;
}

function valuesOf(system: ResolvedSystem, name: string): Values {
  const part = system.parts.find(candidate => candidate.name === name)!;
  const result = partValues(system, part, BUILT_IN_PART_WIRING[part.goldenPath]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.values;
}

describe('partValues', () => {
  it("gives a part the system's name, owner, system, repo and each environment's namespace, over its own values", () => {
    const values = example('bookstore');
    const system = resolved(values);
    const catalog = valuesOf(system, 'catalog');
    expect(catalog).toMatchObject({
      name: 'catalog',
      owner: values.owner,
      system: 'system:bookstore',
      description: values.parts[1].description ?? values.parts[1].values.description,
      gitops: { repoUrl: 'https://github.com/acme/catalog.git', branch: 'main' },
    });
    expect(catalog.environments.map((environment: Values) => [environment.name, environment.namespace])).toEqual([
      ['dev', 'bookstore-dev'],
      ['staging', 'bookstore-staging'],
      ['production', 'bookstore-production'],
    ]);
    // Its own per-environment values stay: production's autoscaling from the values file.
    expect(catalog.environments[2].autoscaling).toEqual(values.parts[1].values.environments[2].autoscaling);
  });

  it('puts a callee URL in the caller\'s environment, with the callee\'s fully qualified name in that environment', () => {
    const system = resolved(example('log-pong'));
    const logOutput = valuesOf(system, 'log-output');
    for (const environment of logOutput.environments) {
      const namespace = system.environments.find(candidate => candidate.name === environment.name)!.endpoints.pingpong.namespace;
      expect(environment.config.env).toEqual({ PINGPONG_URL: `http://pingpong.${namespace}.svc.cluster.local:80` });
    }
    // The callee gets no URL, and the caller's own config stays where it was.
    expect(valuesOf(system, 'pingpong').environments.every((environment: Values) => environment.config === undefined)).toBe(true);
    expect(logOutput.config).toEqual(example('log-pong').parts[1].values.config);
  });

  it('gives each path the directions of peers it takes: a frontend its ingress only, a worker its egress only', () => {
    const system = resolved(example('bookstore'));
    const storefront = valuesOf(system, 'storefront');
    const worker = valuesOf(system, 'payments-worker');
    const catalog = valuesOf(system, 'catalog');
    for (const environment of storefront.environments) expect(Object.keys(environment.peers)).toEqual(['ingress']);
    for (const environment of worker.environments) expect(Object.keys(environment.peers)).toEqual(['egress']);
    // catalog is called by the storefront: its ingress names it, in the storefront's namespace.
    expect(catalog.environments[1].peers.ingress).toEqual([
      expect.objectContaining({ name: 'storefront', namespace: 'bookstore-staging', podLabels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/component': 'web' } }),
    ]);
  });

  it("gives a frontend one backend per call, at the edge's path prefix, in a namespace pattern that holds in every environment", () => {
    const storefront = valuesOf(resolved(example('bookstore')), 'storefront');
    expect(storefront.backends).toEqual([
      { pathPrefix: '/api/books', service: 'catalog', namespace: 'bookstore-{environment}', port: 80, targetPort: 8080, podLabels: { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/component': 'server' } },
      { pathPrefix: '/api/orders', service: 'orders', namespace: 'bookstore-{environment}', port: 80, targetPort: 8080, podLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/component': 'server' } },
    ]);
  });

  it("hands each part to the system's app-of-apps at its wave, keeping its own Argo CD settings, and refuses argocd.system set by hand", () => {
    const values = example('bookstore');
    values.parts[2].values.argocd = { project: 'books' };
    const system = resolved(values);
    expect(valuesOf(system, 'orders').argocd).toEqual({ project: 'books', system: { name: 'bookstore', wave: system.parts.find(part => part.name === 'orders')!.wave } });
    expect(valuesOf(system, 'storefront').argocd).toEqual({ system: { name: 'bookstore', wave: 3 } });
    values.parts[2].values.argocd = { system: { name: 'other', wave: 0 } };
    const refused = resolved(values);
    expect(partValues(refused, refused.parts[2], BUILT_IN_PART_WIRING['node-service'])).toEqual({
      ok: false,
      issues: [{ path: 'parts.orders.values.argocd.system', message: "is set by the system (its app-of-apps per environment and the part's sync wave): leave it out" }],
    });
  });

  it('refuses a callee URL the part also sets itself', () => {
    const values = example('log-pong');
    values.parts[1].values.environments = [{ name: 'production', config: { env: { PINGPONG_URL: 'http://pingpong' } } }];
    const system = resolved(values);
    const part = system.parts.find(candidate => candidate.name === 'log-output')!;
    expect(partValues(system, part, BUILT_IN_PART_WIRING['node-service'])).toEqual({
      ok: false,
      issues: [{ path: 'parts.log-output.values.environments.production.config.env.PINGPONG_URL', message: 'is set by the system (the address of the part this one calls): leave it out' }],
    });
  });

  it("refuses a frontend's callee whose namespaces follow no one pattern", () => {
    const values = example('bookstore');
    // Environments named in their own ways: shop-dev, then bookstore-staging and bookstore-production.
    values.environments[0] = { name: 'dev', namespace: 'shop-dev' };
    const system = resolved(values);
    const part = system.parts.find(candidate => candidate.name === 'storefront')!;
    const result = partValues(system, part, BUILT_IN_PART_WIRING['static-frontend']);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map(issue => issue.message)).toEqual([
      'calls catalog: catalog runs in bookstore-staging in staging and in shop-dev in dev; a static-frontend backend takes one namespace pattern for every environment (<prefix>{environment}<suffix>)',
      'calls catalog: catalog runs in bookstore-production in production and in shop-dev in dev; a static-frontend backend takes one namespace pattern for every environment (<prefix>{environment}<suffix>)',
      'calls orders: orders runs in bookstore-staging in staging and in shop-dev in dev; a static-frontend backend takes one namespace pattern for every environment (<prefix>{environment}<suffix>)',
      'calls orders: orders runs in bookstore-production in production and in shop-dev in dev; a static-frontend backend takes one namespace pattern for every environment (<prefix>{environment}<suffix>)',
    ]);
  });
});

describe('partValues: a worker and the broker it consumes from', () => {
  it("consumes the edge's queue on the system's broker, which another part holds: external, at the broker's namespace in each environment", () => {
    // A second consumer, first in parts order, holds the broker (the first consumer does: resolveSystem).
    const values = example('bookstore');
    values.parts.unshift({ name: 'audit-worker', goldenPath: 'node-worker', values: { description: 'Audits orders.' } });
    values.edges.consumes.unshift({ from: 'audit-worker', to: 'bookstore-mq', queue: 'orders-audit' });
    const system = resolved(values);
    expect(system.resources.find(resource => resource.name === 'bookstore-mq')?.heldBy).toBe('audit-worker');
    const worker = valuesOf(system, 'payments-worker');
    const edge = example('bookstore').edges.consumes[0];
    expect(worker.queue).toEqual({ kind: 'rabbitmq', name: edge.queue });
    expect(worker.broker).toEqual({ external: { name: edge.to } });
    expect(worker.environments.map((environment: Values) => [environment.name, environment.broker.namespace])).toEqual([
      ['dev', 'bookstore-dev'],
      ['staging', 'bookstore-staging'],
      ['production', 'bookstore-production'],
    ]);
  });

  it("runs the broker it consumes from (its consumer holds it by default), under the resource's name and instances, admitting its publishers", () => {
    const system = resolved(example('bookstore'));
    expect(system.resources.find(resource => resource.name === 'bookstore-mq')?.heldBy).toBe('payments-worker');
    const worker = valuesOf(system, 'payments-worker');
    expect(worker.broker).toEqual({ name: 'bookstore-mq' });
    const instances = system.environments.map(environment => environment.endpoints['bookstore-mq'].instances);
    expect(worker.environments.map((environment: Values) => environment.broker.instances)).toEqual(instances);
    // orders publishes to it: admitted in its namespace with its pods; its RabbitMQ user is its own repo's (no access fields here).
    expect(worker.environments.map((environment: Values) => environment.broker.clients)).toEqual(
      system.environments.map(environment => [{ name: 'orders', namespace: environment.endpoints.orders.namespace, podLabels: { 'app.kubernetes.io/name': 'orders' } }]),
    );
  });

  it("gives a NATS or Redis publisher its user at the holder, with the publisher's own permissions", () => {
    const todo = valuesOf(resolved(example('todo')), 'broadcaster');
    expect(todo.environments[0].broker.clients).toEqual([
      { name: 'todo-backend', namespace: 'todo-staging', podLabels: { 'app.kubernetes.io/name': 'todo-backend' }, permissions: { publish: ['todos.changed'], subscribe: ['_INBOX.>'] } },
    ]);
    const voting = valuesOf(resolved(example('voting')), 'worker');
    expect(voting.environments[0].broker.clients).toEqual([
      { name: 'vote', namespace: 'voting-production', podLabels: { 'app.kubernetes.io/name': 'vote' }, ...publisherAccess('redis', 'votes') },
    ]);
  });

  it('refuses queue fields the part sets itself', () => {
    const values = example('bookstore');
    values.parts.find((part: Values) => part.name === 'payments-worker').values.queue = { name: 'payments' };
    const system = resolved(values);
    const part = system.parts.find(candidate => candidate.name === 'payments-worker')!;
    expect(partValues(system, part, BUILT_IN_PART_WIRING['node-worker'])).toEqual({
      ok: false,
      issues: [{ path: 'parts.payments-worker.values.queue.name', message: 'is set by the system (its consumes edge to bookstore-mq): leave it out' }],
    });
  });
});

describe('partValues: node-service and the PostgreSQL it uses', () => {
  /** The example's uses edges to a postgres resource: [from, to]. */
  const postgresUses = (values: Values): Array<[string, string]> => {
    const postgres = new Set(values.resources.filter((resource: Values) => resource.kind === 'postgres').map((resource: Values) => resource.name));
    return values.edges.uses.filter((edge: Values) => postgres.has(edge.to)).map((edge: Values) => [edge.from, edge.to]);
  };

  it("runs the cluster in its holder under the resource's name, admitting the resource's other users; the others use it as external", () => {
    const values = example('bookstore');
    const system = resolved(values);
    const uses = postgresUses(values);
    const [, database] = uses[0];
    const holder = system.resources.find(resource => resource.name === database)!.heldBy;
    const others = uses.filter(([from, to]) => to === database && from !== holder).map(([from]) => from);
    expect(others.length).toBeGreaterThan(0);
    const held = valuesOf(system, holder);
    expect(held.database).toBe('postgres');
    expect(held.postgres).toMatchObject({
      name: database,
      clients: others.map(name => ({ name, podLabels: { 'app.kubernetes.io/name': name } })),
    });
    expect(held.postgres.external).toBeUndefined();
    for (const name of others) {
      const user = valuesOf(system, name);
      expect(user.database).toBe('postgres');
      expect(user.postgres).toEqual({ external: { name: database } });
    }
    // A part with no uses edge to PostgreSQL gets no database fields.
    expect(valuesOf(system, 'payments-worker').database).toBeUndefined();
  });

  it("gives voting's worker (node-worker) the database result holds as postgres.external, with no database switch; result admits the worker's pods", () => {
    const values = example('voting');
    // The worker first in parts order: the default holder is still a user whose path runs a cluster.
    values.parts = [...values.parts.filter((part: Values) => part.goldenPath === 'node-worker'), ...values.parts.filter((part: Values) => part.goldenPath !== 'node-worker')];
    const system = resolved(values);
    const uses = postgresUses(values);
    const worker = uses.map(([from]) => from).find(name => values.parts.find((part: Values) => part.name === name).goldenPath === 'node-worker')!;
    const [, database] = uses.find(([from]) => from === worker)!;
    const holder = system.resources.find(resource => resource.name === database)!.heldBy;
    expect(values.parts.find((part: Values) => part.name === holder).goldenPath).toBe('node-service');
    const given = valuesOf(system, worker);
    expect(given.postgres).toEqual({ external: { name: database } });
    expect('database' in given).toBe(false);
    const workerPods = system.environments[0].endpoints[database].ingress.find(rule => rule.peer.name === worker)!.peer.podLabels;
    expect(workerPods).toEqual({ 'app.kubernetes.io/name': worker, 'app.kubernetes.io/component': 'worker' });
    expect(valuesOf(system, holder).postgres).toMatchObject({ name: database, clients: [{ name: worker, podLabels: workerPods }] });
  });

  it('refuses a node-worker as the holder of a PostgreSQL, naming the resource\'s heldBy, when no user runs a cluster', () => {
    const values = example('voting');
    values.edges.uses = values.edges.uses.filter((edge: Values) => edge.from === 'worker');
    const system = resolved(values);
    const part = system.parts.find(candidate => candidate.name === 'worker')!;
    expect(system.resources.find(resource => resource.name === 'voting-db')!.heldBy).toBe('worker');
    const result = partValues(system, part, BUILT_IN_PART_WIRING['node-worker']);
    expect(result).toEqual({ ok: false, issues: [{ path: 'resources.voting-db.heldBy', message: expect.stringContaining('is worker, a node-worker, which runs no PostgreSQL cluster') }] });
  });

  it("leaves a database unrendered when one of its users' paths has no PostgreSQL client (an adopter's path without usesPostgres)", () => {
    const system = resolved(example('voting'));
    const { usesPostgres: _uses, ...withoutClient } = BUILT_IN_PART_WIRING['node-worker'];
    const wiringOf = (goldenPath: string) => (goldenPath === 'node-worker' ? withoutClient : BUILT_IN_PART_WIRING[goldenPath]);
    const result = partValues(system, system.parts.find(candidate => candidate.name === 'result')!, BUILT_IN_PART_WIRING['node-service'], wiringOf);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect([result.values.database, result.values.postgres]).toEqual([undefined, undefined]);
  });

  it("sizes the holder's cluster from the resource's instances when every environment agrees", () => {
    const values = example('goals');
    const system = resolved(values);
    const [[part, database]] = postgresUses(values);
    const instances = system.environments.map(environment => environment.endpoints[database].instances);
    expect(new Set(instances).size).toBe(1);
    expect(valuesOf(system, part).postgres).toEqual({ instances: instances[0], name: database, clients: [] });
  });

  it('refuses database fields the part sets itself', () => {
    const values = example('bookstore');
    values.parts.find((part: Values) => part.name === 'orders').values.postgres = { external: { name: 'elsewhere' } };
    const system = resolved(values);
    const part = system.parts.find(candidate => candidate.name === 'orders')!;
    expect(partValues(system, part, BUILT_IN_PART_WIRING['node-service'])).toEqual({
      ok: false,
      issues: [{ path: 'parts.orders.values.postgres.external', message: 'is set by the system (its uses edge to bookstore-db): leave it out' }],
    });
  });
});

describe('partValues: catalog relations', () => {
  /** What the example's edges say of a part, in the resolver's edge order (calls, uses, publishes, consumes): its dependsOn and the APIs it consumes and provides. */
  function relationsFromEdges(values: Values, name: string) {
    const services = new Set(values.parts.filter((part: Values) => part.goldenPath === 'node-service').map((part: Values) => part.name));
    const edges = (['calls', 'uses', 'publishes', 'consumes'] as const).flatMap(kind =>
      ((values.edges[kind] ?? []) as Array<{ from: string; to: string }>).map(edge => ({ kind, from: edge.from, to: edge.to })),
    );
    const outgoing = edges.filter(edge => edge.from === name);
    const calls = outgoing.filter(edge => edge.kind === 'calls');
    return {
      dependsOn: [...new Set(outgoing.map(edge => `${edge.kind === 'calls' ? 'component' : 'resource'}:${edge.to}`))],
      consumesApis: calls.filter(edge => services.has(edge.to)).map(edge => `api:${edge.to}`),
      providesApis: services.has(name) && edges.some(edge => edge.kind === 'calls' && edge.to === name) ? [`api:${name}`] : [],
    };
  }

  it("gives every part the relations its edges make, without the system (given as system)", () => {
    const values = example('bookstore');
    const system = resolved(values);
    for (const part of values.parts as Values[]) {
      expect({ part: part.name, catalog: valuesOf(system, part.name).catalog }).toEqual({ part: part.name, catalog: relationsFromEdges(values, part.name) });
    }
    // What that means for the bookstore, read off the edges above.
    expect(valuesOf(system, 'catalog').catalog.dependsOn).toEqual(values.edges.uses.filter((edge: Values) => edge.from === 'catalog').map((edge: Values) => `resource:${edge.to}`));
    expect(valuesOf(system, 'storefront').catalog.consumesApis).toEqual(values.edges.calls.filter((edge: Values) => edge.from === 'storefront').map((edge: Values) => `api:${edge.to}`));
  });

  it("keeps the relations a part's values list, each entity once", () => {
    const values = example('bookstore');
    const catalogPart = values.parts.find((part: Values) => part.name === 'catalog');
    // resource:default/bookstore-db is the edge's resource:bookstore-db in the catalog's eyes.
    catalogPart.values.catalog = { dependsOn: ['component:search', 'resource:default/bookstore-db'], consumesApis: ['search'] };
    const catalog = valuesOf(resolved(values), 'catalog').catalog;
    expect(catalog.dependsOn).toEqual(['component:search', 'resource:default/bookstore-db', 'resource:bookstore-cache']);
    expect(catalog.consumesApis).toEqual(['search']);
    expect(catalog.providesApis).toEqual(['api:catalog']);
  });
});

describe('partValues: node-service as a publisher and as a cache user', () => {
  it("publishes to the edge's queue on the broker its consumer runs, at the broker's namespaces", () => {
    expect(valuesOf(resolved(example('bookstore')), 'orders').publishes).toEqual({ kind: 'rabbitmq', external: { name: 'bookstore-mq', namespace: 'bookstore-{environment}' }, queue: 'orders' });
    expect(valuesOf(resolved(example('todo')), 'todo-backend').publishes).toEqual({ kind: 'nats', external: { name: 'todo-nats', namespace: 'todo-{environment}' }, queue: 'todos', subject: 'todos.changed' });
    expect(valuesOf(resolved(example('voting')), 'vote').publishes).toEqual({ kind: 'redis', external: { name: 'voting-redis', namespace: 'voting-{environment}' }, queue: 'votes' });
    // No publishes edge, no publisher; a worker is given none either.
    expect(valuesOf(resolved(example('bookstore')), 'catalog').publishes).toBeUndefined();
  });

  it('runs the cache in its first user, admitting the others; the others use it as external', () => {
    const values = example('bookstore');
    values.edges.uses.push({ from: 'orders', to: 'bookstore-cache' });
    const system = resolved(values);
    expect(system.resources.find(resource => resource.name === 'bookstore-cache')?.heldBy).toBe('catalog');
    expect(valuesOf(system, 'catalog').cache).toEqual({ name: 'bookstore-cache', clients: [{ name: 'orders', namespace: 'bookstore-{environment}', podLabels: { 'app.kubernetes.io/name': 'orders' } }] });
    expect(valuesOf(system, 'orders').cache).toEqual({ external: { name: 'bookstore-cache', namespace: 'bookstore-{environment}' } });
    // The example as written: catalog alone caches in it.
    expect(valuesOf(resolved(example('bookstore')), 'catalog').cache).toEqual({ name: 'bookstore-cache', clients: [] });
  });

  it('refuses publishes and cache fields the part sets itself, and a broker only a publisher could hold', () => {
    const values = example('bookstore');
    values.parts.find((part: Values) => part.name === 'orders').values.publishes = { queue: 'mine' };
    values.parts.find((part: Values) => part.name === 'catalog').values.cache = { name: 'mine' };
    const system = resolved(values);
    const issues = (name: string) => {
      const result = partValues(system, system.parts.find(candidate => candidate.name === name)!, BUILT_IN_PART_WIRING['node-service']);
      return result.ok ? [] : result.issues;
    };
    expect(issues('orders')).toEqual([{ path: 'parts.orders.values.publishes.queue', message: 'is set by the system (its publishes edge to bookstore-mq): leave it out' }]);
    expect(issues('catalog')).toEqual([{ path: 'parts.catalog.values.cache.name', message: 'is set by the system (its uses edge to bookstore-cache): leave it out' }]);

    const orphan = example('bookstore');
    orphan.edges.consumes = [];
    orphan.parts = orphan.parts.filter((part: Values) => part.name !== 'payments-worker');
    const alone = resolved(orphan);
    const orders = alone.parts.find(candidate => candidate.name === 'orders')!;
    expect(partValues(alone, orders, BUILT_IN_PART_WIRING['node-service'])).toEqual({
      ok: false,
      issues: [{ path: 'resources.bookstore-mq', message: 'has no part that runs it: a rabbitmq broker is run by a part that consumes from it (a node-worker), and orders only publishes to it; add the consumer\'s consumes edge' }],
    });
  });
});
