import { checkCatalog } from './catalog';
import { CATALOG, add, baselineModel, edit, problemsOf, rulesOf } from './__fixtures__/repoModel';

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

describe('catalog-info.yaml with several Components', () => {
  const WEB = `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-web
  annotations:
    backstage.io/kubernetes-id: orders-web
    argocd/app-selector: backstage.io/kubernetes-id=orders
spec:
  type: website
  lifecycle: experimental
  owner: group:default/team-a
`;
  const webConfig = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'orders-web-config', labels: { 'app.kubernetes.io/name': 'orders-web', 'backstage.io/kubernetes-id': 'orders-web' } },
    data: { API_URL: 'http://orders' },
  };
  const twoComponents = () => add(withCatalog(CATALOG + WEB), webConfig);

  it('passes when every object carries the id of one of them (one Component used to give catalog-object-labels per environment)', () => {
    expect(problemsOf(checkCatalog, twoComponents())).toEqual([]);
  });

  it('flags an object whose id no Component declares, naming the ids that exist', () => {
    const model = edit(twoComponents(), 'ConfigMap', 'orders-web-config', config => { config.metadata.labels['backstage.io/kubernetes-id'] = 'orders-ui'; });
    const problems = problemsOf(checkCatalog, model);
    // The web Component has no object left, which is reported too.
    expect(problems.map(p => `${p.environment ?? '-'} ${p.object ?? p.file} ${p.rule}`)).toEqual([
      'staging ConfigMap/orders-web-config catalog-object-labels',
      'production ConfigMap/orders-web-config catalog-object-labels',
      '- catalog-info.yaml catalog-component-objects',
    ]);
    expect(problems[0].message).toContain('has backstage.io/kubernetes-id: orders-ui, which no Component of catalog-info.yaml declares (one of orders, orders-web)');
  });

  it('flags a Component whose id no deployed object carries', () => {
    const problems = problemsOf(checkCatalog, withCatalog(CATALOG + WEB));
    expect(problems.map(p => p.rule)).toEqual(['catalog-component-objects']);
    expect(problems[0].message).toBe(
      'catalog-info.yaml Component "orders-web" metadata.annotations["backstage.io/kubernetes-id"]: "orders-web" matches none of the deployed objects: this Component\'s Kubernetes tab would show nothing',
    );
  });

  it('checks each Component\'s argocd/app-selector against the Applications that deploy its objects', () => {
    const model = add(withCatalog(CATALOG + WEB.replace('backstage.io/kubernetes-id=orders\n', 'backstage.io/kubernetes-id=orders-web\n')), webConfig);
    const problems = problemsOf(checkCatalog, model);
    expect(problems.map(p => `${p.object} ${p.rule}`)).toEqual([
      'Application/orders-staging catalog-argocd-selector',
      'Application/orders-production catalog-argocd-selector',
    ]);
    expect(problems[0].message).toContain('does not match the Component "orders-web"\'s argocd/app-selector "backstage.io/kubernetes-id=orders-web"');
  });

  it('does not ask a Component without objects here (a library beside the service) for a kubernetes-id', () => {
    const library = WEB.replace('    backstage.io/kubernetes-id: orders-web\n    argocd/app-selector: backstage.io/kubernetes-id=orders\n', '    github.com/project-slug: example-org/orders\n');
    expect(problemsOf(checkCatalog, withCatalog(CATALOG + library))).toEqual([]);
  });
});

describe('pods an operator runs', () => {
  const rabbit = (override?: unknown) => ({
    apiVersion: 'rabbitmq.com/v1beta1',
    kind: 'RabbitmqCluster',
    metadata: { name: 'orders-mq', labels: { 'app.kubernetes.io/name': 'orders-mq', 'backstage.io/kubernetes-id': 'orders' } },
    spec: { replicas: 3, ...(override ? { override } : {}) },
  });

  it('reads the RabbitMQ pods\' labels from the StatefulSet override: labels on the RabbitmqCluster do not reach its pods', () => {
    const problems = problemsOf(checkCatalog, add(baselineModel(), rabbit()));
    expect(problems.map(p => p.message)).toEqual([
      'RabbitmqCluster/orders-mq spec.override.statefulSet.spec.template.metadata.labels: lacks backstage.io/kubernetes-id: orders: Backstage finds objects by each Component\'s backstage.io/kubernetes-id annotation',
      'RabbitmqCluster/orders-mq spec.override.statefulSet.spec.template.metadata.labels: lacks backstage.io/kubernetes-id: orders: Backstage finds objects by each Component\'s backstage.io/kubernetes-id annotation',
    ]);
    const labelled = rabbit({ statefulSet: { spec: { template: { metadata: { labels: { 'backstage.io/kubernetes-id': 'orders' } } } } } });
    expect(problemsOf(checkCatalog, add(baselineModel(), labelled))).toEqual([]);
  });
});
