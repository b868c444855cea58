/* eslint-disable @typescript-eslint/no-explicit-any -- cases build loosely typed manifests */
import type { LoadedObject, RepoModel } from '../types';
import { rolloutsPluginRegistered } from './rollouts-plugin-registered';
import { editFile, renderExample, unitProblems, type RepoFiles } from './__fixtures__/renderedRepo';

const ID = 'rollouts-plugin-registered';
const CONFIG = 'deploy/platform/argo-rollouts-config.yaml';
const RBAC = 'deploy/platform/gatewayapi-plugin-rbac.yaml';
const PLATFORM = 'deploy/platform/kustomization.yaml';

const withoutFile = (files: RepoFiles, file: string, entry: string): RepoFiles => {
  const next = editFile(files, PLATFORM, `  - ${entry}\n`, '');
  next.delete(file);
  return next;
};

const rollout = (plugins: Record<string, unknown>, extra: Record<string, unknown> = {}): any => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'orders', namespace: 'orders-staging' },
  spec: { strategy: { canary: { trafficRouting: { plugins }, ...extra } } },
});
const configMap = (data: Record<string, unknown>, namespace = 'argo-rollouts'): any => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argo-rollouts-config', namespace }, data,
});
const registered = (name: string) => `- name: "${name}"\n  location: "https://example.com/${name.split('/')[1]}"\n`;
const clusterRole = (verbs: string[], resourceNames?: string[]): any => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'plugin' },
  rules: [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs, ...(resourceNames ? { resourceNames } : {}) }],
});
const binding = (kind: 'ClusterRoleBinding' | 'RoleBinding', roleKind = 'ClusterRole', saNamespace = 'argo-rollouts', namespace?: string): any => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'plugin', ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: 'plugin' },
  subjects: [{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: saNamespace }],
});

function modelOf(deployed: any[], platform: any[]): RepoModel {
  const built: LoadedObject[] = deployed.map(object => ({ object, file: 'deploy/overlays/staging', environment: 'staging' }));
  return {
    files: new Map(),
    environments: new Map([['staging', built]]),
    rawObjects: platform.map(object => ({ object, file: 'deploy/platform/prerequisites.yaml' })),
  };
}
const run = (model: RepoModel) => rolloutsPluginRegistered.run(model);
const gateway = { 'argoproj-labs/gatewayAPI': { httpRoute: 'orders' } };

describe(ID, () => {
  describe('on the generated repo', () => {
    it.each(['minimal', 'postgres'] as const)('passes the %s variant', async example => {
      expect(await unitProblems(rolloutsPluginRegistered, await renderExample(example))).toEqual([]);
    });

    it('reports defect 4: the plugin registration removed from deploy/platform', async () => {
      const files = withoutFile(await renderExample('minimal'), CONFIG, 'argo-rollouts-config.yaml');
      const problems = await unitProblems(rolloutsPluginRegistered, files);
      // One problem for both overlays (the pipeline merges equal ones); each overlay sets the plugin's namespace, so they are the files.
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ check: 'reference', rule: ID, object: 'Rollout/orders', environment: 'staging, production', file: 'deploy/overlays/staging, deploy/overlays/production' });
      expect(problems[0].message).toContain(
        'Rollout/orders spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]: no ConfigMap argo-rollouts-config in the repo ' +
          'registers the traffic-router plugin "argoproj-labs/gatewayAPI" (data.trafficRouterPlugins): the controller fails the reconcile with ' +
          '"plugin argoproj-labs/gatewayAPI not configured in configmap"',
      );
    });

    it('reports defect 4: the plugin RBAC on httproutes removed', async () => {
      const files = withoutFile(await renderExample('postgres'), RBAC, 'gatewayapi-plugin-rbac.yaml');
      const [problem] = await unitProblems(rolloutsPluginRegistered, files);
      expect(problem.message).toContain(
        'no (Cluster)RoleBinding in the repo grants the ServiceAccount argo-rollouts/argo-rollouts get, update on httproutes (gateway.networking.k8s.io)',
      );
    });

    it('reports a misspelt plugin name in the registration', async () => {
      const files = editFile(await renderExample('minimal'), CONFIG, '- name: "argoproj-labs/gatewayAPI"', '- name: "argoproj-labs/gatewayApi"');
      const problems = await unitProblems(rolloutsPluginRegistered, files);
      expect(problems[0].message).toContain('argo-rollouts/argo-rollouts-config does not register the traffic-router plugin "argoproj-labs/gatewayAPI"');
    });
  });

  it('passes with the registration, a ClusterRole granting get and update, and its binding', () => {
    expect(run(modelOf([rollout(gateway)], [configMap({ trafficRouterPlugins: registered('argoproj-labs/gatewayAPI') }), clusterRole(['get', 'update']), binding('ClusterRoleBinding')]))).toEqual([]);
    // '*' verbs and a namespaced RoleBinding in the Rollout's namespace count too (the plugin's "specific namespace" install).
    expect(run(modelOf([rollout(gateway), binding('RoleBinding', 'ClusterRole', 'argo-rollouts', 'orders-staging')], [configMap({ trafficRouterPlugins: registered('argoproj-labs/gatewayAPI') }), clusterRole(['*'])]))).toEqual([]);
  });

  it('refuses grants that do not reach the controller: another ServiceAccount namespace, a RoleBinding elsewhere, other resourceNames', () => {
    const config = configMap({ trafficRouterPlugins: registered('argoproj-labs/gatewayAPI') });
    for (const platform of [
      [config, clusterRole(['get', 'update']), binding('ClusterRoleBinding', 'ClusterRole', 'default')],
      [config, clusterRole(['get', 'update']), binding('RoleBinding', 'ClusterRole', 'argo-rollouts', 'payments')],
      [config, clusterRole(['get', 'update'], ['payments']), binding('ClusterRoleBinding')],
      [config, clusterRole(['get']), binding('ClusterRoleBinding')],
    ]) {
      const problems = run(modelOf([rollout(gateway)], platform));
      expect(problems).toHaveLength(1);
      expect(problems[0].message).toContain('on httproutes');
    }
  });

  it('needs list when routes are found by label selector', () => {
    const selector = { 'argoproj-labs/gatewayAPI': { httpRouteSelector: { matchLabels: { app: 'orders' } } } };
    const platform = [configMap({ trafficRouterPlugins: registered('argoproj-labs/gatewayAPI') }), clusterRole(['get', 'update']), binding('ClusterRoleBinding')];
    expect(run(modelOf([rollout(selector)], platform))[0].message).toContain('grants the ServiceAccount argo-rollouts/argo-rollouts list on httproutes');
  });

  it('checks step and metric plugins against their own keys, without RBAC it cannot know', () => {
    const stepRollout = rollout({}, { steps: [{ plugin: { name: 'acme/notify' } }] });
    const metricTemplate = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'ok' }, spec: { metrics: [{ name: 'x', provider: { plugin: { 'acme/metrics': {} } } }] } };
    const wrongKey = configMap({ trafficRouterPlugins: registered('acme/notify') + registered('acme/metrics') });
    expect(run(modelOf([stepRollout, metricTemplate], [wrongKey])).map(problem => problem.message.split(':')[0])).toEqual([
      'Rollout/orders spec.strategy.canary.steps[0].plugin.name',
      'AnalysisTemplate/ok spec.metrics[0].provider.plugin["acme/metrics"]',
    ]);
    const right = configMap({ stepPlugins: registered('acme/notify'), metricProviderPlugins: registered('acme/metrics') });
    expect(run(modelOf([stepRollout, metricTemplate], [right]))).toEqual([]);
  });

  it('reports a registration the controller cannot read: bad YAML, a bad name or location', () => {
    expect(run(modelOf([], [configMap({ trafficRouterPlugins: '- name: [' })]))[0].message)
      .toBe('ConfigMap/argo-rollouts-config data.trafficRouterPlugins: is not valid YAML: the controller fails to load its configuration ("failed to unmarshal ... plugins while initializing") and runs no plugin');
    const messages = run(modelOf([], [configMap({ trafficRouterPlugins: '- name: gatewayAPI\n  location: github.com/x\n' })])).map(problem => problem.message);
    expect(messages).toEqual([
      'ConfigMap/argo-rollouts-config data.trafficRouterPlugins[0].name: "gatewayAPI" is not a plugin name of the form <owner>/<repo>: the controller refuses it',
      'ConfigMap/argo-rollouts-config data.trafficRouterPlugins[0].location: "github.com/x" is not an http(s):// or file:// location: the controller cannot download or find the plugin binary',
    ]);
  });

  it("reports the ConfigMap shipped in the service's overlay, where the controller never reads it", () => {
    const inService = configMap({ trafficRouterPlugins: registered('argoproj-labs/gatewayAPI') }, 'orders-staging');
    const rules = run(modelOf([rollout(gateway), inService], [])).map(problem => problem.message.split(':')[0]);
    expect(rules).toEqual(['ConfigMap/argo-rollouts-config metadata.namespace', 'Rollout/orders spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]']);
  });

  it('never throws on malformed input', () => {
    const odd: any[] = [{ kind: 'Rollout', metadata: { name: 'x' }, spec: { strategy: { canary: { trafficRouting: { plugins: 'x' }, steps: 'y' } } } }];
    expect(() => run(modelOf(odd, [configMap({ trafficRouterPlugins: 42 }), { kind: 'ClusterRoleBinding', metadata: { name: 'b' }, subjects: 'x' }]))).not.toThrow();
  });
});
