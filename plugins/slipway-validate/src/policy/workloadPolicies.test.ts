import { checkDisruptionBudgets } from './disruptionBudget';
import { checkServiceAccountToken } from './serviceAccountToken';
import { checkVolumeAccess } from './storage';
import { add, baselineModel, edit, problemsOf, remove, rulesOf } from './__fixtures__/repoModel';

describe('ServiceAccount token', () => {
  it('accepts a pod that inherits automount: false from its ServiceAccount', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { delete r.spec.template.spec.automountServiceAccountToken; });
    expect(rulesOf(checkServiceAccountToken, model)).toEqual([]);
  });

  it('flags a pod that turns the token on', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => { r.spec.template.spec.automountServiceAccountToken = true; });
    expect(rulesOf(checkServiceAccountToken, model)).toEqual(['pod-service-account-token']);
  });

  it('flags a pod whose ServiceAccount mounts tokens', () => {
    // The baseline Job relies on its ServiceAccount; the Rollout also opts out on the pod.
    const model = edit(baselineModel(), 'ServiceAccount', 'orders', sa => { delete sa.automountServiceAccountToken; });
    const problems = problemsOf(checkServiceAccountToken, model);
    expect(problems.map(p => `${p.environment} ${p.object}`)).toEqual(['staging Job/orders-migrate', 'production Job/orders-migrate']);
    expect(problems[0].message).toContain('ServiceAccount/orders does not set automountServiceAccountToken: false');
  });

  it('flags the default ServiceAccount, which is not in the repo', () => {
    const model = edit(baselineModel(), 'Job', 'orders-migrate', job => {
      delete job.spec.template.spec.serviceAccountName;
    });
    expect(problemsOf(checkServiceAccountToken, model)[0].message).toContain('ServiceAccount/default is not in the repo');
  });
});

describe('PodDisruptionBudget', () => {
  it('flags a workload with HPA minReplicas 2 and no PDB', () => {
    const model = remove(baselineModel(), 'PodDisruptionBudget', 'orders');
    expect(rulesOf(checkDisruptionBudgets, model)).toEqual(['workload-pdb']);
  });

  it('flags a PDB that selects other pods', () => {
    const model = edit(baselineModel(), 'PodDisruptionBudget', 'orders', pdb => { pdb.spec.selector.matchLabels = { app: 'other' }; });
    expect(rulesOf(checkDisruptionBudgets, model)).toEqual(['workload-pdb']);
  });

  it('does not need a PDB for a single replica', () => {
    const model = remove(baselineModel(), 'PodDisruptionBudget', 'orders');
    edit(model, 'HorizontalPodAutoscaler', 'orders', hpa => { hpa.spec.minReplicas = 1; });
    expect(rulesOf(checkDisruptionBudgets, model)).toEqual([]);
  });

  it('uses spec.replicas when no HPA targets the workload', () => {
    const model = remove(remove(baselineModel(), 'PodDisruptionBudget', 'orders'), 'HorizontalPodAutoscaler', 'orders');
    edit(model, 'Rollout', 'orders', r => { r.spec.replicas = 3; });
    expect(problemsOf(checkDisruptionBudgets, model)[0].message).toContain('at least 3 replicas');
  });
});

describe('ReadWriteOnce volumes (seed 000)', () => {
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'images', labels: {} },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  const mount = (r: any) => { r.spec.template.spec.volumes.push({ name: 'images', persistentVolumeClaim: { claimName: 'images' } }); };

  it('flags an RWO claim under an autoscaled Rollout', () => {
    const model = edit(add(baselineModel(), claim), 'Rollout', 'orders', mount);
    expect(rulesOf(checkVolumeAccess, model)).toEqual(['pvc-rwo-shared']);
  });

  it('accepts RWO with one replica and no HPA, and ReadWriteMany with many', () => {
    const single = remove(edit(add(baselineModel(), claim), 'Rollout', 'orders', mount), 'HorizontalPodAutoscaler', 'orders');
    expect(rulesOf(checkVolumeAccess, single)).toEqual([]);
    const shared = edit(add(baselineModel(), { ...claim, spec: { ...claim.spec, accessModes: ['ReadWriteMany'] } }), 'Rollout', 'orders', mount);
    expect(rulesOf(checkVolumeAccess, shared)).toEqual([]);
  });
});
