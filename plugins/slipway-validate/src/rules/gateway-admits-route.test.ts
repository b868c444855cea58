/* eslint-disable @typescript-eslint/no-explicit-any -- cases build deep, loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { gatewayAdmitsRoute, hostnamesIntersect } from './gateway-admits-route';
import { editFile, renderExample, unitProblems, type RepoFiles } from './__fixtures__/renderedRepo';

const ID = 'gateway-admits-route';

const GATEWAY_FILE = 'deploy/platform/gateway.yaml';
const selectorListeners = (selector: unknown): any[] => [
  { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Selector', selector } } },
  { name: 'https', protocol: 'HTTPS', port: 443, tls: { certificateRefs: [{ name: 'tls' }] }, allowedRoutes: { namespaces: { from: 'Selector', selector } } },
];
const gateway = (listeners: any[], namespace = 'gateway-system', name = 'public-gateway'): any => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name, namespace },
  spec: { gatewayClassName: 'eg', listeners },
});
const route = (parentRefs: any, extra: Record<string, unknown> = {}, kind = 'HTTPRoute'): any => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind,
  metadata: { name: 'billing', namespace: 'billing-staging' },
  spec: { parentRefs, hostnames: ['billing.staging.example.com'], rules: [{ backendRefs: [{ name: 'billing-stable', port: 80 }] }], ...extra },
});
const toGateway = [{ name: 'public-gateway', namespace: 'gateway-system' }];
const application = (labels: Record<string, string> | undefined, syncOptions = ['CreateNamespace=true']): any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'billing-staging', namespace: 'argocd' },
  spec: {
    source: { path: 'deploy/overlays/staging' },
    destination: { namespace: 'billing-staging' },
    syncPolicy: { syncOptions, ...(labels ? { managedNamespaceMetadata: { labels } } : {}) },
  },
});
const namespaceObject = (labels: Record<string, string>): any => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'billing-staging', labels } });

interface Repo {
  deployed: any[];
  gateways?: any[];
  applications?: any[];
  raw?: Array<{ object: any; file: string }>;
}
function modelOf({ deployed, gateways = [], applications = [], raw = [] }: Repo): RepoModel {
  const built: LoadedObject[] = deployed.map(object => ({ object, file: 'deploy/overlays/staging', environment: 'staging' }));
  return {
    files: new Map(),
    environments: new Map([['staging', built]]),
    rawObjects: [
      ...gateways.map(object => ({ object, file: GATEWAY_FILE })),
      ...applications.map(object => ({ object, file: 'deploy/argocd/staging.yaml' })),
      ...raw,
    ],
  };
}
const messages = (repo: Repo) => gatewayAdmitsRoute.run(modelOf(repo)).map(problem => problem.message);

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(gatewayAdmitsRoute, await renderExample(example))).toEqual([]);
    });

    it('reports defect 4: the Gateway is not among the cluster prerequisites in deploy/platform', async () => {
      const files: RepoFiles = editFile(await renderExample('postgres'), 'deploy/platform/kustomization.yaml', /\n +- gateway\.yaml/, '');
      files.delete(GATEWAY_FILE);
      const problems = await unitProblems(gatewayAdmitsRoute, files);
      // Both routes (the canaried one, and the host's redirect from plain HTTP), each reported once for both overlays.
      expect(problems.map(problem => problem.object)).toEqual(['HTTPRoute/billing', 'HTTPRoute/billing-https-redirect']);
      for (const problem of problems) {
        expect(problem.environment).toMatch(/staging.*production|production.*staging/);
        expect(problem.message).toContain(`${problem.object} spec.parentRefs[0]: Gateway gateway-system/public-gateway is not declared in the repo`);
        expect(problem.message).toContain('the cluster prerequisite is not in the repo (deploy/platform)');
      }
      // Each at the file that writes it: the base for production's listener (staging's overlay patches its own), and each overlay's redirect.
      expect(problems[0].file?.split(', ').sort()).toEqual(['deploy/base/httproute.yaml', 'deploy/overlays/staging']);
      expect(problems[1].file?.split(', ').sort()).toEqual(['deploy/overlays/production/https-redirect.yaml', 'deploy/overlays/staging/https-redirect.yaml']);
    });

    it('reports a namespace the Application no longer labels for the Gateway\'s selector', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/argocd/staging.yaml', /\n +slipway\.dev\/gateway: public-gateway/, '');
      const problems = await unitProblems(gatewayAdmitsRoute, files);
      expect(problems.map(problem => [problem.environment, problem.object])).toEqual([['staging', 'HTTPRoute/billing'], ['staging', 'HTTPRoute/billing-https-redirect']]);
      expect(problems[0].message).toBe(
        'HTTPRoute/billing spec.parentRefs[0]: Gateway gateway-system/public-gateway (deploy/platform/gateway.yaml) admits routes only from namespaces ' +
          'labelled slipway.dev/gateway=public-gateway; namespace billing-staging has kubernetes.io/metadata.name=billing-staging, ' +
          'pod-security.kubernetes.io/enforce=restricted, pod-security.kubernetes.io/enforce-version=latest ' +
          '(from Application/billing-staging spec.syncPolicy.managedNamespaceMetadata): the route is not attached and serves nothing',
      );
      expect(problems[1].file).toBe('deploy/overlays/staging/https-redirect.yaml');
    });

    it('reports a Gateway that admits routes only from its own namespace', async () => {
      const files = editFile(await renderExample('minimal'), GATEWAY_FILE, /from: Selector/g, 'from: Same');
      const problems = await unitProblems(gatewayAdmitsRoute, files);
      expect(problems.map(problem => `${problem.environment} ${problem.object}`).sort()).toEqual([
        'production HTTPRoute/orders',
        'production HTTPRoute/orders-https-redirect',
        'staging HTTPRoute/orders',
        'staging HTTPRoute/orders-https-redirect',
      ]);
      const staging = problems.find(problem => problem.environment === 'staging');
      expect(staging?.message).toContain('admits routes only from its own namespace gateway-system (allowedRoutes.namespaces.from: Same); the route is in orders-staging');
    });

    it('reports a sectionName that names no listener', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/overlays/staging/httproute.yaml', /sectionName: billing-staging/, 'sectionName: htps');
      const problems = await unitProblems(gatewayAdmitsRoute, files);
      expect(problems).toHaveLength(1);
      expect(problems[0].environment).toBe('staging');
      expect(problems[0].message).toContain(
        'HTTPRoute/billing spec.parentRefs[0].sectionName: Gateway gateway-system/public-gateway (deploy/platform/gateway.yaml) has no listener named "htps" (listeners: http (80), billing-staging (443), billing-production (443))',
      );
    });

    it('reports listener hostnames that match none of the route\'s hosts, per environment', async () => {
      // Every listener's hostname (the http one has none) becomes `host`.
      const withHost = (host: string) => async () =>
        unitProblems(
          gatewayAdmitsRoute,
          editFile(editFile(await renderExample('postgres'), GATEWAY_FILE, /hostname: \S+/g, `hostname: "${host}"`), GATEWAY_FILE, /(\n +)protocol: HTTP\n/, `$1protocol: HTTP$1hostname: "${host}"\n`),
        );
      const neither = await withHost('*.internal.example.org')();
      expect(neither.map(problem => `${problem.environment} ${problem.object}`).sort()).toEqual([
        'production HTTPRoute/billing',
        'production HTTPRoute/billing-https-redirect',
        'staging HTTPRoute/billing',
        'staging HTTPRoute/billing-https-redirect',
      ]);
      expect(neither.find(problem => problem.environment === 'staging')?.message)
        .toContain('has hostname *.internal.example.org, which none of the route\'s hostnames (billing.staging.example.com) matches');
      // staging's billing.staging.example.com is under *.example.com; production's billing.acme.example is not.
      const one = await withHost('*.example.com')();
      expect(one.map(problem => problem.environment)).toEqual(['production', 'production']);
    });
  });

  describe('on any repo', () => {
    const labelled = { 'slipway.dev/gateway': 'public-gateway' };

    it('matches a Selector\'s matchExpressions against the labels Kubernetes and Argo CD give the namespace', () => {
      const expressions = (matchExpressions: any[]) => messages({
        deployed: [route(toGateway)],
        gateways: [gateway(selectorListeners({ matchExpressions }))],
        applications: [application({ ...labelled, tier: 'web' })],
      });
      expect(expressions([{ key: 'tier', operator: 'In', values: ['web', 'api'] }])).toEqual([]);
      expect(expressions([{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['billing-staging'] }])).toEqual([]);
      expect(expressions([{ key: 'slipway.dev/gateway', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' }])).toEqual([]);
      const refused = expressions([{ key: 'tier', operator: 'NotIn', values: ['web'] }]);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toContain('admits routes only from namespaces labelled tier NotIn (web); namespace billing-staging has');
      expect(expressions([{ key: 'team', operator: 'Exists' }])[0]).toContain('labelled team (any value);');
    });

    it('uses managedNamespaceMetadata only with CreateNamespace=true, as Argo CD does', () => {
      const repo = (syncOptions: string[]) => ({
        deployed: [route(toGateway)],
        gateways: [gateway(selectorListeners({ matchLabels: labelled }))],
        applications: [application(labelled, syncOptions)],
      });
      expect(messages(repo(['CreateNamespace=true', 'RespectIgnoreDifferences=true']))).toEqual([]);
      const without = messages(repo(['RespectIgnoreDifferences=true']));
      expect(without).toHaveLength(1);
      expect(without[0]).toContain('namespace billing-staging has kubernetes.io/metadata.name=billing-staging (only the label Kubernetes sets: nothing in the repo labels it)');
    });

    it('reads the labels of a Namespace manifest, which overrides managedNamespaceMetadata in the same Application', () => {
      const listeners = selectorListeners({ matchLabels: labelled });
      const inPlatform = { object: namespaceObject(labelled), file: 'deploy/platform/namespaces.yaml' };
      expect(messages({ deployed: [route(toGateway)], gateways: [gateway(listeners)], raw: [inPlatform] })).toEqual([]);
      // The Application deploys a Namespace manifest without the label: Argo CD applies the manifest, not the metadata.
      const overriding = messages({
        deployed: [route(toGateway), namespaceObject({ team: 'payments' })],
        gateways: [gateway(listeners)],
        applications: [application(labelled)],
      });
      expect(overriding).toHaveLength(1);
      expect(overriding[0]).toContain('has kubernetes.io/metadata.name=billing-staging, team=payments (from Namespace/billing-staging (deploy/overlays/staging))');
    });

    it('admits every namespace with from: All, and only the Gateway\'s own by default', () => {
      const all = gateway([{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } }]);
      expect(messages({ deployed: [route(toGateway)], gateways: [all] })).toEqual([]);
      const defaulted = messages({ deployed: [route(toGateway)], gateways: [gateway([{ name: 'http', protocol: 'HTTP', port: 80 }])] });
      expect(defaulted[0]).toContain('admits routes only from its own namespace gateway-system (allowedRoutes.namespaces.from: Same, the default); the route is in billing-staging');
    });

    it('defaults a parentRef\'s namespace to the route\'s, and its kind and group to Gateway', () => {
      const local = gateway([{ name: 'http', protocol: 'HTTP', port: 80 }], 'billing-staging');
      expect(messages({ deployed: [route([{ name: 'public-gateway' }])], gateways: [local] })).toEqual([]);
      const elsewhere = messages({ deployed: [route([{ name: 'public-gateway' }])], gateways: [gateway([{ name: 'http', protocol: 'HTTP', port: 80 }])] });
      expect(elsewhere).toEqual([expect.stringContaining('spec.parentRefs[0]: Gateway billing-staging/public-gateway is not declared in the repo')]);
      // The overlay's own namespace when the route has none: the Application's destination.
      const bare = { ...route([{ name: 'public-gateway' }]), metadata: { name: 'billing' } };
      expect(messages({ deployed: [bare], gateways: [local], applications: [application(undefined)] })).toEqual([]);
      // Parents this rule cannot judge (a mesh Service) are left alone.
      expect(messages({ deployed: [route([{ group: '', kind: 'Service', name: 'billing' }])] })).toEqual([]);
    });

    it('selects listeners by sectionName and port, and names the one that refuses', () => {
      const listeners = [
        { name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.example.org', allowedRoutes: { namespaces: { from: 'All' } } },
      ];
      const via = (parent: Record<string, unknown>) => messages({ deployed: [route([{ ...toGateway[0], ...parent }])], gateways: [gateway(listeners)] });
      expect(via({})).toEqual([]);
      expect(via({ port: 80 })).toEqual([]);
      expect(via({ sectionName: 'https' })[0]).toContain('has hostname *.example.org, which none of the route\'s hostnames');
      expect(via({ port: 8443 })[0]).toContain('spec.parentRefs[0].port: Gateway gateway-system/public-gateway (deploy/platform/gateway.yaml) has no listener on port 8443');
      expect(via({ sectionName: 'http', port: 443 })[0]).toContain('has no listener named "http" on port 443');
    });

    it('checks the route kind against allowedRoutes.kinds or the listener protocol', () => {
      const open = { namespaces: { from: 'All' } };
      const grpc = route(toGateway, {}, 'GRPCRoute');
      expect(messages({ deployed: [grpc], gateways: [gateway([{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: open }])] })).toEqual([]);
      const httpOnly = gateway([{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { ...open, kinds: [{ kind: 'HTTPRoute' }] } }]);
      expect(messages({ deployed: [grpc], gateways: [httpOnly] })[0]).toMatch(/^GRPCRoute\/billing spec.parentRefs\[0\]: .* admits only HTTPRoute \(allowedRoutes.kinds\), not GRPCRoute/);
      const tcp = gateway([{ name: 'tcp', protocol: 'TCP', port: 5432, allowedRoutes: open }]);
      expect(messages({ deployed: [route(toGateway)], gateways: [tcp] })[0]).toContain('is a TCP listener, which carries TCPRoute, not HTTPRoute');
    });

    it('tells apart a route served elsewhere from one that serves nothing, and lists each listener\'s reason', () => {
      const listeners = [
        { name: 'http', protocol: 'HTTP', port: 80 },
        { name: 'https', protocol: 'HTTPS', port: 443, hostname: 'other.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
      ];
      const both = messages({ deployed: [route(toGateway)], gateways: [gateway(listeners)] });
      expect(both).toEqual([expect.stringMatching(/: listener http admits routes only from its own namespace .*; listener https has hostname other\.example\.com.*: the route is not attached and serves nothing$/)]);
      const served = gateway([{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } }], 'gateway-system', 'internal');
      const partly = messages({ deployed: [route([...toGateway, { name: 'internal', namespace: 'gateway-system' }])], gateways: [gateway(listeners), served] });
      expect(partly).toEqual([expect.stringMatching(/^HTTPRoute\/billing spec.parentRefs\[0\]: .*: the route is not attached to it$/)]);
      expect(messages({ deployed: [route([])] })).toEqual(['HTTPRoute/billing spec.parentRefs: names no Gateway: the route is not attached and serves nothing']);
    });

    it('intersects hostnames as the spec\'s wildcard rules say', () => {
      expect(hostnamesIntersect('test.example.com', 'test.example.com')).toBe(true);
      expect(hostnamesIntersect('test.example.com', '*.example.com')).toBe(true);
      expect(hostnamesIntersect('*.example.com', 'foo.test.example.com')).toBe(true);
      expect(hostnamesIntersect('*.example.com', 'example.com')).toBe(false);
      expect(hostnamesIntersect('*.example.com', 'test.example.net')).toBe(false);
      expect(hostnamesIntersect('*.example.com', '*.test.example.com')).toBe(true);
      expect(hostnamesIntersect('*.a.example.com', '*.b.example.com')).toBe(false);
      expect(hostnamesIntersect('Test.Example.com', 'test.example.com')).toBe(true);
    });

    it('never throws on malformed input', () => {
      const broken = [
        { ...route('all'), spec: 'none' },
        route([null, 3, { name: 7 }, { name: 'public-gateway', namespace: 'gateway-system', port: 'x' }]),
      ];
      const odd = { ...gateway([]), spec: { listeners: [{ name: 'x', protocol: 'constructor', allowedRoutes: { namespaces: { from: 'Selector', selector: 'a' }, kinds: 'b' } }, null] } };
      expect(() => gatewayAdmitsRoute.run(modelOf({ deployed: broken, gateways: [odd], applications: [{ ...application(undefined), spec: 5 }] }))).not.toThrow();
      expect(gatewayAdmitsRoute.run(modelOf({ deployed: broken, gateways: [odd] })).every(problem => problem.rule === ID)).toBe(true);
    });
  });
});
