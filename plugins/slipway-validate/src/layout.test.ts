import { appView, configRepoApps, isConfigRepo, locatesApp, manifestsLocation, needsAppRepo } from './layout';

const configRepo = new Map([
  ['catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: todo-config\n  annotations:\n    slipway.dev/layout: config-repo\n'],
  ['README.md', '# todo-config\n'],
  ['apps/todo-backend/base/kustomization.yaml', 'resources: []\n'],
  ['apps/todo-backend/overlays/staging/kustomization.yaml', 'resources: [../../base]\n'],
  ['apps/todo-backend/argocd/kustomization.yaml', 'resources: [apps.yaml]\n'],
  ['apps/broadcaster/argocd/kustomization.yaml', 'resources: [apps.yaml]\n'],
  ['apps/notes/README.md', 'no manifests here\n'],
]);
const appRepo = new Map([
  [
    'catalog-info.yaml',
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: todo-backend\n  annotations:\n' +
      '    slipway.dev/manifests-location: url:https://github.com/example-org/todo-config/tree/main/apps/todo-backend\n',
  ],
  ['src/server.ts', 'export {};\n'],
  ['deploy/base/kustomization.yaml', 'resources: []\n'],
]);

describe('repo layouts', () => {
  it('tells a config repo, by its catalog-info.yaml, from an app repo', () => {
    expect(isConfigRepo(configRepo)).toBe(true);
    expect(isConfigRepo(appRepo)).toBe(false);
    expect(manifestsLocation(appRepo)).toBe('url:https://github.com/example-org/todo-config/tree/main/apps/todo-backend');
    expect(manifestsLocation(configRepo)).toBeUndefined();
  });

  it('finds the apps/<part> folders that hold an overlay or Argo CD Applications', () => {
    expect(configRepoApps(configRepo)).toEqual(['apps/broadcaster', 'apps/todo-backend']);
  });

  it('matches an app repo to its folder only', () => {
    const location = manifestsLocation(appRepo)!;
    expect(locatesApp(location, 'apps/todo-backend')).toBe(true);
    expect(locatesApp(location, 'apps/backend')).toBe(false);
    expect(locatesApp(location, 'apps/broadcaster')).toBe(false);
  });

  it("views one app as a repo: its folder of the config repo and the app repo's files, not the config repo's own nor a stale deploy/", () => {
    expect([...appView(configRepo, 'apps/todo-backend', appRepo).keys()]).toEqual([
      'apps/todo-backend/argocd/kustomization.yaml',
      'apps/todo-backend/base/kustomization.yaml',
      'apps/todo-backend/overlays/staging/kustomization.yaml',
      'catalog-info.yaml',
      'src/server.ts',
    ]);
    expect(appView(configRepo, 'apps/todo-backend', appRepo).get('catalog-info.yaml')).toBe(appRepo.get('catalog-info.yaml'));
    expect([...appView(configRepo, 'apps/broadcaster').keys()]).toEqual(['apps/broadcaster/argocd/kustomization.yaml']);
  });

  it('leaves out, without the app repo, only what needs its files', () => {
    expect(needsAppRepo({ check: 'catalog', rule: 'catalog-component' })).toBe(true);
    expect(needsAppRepo({ check: 'ci', rule: 'actionlint' })).toBe(true);
    expect(needsAppRepo({ check: 'reference', rule: 'promql-unknown-series' })).toBe(true);
    expect(needsAppRepo({ check: 'reference', rule: 'argocd-source-path' })).toBe(false);
  });
});
