import { alertKeepsNamespace } from './alert-keeps-namespace';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const RULE = 'deploy/overlays/production/prometheusrule.yaml';

describe("alert-keeps-namespace: 'alert-keeps-namespace'", () => {
  it('passes the generated alerts: each aggregates by (namespace) or keeps it from the selector', async () => {
    expect(await unitProblems(alertKeepsNamespace, await renderExample('postgres'))).toEqual([]);
  });

  it('reports sum() without by, which drops every label (the alerts before issue 8)', async () => {
    const files = editFile(await renderExample('minimal'), RULE, 'sum by (namespace) (\n', 'sum (\n');
    const [problem, ...rest] = await unitProblems(alertKeepsNamespace, files);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'alert-keeps-namespace', file: RULE, environment: 'production', object: 'PrometheusRule/orders' });
    expect(problem.message).toContain('spec.groups[1].rules[1].expr: alert PodsNotReady: its result carries no namespace label');
  });

  it('accepts an alert that sets namespace itself, and follows on() and group_left', async () => {
    const fixed = editFile(await renderExample('minimal'), RULE, 'sum by (namespace) (\n', 'sum (\n');
    const labelled = editFile(fixed, RULE, /(- alert: PodsNotReady[^]*?labels:\n)/, '$1            namespace: orders-production\n');
    expect(await unitProblems(alertKeepsNamespace, labelled)).toEqual([]);
    const joined = editFile(await renderExample('minimal'), RULE, 'up{namespace="orders-production", service="orders"} == 0',
      'up{namespace="orders-production", service="orders"} == on (pod) group_left (owner_kind) kube_pod_owner');
    expect(await unitProblems(alertKeepsNamespace, joined)).toEqual([]);
    const onlyPod = editFile(await renderExample('minimal'), RULE, 'up{namespace="orders-production", service="orders"} == 0',
      'up{namespace="orders-production", service="orders"} * on (pod) kube_pod_owner');
    expect((await unitProblems(alertKeepsNamespace, onlyPod)).map(problem => problem.message)).toEqual([expect.stringContaining('alert MetricsTargetDown')]);
  });
});
