import { policyChecks } from './index';
import { referenceChecks } from '../references';
import type { LoadedObject, RepoModel } from '../types';
import { baselineModel, describeProblems, problemsOf } from './__fixtures__/repoModel';

const KINDS = [
  'Rollout', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'ServiceAccount', 'ConfigMap', 'Secret',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor', 'PodMonitor', 'HTTPRoute', 'Ingress',
  'AnalysisTemplate', 'ClusterAnalysisTemplate', 'PersistentVolumeClaim', 'ExternalSecret', 'SealedSecret', 'Application', 'Cluster',
];
/** Values of the wrong shape for any field a check may read. */
const JUNK: unknown[] = [null, 5, 'text', [], [null, 3, 'x'], { containers: 'x', template: [], selector: 7 }, true];

function junkModel(): RepoModel {
  const objects: LoadedObject[] = [];
  KINDS.forEach((kind, i) => {
    for (const junk of JUNK) {
      const apiVersion = kind === 'Cluster' ? 'postgresql.cnpg.io/v1' : kind === 'Application' ? 'argoproj.io/v1alpha1' : 'v1';
      const object = { apiVersion, kind, metadata: { name: `${kind.toLowerCase()}-${i}`, labels: junk }, spec: junk, data: junk } as never;
      objects.push({ object, file: 'deploy/overlays/staging', environment: 'staging' });
      objects.push({ object: { apiVersion, kind, metadata: junk, spec: junk } as never, file: 'deploy/overlays/staging', environment: 'staging' });
      objects.push({ object: { apiVersion, kind, metadata: { name: 'deep' }, spec: { template: { spec: { containers: [junk], volumes: junk, securityContext: junk } }, strategy: { canary: junk }, rules: [junk], metrics: [junk] } } as never, file: 'deploy/overlays/staging', environment: 'staging' });
    }
  });
  const files = new Map<string, string>([
    ['catalog-info.yaml', 'kind: Component\nmetadata: 5\nspec: [1]\n'],
    ['.github/workflows/a.yaml', 'jobs: {a: 5, b: {steps: [null, 3, {run: 7, uses: 9}]}}\npermissions: 3\n'],
    ['deploy/base/kustomization.yaml', 'labels: 5\ncommonLabels: [1]\nsecretGenerator: {a: 1}\n'],
  ]);
  return { files, environments: new Map([['staging', objects]]), rawObjects: objects.filter(o => o.object.kind === 'Application') };
}

describe('the valid baseline repo', () => {
  it.each([
    ['built overlays', true],
    ['raw base only (no kustomize)', false],
  ])('passes every policy and reference check with %s', (_label, built) => {
    const problems = problemsOf([...policyChecks, ...referenceChecks], baselineModel({ built }));
    expect(describeProblems(problems)).toBe('');
  });

  it('never throws on objects of the wrong shape', () => {
    expect(() => problemsOf([...policyChecks, ...referenceChecks], junkModel())).not.toThrow();
    const unbuilt = junkModel();
    unbuilt.rawObjects = [...unbuilt.environments.values()].flat().map(({ object }) => ({ object, file: 'deploy/base/x.yaml' }));
    unbuilt.environments.clear();
    expect(() => problemsOf([...policyChecks, ...referenceChecks], unbuilt)).not.toThrow();
  });

  it('never throws on an empty model', () => {
    const empty = { files: new Map<string, string>(), environments: new Map(), rawObjects: [] };
    expect(() => problemsOf([...policyChecks, ...referenceChecks], empty)).not.toThrow();
  });
});
