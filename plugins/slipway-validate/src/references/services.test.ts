import { checkAutoscalers } from './autoscaling';
import { checkServices } from './services';
import { baselineModel, edit, problemsOf, rulesOf } from '../policy/__fixtures__/repoModel';

describe('Service references', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkServices, baselineModel())).toEqual([]);
  });

  it('flags a selector that matches no pod template', () => {
    const model = edit(baselineModel(), 'Service', 'orders-canary', s => { s.spec.selector = { 'app.kubernetes.io/name': 'order' }; });
    const problems = problemsOf(checkServices, model);
    expect(problems.map(p => p.rule)).toEqual(['service-selector', 'service-selector']);
    expect(problems[0].message).toContain('Service/orders-canary spec.selector: app.kubernetes.io/name=order matches no');
  });

  it('flags a named targetPort the containers do not declare', () => {
    const model = edit(baselineModel(), 'Service', 'orders', s => { s.spec.ports[0].targetPort = 'web'; });
    expect(rulesOf(checkServices, model)).toEqual(['service-target-port']);
  });

  it('ignores numeric targetPorts and selector-less Services', () => {
    const model = edit(baselineModel(), 'Service', 'orders', s => { s.spec.ports[0].targetPort = 8080; });
    edit(model, 'Service', 'orders-stable', s => { delete s.spec.selector; });
    expect(rulesOf(checkServices, model)).toEqual([]);
  });

  it('matches selectors on CloudNativePG pods', () => {
    const model = edit(baselineModel(), 'Service', 'orders', s => { s.spec.selector = { 'cnpg.io/cluster': 'orders-db' }; s.spec.ports = [{ port: 5432, targetPort: 'postgresql' }]; });
    expect(rulesOf(checkServices, model)).toEqual([]);
  });
});

describe('HorizontalPodAutoscaler references', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkAutoscalers, baselineModel())).toEqual([]);
  });

  it.each<[string, (hpa: any) => void]>([
    ['a wrong name', hpa => { hpa.spec.scaleTargetRef.name = 'order'; }],
    ['a Deployment when we deploy a Rollout', hpa => { hpa.spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' }; }],
    ['the wrong API group', hpa => { hpa.spec.scaleTargetRef.apiVersion = 'apps/v1'; }],
  ])('flags a target with %s', (_label, change) => {
    expect(rulesOf(checkAutoscalers, edit(baselineModel(), 'HorizontalPodAutoscaler', 'orders', change))).toEqual(['hpa-target-exists']);
  });

  it('flags minReplicas above maxReplicas', () => {
    const model = edit(baselineModel(), 'HorizontalPodAutoscaler', 'orders', hpa => { hpa.spec.minReplicas = 8; });
    expect(problemsOf(checkAutoscalers, model)[0].message).toContain('(6) is below spec.minReplicas (8)');
  });
});
