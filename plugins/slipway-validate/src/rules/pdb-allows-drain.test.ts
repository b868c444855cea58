/* eslint-disable @typescript-eslint/no-explicit-any -- cases build loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { allowedDisruptions, pdbAllowsDrain } from './pdb-allows-drain';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'pdb-allows-drain';
const oneInstance = {
  name: 'billing',
  owner: 'group:default/payments',
  description: 'Issues invoices.',
  database: 'postgres',
  postgres: { instances: 1 },
};

const pdb = (spec: Record<string, unknown>): any => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});
const deployment = (replicas: number): any => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'x' }] } } },
});
const hpa = (minReplicas: number): any => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas, maxReplicas: 5 },
});
function modelOf(...objects: any[]): RepoModel {
  const built: LoadedObject[] = objects.map(object => ({ object, file: 'deploy/overlays/staging', environment: 'staging' }));
  return { files: new Map(), rawObjects: [], environments: new Map([['staging', built]]) };
}
const run = (...objects: any[]) => pdbAllowsDrain.run(modelOf(...objects));

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(pdbAllowsDrain, await renderExample(example))).toEqual([]);
    });

    it('passes a one-instance database, which sets enablePDB: false', async () => {
      const files = await renderExample(oneInstance);
      expect(files.get('deploy/base/database.yaml')).toContain('enablePDB: false');
      expect(await unitProblems(pdbAllowsDrain, files)).toEqual([]);
    });

    it("reports defect 12: the one-instance Cluster keeping CloudNativePG's primary budget", async () => {
      const files = editFile(await renderExample(oneInstance), 'deploy/base/database.yaml', /\n +enablePDB: false/, '');
      const problems = await unitProblems(pdbAllowsDrain, files);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ rule: ID, object: 'Cluster/billing-db', file: 'deploy/base/database.yaml' });
      expect(problems[0].message).toContain('Cluster/billing-db spec.enablePDB: is not false on a one-instance Cluster');
    });

    it("reports the service's own budget edited to allow nothing", async () => {
      const files = editFile(await renderExample('minimal'), 'deploy/base/pdb.yaml', 'maxUnavailable: 1', 'maxUnavailable: 0');
      // One per environment: each names the replicas its overlay runs.
      const problems = await unitProblems(pdbAllowsDrain, files);
      expect(problems.map(problem => problem.environment).sort()).toEqual(['production', 'staging']);
      const [problem] = problems;
      expect(problem).toMatchObject({ object: 'PodDisruptionBudget/orders', file: 'deploy/base/pdb.yaml' });
      expect(problem.message).toMatch(/^PodDisruptionBudget\/orders spec\.maxUnavailable: allows no eviction of Rollout\/orders's pods at its \d replicas: every node drain/);
    });
  });

  it('counts evictions as the disruption controller does: ints, percentages rounded up', () => {
    expect(allowedDisruptions(pdb({ maxUnavailable: 1 }), 1)).toBe(1);
    expect(allowedDisruptions(pdb({ maxUnavailable: '0%' }), 5)).toBe(0);
    expect(allowedDisruptions(pdb({ maxUnavailable: '10%' }), 3)).toBe(1);
    expect(allowedDisruptions(pdb({ minAvailable: 2 }), 3)).toBe(1);
    expect(allowedDisruptions(pdb({ minAvailable: '50%' }), 1)).toBe(0);
    expect(allowedDisruptions(pdb({ minAvailable: '100%' }), 4)).toBe(0);
    expect(allowedDisruptions(pdb({}), 3)).toBeUndefined();
  });

  it('judges a budget at the fewest replicas the workload runs (the HPA minimum when autoscaled)', () => {
    expect(run(deployment(3), pdb({ minAvailable: 2 }))).toEqual([]);
    expect(run(deployment(2), pdb({ minAvailable: 2 }))[0].message).toBe(
      "PodDisruptionBudget/web spec.minAvailable: allows no eviction of Deployment/web's pods at its 2 replicas: every node drain (cluster upgrade, node rotation, autoscaler scale-down) waits on these pods forever",
    );
    expect(run(deployment(3), hpa(2), pdb({ minAvailable: 2 }))).toHaveLength(1);
    // A count the schema stage rejects is not judged.
    expect(run({ ...deployment(1), spec: { ...deployment(1).spec, replicas: 'two' } }, pdb({ minAvailable: 1 }))).toEqual([]);
  });

  it('passes a multi-instance Cluster with its budget, and budgets selecting no pods (pdb-selects-pods reports those)', () => {
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' }, spec: { instances: 3 } };
    expect(run(cluster)).toEqual([]);
    expect(run(pdb({ maxUnavailable: 0 }))).toEqual([]);
    expect(run({ ...cluster, spec: {} }).map(problem => problem.object)).toEqual(['Cluster/db']);
  });

  it('never throws on malformed input', () => {
    expect(() => run({ kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { selector: 'x', minAvailable: {} } }, deployment(1))).not.toThrow();
  });
});
