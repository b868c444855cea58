/** @jest-environment jsdom */
import { render, screen, within } from '@testing-library/react';
import { buildStatusModel, CommitsAhead, StatusModelInput } from '../model';
import {
  abortedAfterFailedAnalysis,
  degraded,
  healthy,
  outOfSync,
  pausedCanary,
  Scenario,
  scenarioEntity,
  scenarioResponse,
  unreachableCluster,
} from '../__fixtures__/scenarios';
import { GitOpsEnvironmentsCardView, GitOpsEnvironmentsCardViewProps } from './GitOpsEnvironmentsCardView';

const NOW = new Date('2026-03-01T12:00:00Z').getTime();

function renderScenario(scenario: Scenario, extra: Partial<StatusModelInput> = {}, props: Partial<GitOpsEnvironmentsCardViewProps> = {}) {
  const model = buildStatusModel({ response: scenarioResponse(scenario), entity: scenario.entity, ...extra });
  return render(
    <GitOpsEnvironmentsCardView
      model={model}
      kubernetesId="orders"
      loading={false}
      lastUpdated={NOW - 3000}
      now={NOW}
      refreshIntervalMs={10_000}
      {...props}
    />,
  );
}

const rowOf = (key: string) => within(screen.getByTestId(`environment-${key}`));
const options = { now: new Date(NOW) };

describe('GitOps environments card', () => {
  it('healthy: both environments with Argo CD, image, rollout, analysis and pods', () => {
    renderScenario(healthy(options));
    expect(screen.getByRole('heading', { name: 'GitOps environments' })).toBeTruthy();
    const rows = screen.getAllByTestId(/^environment-/).map(row => row.getAttribute('data-testid'));
    expect(rows).toEqual(['environment-staging', 'environment-production']);

    const production = rowOf('production');
    expect(production.getByText('production')).toBeTruthy();
    expect(production.getByText('cluster local · orders-production')).toBeTruthy();
    expect(production.getByText('Synced · Healthy')).toBeTruthy();
    const revision = production.getByTitle(/^[0-9a-f]{40}$/);
    expect(revision.getAttribute('href')).toMatch(/^https:\/\/github\.com\/example-org\/orders\/commit\/[0-9a-f]{40}$/);
    const image = production.getByRole('link', { name: 'sha-4f9c2e1' });
    expect(image.getAttribute('href')).toBe('https://github.com/example-org/orders/commit/4f9c2e1');
    expect(image.getAttribute('title')).toBe('ghcr.io/example-org/orders:sha-4f9c2e1');
    expect(production.getByText('Healthy')).toBeTruthy();
    expect(production.getByText('Successful')).toBeTruthy();
    expect(production.getByTestId('metric-success-rate').textContent).toBe('success-rate 99.95% (≥ 99%)');
    expect(production.getByTestId('metric-p95-latency').textContent).toBe('p95-latency 179 ms (≤ 500 ms)');
    expect(production.getByText('3/3 ready')).toBeTruthy();
    expect(production.getByText('0 restarts')).toBeTruthy();
    expect(production.getByTestId('comparison').textContent).toBe('same image as staging');
    expect(rowOf('staging').getByText('2/2 ready')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('paused canary at step 2/5: paused plainly, with its reason, step, weight and both images', () => {
    const steps = [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'orders-canary-analysis' }] } }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } }];
    renderScenario(pausedCanary({ ...options, productionSteps: steps, pausedAtStep: 2 }));
    const production = rowOf('production');
    expect(production.getByText('Paused')).toBeTruthy();
    expect(production.getByTestId('canary-step').textContent).toBe('step 2/5 · pause until promoted · canary 20%');
    expect(production.getByTestId('rollout-reason').textContent).toBe('CanaryPauseStep');
    expect(within(production.getByTestId('stable-image')).getByText('sha-1a2b3c4')).toBeTruthy();
    expect(production.getByTestId('canary-image').textContent).toBe('sha-4f9c2e1canary · 20% of traffic');
    expect(production.getByText('Running')).toBeTruthy();
    expect(production.getByText('Synced · Suspended')).toBeTruthy();
  });

  it('paused canary on the generated production steps reads step 3/8 at 25%', () => {
    renderScenario(pausedCanary(options));
    expect(rowOf('production').getByTestId('canary-step').textContent).toBe('step 3/8 · pause 5m · canary 25%');
  });

  it('aborted after a failed analysis: the abort reason, the failed metric against its threshold, the image rolled back', () => {
    renderScenario(abortedAfterFailedAnalysis(options));
    const production = rowOf('production');
    expect(production.getByText('Aborted')).toBeTruthy();
    expect(production.getByTestId('rollout-reason').textContent).toBe(
      'Rollout aborted update to revision 7: Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
    );
    expect(production.queryByTestId('canary-step')).toBeNull();
    expect(production.getByText('Failed')).toBeTruthy();
    expect(production.getByText('Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)')).toBeTruthy();
    expect(production.getByTestId('metric-success-rate').textContent).toBe('success-rate 96.34% (≥ 99%)');
    expect(production.getByTestId('metric-success-rate').querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('error');
    expect(production.getByTestId('desired-image').textContent).toBe('Git asks for sha-4f9c2e1, not running (rollout aborted)');
    expect(production.getByText('Synced · Degraded')).toBeTruthy();
  });

  it('OutOfSync: sync status and the failed sync operation', () => {
    renderScenario(outOfSync(options));
    const production = rowOf('production');
    expect(production.getByText('OutOfSync · Healthy')).toBeTruthy();
    expect(production.getByText('sync failed: one or more synchronization tasks completed unsuccessfully (retried 5 times).')).toBeTruthy();
    expect(within(production.getByTestId('stable-image')).getByText('sha-1a2b3c4')).toBeTruthy();
    expect(rowOf('staging').getByText('Synced · Healthy')).toBeTruthy();
  });

  it('Degraded: the reason, the crash-looping pod, and analysis of the earlier revision marked as such', () => {
    renderScenario(degraded(options));
    const production = rowOf('production');
    expect(production.getByText('Degraded')).toBeTruthy();
    expect(production.getByTestId('rollout-reason').textContent).toMatch(/^ProgressDeadlineExceeded: ReplicaSet "orders-\w+" has timed out progressing\.$/);
    expect(production.getByText('3/4 ready')).toBeTruthy();
    expect(production.getByText('4 pods, 3 desired')).toBeTruthy();
    expect(production.getByText('6 restarts')).toBeTruthy();
    expect(production.getByText(/: CrashLoopBackOff \(6 restarts\)$/)).toBeTruthy();
    expect(production.getByText('run of an earlier revision (6)')).toBeTruthy();
    expect(production.getByText('Synced · Degraded')).toBeTruthy();
  });

  it('an unreachable cluster is shown as such; the other cluster’s rows remain', () => {
    renderScenario(unreachableCluster(options));
    const alert = screen.getByTestId('cluster-problem-production');
    expect(alert.textContent).toMatch(/^Cluster production: unreachable: request to .* failed, reason: connect ECONNREFUSED/);
    expect(alert.textContent).toContain('kubectl proxy');
    expect(rowOf('staging').getByText('Synced · Healthy')).toBeTruthy();
    expect(rowOf('staging').getByText('2/2 ready')).toBeTruthy();
    expect(rowOf('production').getByText('unknown')).toBeTruthy();
    expect(rowOf('production').getByText('not found in the clusters that answered; could not read cluster production')).toBeTruthy();
  });

  it('a cluster answering 403 names what the service account may not list', () => {
    renderScenario(unreachableCluster({ ...options, failure: 403 }));
    const alert = screen.getByTestId('cluster-problem-production');
    expect(alert.textContent).toContain('403 Forbidden listing pods, services');
    expect(alert.textContent).toContain('backstage-reader.yaml');
    expect(rowOf('staging').getByText('Synced · Healthy')).toBeTruthy();
  });

  it('not deployed: expected environments listed as such, with what to expect', () => {
    const model = buildStatusModel({ response: { items: [] }, entity: scenarioEntity(), configuredClusters: ['local'] });
    render(<GitOpsEnvironmentsCardView model={model} kubernetesId="orders" loading={false} lastUpdated={NOW} now={NOW} refreshIntervalMs={10_000} />);
    expect(rowOf('staging').getByText('not deployed')).toBeTruthy();
    expect(rowOf('production').getByText('not deployed')).toBeTruthy();
    expect(screen.getByTestId('no-objects').textContent).toContain('No cluster has objects labelled backstage.io/kubernetes-id=orders yet (clusters: local)');
    expect(screen.queryByText(/clusterLocatorMethods/)).toBeNull();
  });

  it('before CI\'s first image: each environment says "awaiting first image", not a blank or healthy row', () => {
    const held = (environment: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: `orders-${environment}`,
        namespace: 'argocd',
        labels: { 'backstage.io/kubernetes-id': 'orders', 'slipway.dev/environment': environment },
      },
      spec: { syncPolicy: { automated: { enabled: false, prune: true, selfHeal: true } } },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Missing' }, summary: { images: ['ghcr.io/example-org/orders'] } },
    });
    const root = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'orders-apps', namespace: 'argocd', labels: { 'backstage.io/kubernetes-id': 'orders', 'slipway.dev/role': 'app-of-apps' } },
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    };
    const response = {
      items: [{ cluster: { name: 'local' }, errors: [], podMetrics: [], resources: [{ type: 'customresources', resources: [root, held('staging'), held('production')] }] }],
    };
    const model = buildStatusModel({ response, entity: scenarioEntity(), configuredClusters: ['local'] });
    render(<GitOpsEnvironmentsCardView model={model} kubernetesId="orders" loading={false} lastUpdated={NOW} now={NOW} refreshIntervalMs={10_000} />);
    expect(screen.getAllByTestId(/^environment-/).map(row => row.getAttribute('data-state'))).toEqual(['awaiting-image', 'awaiting-image']);
    for (const environment of ['staging', 'production']) {
      const row = rowOf(environment);
      expect(row.getAllByText('awaiting first image')).toHaveLength(2);
      expect(row.getByTestId('argocd-gate').textContent).toBe('auto-sync off until CI pins the first image · OutOfSync · Missing');
      expect(row.getByText('no image built yet: automated sync stays off until CI pins the first image and turns it on')).toBeTruthy();
      expect(row.queryByText('not deployed')).toBeNull();
      expect(row.queryByText(/Healthy/)).toBeNull();
    }
    expect(screen.queryByTestId('environment-apps')).toBeNull();
  });

  it('nothing found and the clusters unknown: not deployed, plus how to add a cluster', () => {
    const model = buildStatusModel({ response: { items: [] }, entity: scenarioEntity() });
    render(<GitOpsEnvironmentsCardView model={model} kubernetesId="orders" loading={false} lastUpdated={NOW} now={NOW} refreshIntervalMs={10_000} />);
    expect(rowOf('production').getByText('not deployed')).toBeTruthy();
    expect(screen.getByText(/authProvider: localKubectlProxy/)).toBeTruthy();
  });

  it('no cluster configured: explains what to add to app-config', () => {
    const model = buildStatusModel({ response: { items: [] }, entity: scenarioEntity(), configuredClusters: [] });
    render(<GitOpsEnvironmentsCardView model={model} kubernetesId="orders" loading={false} lastUpdated={NOW} now={NOW} refreshIntervalMs={10_000} />);
    const help = screen.getByTestId('no-clusters');
    expect(help.textContent).toContain('No Kubernetes cluster is configured, so there is nothing to show for staging and production yet.');
    expect(help.textContent).toContain('kubernetes.clusterLocatorMethods');
    expect(help.textContent).toContain('kubectl proxy --port 8001');
    expect(help.querySelector('pre')?.textContent).toBe(
      [
        'kubernetes:',
        '  clusterLocatorMethods:',
        '    - type: config',
        '      clusters:',
        '        - name: local',
        '          url: http://127.0.0.1:8001',
        '          authProvider: localKubectlProxy',
        '          skipMetricsLookup: true',
      ].join('\n'),
    );
    expect(screen.queryByTestId(/^environment-/)).toBeNull();
  });

  describe('production behind staging', () => {
    const behind = healthy({ ...options, stagingTag: 'sha-bbbbbbb', productionTag: 'sha-aaaaaaa' });

    it('says how many commits staging is ahead when a commit-distance source is given', () => {
      const commitsAhead: CommitsAhead = (base, head) => (base === 'aaaaaaa' && head === 'bbbbbbb' ? 3 : 0);
      renderScenario(behind, { commitsAhead });
      expect(rowOf('production').getByTestId('comparison').textContent).toBe('staging is 3 commits ahead');
      expect(rowOf('staging').queryByTestId('comparison')).toBeNull();
    });

    it('says "differs" otherwise', () => {
      renderScenario(behind);
      expect(rowOf('production').getByTestId('comparison').textContent).toBe('differs from staging (sha-aaaaaaa vs sha-bbbbbbb)');
    });
  });

  describe('refresh', () => {
    it('says how old the data is and how often it refreshes', () => {
      renderScenario(healthy(options));
      expect(screen.getByTestId('refresh-status').textContent).toBe('updated 3 s ago · refreshes every 10 s');
      expect(screen.queryByRole('progressbar')).toBeNull();
    });

    it('shows a progress bar while refreshing, keeping the rows', () => {
      renderScenario(healthy(options), {}, { loading: true, refreshIntervalMs: 30_000 });
      expect(screen.getByRole('progressbar', { name: 'refreshing' })).toBeTruthy();
      expect(screen.getByTestId('refresh-status').textContent).toBe('updated 3 s ago · refreshes every 30 s · refreshing…');
      expect(rowOf('production').getByText('Synced · Healthy')).toBeTruthy();
    });

    it('keeps the last answer when a refresh fails, and says so', () => {
      renderScenario(healthy(options), {}, { error: 'Request failed with 503 Service Unavailable', lastUpdated: NOW - 12_000 });
      expect(screen.getByRole('alert').textContent).toBe(
        'Refresh failed: Request failed with 503 Service Unavailable. Showing the answer from 12 s ago.',
      );
      expect(rowOf('production').getByText('Synced · Healthy')).toBeTruthy();
    });

    it('first load: a progress bar; a failed first load: the error and how to configure a cluster', () => {
      const { rerender } = render(<GitOpsEnvironmentsCardView loading now={NOW} refreshIntervalMs={10_000} />);
      expect(screen.getByRole('progressbar')).toBeTruthy();
      expect(screen.getByText('Loading environments…')).toBeTruthy();
      expect(screen.getByTestId('refresh-status').textContent).toBe('loading…');
      rerender(
        <GitOpsEnvironmentsCardView
          loading={false}
          error="Could not find the Kubernetes Backend (HTTP 404). Make sure the plugin has been fully installed."
          now={NOW}
          refreshIntervalMs={10_000}
        />,
      );
      expect(screen.getByRole('alert').textContent).toContain(
        "Could not read Kubernetes objects through Backstage's Kubernetes backend: Could not find the Kubernetes Backend (HTTP 404).",
      );
      expect(screen.getByRole('alert').textContent).toContain('clusterLocatorMethods');
    });
  });
});

describe('GitOps environments card for a service whose manifests are in a system config repo', () => {
  it('shows its environments, links the sync revision into the config repo and names where the manifests are', () => {
    const scenario = healthy(options);
    const location = 'https://github.com/example-org/shop-config/tree/main/apps/orders';
    const annotations = { ...scenario.entity.metadata.annotations, 'slipway.dev/manifests-location': `url:${location}` };
    renderScenario({ ...scenario, entity: { ...scenario.entity, metadata: { ...scenario.entity.metadata, annotations } } });
    expect(screen.getAllByTestId(/^environment-/).map(row => row.getAttribute('data-testid'))).toEqual(['environment-staging', 'environment-production']);
    const revision = rowOf('production').getByTitle(/^[0-9a-f]{40}$/);
    expect(revision.getAttribute('href')).toMatch(/^https:\/\/github\.com\/example-org\/shop-config\/commit\/[0-9a-f]{40}$/);
    const manifests = within(screen.getByTestId('manifests-location')).getByRole('link');
    expect(manifests.getAttribute('href')).toBe(location);
  });

  it('names no manifests location for a service holding its own deploy/', () => {
    renderScenario(healthy(options));
    expect(screen.queryByTestId('manifests-location')).toBeNull();
  });
});
