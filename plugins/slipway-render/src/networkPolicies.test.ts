/**
 * Issue 8, defect 8: the NetworkPolicies assumed one cluster layout (the gateway's proxies in
 * the Gateway's namespace, DNS only from kube-system/kube-dns pods, the CloudNativePG operator
 * in cnpg-system). Each is a spec field now; the defaults keep what was right and add NodeLocal
 * DNSCache, and any layout still validates.
 */
import { parseAllDocuments } from 'yaml';
import { resolveServiceSpec, type ServiceSpecInput } from '@slipway/common';
import { KustomizeLocator, requireShippedKustomize } from '@slipway/validate';
import { validateRenderedFiles } from '@slipway/validate';
import { renderService, RenderedFile } from './renderer';

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

interface Policy {
  metadata: { name: string };
  spec: { ingress?: Array<{ from?: unknown[]; ports?: unknown[] }>; egress?: Array<{ to?: unknown[]; ports?: unknown[] }> };
}

async function policies(values: ServiceSpecInput): Promise<{ files: RenderedFile[]; byName: Map<string, Policy> }> {
  const files = await renderService(resolveServiceSpec(values));
  const text = files.find(file => file.path === 'deploy/base/networkpolicies.yaml')!.content;
  const byName = new Map<string, Policy>();
  for (const document of parseAllDocuments(text)) {
    const policy = document.toJS() as Policy;
    byName.set(policy.metadata.name, policy);
  }
  return { files, byName };
}

let kubectl: KustomizeLocator;
beforeAll(async () => {
  kubectl = await requireShippedKustomize();
});

describe('generated NetworkPolicies', () => {
  it("by default admit Envoy Gateway's proxies for this Gateway, and DNS from kube-dns pods and NodeLocal DNSCache", async () => {
    const { byName } = await policies({ ...minimal, database: 'postgres' });
    // The default GatewayClass is eg (Envoy Gateway, deploy/platform), whose default mode runs the
    // proxies in envoy-gateway-system, labelled with the Gateway they serve.
    expect(byName.get('orders-allow-gateway')!.spec.ingress![0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: {
          matchLabels: {
            'gateway.envoyproxy.io/owning-gateway-name': 'public-gateway',
            'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway-system',
          },
        },
      },
    ]);
    expect(byName.get('orders-allow-dns')!.spec.egress![0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    expect(byName.get('orders-db-allow-app')!.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } }],
      ports: [{ protocol: 'TCP', port: 8000 }, { protocol: 'TCP', port: 5432 }],
    });
  });

  it("admit the Gateway's own namespace for another GatewayClass (proxies beside the Gateway: Istio, NGINX Gateway Fabric)", async () => {
    const { byName } = await policies({ ...minimal, gateway: { className: 'istio' } });
    expect(byName.get('orders-allow-gateway')!.spec.ingress![0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } },
    ]);
  });

  it('follow the spec: gateway data plane, DNS pods and addresses, operator namespace', async () => {
    const { files, byName } = await policies({
      ...minimal,
      database: 'postgres',
      gateway: { dataPlane: { namespace: 'envoy-gateway-system', podLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public-gateway' } } },
      dns: { namespace: 'dns', podLabels: { app: 'coredns' }, ipBlocks: [] },
      postgres: { operatorNamespace: 'postgres-operator' },
    });
    expect(byName.get('orders-allow-gateway')!.spec.ingress![0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'public-gateway' } },
      },
    ]);
    expect(byName.get('orders-allow-dns')!.spec.egress![0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } },
    ]);
    const text = files.find(file => file.path === 'deploy/base/networkpolicies.yaml')!.content;
    expect(text).toContain('kubernetes.io/metadata.name: postgres-operator');
    expect(text).not.toContain('cnpg-system');

    const report = await validateRenderedFiles(files, { kustomize: kubectl });
    expect(report.problems).toEqual([]);
  });

  it('take the DNS pods alone when no address is given, and no pod labels to admit a whole namespace', async () => {
    const { byName } = await policies({ ...minimal, dns: { podLabels: {}, ipBlocks: ['10.96.0.10/32', 'fd00::10/128'] } });
    expect(byName.get('orders-allow-dns')!.spec.egress![0].to).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } },
      { ipBlock: { cidr: '10.96.0.10/32' } },
      { ipBlock: { cidr: 'fd00::10/128' } },
    ]);
  });

  it('refuse an address that is not a CIDR block', () => {
    expect(() => resolveServiceSpec({ ...minimal, dns: { ipBlocks: ['169.254.20.10'] } })).toThrow(/dns\.ipBlocks\[0\]: must be a CIDR block/);
  });
});
