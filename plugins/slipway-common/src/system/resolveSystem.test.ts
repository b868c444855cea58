import { resolveSystem } from './resolveSystem';
import type { ResolvedSystem } from './types';
import { BUILT_IN_PART_WIRING, type PartWiring } from './wiring';

/* How the resolver derives addresses, allow-lists, catalog relations and waves, case by case. */

const GOLDEN_PATHS = ['node-service', 'node-worker', 'static-frontend'];
type Values = Record<string, any>;

function resolve(values: Values, wiring?: Record<string, PartWiring>): ResolvedSystem {
  const result = resolveSystem(values, { goldenPathIds: wiring ? Object.keys(wiring) : GOLDEN_PATHS, wiring });
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 1));
  return result.system;
}

const base = { name: 'shop', owner: 'group:default/team-a', description: 'A shop.' };

describe('resolveSystem', () => {
  it('never throws: anything that is not a system is issues', () => {
    for (const values of [null, 'shop', 42, [], {}]) {
      const result = resolveSystem(values, { goldenPathIds: GOLDEN_PATHS });
      expect(result.ok).toBe(false);
    }
    const result = resolveSystem({ ...base, parts: [{ name: 'api' }] }, { goldenPathIds: GOLDEN_PATHS });
    expect(result).toEqual({ ok: false, issues: [{ path: 'parts[0].goldenPath', message: 'is required' }] });
  });

  it('defaults to staging and production in <system>-<environment>, in cluster, with app repos', () => {
    const system = resolve({ ...base, parts: [{ name: 'api', goldenPath: 'node-service' }] });
    expect(system.environments.map(env => [env.name, env.namespace, env.cluster])).toEqual([
      ['staging', 'shop-staging', 'https://kubernetes.default.svc'],
      ['production', 'shop-production', 'https://kubernetes.default.svc'],
    ]);
    expect(system.parts[0]).toMatchObject({ repo: { url: 'https://github.com/example-org/api.git', branch: 'main' }, deploy: { path: 'deploy' }, wave: 1 });
  });

  it("addresses a callee in another namespace by its FQDN, and both ends' rules name each other's namespace", () => {
    const system = resolve({
      ...base,
      parts: [
        { name: 'admin', goldenPath: 'node-service' },
        { name: 'api', goldenPath: 'node-service', namespace: 'api-{environment}', values: { port: 3001 } },
      ],
      edges: { calls: [{ from: 'admin', to: 'api' }] },
    });
    const staging = system.environments[0];
    expect(staging.namespaces).toEqual(['shop-staging', 'api-staging']);
    // The address is the Service port (80); the rules name the pods' port, from the callee's values.
    expect(staging.edges[0]).toMatchObject({ env: 'API_URL', address: { fqdn: 'api.api-staging.svc.cluster.local', port: 80, targetPort: 3001, url: 'http://api.api-staging.svc.cluster.local:80' } });
    expect(staging.endpoints.admin.egress[0]).toMatchObject({ peer: { namespace: 'api-staging' }, ports: [{ port: 3001, protocol: 'TCP' }] });
    expect(staging.endpoints.api.ingress[0]).toMatchObject({ peer: { namespace: 'shop-staging', podLabels: { 'app.kubernetes.io/name': 'admin' } }, ports: [{ port: 3001, protocol: 'TCP' }] });
  });

  it('orders waves by calls, and puts a cycle of calls in one wave', () => {
    const system = resolve({
      ...base,
      parts: ['a', 'b', 'c', 'd', 'e'].map(name => ({ name, goldenPath: 'node-service' })),
      resources: [{ name: 'db', kind: 'postgres' }],
      edges: {
        // a → b ⇄ c → d; e alone; d on the database.
        calls: [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
          { from: 'c', to: 'b' },
          { from: 'c', to: 'd' },
        ],
        uses: [{ from: 'd', to: 'db' }],
      },
    });
    expect(Object.fromEntries(system.parts.map(part => [part.name, part.wave]))).toEqual({ a: 3, b: 2, c: 2, d: 1, e: 1 });
    // d holds the database it alone uses: the database is applied with d's Application.
    expect(system.resources[0]).toMatchObject({ heldBy: 'd', wave: 1 });
  });

  it("puts a resource's holder before the other parts that use it, and a holder that waits for its user in one wave with it", () => {
    const parts = ['api', 'reports', 'worker'].map(name => ({ name, goldenPath: 'node-service' }));
    const ordered = resolve({
      ...base,
      parts,
      resources: [{ name: 'db', kind: 'postgres', heldBy: 'api' }],
      // reports calls nobody, but reads the database api holds (and migrates).
      edges: { uses: [{ from: 'api', to: 'db' }, { from: 'reports', to: 'db' }], calls: [{ from: 'worker', to: 'reports' }] },
    });
    expect(Object.fromEntries(ordered.parts.map(part => [part.name, part.wave]))).toEqual({ api: 1, reports: 2, worker: 3 });
    expect(ordered.resources[0].wave).toBe(1);
    // api now calls reports, which waits for api's database: a cycle, one wave.
    const cycle = resolve({
      ...base,
      parts,
      resources: [{ name: 'db', kind: 'postgres', heldBy: 'api' }],
      edges: { uses: [{ from: 'api', to: 'db' }, { from: 'reports', to: 'db' }], calls: [{ from: 'api', to: 'reports' }, { from: 'worker', to: 'api' }] },
    });
    expect(Object.fromEntries(cycle.parts.map(part => [part.name, part.wave]))).toEqual({ api: 1, reports: 1, worker: 2 });
  });

  it('provides an API only where another part calls it', () => {
    const system = resolve({
      ...base,
      parts: [
        { name: 'api', goldenPath: 'node-service' },
        { name: 'admin', goldenPath: 'node-service' },
      ],
      edges: { calls: [{ from: 'admin', to: 'api' }] },
    });
    expect(system.parts.map(part => [part.name, part.catalog.providesApis, part.catalog.consumesApis])).toEqual([
      ['api', ['api:api'], []],
      ['admin', [], ['api:api']],
    ]);
  });

  it('defaults the config repo to <system>-config, a NATS subject to its queue, and resource sizes to the tier', () => {
    const system = resolve({
      ...base,
      layout: { kind: 'config-repo' },
      repos: { urlPattern: 'git@github.com:acme/{name}.git', branch: 'trunk' },
      parts: [
        { name: 'api', goldenPath: 'node-service' },
        { name: 'worker', goldenPath: 'node-worker' },
      ],
      resources: [{ name: 'bus', kind: 'nats' }, { name: 'db', kind: 'postgres', instances: 2 }],
      edges: { publishes: [{ from: 'api', to: 'bus', queue: 'events' }], consumes: [{ from: 'worker', to: 'bus', queue: 'events' }], uses: [{ from: 'worker', to: 'db' }] },
    });
    expect(system.layout).toEqual({ kind: 'config-repo', repoUrl: 'git@github.com:acme/shop-config.git', branch: 'main' });
    expect(system.parts[0].repo).toEqual({ url: 'git@github.com:acme/api.git', branch: 'trunk' });
    expect(system.environments[0].edges.find(edge => edge.kind === 'publishes')).toMatchObject({ queue: 'events', subject: 'events' });
    expect(system.environments.map(env => [env.endpoints.bus.instances, env.endpoints.db.instances])).toEqual([
      [1, 2],
      [3, 2],
    ]);
    // The worker's connections are its worker pods' (its CronJobs reach neither broker nor database).
    expect(system.environments[0].endpoints.worker.egress.map(rule => rule.pods)).toEqual([
      { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/component': 'worker' },
      { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/component': 'worker' },
    ]);
  });

  it("takes an adopter's golden path with its own wiring", () => {
    const goService: PartWiring = { ...BUILT_IN_PART_WIRING['node-service'], http: { portName: 'web', port: 8000, targetPort: { field: 'listen', default: 9000 } } };
    const system = resolve(
      {
        ...base,
        parts: [
          { name: 'api', goldenPath: 'go-service', values: { listen: 7000 } },
          { name: 'web', goldenPath: 'static-frontend' },
        ],
        edges: { calls: [{ from: 'web', to: 'api', port: 'web', pathPrefix: '/api' }] },
      },
      { 'go-service': goService, 'static-frontend': BUILT_IN_PART_WIRING['static-frontend'] },
    );
    expect(system.environments[0].edges[0]).toMatchObject({ pathPrefix: '/api', address: { fqdn: 'api.shop-staging.svc.cluster.local', port: 8000, targetPort: 7000 } });
  });

  describe('who holds a resource', () => {
    const messaging = {
      ...base,
      parts: [
        { name: 'orders', goldenPath: 'node-service' },
        { name: 'catalog', goldenPath: 'node-service' },
        { name: 'payments', goldenPath: 'node-worker' },
      ],
      resources: [
        { name: 'mq', kind: 'rabbitmq' },
        { name: 'cache', kind: 'redis' },
        { name: 'queue', kind: 'redis' },
      ],
      edges: {
        uses: [{ from: 'catalog', to: 'cache' }, { from: 'orders', to: 'cache' }],
        publishes: [{ from: 'orders', to: 'mq', queue: 'orders' }, { from: 'catalog', to: 'queue', queue: 'views' }],
        consumes: [{ from: 'payments', to: 'mq', queue: 'orders' }, { from: 'payments', to: 'queue', queue: 'views' }],
      },
    };
    const holders = (system: ResolvedSystem) => Object.fromEntries(system.resources.map(resource => [resource.name, resource.heldBy]));

    it('gives a broker to its consumer, which runs it, though a publisher comes first; a cache to its first user in parts order', () => {
      // payments consumes two queues here, which node-worker does not take: only the holders are asked of the resolver.
      const result = resolveSystem(messaging, { goldenPathIds: GOLDEN_PATHS, wiring: { ...BUILT_IN_PART_WIRING, 'node-worker': { ...BUILT_IN_PART_WIRING['node-worker'], consumesQueues: 2 } } });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      // A redis anyone publishes to or consumes from is a broker (queue); with uses edges only, a cache.
      expect(holders(result.system)).toEqual({ mq: 'payments', cache: 'orders', queue: 'payments' });
      expect(result.system.resources.map(resource => resource.catalog.type)).toEqual(['message-broker', 'cache', 'message-broker']);
    });

    it('refuses an edge whose client cannot render its side: a worker publishing or caching, a broker used as a cache', () => {
      const values = {
        ...base,
        parts: [{ name: 'api', goldenPath: 'node-service' }, { name: 'jobs', goldenPath: 'node-worker' }],
        resources: [{ name: 'mq', kind: 'rabbitmq' }, { name: 'cache', kind: 'redis' }, { name: 'queue', kind: 'redis' }],
        edges: {
          uses: [{ from: 'jobs', to: 'cache' }, { from: 'api', to: 'queue' }],
          publishes: [{ from: 'jobs', to: 'mq', queue: 'audit' }],
          consumes: [{ from: 'jobs', to: 'queue', queue: 'views' }],
        },
      };
      const result = resolveSystem(values, { goldenPathIds: GOLDEN_PATHS });
      expect(result).toEqual({
        ok: false,
        issues: [
          { path: 'edges.uses[0].from', message: 'must name a part that caches in Redis (a node-service): jobs is a node-worker, which has no Redis cache client' },
          { path: 'edges.uses[1].to', message: 'must not name queue as a cache: parts publish to or consume from it, so it is a broker; give the cache a redis resource of its own' },
          { path: 'edges.publishes[0].from', message: 'must name a part that publishes (a node-service): jobs is a node-worker, which has no publisher' },
        ],
      });
    });

    it('refuses a heldBy whose golden path cannot hold the resource, naming the field and the parts that can', () => {
      const values = { ...messaging, resources: [{ name: 'mq', kind: 'rabbitmq', heldBy: 'orders' }, { name: 'cache', kind: 'redis', heldBy: 'payments' }, { name: 'queue', kind: 'redis' }] };
      values.edges = { ...messaging.edges, uses: [...messaging.edges.uses, { from: 'payments', to: 'cache' }] };
      // A worker that may cache (an adopter's): it still cannot run the cache.
      const worker = { ...BUILT_IN_PART_WIRING['node-worker'], consumesQueues: 2, usesCache: true };
      const result = resolveSystem(values, { goldenPathIds: GOLDEN_PATHS, wiring: { ...BUILT_IN_PART_WIRING, 'node-worker': worker } });
      expect(result).toEqual({
        ok: false,
        issues: [
          { path: 'resources[0].heldBy', message: 'names orders, a node-service, which cannot hold a rabbitmq broker: its repo cannot render one; name a part whose golden path can (payments (node-worker)), or leave heldBy out' },
          { path: 'resources[1].heldBy', message: 'names payments, a node-worker, which cannot hold a redis cache: its repo cannot render one; name a part whose golden path can (orders (node-service), catalog (node-service)), or leave heldBy out' },
        ],
      });
    });
  });
});
