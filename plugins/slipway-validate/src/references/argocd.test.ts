import { checkArgoCdApplications } from './argocd';
import { baselineModel, edit, problemsOf, rulesOf } from '../policy/__fixtures__/repoModel';

describe('Argo CD Application references', () => {
  it.each([true, false])('passes the baseline (built: %s)', built => {
    expect(rulesOf(checkArgoCdApplications, baselineModel({ built }))).toEqual([]);
  });

  it('flags a source path without a kustomization', () => {
    const model = edit(baselineModel(), 'Application', 'orders-staging', app => { app.spec.source.path = 'deploy/overlay/staging'; });
    const problems = problemsOf(checkArgoCdApplications, model);
    expect(problems.map(p => p.rule)).toEqual(['argocd-source-path']);
    expect(problems[0]).toMatchObject({ object: 'Application/orders-staging', file: 'deploy/argocd/staging.yaml' });
  });

  it('accepts ./ and trailing slashes in the path', () => {
    const model = edit(baselineModel(), 'Application', 'orders-staging', app => { app.spec.source.path = './deploy/overlays/staging/'; });
    expect(rulesOf(checkArgoCdApplications, model)).toEqual([]);
  });

  it('flags a destination namespace the overlay does not use', () => {
    const model = edit(baselineModel(), 'Application', 'orders-production', app => { app.spec.destination.namespace = 'orders-prod'; });
    expect(problemsOf(checkArgoCdApplications, model)[0].message)
      .toContain('spec.destination.namespace: is orders-prod but deploy/overlays/production puts its objects in orders-production');
  });

  it('reads the overlay namespace from kustomization.yaml when nothing was built', () => {
    const model = edit(baselineModel({ built: false }), 'Application', 'orders-staging', app => { app.spec.destination.namespace = 'staging'; });
    expect(rulesOf(checkArgoCdApplications, model)).toEqual(['argocd-destination-namespace']);
  });

  it('leaves fields other controllers own to argocd-controller-fields', () => {
    const model = edit(baselineModel(), 'Application', 'orders-staging', app => { delete app.spec.ignoreDifferences; });
    expect(rulesOf(checkArgoCdApplications, model)).toEqual([]);
  });
});
