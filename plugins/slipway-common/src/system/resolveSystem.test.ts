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
    expect(system.resources[0].wave).toBe(0);
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
});
