import { checkRollouts } from './rollouts';
import { add, baselineModel, edit, problemsOf, remove, rulesOf } from '../policy/__fixtures__/repoModel';

describe('Rollout references', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkRollouts, baselineModel())).toEqual([]);
  });

  it('flags a missing AnalysisTemplate', () => {
    const model = remove(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis');
    const problems = problemsOf(checkRollouts, model);
    expect(problems.map(p => p.rule)).toEqual(['rollout-analysis-template', 'rollout-analysis-template']);
    expect(problems[0].message).toContain('spec.strategy.canary.analysis.templates[0].templateName: AnalysisTemplate/orders-canary-analysis does not exist');
  });

  it('resolves a ClusterAnalysisTemplate only with clusterScope', () => {
    const model = edit(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis', t => { t.kind = 'ClusterAnalysisTemplate'; });
    expect(rulesOf(checkRollouts, model)).toEqual(['rollout-analysis-template']);
    edit(model, 'Rollout', 'orders', r => { r.spec.strategy.canary.analysis.templates[0].clusterScope = true; });
    expect(rulesOf(checkRollouts, model)).toEqual([]);
  });

  it('flags an argument the template declares without a value and the Rollout does not pass', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { r.spec.strategy.canary.analysis.args.pop(); });
    const problems = problemsOf(checkRollouts, model);
    expect(problems.map(p => p.rule)).toEqual(['rollout-analysis-args', 'rollout-analysis-args']);
    expect(problems[0].message).toContain('does not supply "namespace"');
  });

  it('checks analysis steps too', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      r.spec.strategy.canary.steps.push({ analysis: { templates: [{ templateName: 'smoke' }] } });
    });
    expect(problemsOf(checkRollouts, model)[0].message).toContain('steps[4].analysis.templates[0].templateName: AnalysisTemplate/smoke');
  });

  it('flags missing canary or stable Services', () => {
    const model = remove(baselineModel(), 'Service', 'orders-stable');
    // The HTTPRoute still names it; only the Service is missing (httpRoutes.ts reports the route's side).
    expect(rulesOf(checkRollouts, model)).toEqual(['rollout-services']);
  });

  it('flags a missing HTTPRoute, and one that does not carry both services', () => {
    expect(rulesOf(checkRollouts, remove(baselineModel(), 'HTTPRoute', 'orders'))).toEqual(['rollout-httproute']);
    const model = edit(baselineModel(), 'HTTPRoute', 'orders', route => { route.spec.rules[0].backendRefs = [{ name: 'orders', port: 80 }]; });
    expect(problemsOf(checkRollouts, model)[0].message).toContain('no rule whose backendRefs name both Service/orders-canary and Service/orders-stable');
  });

  it('reads the httpRoutes list form', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      r.spec.strategy.canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'] = { httpRoutes: [{ name: 'orders' }, { name: 'orders-internal' }] };
    });
    expect(problemsOf(checkRollouts, model)[0].message).toContain('httpRoutes[1].name: HTTPRoute/orders-internal does not exist');
  });

  it('flags a selector that does not match the pod template', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { r.spec.selector.matchLabels['app.kubernetes.io/component'] = 'web'; });
    expect(rulesOf(checkRollouts, model)).toEqual(['workload-selector']);
    add(model, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: {} }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } });
    expect(problemsOf(checkRollouts, model).filter(p => p.object === 'Deployment/x')[0].message).toContain('spec.selector: is missing');
  });
});
