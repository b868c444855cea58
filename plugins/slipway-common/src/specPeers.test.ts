import { BUILT_IN_GOLDEN_PATHS } from '@slipway/skeletons/golden-paths';
import { MAX_PEER_RULES, safeResolveServiceSpec, type PeerRule } from './index';

/*
 * environments[].peers (spec.ts peersFields): the system's allows per environment, checked by
 * the spec with errors that name the field and the rule, carried into each resolved environment.
 */

const minimal = { name: 'catalog', owner: 'group:default/team-books', description: 'Serves books.' };
const storefront: PeerRule = {
  name: 'storefront',
  namespace: 'bookstore-staging',
  podLabels: { 'app.kubernetes.io/name': 'storefront', 'app.kubernetes.io/component': 'web' },
  ports: [{ port: 8080, protocol: 'TCP' }],
};
const withPeers = (peers: unknown) => ({ ...minimal, environments: [{ name: 'staging', peers }, { name: 'production' }] });
const issues = (values: unknown) => {
  const result = safeResolveServiceSpec(values);
  return result.ok ? [] : result.issues;
};

describe('environments[].peers', () => {
  it('defaults to no peers in either direction, and carries given rules into the resolved environment', () => {
    const plain = safeResolveServiceSpec(minimal);
    if (!plain.ok) throw new Error(JSON.stringify(plain.issues));
    expect(plain.spec.environments.map(environment => environment.peers)).toEqual([
      { ingress: [], egress: [], any: false },
      { ingress: [], egress: [], any: false },
    ]);
    const given = safeResolveServiceSpec(withPeers({ ingress: [{ ...storefront, ports: [{ port: 8080 }] }] }));
    if (!given.ok) throw new Error(JSON.stringify(given.issues));
    expect(given.spec.environments[0].peers).toEqual({ ingress: [storefront], egress: [], any: true });
    expect(given.spec.environments[1].peers.any).toBe(false);
  });

  it('names the field and the rule of each mistake', () => {
    expect(issues(withPeers({ ingress: [{ ...storefront, namespace: 'Bookstore_Staging', podLabels: {}, ports: [] }] }))).toEqual([
      { path: 'environments[0].peers.ingress[0].namespace', message: expect.stringContaining('must be a DNS-1123 label') },
      { path: 'environments[0].peers.ingress[0].podLabels', message: 'must name at least one label: an empty podSelector admits every pod of the namespace' },
      { path: 'environments[0].peers.ingress[0].ports', message: 'must list at least one port: a rule without ports admits every port' },
    ]);
    expect(issues(withPeers({ egress: [{ ...storefront, ports: [{ port: 80, protocol: 'SCTP' }] }] }))).toEqual([
      { path: 'environments[0].peers.egress[0].ports[0].protocol', message: 'must be one of TCP, UDP' },
    ]);
  });

  it('refuses a second rule for the same peer and namespace, and more than the most rules', () => {
    expect(issues(withPeers({ ingress: [storefront, { ...storefront, ports: [{ port: 9090, protocol: 'TCP' }] }] }))).toEqual([
      { path: 'environments[0].peers.ingress[1].name', message: 'must differ from rule 0 (storefront in bookstore-staging): one rule per peer, with all its ports' },
    ]);
    // The same name in another namespace is another peer.
    expect(issues(withPeers({ ingress: [storefront, { ...storefront, namespace: 'bookstore-dev' }] }))).toEqual([]);
    const many = Array.from({ length: MAX_PEER_RULES + 1 }, (_, index) => ({ ...storefront, name: `part-${index}` }));
    expect(issues(withPeers({ egress: many }))).toEqual([{ path: 'environments[0].peers.egress', message: `must have at most ${MAX_PEER_RULES} rules` }]);
  });

  it('takes ingress only on a static frontend and egress only on a worker', () => {
    const frontend = BUILT_IN_GOLDEN_PATHS['static-frontend']('');
    const worker = BUILT_IN_GOLDEN_PATHS['node-worker']('');
    const frontendIssues = (peers: unknown) => {
      const result = frontend.resolve({ name: 'storefront', owner: minimal.owner, description: 'Pages.', environments: [{ name: 'staging', peers }] });
      return result.ok ? [] : result.issues;
    };
    const workerIssues = (peers: unknown) => {
      const result = worker.resolve({ name: 'payments', owner: minimal.owner, description: 'Payments.', environments: [{ name: 'staging', peers }] });
      return result.ok ? [] : result.issues;
    };
    expect(frontendIssues({ ingress: [storefront] })).toEqual([]);
    expect(frontendIssues({ egress: [storefront] })).toEqual([{ path: 'environments[0].peers.egress', message: 'is not a known field' }]);
    expect(workerIssues({ egress: [storefront] })).toEqual([]);
    expect(workerIssues({ ingress: [storefront] })).toEqual([{ path: 'environments[0].peers.ingress', message: 'is not a known field' }]);
  });
});
