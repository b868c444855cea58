import { alertAnnotations } from './alert-annotations';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const RULE = 'deploy/overlays/production/prometheusrule.yaml';

describe("alert-annotations: 'alert-annotations'", () => {
  it('passes the generated alerts: each has summary, description and runbook_url', async () => {
    expect(await unitProblems(alertAnnotations, await renderExample('minimal'))).toEqual([]);
  });

  it('reports an alert with only a summary, as before issue 8', async () => {
    let files = await renderExample('minimal');
    files = editFile(files, RULE, /\n            description: "The 95th[^\n]*/, '');
    files = editFile(files, RULE, /\n            runbook_url: [^\n]*#highlatency/, '');
    const [problem, ...rest] = await unitProblems(alertAnnotations, files);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'alert-annotations', file: RULE, environment: 'production' });
    expect(problem.message).toBe('PrometheusRule/orders spec.groups[1].rules[0].annotations: alert HighLatency has no description, runbook_url: whoever it pages gets no explanation or next step');
  });
});
