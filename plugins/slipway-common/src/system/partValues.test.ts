import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { builtInGoldenPathIds } from '@slipway/skeletons/golden-paths';
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
    const system = resolved(example('bookstore'));
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

  it('runs a broker the worker holds as its own, under the resource\'s name and instances', () => {
    const values = example('bookstore');
    values.resources.find((resource: Values) => resource.name === 'bookstore-mq').heldBy = 'payments-worker';
    const system = resolved(values);
    const worker = valuesOf(system, 'payments-worker');
    expect(worker.broker).toEqual({ name: 'bookstore-mq' });
    const instances = system.environments.map(environment => environment.endpoints['bookstore-mq'].instances);
    expect(worker.environments.map((environment: Values) => environment.broker.instances)).toEqual(instances);
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

  it("leaves a database to come when one of its users' paths has no PostgreSQL client: voting's worker (node-worker)", () => {
    const values = example('voting');
    const system = resolved(values);
    const pathOf = (name: string) => values.parts.find((part: Values) => part.name === name).goldenPath;
    const users = postgresUses(values).map(([from]) => from);
    expect(users.filter(name => !BUILT_IN_PART_WIRING[pathOf(name)].usesPostgres)).not.toEqual([]);
    for (const name of users.filter(user => BUILT_IN_PART_WIRING[pathOf(user)].usesPostgres)) {
      const given = valuesOf(system, name);
      expect([given.database, given.postgres]).toEqual([undefined, undefined]);
    }
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
