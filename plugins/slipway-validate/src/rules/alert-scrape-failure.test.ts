import { alertScrapeFailure } from './alert-scrape-failure';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const RULE = 'deploy/overlays/staging/prometheusrule.yaml';

/** Drops one alert (its whole list item) from a rendered PrometheusRule. */
function dropAlert(text: string, alert: string): RegExp {
  expect(text).toContain(`- alert: ${alert}`);
  return new RegExp(`\\n        - alert: ${alert}\\n[^]*?(?=\\n        - alert: |\\n?$)`);
}

describe("alert-scrape-failure: 'alert-scrape-failure'", () => {
  it('passes the generated alerts: MetricsTargetDown (up == 0) and MetricsAbsent (absent(up))', async () => {
    expect(await unitProblems(alertScrapeFailure, await renderExample('minimal'))).toEqual([]);
  });

  it('reports alerts on the service\'s series with nothing firing when scraping breaks', async () => {
    const rendered = await renderExample('minimal');
    let files = editFile(rendered, RULE, dropAlert(rendered.get(RULE)!, 'MetricsAbsent'), '');
    files = editFile(files, RULE, dropAlert(files.get(RULE)!, 'MetricsTargetDown'), '');
    const [problem, ...rest] = await unitProblems(alertScrapeFailure, files);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'alert-scrape-failure', environment: 'staging', object: 'PrometheusRule/orders' });
    expect(problem.message).toContain('alerts such as ErrorBudgetBurnPage read the service\'s own series, but no alert fires on failed scrapes (up == 0) or on a missing target (absent(...))');
  });

  it('reports a missing absent() alert on its own', async () => {
    const rendered = await renderExample('minimal');
    const files = editFile(rendered, RULE, dropAlert(rendered.get(RULE)!, 'MetricsAbsent'), '');
    expect((await unitProblems(alertScrapeFailure, files)).map(problem => problem.message)).toEqual([expect.stringContaining('no alert fires on a missing target (absent(...))')]);
  });
});
