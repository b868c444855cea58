/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit deep, loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { argocdStatefulProtection } from './argocd-stateful-protection';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'argocd-stateful-protection';

const application = (spec: Record<string, unknown>, finalizers: string[] = []): any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'db-staging', namespace: 'argocd', finalizers },
  spec: { source: { path: 'deploy/overlays/staging' }, destination: { namespace: 'db' }, ...spec },
});
const prune = { syncPolicy: { automated: { prune: true } } };

function modelOf(app: any, ...objects: any[]): RepoModel {
  const loaded: LoadedObject[] = objects.map(object => ({ object, file: 'deploy/overlays/staging', environment: 'staging' }));
  return { files: new Map(), rawObjects: [{ object: app, file: 'deploy/argocd/staging.yaml' }], environments: new Map([['staging', loaded]]) };
}
const withOptions = (object: any, options?: string) => ({ ...object, metadata: { ...object.metadata, ...(options ? { annotations: { 'argocd.argoproj.io/sync-options': options } } : {}) } });
const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: {} };
const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'queue' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } };

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(argocdStatefulProtection, await renderExample(example))).toEqual([]);
    });

    it('reports defect 12: the CloudNativePG Cluster without Prune=false,Delete=false', async () => {
      const files = editFile(await renderExample('postgres'), 'deploy/base/database.yaml', /\n +argocd\.argoproj\.io\/sync-options: Prune=false,Delete=false/, '');
      const problems = await unitProblems(argocdStatefulProtection, files);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ object: 'Cluster/billing-db', environment: expect.stringContaining('staging') });
      expect(problems[0].message).toContain('automated prune would delete it when it leaves Git');
      expect(problems[0].message).toContain('the resources finalizer would delete it with the Application');
      expect(problems[0].message).toContain('Annotate it argocd.argoproj.io/sync-options: Prune=false,Delete=false');
    });
  });

  describe('on any repo', () => {
    it('asks only for what the Application would do: Prune=false under prune, Delete=false under the finalizer', () => {
      expect(argocdStatefulProtection.run(modelOf(application(prune), pvc))[0].message).toMatch(/sync-options: Prune=false$/);
      const finalizer = application({}, ['resources-finalizer.argocd.argoproj.io/background']);
      expect(argocdStatefulProtection.run(modelOf(finalizer, statefulSet))[0].message).toMatch(/StatefulSet with volumeClaimTemplates.*sync-options: Delete=false$/);
      expect(argocdStatefulProtection.run(modelOf(application({}), pvc, statefulSet))).toEqual([]);
    });

    it('accepts the options on the object, on the Application, as confirm, or helm\'s resource-policy keep', () => {
      const both = application(prune, ['resources-finalizer.argocd.argoproj.io']);
      expect(argocdStatefulProtection.run(modelOf(both, withOptions(pvc, 'Prune=false, Delete=false')))).toEqual([]);
      expect(argocdStatefulProtection.run(modelOf(both, withOptions(pvc, 'Prune=confirm,Delete=confirm')))).toEqual([]);
      const appLevel = application({ syncPolicy: { automated: { prune: true }, syncOptions: ['Prune=false', 'Delete=false'] } }, ['resources-finalizer.argocd.argoproj.io']);
      expect(argocdStatefulProtection.run(modelOf(appLevel, pvc))).toEqual([]);
      const keep = { ...pvc, metadata: { name: 'data', annotations: { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' } } };
      expect(argocdStatefulProtection.run(modelOf(both, keep))).toEqual([]);
      // The object's own option wins over the Application's.
      const overridden = application({ syncPolicy: { automated: { prune: true }, syncOptions: ['Prune=false'] } });
      expect(argocdStatefulProtection.run(modelOf(overridden, withOptions(pvc, 'Prune=true'))).map(problem => problem.rule)).toEqual([ID]);
    });

    it('leaves stateless objects alone and never throws on malformed input', () => {
      const both = application(prune, ['resources-finalizer.argocd.argoproj.io']);
      expect(argocdStatefulProtection.run(modelOf(both, { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: {} }))).toEqual([]);
      expect(() => argocdStatefulProtection.run(modelOf({ ...both, metadata: { name: 'x', finalizers: 'all' } }, { kind: 'Cluster', metadata: { name: 'c', annotations: { 'argocd.argoproj.io/sync-options': 3 } } }))).not.toThrow();
    });
  });
});
