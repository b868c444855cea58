/**
 * node-service's TLS, as the cluster would see it: for every example and environment, read from
 * the overlay kustomize builds and the platform Gateway (never from the spec), the canaried
 * HTTPRoute's host has exactly one cert-manager Certificate, a ReferenceGrant letting the Gateway
 * read its Secret, an HTTPS listener of its own serving that Secret, and the route attached to
 * that listener; plain HTTP on the host only redirects. (Rule gateway-tls-secret's own test
 * breaks the Certificate and the grant of a node-service repo and sees them reported.)
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { renderGoldenPath, writeRenderedFiles, type RenderedFile } from '@slipway/render';
import { builtInGoldenPath } from '@slipway/skeletons';
import { specFieldJsonSchema } from '@slipway/common';
import { kustomizeObjects, overlayObjects } from './support/kustomize';

type Json = Record<string, any>;

const goldenPath = builtInGoldenPath('node-service');
const examplesDir = path.join(goldenPath.dir, 'examples');

async function renderExample(name: string): Promise<RenderedFile[]> {
  const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(examplesDir, name), 'utf8')));
  if (!resolved.ok) throw new Error(`${name}: ${JSON.stringify(resolved.issues)}`);
  return renderGoldenPath(goldenPath, resolved.spec);
}

function one<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
}

const ofKind = (objects: Json[], kind: string) => objects.filter(object => object.kind === kind);

/** What one built overlay says about its host's TLS, each piece found from the one before it. */
function overlayTls(objects: Json[], gateway: Json) {
  const rollout = one(ofKind(objects, 'Rollout'), 'Rollout');
  const routeName = rollout.spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoute;
  const routes = ofKind(objects, 'HTTPRoute');
  const canaried = one(routes.filter(route => route.metadata.name === routeName), `HTTPRoute ${routeName}`);
  const host = one<string>(canaried.spec.hostnames, 'hostname of the canaried route');
  const namespace = canaried.metadata.namespace;
  const certificate = one(ofKind(objects, 'Certificate'), 'Certificate');
  const secretName: string = certificate.spec.secretName;
  const grant = one(ofKind(objects, 'ReferenceGrant'), 'ReferenceGrant');
  const listener = one<Json>(gateway.spec.listeners.filter((l: Json) => l.hostname === host), `listener for ${host}`);
  const httpListener = one<Json>(gateway.spec.listeners.filter((l: Json) => l.protocol === 'HTTP'), 'HTTP listener');
  const redirects = routes.filter(route => route.spec.parentRefs.some((ref: Json) => ref.sectionName === httpListener.name));
  return { rollout, canaried, host, namespace, certificate, secretName, grant, listener, httpListener, redirects };
}

describe('node-service TLS, per environment, from the built overlays and the platform Gateway', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-node-service-tls-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it.each(['minimal.yaml', 'postgres.yaml', 'three-environments.yaml'])('%s: a Certificate for exactly the host, its grant, its own HTTPS listener, the canaried route on it, HTTP only redirecting', async example => {
    const files = await renderExample(example);
    const dir = path.join(root, example);
    await writeRenderedFiles(files, dir);
    const gateway = one(ofKind(await kustomizeObjects<Json>(dir, 'deploy/platform'), 'Gateway'), 'Gateway');
    const overlays = (await fs.readdir(path.join(dir, 'deploy/overlays'))).sort();
    expect(overlays.length).toBeGreaterThan(0);
    const hostListeners: string[] = [];

    for (const overlay of overlays) {
      const tls = overlayTls(await overlayObjects<Json>(dir, overlay), gateway);
      hostListeners.push(tls.listener.name);

      // The Certificate covers exactly the route's host and writes its Secret beside the route.
      expect(tls.certificate.metadata.namespace).toBe(tls.namespace);
      expect(tls.certificate.spec.dnsNames).toEqual([tls.host]);
      expect(tls.certificate.spec.issuerRef).toMatchObject({ group: 'cert-manager.io', kind: expect.stringMatching(/^(Cluster)?Issuer$/) });

      // The grant, in that namespace, lets Gateways of the Gateway's namespace read exactly that Secret.
      expect(tls.grant.metadata.namespace).toBe(tls.namespace);
      expect(tls.grant.spec).toEqual({
        from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gateway.metadata.namespace }],
        to: [{ group: '', kind: 'Secret', name: tls.secretName }],
      });

      // The host's listener terminates TLS with that Secret.
      expect(tls.listener).toMatchObject({
        protocol: 'HTTPS',
        port: 443,
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: tls.secretName, namespace: tls.namespace }] },
      });

      // The canaried route attaches to that listener only, and still splits stable/canary for the plugin.
      expect(tls.canaried.spec.parentRefs).toEqual([{ name: gateway.metadata.name, namespace: gateway.metadata.namespace, sectionName: tls.listener.name }]);
      const { stableService, canaryService } = tls.rollout.spec.strategy.canary;
      expect(tls.canaried.spec.rules.flatMap((rule: Json) => rule.backendRefs.map((ref: Json) => ref.name)).sort()).toEqual([canaryService, stableService].sort());

      // Plain HTTP on the host: one route, on the http listener, that redirects to https and routes to no backend.
      const redirect = one(tls.redirects, 'route on the HTTP listener');
      expect(redirect.metadata.namespace).toBe(tls.namespace);
      expect(redirect.spec.hostnames).toEqual([tls.host]);
      expect(redirect.spec.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    }

    // One HTTPS listener per environment's host, and no other, besides the shared http one.
    expect(new Set(hostListeners).size).toBe(overlays.length);
    expect(gateway.spec.listeners.map((l: Json) => l.name).sort()).toEqual(['http', ...hostListeners].sort());
  }, 60_000);
});

describe('the tls spec field', () => {
  it('is one fragment: node-service and static-frontend offer the same field with the same rules and defaults', () => {
    const frontend = builtInGoldenPath('static-frontend');
    expect(specFieldJsonSchema('tls', goldenPath.spec)).toEqual(specFieldJsonSchema('tls', frontend.spec));
    const resolved = goldenPath.resolve({ name: 'orders', owner: 'group:default/team', description: 'Orders API' });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
    expect((resolved.spec as unknown as { tls: unknown }).tls).toEqual({ issuer: { kind: 'ClusterIssuer', name: 'letsencrypt' } });
  });
});
