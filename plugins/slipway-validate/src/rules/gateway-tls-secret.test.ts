/* eslint-disable @typescript-eslint/no-explicit-any -- cases build deep, loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { gatewayTlsSecret } from './gateway-tls-secret';
import { editFile, renderExample, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const GATEWAY_FILE = 'deploy/platform/gateway.yaml';
const gateway = (certificate: string, annotations?: Record<string, string>): any => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public-gateway', namespace: 'gateway-system', ...(annotations ? { annotations } : {}) },
  spec: {
    gatewayClassName: 'eg',
    listeners: [
      { name: 'http', protocol: 'HTTP', port: 80 },
      { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.example.com', tls: { mode: 'Terminate', certificateRefs: [{ name: certificate }] } },
    ],
  },
});
const certificate = (secretName: string): any => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'public-gateway', namespace: 'gateway-system' },
  spec: { secretName, dnsNames: ['*.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } },
});

/** A repo whose deploy/platform holds these objects (the service's own overlays do not matter here). */
function platformRepo(...objects: any[]): RepoModel {
  const rawObjects: LoadedObject[] = objects.map(object => ({ object, file: GATEWAY_FILE }));
  return { files: new Map(), environments: new Map(), rawObjects };
}

const run = (model: RepoModel) => gatewayTlsSecret.run(model);

describe('gateway-tls-secret', () => {
  it('passes a listener whose Secret a cert-manager Certificate writes', () => {
    expect(run(platformRepo(gateway('public-gateway-tls'), certificate('public-gateway-tls')))).toEqual([]);
  });

  it('reports a listener naming another Secret than the Certificate writes, at the field', () => {
    const problems = run(platformRepo(gateway('public-gateway-tls'), certificate('public-gateway-cert')));
    expect(problems).toEqual([
      {
        check: 'reference',
        rule: 'gateway-tls-secret',
        file: GATEWAY_FILE,
        object: 'Gateway/public-gateway',
        message:
          'Gateway/public-gateway spec.listeners[1].tls.certificateRefs[0].name: Secret/public-gateway-tls of listener "https" is made by nothing in the repo, ' +
          'which makes the certificate Secrets public-gateway-cert (cert-manager Certificate/public-gateway) in this namespace: the listener would have no certificate (ResolvedRefs=False) and serve no TLS',
      },
    ]);
  });

  it('counts the Secret cert-manager\'s gateway-shim writes for an annotated Gateway', () => {
    const annotated = gateway('public-gateway-tls', { 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(run(platformRepo(annotated, certificate('other-cert')))).toEqual([]);
  });

  it('reports a Secret in Git without tls.crt and tls.key', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'public-gateway-tls', namespace: 'gateway-system' }, stringData: { 'tls.crt': 'x', key: 'y' } };
    const problems = run(platformRepo(gateway('public-gateway-tls'), secret));
    expect(problems.map(p => p.message)).toEqual([expect.stringContaining('(from Secret/public-gateway-tls) has no tls.key: a listener certificate is a kubernetes.io/tls Secret')]);
  });

  it('says nothing when the repo provides no certificate in that namespace (the platform team does), or for Passthrough', () => {
    expect(run(platformRepo(gateway('public-gateway-tls')))).toEqual([]);
    const passthrough = gateway('public-gateway-tls');
    passthrough.spec.listeners[1].tls.mode = 'Passthrough';
    expect(run(platformRepo(passthrough, certificate('other')))).toEqual([]);
  });

  it('never throws on malformed listeners', () => {
    const broken = gateway('x');
    broken.spec.listeners = [{ tls: 'yes' }, { tls: { certificateRefs: 'x' } }, null, 7];
    expect(run(platformRepo(broken, certificate('y')))).toEqual([]);
  });

  // Both golden paths with public hosts render the same TLS (skeletons/_shared: gateway, tls-certificate).
  describe.each([
    { goldenPath: 'node-service', render: () => renderExample('minimal'), name: 'orders', namespace: 'orders-production' },
    { goldenPath: 'static-frontend', render: () => renderGoldenPathExample('static-frontend', 'storefront'), name: 'storefront', namespace: 'bookstore-production' },
  ])('a listener per host whose certificate each environment makes in its own namespace ($goldenPath)', ({ render, name, namespace }) => {
    const PRODUCTION_TLS = 'deploy/overlays/production/certificate.yaml';

    it('passes the generated repo: each overlay makes its Secret and grants the Gateway that one', async () => {
      expect(await unitProblems(gatewayTlsSecret, await render())).toEqual([]);
    });

    it('reports the listener whose environment\'s Certificate writes another Secret', async () => {
      const files = editFile(await render(), PRODUCTION_TLS, new RegExp(`secretName: ${name}-production-tls`), `secretName: ${name}-prod-tls`);
      expect(await unitProblems(gatewayTlsSecret, files)).toEqual([
        expect.objectContaining({
          file: GATEWAY_FILE,
          object: 'Gateway/public-gateway',
          message: expect.stringContaining(
            `Secret/${name}-production-tls of listener "${name}-production" is made by nothing in the repo, which makes the certificate Secrets ${name}-prod-tls (cert-manager Certificate/${name}-production-tls) in namespace ${namespace} (overlay production)`,
          ),
        }),
      ]);
    });

    it('reports the listener whose namespace holds no ReferenceGrant for its Secret', async () => {
      const files = editFile(await render(), PRODUCTION_TLS, new RegExp(`kind: Secret\n      name: ${name}-production-tls`), `kind: Secret\n      name: ${name}-staging-tls`);
      expect(await unitProblems(gatewayTlsSecret, files)).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(`is in namespace ${namespace} (overlay production), where no ReferenceGrant lets Gateways of gateway-system read it: the reference is not permitted`),
        }),
      ]);
    });
  });
});
