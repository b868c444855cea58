import { checkCanaryAnalysis, classifyQuery } from './canaryAnalysis';
import { baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

/** The AnalysisTemplate from seed 000/001: the canary is judged on CPU only. */
const SEED_CPU_METRIC = {
  name: 'cpu-usage-sum',
  interval: '1m',
  count: 5,
  provider: {
    prometheus: {
      address: 'http://prometheus-kube-prometheus-prometheus.prometheus.svc.cluster.local:9090',
      query: "sum(rate(container_cpu_usage_seconds_total{namespace='{{args.namespace}}', container!=''}[5m]))",
    },
  },
  successCondition: 'result[0] <= 0.5',
  failureCondition: 'result[0] > 0.5',
};

describe('classifyQuery', () => {
  it.each<[string, string[]]>([
    ['sum(rate(http_requests_total{status_code=~"5.."}[2m])) / sum(rate(http_requests_total[2m]))', ['errors']],
    ['histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[2m])))', ['latency']],
    [SEED_CPU_METRIC.provider.prometheus.query, ['resource']],
    ['sum(container_memory_working_set_bytes)', ['resource']],
    ['sum(rate(http_requests_total[1m]))', ['other']],
  ])('%s', (query, signals) => {
    expect(classifyQuery(query)).toEqual(signals);
  });
});

describe('canary analysis (seed 001: gated on CPU)', () => {
  it('passes the baseline: success rate and p95 latency, with conditions and failure limits', () => {
    expect(rulesOf(checkCanaryAnalysis, baselineModel())).toEqual([]);
  });

  it('flags a canary without analysis', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { delete r.spec.strategy.canary.analysis; });
    expect(rulesOf(checkCanaryAnalysis, model)).toEqual(['canary-analysis-required']);
  });

  it('accepts analysis given as a step', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      const analysis = r.spec.strategy.canary.analysis;
      delete r.spec.strategy.canary.analysis;
      r.spec.strategy.canary.steps.splice(1, 0, { analysis: { templates: analysis.templates, args: analysis.args } });
    });
    expect(rulesOf(checkCanaryAnalysis, model)).toEqual([]);
  });

  it('flags the seed\'s CPU-only template, and the canary it gates', () => {
    const model = edit(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis', t => { t.spec.metrics = [SEED_CPU_METRIC]; });
    expect(rulesOf(checkCanaryAnalysis, model)).toEqual([
      'analysis-metric-failure-limit',
      'analysis-resource-only',
      'canary-analysis-error-rate',
      'canary-analysis-latency',
    ]);
  });

  it('flags analysis without latency', () => {
    const model = edit(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis', t => { t.spec.metrics.pop(); });
    const problems = problemsOf(checkCanaryAnalysis, model);
    expect(problems.map(p => p.rule)).toEqual(['canary-analysis-latency', 'canary-analysis-latency']);
    expect(problems[0].object).toBe('Rollout/orders');
  });

  it('flags a metric that can never fail, or has no failure limit', () => {
    const model = edit(baselineModel(), 'AnalysisTemplate', 'orders-canary-analysis', t => {
      delete t.spec.metrics[0].successCondition;
      delete t.spec.metrics[1].failureLimit;
    });
    const problems = problemsOf(checkCanaryAnalysis, model);
    expect(problems.map(p => p.rule).sort()).toEqual([
      'analysis-metric-condition', 'analysis-metric-condition', 'analysis-metric-failure-limit', 'analysis-metric-failure-limit',
    ]);
    expect(problems.find(p => p.rule === 'analysis-metric-condition')?.message).toContain('metric "success-rate"');
  });

  it('flags dry-run metrics and an abort that never scales the canary down', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      r.spec.strategy.canary.analysis.dryRun = [{ metricName: '*' }];
      r.spec.strategy.canary.abortScaleDownDelaySeconds = 0;
    });
    expect(rulesOf(checkCanaryAnalysis, model)).toEqual(['analysis-dry-run', 'rollout-abort-scale-down']);
  });

  it('leaves a missing template to the reference checks', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { r.spec.strategy.canary.analysis.templates[0].templateName = 'nope'; });
    expect(rulesOf(checkCanaryAnalysis, model)).toEqual([]);
  });
});
