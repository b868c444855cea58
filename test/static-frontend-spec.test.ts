/**
 * The static-frontend golden path's spec and resolver: its defaults (backend namespaces per
 * environment, TLS names per host, the nginx runtime image) and the rules across fields that
 * the zod schema alone cannot state, each refused with the field and the rule.
 */
import { builtInGoldenPath } from '@slipway/skeletons';

const goldenPath = builtInGoldenPath('static-frontend');
const MINIMAL = { name: 'storefront', owner: 'group:default/bookstore', description: 'The storefront.' };

interface ResolvedFrontend {
  port: number;
  metricsPort: number;
  ci: { nodeMajor: number; baseImages: { build: string; runtime: string } };
  environments: Array<{
    name: string;
    namespace: string;
    host: string;
    backends: Array<{ pathPrefix: string; namespace: string; fqdn: string; port: number; targetPort: number; podLabels: Record<string, string> }>;
    tls: { listener: string; secretName: string };
  }>;
}

function resolve(values: Record<string, unknown>): ResolvedFrontend {
  const result = goldenPath.resolve({ ...MINIMAL, ...values });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec as unknown as ResolvedFrontend;
}

function issues(values: Record<string, unknown>): Array<{ path: string; message: string }> {
  const result = goldenPath.resolve({ ...MINIMAL, ...values });
  return result.ok ? [] : result.issues;
}

describe('the static-frontend spec', () => {
  it('defaults: pages only, nginx on 8080 with the exporter on 9113, staging then production, one TLS listener and Secret per host, nginx as the runtime', () => {
    const spec = resolve({});
    expect({ port: spec.port, metricsPort: spec.metricsPort }).toEqual({ port: 8080, metricsPort: 9113 });
    expect(spec.environments.map(environment => [environment.name, environment.host, environment.tls, environment.backends])).toEqual([
      ['staging', 'storefront.staging.example.com', { listener: 'storefront-staging', secretName: 'storefront-staging-tls' }, []],
      ['production', 'storefront.example.com', { listener: 'storefront-production', secretName: 'storefront-production-tls' }, []],
    ]);
    expect(spec.ci.baseImages).toEqual({ build: 'node:22-bookworm-slim', runtime: 'nginxinc/nginx-unprivileged:1.30.5-trixie' });
  });

  it('resolves each backend per environment: {environment} in its namespace, <service>-<environment> by default, always the FQDN', () => {
    const spec = resolve({
      backends: [
        { pathPrefix: '/api', service: 'catalog-api', namespace: 'bookstore-{environment}' },
        { pathPrefix: '/orders', service: 'orders', port: 8000, targetPort: 3000, podLabels: { app: 'orders' } },
      ],
    });
    expect(spec.environments.map(environment => environment.backends.map(backend => `${backend.pathPrefix} ${backend.fqdn}:${backend.port} → pods :${backend.targetPort} ${JSON.stringify(backend.podLabels)}`))).toEqual([
      ['/api catalog-api.bookstore-staging.svc.cluster.local:80 → pods :8080 {"app.kubernetes.io/name":"catalog-api"}', '/orders orders.orders-staging.svc.cluster.local:8000 → pods :3000 {"app":"orders"}'],
      ['/api catalog-api.bookstore-production.svc.cluster.local:80 → pods :8080 {"app.kubernetes.io/name":"catalog-api"}', '/orders orders.orders-production.svc.cluster.local:8000 → pods :3000 {"app":"orders"}'],
    ]);
  });

  it('refuses a prefix nginx answers itself, a repeated prefix, a trailing slash and regex metacharacters', () => {
    expect(issues({ backends: [{ pathPrefix: '/assets/api', service: 'a' }] })).toEqual([
      { path: 'backends[0].pathPrefix', message: 'must not be or lie under /assets, /healthz, /404.html, /index.html, which nginx answers itself' },
    ]);
    expect(issues({ backends: [{ pathPrefix: '/api', service: 'a' }, { pathPrefix: '/api', service: 'b' }] })).toEqual([
      { path: 'backends[1].pathPrefix', message: 'must differ from backends[0].pathPrefix: one backend per prefix' },
    ]);
    for (const pathPrefix of ['/api/', '/', '/a.*', 'api']) {
      expect(issues({ backends: [{ pathPrefix, service: 'a' }] })).toEqual([{ path: 'backends[0].pathPrefix', message: expect.stringMatching(/^must be a path prefix such as \/api/) }]);
    }
  });

  it('refuses a namespace that is no DNS label in some environment, ports that clash, and a certificate name over 63 characters', () => {
    expect(issues({ backends: [{ pathPrefix: '/api', service: 'a', namespace: '{environment}-' }] })).toEqual([
      { path: 'backends[0].namespace', message: expect.stringContaining('in staging it is "staging-"') },
      { path: 'backends[0].namespace', message: expect.stringContaining('in production it is "production-"') },
    ]);
    expect(issues({ metricsPort: 8080 })).toEqual([{ path: 'metricsPort', message: 'must differ from port, so /metrics is never routed by the gateway' }]);
    expect(issues({ port: 8081 })).toEqual([{ path: 'port', message: 'must not be 8081, where stub_status listens on loopback for the exporter' }]);
    expect(issues({ name: 'a'.repeat(46), environments: [{ name: 'production-eu' }] })).toEqual([
      { path: 'environments[0].name', message: expect.stringContaining(`the certificate Secret ${'a'.repeat(46)}-production-eu-tls is over 63 characters`) },
    ]);
  });

  it('has no canary per environment (the Deployment rolls out; nothing in stub_status could gate a canary), and checks the build stage against ci.nodeVersion', () => {
    expect(issues({ environments: [{ name: 'production', canary: { steps: [{ weight: 50 }] } }] })).toEqual([{ path: 'environments[0].canary', message: 'is not a known field' }]);
    expect(issues({ ci: { nodeVersion: '22', baseImages: { build: 'node:20-bookworm-slim' } } })).toEqual([
      { path: 'ci.baseImages.build', message: expect.stringContaining('runs Node 20, but ci.nodeVersion is 22') },
    ]);
    // The runtime is nginx: no Node major is asked of it.
    expect(resolve({ ci: { baseImages: { runtime: 'nginxinc/nginx-unprivileged:1.29.0' } } }).ci.baseImages.runtime).toBe('nginxinc/nginx-unprivileged:1.29.0');
  });
});
