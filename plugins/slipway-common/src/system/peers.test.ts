import { partPeers } from './peers';
import type { EndpointPlacement, NetworkRule } from './types';

const rule = (edge: string, peer: NetworkRule['peer'], port: number): NetworkRule => ({
  edge,
  pods: { 'app.kubernetes.io/name': 'orders' },
  peer,
  ports: [{ port, protocol: 'TCP' }],
});

const catalog = { name: 'catalog', role: 'part' as const, namespace: 'shop-staging', podLabels: { 'app.kubernetes.io/name': 'catalog', 'app.kubernetes.io/component': 'server' } };
const database = { name: 'shop-db', role: 'resource' as const, namespace: 'shop-staging', podLabels: { 'cnpg.io/cluster': 'shop-db' } };

describe('partPeers', () => {
  it("keeps the rules whose other end is a part, one per peer with every port of its edges, and leaves resources to the backing services' partials", () => {
    const placement: EndpointPlacement = {
      name: 'orders',
      role: 'part',
      type: 'node-service',
      namespace: 'shop-staging',
      ingress: [],
      egress: [rule('calls:orders->catalog', catalog, 8080), rule('uses:orders->shop-db', database, 5432), rule('calls:orders->catalog:admin', catalog, 9000)],
    };
    expect(partPeers(placement)).toEqual({
      ingress: [],
      egress: [{ name: 'catalog', namespace: 'shop-staging', podLabels: catalog.podLabels, ports: [{ port: 8080, protocol: 'TCP' }, { port: 9000, protocol: 'TCP' }] }],
    });
  });
});
