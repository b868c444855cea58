import { checkContainerHealth } from './containerHealth';
import { checkPodSecurity } from './podSecurity';
import { baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

type Change = (object: any) => void;
const app: (change: (container: any) => void) => Change = change => rollout => change(rollout.spec.template.spec.containers[0]);

describe('restricted Pod Security', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkPodSecurity, baselineModel())).toEqual([]);
  });

  it.each<[string, Change, string]>([
    ['runAsNonRoot missing on pod and container', r => { delete r.spec.template.spec.securityContext.runAsNonRoot; delete r.spec.template.spec.containers[0].securityContext.runAsNonRoot; }, 'pod-run-as-non-root'],
    ['container overrides runAsNonRoot to false', app(c => { c.securityContext.runAsNonRoot = false; }), 'pod-run-as-non-root'],
    ['runAsUser 0', app(c => { c.securityContext.runAsUser = 0; }), 'pod-run-as-non-root'],
    ['allowPrivilegeEscalation unset', app(c => { delete c.securityContext.allowPrivilegeEscalation; }), 'pod-privilege-escalation'],
    ['capabilities not dropped', app(c => { c.securityContext.capabilities = { drop: ['NET_RAW'] }; }), 'pod-capabilities'],
    ['capability added', app(c => { c.securityContext.capabilities.add = ['SYS_ADMIN']; }), 'pod-capabilities'],
    ['seccomp unset', r => { delete r.spec.template.spec.securityContext.seccompProfile; }, 'pod-seccomp-profile'],
    ['seccomp Unconfined on the container', app(c => { c.securityContext.seccompProfile = { type: 'Unconfined' }; }), 'pod-seccomp-profile'],
    ['writable root filesystem', app(c => { c.securityContext.readOnlyRootFilesystem = false; }), 'pod-read-only-root-filesystem'],
    ['privileged', app(c => { c.securityContext.privileged = true; }), 'pod-privileged'],
    ['hostNetwork', r => { r.spec.template.spec.hostNetwork = true; }, 'pod-host-namespaces'],
    ['hostPID', r => { r.spec.template.spec.hostPID = true; }, 'pod-host-namespaces'],
    ['hostPath volume', r => { r.spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); }, 'pod-host-path'],
  ])('flags %s', (_label, change, rule) => {
    const model = edit(baselineModel(), 'Rollout', 'orders', change);
    expect(rulesOf(checkPodSecurity, model)).toEqual([rule]);
  });

  it('checks init containers too, and names object, field and environment', () => {
    const model = edit(baselineModel(), 'Job', 'orders-migrate', job => {
      job.spec.template.spec.initContainers = [{ ...structuredClone(job.spec.template.spec.containers[0]), name: 'wait' }];
      job.spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation = true;
    });
    const problems = problemsOf(checkPodSecurity, model);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({
      check: 'policy',
      rule: 'pod-privilege-escalation',
      object: 'Job/orders-migrate',
      environment: 'staging',
      file: 'deploy/overlays/staging',
    });
    expect(problems[0].message).toContain('Job/orders-migrate spec.template.spec.initContainers[0] ("wait").securityContext.allowPrivilegeEscalation');
  });

  it('skips Rollouts that borrow a Deployment template (workloadRef)', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', rollout => {
      delete rollout.spec.template;
      rollout.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' };
    });
    expect(rulesOf([checkPodSecurity, checkContainerHealth], model)).toEqual([]);
  });
});

describe('resources and probes', () => {
  it.each<[string, Change, string]>([
    ['no memory limit', app(c => { delete c.resources.limits.memory; }), 'container-resources'],
    ['no resources at all', app(c => { delete c.resources; }), 'container-resources'],
    ['no readiness probe', app(c => { delete c.readinessProbe; }), 'container-probes'],
    ['no liveness probe', app(c => { delete c.livenessProbe; }), 'container-probes'],
  ])('flags %s', (_label, change, rule) => {
    const model = edit(baselineModel(), 'Rollout', 'orders', change);
    expect(rulesOf(checkContainerHealth, model)).toEqual([rule]);
  });

  it('does not ask Jobs for probes', () => {
    // The baseline migration Job has no probes and passes.
    expect(rulesOf(checkContainerHealth, baselineModel())).toEqual([]);
  });

  it('names what is missing', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', app(c => { delete c.resources.requests; }));
    expect(problemsOf(checkContainerHealth, model)[0].message).toContain('lacks requests.cpu, requests.memory');
  });
});
