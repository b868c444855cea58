import { alertExcludesJobPods } from './alert-excludes-job-pods';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const RULE = 'deploy/overlays/production/prometheusrule.yaml';

describe("alert-excludes-job-pods: 'alert-excludes-job-pods'", () => {
  it('passes the generated PodsNotReady, which leaves out pods a Job owns', async () => {
    expect(await unitProblems(alertExcludesJobPods, await renderExample('postgres'))).toEqual([]);
  });

  it('reports a readiness alert that counts the migration Job\'s finished pod', async () => {
    const files = editFile(await renderExample('postgres'), RULE, /\n\s*unless on \(namespace, pod\)\n\s*kube_pod_owner\{[^}]*\}/, '');
    const [problem, ...rest] = await unitProblems(alertExcludesJobPods, files);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'alert-excludes-job-pods', file: RULE, environment: 'production' });
    expect(problem.message).toContain('alert PodsNotReady reads kube_pod_status_ready without leaving out pods a Job owns: the finished pod of Job/billing-migrate stays Ready=false');
  });

  it('does not ask a repo without Jobs to exclude them', async () => {
    const files = editFile(await renderExample('minimal'), RULE, /\n\s*unless on \(namespace, pod\)\n\s*kube_pod_owner\{[^}]*\}/, '');
    expect(await unitProblems(alertExcludesJobPods, files)).toEqual([]);
  });
});
