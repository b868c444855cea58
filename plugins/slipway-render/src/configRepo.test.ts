import { repoNameOf, splitDeployTree } from './configRepo';

describe('the config-repo layout', () => {
  it('names the config repo by the last segment of its URL', () => {
    expect(repoNameOf('https://github.com/example-org/todo-config.git')).toBe('todo-config');
    expect(repoNameOf('git@github.com:example-org/log-pong-config.git')).toBe('log-pong-config');
    expect(repoNameOf('http://localhost:7007/api/slipway/git/shop-manifests.git/')).toBe('shop-manifests');
  });

  it("moves a part's deploy/ as a whole under its folder, keeping everything else in the app repo", () => {
    const file = (path: string) => ({ path, content: path, executable: false });
    const { app, manifests } = splitDeployTree(
      [file('catalog-info.yaml'), file('deploy/base/kustomization.yaml'), file('deploy/overlays/staging/kustomization.yaml'), file('src/deploy/x.ts'), file('docs/deploy.md')],
      'apps/todo-backend',
    );
    expect(app.map(own => own.path)).toEqual(['catalog-info.yaml', 'src/deploy/x.ts', 'docs/deploy.md']);
    // Paths change, contents do not: a kustomization's ../../base still resolves from its new place.
    expect(manifests).toEqual([
      { path: 'apps/todo-backend/base/kustomization.yaml', content: 'deploy/base/kustomization.yaml', executable: false },
      { path: 'apps/todo-backend/overlays/staging/kustomization.yaml', content: 'deploy/overlays/staging/kustomization.yaml', executable: false },
    ]);
  });
});
