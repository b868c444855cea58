/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit deep, loosely typed manifests */
import type { RepoModel } from '../types';
import { argocdBootstrap } from './argocd-bootstrap';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'argocd-bootstrap';

const application = (name: string, path: string, extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}): any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', annotations },
  spec: { source: { path }, destination: { namespace: name }, ...extra },
});
const held = (name: string) => application(name, `deploy/overlays/${name}`, { syncPolicy: { automated: { enabled: false } } });

function modelOf(files: Record<string, string>, ...apps: Array<{ file: string; object: any }>): RepoModel {
  return { files: new Map(Object.entries(files)), environments: new Map(), rawObjects: apps };
}

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant (the app-of-apps owns deploy/argocd)', async example => {
      expect(await unitProblems(argocdBootstrap, await renderExample(example))).toEqual([]);
    });

    it('reports defect 3: held-back Applications nothing in the repo reconciles', async () => {
      const files = await renderExample('minimal');
      files.delete('deploy/argocd/apps.yaml');
      files.delete('deploy/argocd/kustomization.yaml');
      const problems = await unitProblems(argocdBootstrap, files);
      expect(problems.map(problem => problem.object)).toEqual(['Application/orders-production', 'Application/orders-staging']);
      expect(problems[0].message).toContain('no Application of this repo deploys deploy/argocd/production.yaml');
      expect(problems[0].message).toContain('Add an app-of-apps Application with source.path deploy/argocd');
    });

    it('reports an Application the app-of-apps\' kustomization leaves out', async () => {
      const files = editFile(await renderExample('minimal'), 'deploy/argocd/kustomization.yaml', /\n {2}- staging\.yaml/, '');
      expect((await unitProblems(argocdBootstrap, files)).map(problem => problem.object)).toEqual(['Application/orders-staging']);
    });
  });

  describe('on any repo', () => {
    it('accepts a plain-directory app-of-apps, recursive ones for subfolders, and says nothing of Applications not held back', () => {
      const root = { file: 'deploy/argocd/root.yaml', object: application('root', 'deploy/argocd') };
      expect(argocdBootstrap.run(modelOf({}, root, { file: 'deploy/argocd/staging.yaml', object: held('staging') }))).toEqual([]);
      const recursive = { file: 'apps/root.yaml', object: application('root', 'apps', { source: { path: 'apps', directory: { recurse: true } } }) };
      expect(argocdBootstrap.run(modelOf({}, recursive, { file: 'apps/envs/staging.yaml', object: held('staging') }))).toEqual([]);
      expect(argocdBootstrap.run(modelOf({}, { file: 'deploy/argocd/staging.yaml', object: application('staging', 'deploy/overlays/staging') }))).toEqual([]);
    });

    it("leaves a held-back Application of a system's part to its app-of-apps in another repo, but not when this repo holds that app-of-apps", () => {
      const part = held('staging');
      part.metadata.labels = { 'slipway.dev/app-of-apps': 'shop-apps-staging' };
      // The system's app-of-apps is in the system's repo: app-of-apps-membership checks across the repos that it lists this file.
      expect(argocdBootstrap.run(modelOf({}, { file: 'deploy/argocd/staging.yaml', object: part }))).toEqual([]);
      // Here it is in the repo and deploys something else: nothing deploys the part's Application.
      const appOfApps = { file: 'argocd/staging.yaml', object: application('shop-apps-staging', 'apps/other/argocd') };
      expect(argocdBootstrap.run(modelOf({}, appOfApps, { file: 'apps/api/argocd/staging.yaml', object: part })).map(problem => problem.object)).toEqual(['Application/staging']);
    });

    it('reports the Alpha skip-reconcile gate too, naming it', () => {
      const skipping = application('staging', 'deploy/overlays/staging', {}, { 'argocd.argoproj.io/skip-reconcile': 'true' });
      const problems = argocdBootstrap.run(modelOf({}, { file: 'deploy/argocd/staging.yaml', object: skipping }));
      expect(problems.map(problem => problem.rule)).toEqual([ID]);
      expect(problems[0].message).toContain('skip-reconcile: "true" (an Alpha feature');
    });

    it('never throws on malformed Applications', () => {
      const broken = { file: 'deploy/argocd/x.yaml', object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, spec: { sources: 'no', syncPolicy: { automated: { enabled: false } } } } };
      expect(() => argocdBootstrap.run(modelOf({ 'deploy/argocd/kustomization.yaml': 'resources: 3\n' }, broken))).not.toThrow();
    });
  });
});
