import { METRICS_CONTRACT_FILE } from '@slipway/common';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';
import { promqlUnknownSeries } from './promql-unknown-series';

const TEMPLATE = 'deploy/base/analysistemplate.yaml';

describe("promql-unknown-series: 'promql-unknown-series'", () => {
  it('passes both generated variants: every selected series and label is exported or added by the ServiceMonitor', async () => {
    expect(await unitProblems(promqlUnknownSeries, await renderExample('minimal'))).toEqual([]);
    expect(await unitProblems(promqlUnknownSeries, await renderExample('postgres'))).toEqual([]);
  });

  it('reports the realistic typo http_request_total in the AnalysisTemplate with file, object, field and rule', async () => {
    const files = editFile(await renderExample('minimal'), TEMPLATE, 'sum(increase(http_requests_total', 'sum(increase(http_request_total');
    const problems = await unitProblems(promqlUnknownSeries, files);
    expect(problems).toEqual([
      {
        check: 'reference',
        rule: 'promql-unknown-series',
        file: 'deploy/base/analysistemplate.yaml',
        line: 39,
        environment: 'staging, production',
        object: 'AnalysisTemplate/orders-canary-analysis',
        message:
          'AnalysisTemplate/orders-canary-analysis spec.metrics[0].provider.prometheus.query: metric "success-rate" selects http_request_total, which nothing exports ' +
          `(${METRICS_CONTRACT_FILE} declares http_requests_total, http_request_duration_seconds_bucket, http_request_duration_seconds_sum, http_request_duration_seconds_count), ` +
          'so the selector is always empty and the canary analysis has no data: did you mean http_requests_total?',
      },
    ]);
  });

  it('reports a label the series does not carry, with the labels it does carry and a suggestion', async () => {
    const files = editFile(await renderExample('minimal'), 'deploy/overlays/production/prometheusrule.yaml', 'status_code=~"5.."', 'statuscode=~"5.."');
    const [problem, ...rest] = await unitProblems(promqlUnknownSeries, files);
    expect(rest).toEqual([]);
    expect(problem.message).toContain('alert ErrorBudgetBurnPage matches http_requests_total{statuscode=~…}, but http_requests_total has no label statuscode, so the matcher matches no series');
    expect(problem.message).toContain('from ServiceMonitor/orders): did you mean status_code?');
  });

  it('derives target labels from the ServiceMonitor: dropping a podTargetLabel makes rollouts_pod_template_hash unknown', async () => {
    const files = editFile(await renderExample('minimal'), 'deploy/base/servicemonitor.yaml', /\n    - rollouts-pod-template-hash/, '');
    const messages = (await unitProblems(promqlUnknownSeries, files)).map(problem => problem.message);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every(message => message.includes('has no label rollouts_pod_template_hash'))).toBe(true);
  });

  it('reads the repo\'s own metrics contract, and groupings over labels nobody carries', async () => {
    const renamed = editFile(await renderExample('minimal'), METRICS_CONTRACT_FILE, '"http_requests_total"', '"http_requests_served_total"');
    const messages = (await unitProblems(promqlUnknownSeries, renamed)).map(problem => problem.message);
    expect(messages).toContainEqual(expect.stringContaining(`selects http_requests_total, which nothing exports (${METRICS_CONTRACT_FILE} declares http_requests_served_total`));

    const grouped = editFile(await renderExample('minimal'), TEMPLATE, 'sum by (le)', 'sum by (lee)');
    expect((await unitProblems(promqlUnknownSeries, grouped)).map(problem => problem.message)).toEqual([
      expect.stringContaining('metric "p95-latency" uses by (lee), but none of the series it combines carries lee'),
    ]);
  });
});
