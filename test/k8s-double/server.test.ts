import { parseLabelSelector, startKubernetesDouble, KubernetesObject } from './server';

const pod = (name: string, labels: Record<string, string>, namespace = 'shop'): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
});
const rollout: KubernetesObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'orders', namespace: 'shop', labels: { 'backstage.io/kubernetes-id': 'orders' } },
};

describe('the Kubernetes list API test double', () => {
  it('parses the selector forms the Kubernetes API accepts', () => {
    const matches = (selector: string, labels: Record<string, string>) => parseLabelSelector(selector).every(r => r(labels));
    expect(matches('a=b,c!=d', { a: 'b', c: 'x' })).toBe(true);
    expect(matches('a==b', { a: 'c' })).toBe(false);
    expect(matches('env in (staging, production),tier notin (db)', { env: 'staging', tier: 'web' })).toBe(true);
    expect(matches('present,!absent', { present: '' })).toBe(true);
    expect(matches('!present', { present: '' })).toBe(false);
  });

  it('lists by kind, namespace and labelSelector with real List shapes, and 404s what it does not serve', async () => {
    const double = await startKubernetesDouble([
      pod('orders-1', { 'backstage.io/kubernetes-id': 'orders' }),
      pod('other-1', { 'backstage.io/kubernetes-id': 'other' }),
      pod('orders-2', { 'backstage.io/kubernetes-id': 'orders' }, 'elsewhere'),
      rollout,
    ]);
    try {
      const get = async (path: string) => {
        const response = await fetch(`${double.url}${path}`);
        return { status: response.status, body: (await response.json()) as { kind: string; items: KubernetesObject[] } };
      };
      const selector = `labelSelector=${encodeURIComponent('backstage.io/kubernetes-id=orders')}`;
      const all = await get(`/api/v1/pods?${selector}`);
      expect(all.body.kind).toBe('PodList');
      expect(all.body.items.map(item => item.metadata.name)).toEqual(['orders-1', 'orders-2']);
      const namespaced = await get(`/api/v1/namespaces/shop/pods?${selector}`);
      expect(namespaced.body.items.map(item => item.metadata.name)).toEqual(['orders-1']);
      const rollouts = await get(`/apis/argoproj.io/v1alpha1/rollouts?${selector}`);
      expect(rollouts.body).toMatchObject({ kind: 'RolloutList', apiVersion: 'argoproj.io/v1alpha1', items: [rollout] });
      expect((await get('/apis/apps/v1/deployments')).body.items).toEqual([]);
      expect((await get('/apis/unknown.io/v1/widgets')).status).toBe(404);
      double.failWith(403);
      expect((await get('/api/v1/pods')).status).toBe(403);
      expect(double.requests).toContain(`/api/v1/pods?${selector}`);
    } finally {
      await double.stop();
    }
  });
});
