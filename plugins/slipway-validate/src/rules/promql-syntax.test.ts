import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';
import { promqlSyntax } from './promql-syntax';

describe("promql-syntax: 'promql-syntax'", () => {
  it('passes the generated repo: every AnalysisTemplate query and alert expression parses', async () => {
    expect(await unitProblems(promqlSyntax, await renderExample('postgres'))).toEqual([]);
  });

  it('reports an unclosed parenthesis in the AnalysisTemplate with the object, the field and the position', async () => {
    const files = editFile(await renderExample('minimal'), 'deploy/base/analysistemplate.yaml', 'histogram_quantile(0.95, sum by (le) (rate(', 'histogram_quantile(0.95, sum by (le) ((rate(');
    const problems = await unitProblems(promqlSyntax, files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: 'promql-syntax', object: 'AnalysisTemplate/orders-canary-analysis', environment: 'staging, production' });
    expect(problems[0].message).toMatch(/^AnalysisTemplate\/orders-canary-analysis spec\.metrics\[1\]\.provider\.prometheus\.query: metric "p95-latency": PromQL syntax error at line 4, column 1: unexpected end of the expression$/);
  });

  it('reports what the grammar accepts but Prometheus refuses: rate() of an instant vector, an unclosed string', async () => {
    let files = editFile(await renderExample('minimal'), 'deploy/overlays/staging/prometheusrule.yaml', /rate\((http_request_duration_seconds_bucket\{[^}]*\})\[5m\]\)/, 'rate($1)');
    files = editFile(files, 'deploy/overlays/staging/prometheusrule.yaml', /absent\(up\{(.*)"\}\)/, 'absent(up{$1})');
    const messages = (await unitProblems(promqlSyntax, files)).map(problem => problem.message);
    expect(messages).toEqual([
      expect.stringContaining('alert HighLatency: PromQL syntax error at line 1, column 55: rate() needs a range vector such as http_request_duration_seconds_bucket'),
      expect.stringMatching(/alert MetricsAbsent: PromQL syntax error at line 1, column \d+: the string "orders}\) is never closed/),
    ]);
  });
});
