import { nginxBackendEgress } from './nginx-backend-egress';
import { editFile, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'nginx-backend-egress';
const STAGING = 'deploy/overlays/staging';

describe(ID, () => {
  it.each(['minimal', 'storefront', 'three-environments'])('passes the static-frontend %s example: each overlay allows egress to the backends its nginx proxies to', async example => {
    expect(await unitProblems(nginxBackendEgress, await renderGoldenPathExample('static-frontend', example))).toEqual([]);
  }, 60_000);

  it('reports the Deployment whose backend egress policy was dropped from an overlay, in that environment only', async () => {
    const files = editFile(await renderGoldenPathExample('static-frontend', 'storefront'), `${STAGING}/kustomization.yaml`, '  - networkpolicy-backends.yaml\n', '');
    expect(await unitProblems(nginxBackendEgress, files)).toEqual([
      expect.objectContaining({
        rule: ID,
        environment: 'staging',
        object: 'Deployment/storefront',
        message: expect.stringMatching(
          /nginx \(ConfigMap\/storefront-nginx-backends-\w+ backends\.conf:\d+\) proxies to catalog-api\.bookstore-staging\.svc\.cluster\.local, but the NetworkPolicies that isolate these pods' egress \(NetworkPolicy\/storefront-allow-dns, NetworkPolicy\/storefront-default-deny\) allow no connection to namespace bookstore-staging/,
        ),
      }),
    ]);
  }, 60_000);

  it('reports an egress rule that names another namespace than the one nginx proxies to', async () => {
    const files = editFile(await renderGoldenPathExample('static-frontend', 'three-environments'), 'deploy/overlays/production/networkpolicy-backends.yaml', 'kubernetes.io/metadata.name: orders-api-production', 'kubernetes.io/metadata.name: orders-api-staging');
    expect((await unitProblems(nginxBackendEgress, files)).map(problem => `${problem.environment} ${problem.message.replace(/^.*proxies to (\S+),.*namespace (\S+):.*$/, '$1 → $2')}`)).toEqual([
      'production orders-api.orders-api-production.svc.cluster.local → orders-api-production',
    ]);
  }, 60_000);

  it('accepts an egress rule to every destination, to all namespaces, or to 0.0.0.0/0, and pods without egress isolation', async () => {
    const files = await renderGoldenPathExample('static-frontend', 'storefront');
    const policy = `${STAGING}/networkpolicy-backends.yaml`;
    const to = /    - to:\n(?: {8}.*\n)+?(?=      ports:)/;
    for (const peers of ['    - to: []\n', '    - to:\n        - namespaceSelector: {}\n', '    - to:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n']) {
      expect(await unitProblems(nginxBackendEgress, editFile(files, policy, to, peers))).toEqual([]);
    }
    // Without any NetworkPolicy, nothing isolates the pods' egress: every connection is allowed.
    let open = editFile(files, `${STAGING}/kustomization.yaml`, '  - networkpolicy-backends.yaml\n', '');
    open = editFile(open, 'deploy/base/kustomization.yaml', '  - networkpolicies.yaml\n', '');
    expect((await unitProblems(nginxBackendEgress, open)).filter(problem => problem.environment === 'staging')).toEqual([]);
  }, 60_000);
});
