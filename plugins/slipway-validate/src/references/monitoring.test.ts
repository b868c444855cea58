import { checkHttpRouteBackends } from './httpRoutes';
import { checkMonitors } from './monitoring';
import { checkSelections } from './selection';
import { add, baselineModel, edit, problemsOf, rulesOf } from '../policy/__fixtures__/repoModel';

describe('ServiceMonitor and PodMonitor targets', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkMonitors, baselineModel())).toEqual([]);
  });

  it('flags a selector matching no Service', () => {
    const model = edit(baselineModel(), 'ServiceMonitor', 'orders', sm => { sm.spec.selector.matchLabels['app.kubernetes.io/component'] = 'metrics'; });
    expect(rulesOf(checkMonitors, model)).toEqual(['servicemonitor-target']);
  });

  it('flags an endpoint port name the Service lacks', () => {
    const model = edit(baselineModel(), 'ServiceMonitor', 'orders', sm => { sm.spec.endpoints[0].port = 'http-metrics'; });
    expect(problemsOf(checkMonitors, model)[0].message).toContain('"http-metrics" is not a port name of the selected Service(s) orders');
  });

  it('checks PodMonitors against pod template ports', () => {
    const podMonitor = (port: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'orders-pods', labels: {} },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/component': 'api' } }, podMetricsEndpoints: [{ port }] },
    });
    expect(rulesOf(checkMonitors, add(baselineModel(), podMonitor('metrics')))).toEqual([]);
    expect(rulesOf(checkMonitors, add(baselineModel(), podMonitor('prom')))).toEqual(['podmonitor-target']);
  });
});

describe('HTTPRoute backends', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkHttpRouteBackends, baselineModel())).toEqual([]);
  });

  it('flags a Service that does not exist, or a port it does not have', () => {
    const model = edit(baselineModel(), 'HTTPRoute', 'orders', route => {
      route.spec.rules[0].backendRefs[0].name = 'orders-main';
      route.spec.rules[0].backendRefs[1].port = 8080;
    });
    const messages = problemsOf(checkHttpRouteBackends, model).filter(p => p.environment === 'production').map(p => p.message);
    expect(messages).toEqual([
      'HTTPRoute/orders spec.rules[0].backendRefs[0].name: Service/orders-main does not exist',
      'HTTPRoute/orders spec.rules[0].backendRefs[1].port: 8080 is not a port of Service/orders-canary (80, 9464)',
    ]);
  });
});

describe('PDB and NetworkPolicy selectors', () => {
  it('passes the baseline (including the policy selecting CloudNativePG pods)', () => {
    expect(rulesOf(checkSelections, baselineModel())).toEqual([]);
  });

  it('flags a PDB and a NetworkPolicy that select nothing', () => {
    const model = edit(baselineModel(), 'PodDisruptionBudget', 'orders', pdb => { pdb.spec.selector.matchLabels = { app: 'orders' }; });
    edit(model, 'NetworkPolicy', 'orders-db-allow-app', np => { np.spec.podSelector.matchLabels = { 'cnpg.io/cluster': 'orders-database' }; });
    expect(rulesOf(checkSelections, model)).toEqual(['networkpolicy-selects-pods', 'pdb-selects-pods']);
  });
});
