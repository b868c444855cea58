import { checkCatalog } from './catalog';
import { CATALOG, baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

function withCatalog(text: string | undefined) {
  const model = baselineModel();
  if (text === undefined) model.files.delete('catalog-info.yaml');
  else model.files.set('catalog-info.yaml', text);
  return model;
}

describe('catalog-info.yaml', () => {
  it('passes the baseline', () => {
    expect(rulesOf(checkCatalog, baselineModel())).toEqual([]);
  });

  it('flags a missing file or Component', () => {
    expect(rulesOf(checkCatalog, withCatalog(undefined))).toEqual(['catalog-component']);
    expect(rulesOf(checkCatalog, withCatalog('kind: System\nmetadata: {name: x}\n'))).toEqual(['catalog-component']);
  });

  it('flags missing owner, lifecycle or type', () => {
    const problems = problemsOf(checkCatalog, withCatalog(CATALOG.replace('  lifecycle: experimental\n', '').replace('  type: service\n', '')));
    expect(problems.map(p => p.rule)).toEqual(['catalog-required-fields']);
    expect(problems[0].message).toContain('spec.lifecycle, spec.type');
  });

  it('flags a missing kubernetes-id annotation', () => {
    expect(rulesOf(checkCatalog, withCatalog(CATALOG.replace('    backstage.io/kubernetes-id: orders\n', '')))).toEqual(['catalog-kubernetes-id']);
  });

  it('flags objects and pod templates that Backstage would not find', () => {
    const model = edit(baselineModel(), 'Rollout', 'orders', r => {
      delete r.spec.template.metadata.labels['backstage.io/kubernetes-id'];
    });
    edit(model, 'Service', 'orders-canary', s => { s.metadata.labels['backstage.io/kubernetes-id'] = 'payments'; });
    edit(model, 'HTTPRoute', 'orders', route => { delete route.metadata.labels['app.kubernetes.io/name']; });
    const problems = problemsOf(checkCatalog, model).filter(p => p.environment === 'staging');
    expect(problems.map(p => `${p.object} ${p.rule}`)).toEqual([
      'Rollout/orders catalog-object-labels',
      'Service/orders-canary catalog-object-labels',
      'HTTPRoute/orders catalog-object-labels',
    ]);
    expect(problems[0].message).toContain('spec.template.metadata.labels: lacks backstage.io/kubernetes-id: orders');
    expect(problems[1].message).toContain('has backstage.io/kubernetes-id: payments, not orders');
  });

  it('counts labels the base kustomization adds when nothing was built', () => {
    const model = baselineModel({ built: false });
    for (const { object } of model.rawObjects) {
      if (object.kind !== 'Application') delete object.metadata.labels?.['backstage.io/kubernetes-id'];
    }
    expect(rulesOf(checkCatalog, model)).toEqual(['catalog-object-labels']);
    model.files.set('deploy/base/kustomization.yaml',
      'resources: [resources.yaml]\nlabels:\n  - pairs: {backstage.io/kubernetes-id: orders}\n    includeTemplates: true\n');
    // Only metadata.labels were stripped; pod templates keep theirs.
    expect(rulesOf(checkCatalog, model)).toEqual([]);
  });

  it('flags Applications the argocd/app-selector misses, and a missing selector', () => {
    const model = edit(baselineModel(), 'Application', 'orders-production', app => { app.metadata.labels['backstage.io/kubernetes-id'] = 'other'; });
    expect(problemsOf(checkCatalog, model).map(p => `${p.object} ${p.rule}`)).toEqual(['Application/orders-production catalog-argocd-selector']);
    expect(rulesOf(checkCatalog, withCatalog(CATALOG.replace('    argocd/app-selector: backstage.io/kubernetes-id=orders\n', '')))).toEqual(['catalog-argocd-selector']);
    expect(rulesOf(checkCatalog, withCatalog(CATALOG.replace('argocd/app-selector: backstage.io/kubernetes-id=orders', 'argocd/app-name: orders-staging')))).toEqual([]);
  });
});
