/* eslint-disable @typescript-eslint/no-explicit-any -- cases build loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { topologySpreadSelector } from './topology-spread-selector';
import { editFile, renderExample, renderGoldenPathExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'topology-spread-selector';

const constraint = (extra: Record<string, unknown>) => ({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', ...extra });
const workload = (kind: string, constraints: unknown[]): any => ({
  apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
  kind,
  metadata: { name: 'web' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { topologySpreadConstraints: constraints, containers: [{ name: 'web', image: 'x' }] } },
  },
});
function run(...objects: any[]) {
  const built: LoadedObject[] = objects.map(object => ({ object, file: 'deploy/overlays/staging', environment: 'staging' }));
  const model: RepoModel = { files: new Map(), rawObjects: [], environments: new Map([['staging', built]]) };
  return topologySpreadSelector.run(model);
}
const own = { matchLabels: { app: 'web' } };

describe(ID, () => {
  describe('on the generated repos', () => {
    it.each(['minimal', 'three-environments'] as const)('passes node-service %s (a Rollout spread by rollouts-pod-template-hash)', async example => {
      expect(await unitProblems(topologySpreadSelector, await renderExample(example))).toEqual([]);
    });

    it.each([
      ['node-worker', 'rabbitmq'],
      ['static-frontend', 'storefront'],
    ] as const)('passes %s %s', async (id, example) => {
      expect(await unitProblems(topologySpreadSelector, await renderGoldenPathExample(id, example))).toEqual([]);
    });

    it("reports node-service's Rollout spread without the revision's hash, once per constraint (the environments it breaks in merged)", async () => {
      const files = editFile(await renderExample('minimal'), 'deploy/base/rollout.yaml', /\n +matchLabelKeys:\n +- rollouts-pod-template-hash/g, '');
      const problems = await unitProblems(topologySpreadSelector, files);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatchObject({ rule: ID, object: 'Rollout/orders', file: 'deploy/base/rollout.yaml', environment: 'staging, production' });
      expect(problems[0].message).toMatch(
        /^Rollout\/orders spec\.template\.spec\.topologySpreadConstraints\[0\]\.matchLabelKeys: \(topology\.kubernetes\.io\/zone\) lacks rollouts-pod-template-hash: during a rollout/,
      );
    });

    it("reports a Deployment's hash label on node-worker's Rollout, whose pods never carry it", async () => {
      const files = editFile(await renderGoldenPathExample('node-worker', 'rabbitmq'), 'deploy/base/rollout.yaml', /- rollouts-pod-template-hash/g, '- pod-template-hash');
      const problems = await unitProblems(topologySpreadSelector, files);
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem.message).toContain("names pod-template-hash, which a Rollout's pods do not carry (the scheduler ignores it): use rollouts-pod-template-hash");
    });

    it("reports static-frontend's constraints edited to select another component's pods", async () => {
      const files = editFile(await renderGoldenPathExample('static-frontend', 'minimal'), 'deploy/base/deployment.yaml', /app\.kubernetes\.io\/component: web\n(\s+matchLabelKeys)/g, 'app.kubernetes.io/component: api\n$1');
      const problems = await unitProblems(topologySpreadSelector, files);
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) {
        expect(problem).toMatchObject({ object: 'Deployment/docs-site', file: 'deploy/base/deployment.yaml' });
        expect(problem.message).toMatch(/\.labelSelector: \(.+\) does not select the pod's own labels: it counts other pods/);
      }
    });
  });

  it("passes a constraint selecting the pod's labels with the kind's hash label", () => {
    expect(run(workload('Deployment', [constraint({ labelSelector: own, matchLabelKeys: ['pod-template-hash'] })]))).toEqual([]);
    expect(run(workload('Rollout', [constraint({ labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, matchLabelKeys: ['rollouts-pod-template-hash'] })]))).toEqual([]);
  });

  it('reports a constraint without a labelSelector: it counts no pods', () => {
    const [problem, ...rest] = run(workload('Deployment', [constraint({ matchLabelKeys: ['pod-template-hash'] })]));
    expect(rest).toEqual([]);
    expect(problem.message).toBe(
      'Deployment/web spec.template.spec.topologySpreadConstraints[0]: (topology.kubernetes.io/zone) has no labelSelector: it counts no pods, so it spreads nothing',
    );
  });

  it('reports a selector that misses the pod, and a Deployment without pod-template-hash', () => {
    const problems = run(workload('Deployment', [constraint({ labelSelector: { matchLabels: { app: 'api' } } }), constraint({ topologyKey: 'kubernetes.io/hostname', labelSelector: own })]));
    expect(problems.map(problem => problem.message)).toEqual([
      "Deployment/web spec.template.spec.topologySpreadConstraints[0].labelSelector: (topology.kubernetes.io/zone) does not select the pod's own labels: it counts other pods and spreads these by where those run",
      "Deployment/web spec.template.spec.topologySpreadConstraints[1].matchLabelKeys: (kubernetes.io/hostname) lacks pod-template-hash: during a rollout the old and new revision's pods are counted together, so the new ones are placed where the old ones leave room and end up skewed",
    ]);
  });

  it('asks no hash label of kinds that do not roll out ReplicaSets (a StatefulSet), and ignores pods without constraints', () => {
    expect(run(workload('StatefulSet', [constraint({ labelSelector: own })]))).toEqual([]);
    expect(run(workload('Deployment', []))).toEqual([]);
  });
});
