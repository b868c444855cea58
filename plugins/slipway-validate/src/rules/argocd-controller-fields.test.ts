/* eslint-disable @typescript-eslint/no-explicit-any -- cases edit deep, loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { argocdControllerFields } from './argocd-controller-fields';
import { ignoresField, jqSegments, pointerSegments } from './argocd-ignore-paths';
import { editFile, renderExample, unitProblems } from './__fixtures__/renderedRepo';

const ID = 'argocd-controller-fields';

const application = (spec: Record<string, unknown>): any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'web-staging', namespace: 'argocd' },
  spec: { source: { path: 'deploy/overlays/staging' }, destination: { namespace: 'web' }, ...spec },
});

/** One built environment (staging) with `objects`, deployed by `app`. */
function modelOf(app: any, ...objects: any[]): RepoModel {
  const loaded: LoadedObject[] = objects.map(object => ({ object: { ...object, metadata: { namespace: 'web', ...object.metadata } }, file: 'deploy/overlays/staging', environment: 'staging' }));
  return {
    files: new Map([['deploy/overlays/staging/kustomization.yaml', 'resources: []\n']]),
    rawObjects: [{ object: app, file: 'deploy/argocd/staging.yaml' }],
    environments: new Map([['staging', loaded]]),
  };
}

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } };
const scaledObject = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web' }, spec: { scaleTargetRef: { name: 'web' } } };
const hpa = (name: string) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 },
});
const respect = { syncPolicy: { syncOptions: ['RespectIgnoreDifferences=true'] } };

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(argocdControllerFields, await renderExample(example))).toEqual([]);
    });

    it('reports defect 2: the canary weights not ignored and RespectIgnoreDifferences missing', async () => {
      let files = await renderExample('minimal');
      files = editFile(files, 'deploy/argocd/production.yaml', /\n +- RespectIgnoreDifferences=true/, '');
      files = editFile(files, 'deploy/argocd/production.yaml', /\n +- group: gateway\.networking\.k8s\.io[\s\S]*$/, '\n');
      const problems = await unitProblems(argocdControllerFields, files);
      expect(problems.map(problem => [problem.object, problem.message.split(': ')[0]])).toEqual([
        ['Application/orders-production', 'Application/orders-production spec.ignoreDifferences'],
        ['Application/orders-production', 'Application/orders-production spec.syncPolicy.syncOptions'],
      ]);
      expect(problems[0].message).toContain(
        'does not ignore HTTPRoute/orders /spec/rules/0/backendRefs/0/weight, /spec/rules/0/backendRefs/1/weight, which Argo Rollouts\' Gateway API plugin',
      );
    });

    it('reports the HPA\'s replicas left to Git', async () => {
      const files = editFile(await renderExample('minimal'), 'deploy/argocd/staging.yaml', '- /spec/replicas', '- /spec/paused');
      const problems = await unitProblems(argocdControllerFields, files);
      expect(problems).toHaveLength(1);
      expect(problems[0].message).toContain('does not ignore Rollout/orders /spec/replicas, which the autoscaler HorizontalPodAutoscaler/orders writes (in staging)');
    });
  });

  describe('on any repo', () => {
    it('accepts jsonPointers, jq paths, a parent path and managedFieldsManagers', () => {
      const covered = (entry: Record<string, unknown>) =>
        argocdControllerFields.run(modelOf(application({ ...respect, ignoreDifferences: [{ group: 'apps', kind: 'Deployment', ...entry }] }), deployment, hpa('web')));
      expect(covered({ jsonPointers: ['/spec/replicas'] })).toEqual([]);
      expect(covered({ jqPathExpressions: ['.spec.replicas'] })).toEqual([]);
      expect(covered({ name: 'web', jsonPointers: ['/spec'] })).toEqual([]);
      expect(covered({ managedFieldsManagers: ['kube-controller-manager'] })).toEqual([]);
      expect(covered({ name: 'other', jsonPointers: ['/spec/replicas'] }).map(problem => problem.rule)).toEqual([ID]);
      expect(covered({ group: 'argoproj.io', jsonPointers: ['/spec/replicas'] })).toHaveLength(1);
    });

    it('treats KEDA like an HPA, and reports an HPA in Git beside a ScaledObject', () => {
      const noIgnore = application(respect);
      expect(argocdControllerFields.run(modelOf(noIgnore, deployment, scaledObject))[0].message).toContain('which KEDA (ScaledObject/web) writes');
      const ignoring = application({ ...respect, ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] });
      const messages = argocdControllerFields.run(modelOf(ignoring, deployment, scaledObject, hpa('keda-hpa-web'), hpa('web-extra'))).map(problem => problem.message);
      expect(messages).toEqual([
        expect.stringContaining('HorizontalPodAutoscaler/keda-hpa-web: is the HPA KEDA creates and owns for ScaledObject/web'),
        expect.stringContaining('HorizontalPodAutoscaler/web-extra: scales Deployment/web, which KEDA already scales'),
      ]);
    });

    it('asks for nothing when no controller owns a field', () => {
      expect(argocdControllerFields.run(modelOf(application({}), deployment))).toEqual([]);
    });

    it('never throws on malformed Applications', () => {
      const broken = application({ ignoreDifferences: 'all', syncPolicy: { syncOptions: 5 } });
      expect(() => argocdControllerFields.run(modelOf(broken, deployment, hpa('web'), { kind: 'HTTPRoute', metadata: { name: 'x' }, spec: { rules: 3 } }))).not.toThrow();
    });
  });
});

describe('ignoreDifferences paths', () => {
  it('parses jq paths and JSON pointers as Argo CD writes them', () => {
    expect(jqSegments('.spec.rules[].backendRefs[].weight')).toEqual(['spec', 'rules', '*', 'backendRefs', '*', 'weight']);
    expect(jqSegments('.spec.rules[]?.backendRefs[0]?.weight')).toEqual(['spec', 'rules', '*', 'backendRefs', 0, 'weight']);
    expect(jqSegments('.metadata.annotations["a/b"]')).toEqual(['metadata', 'annotations', 'a/b']);
    expect(jqSegments('select(.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress") | .spec.rules')).toEqual(['spec', 'rules']);
    expect(jqSegments('.spec.containers[] | select(.name == "x")')).toBeUndefined();
    expect(pointerSegments('/metadata/annotations/a~1b')).toEqual(['metadata', 'annotations', 'a/b']);
  });

  it('matches an entry to the object by group, kind and name', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' } };
    const app = application({ ignoreDifferences: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] }] });
    expect(ignoresField(app, route, ['spec', 'rules', 1, 'backendRefs', 0, 'weight'])).toBe(true);
    expect(ignoresField(app, route, ['spec', 'rules', 1, 'backendRefs', 0, 'port'])).toBe(false);
    expect(ignoresField(app, { ...route, apiVersion: 'v1' }, ['spec', 'rules', 0, 'backendRefs', 0, 'weight'])).toBe(false);
  });
});
