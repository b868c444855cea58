/* eslint-disable @typescript-eslint/no-explicit-any -- test fixture edits */
import { checkAutoscalers } from './autoscaling';
import { checkHttpRouteBackends } from './httpRoutes';
import { checkMonitors } from './monitoring';
import { checkPodReferences } from './podReferences';
import { checkSelections } from './selection';
import { checkClusterDns } from '../policy/clusterDns';
import { add, baselineModel, edit, problemsOf, remove, rulesOf } from '../policy/__fixtures__/repoModel';

/**
 * References to objects an operator makes (validate/operators) resolve like references to
 * objects in Git: the HPA KEDA writes for a ScaledObject, the Services and pods the RabbitMQ
 * Cluster Operator runs for a RabbitmqCluster.
 */

const labels = { 'app.kubernetes.io/name': 'orders', 'backstage.io/kubernetes-id': 'orders' };
const rabbit = { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'orders-mq', labels }, spec: { replicas: 3 } };
const worker = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'orders-worker', labels },
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'orders-worker' } },
    template: { metadata: { labels: { 'app.kubernetes.io/name': 'orders-worker' } }, spec: { containers: [{ name: 'worker', image: 'ghcr.io/example-org/orders:sha-0123abc' }] } },
  },
};
const scaledObject = (target: Record<string, unknown>) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'orders-worker', labels },
  spec: { scaleTargetRef: target, minReplicaCount: 0, maxReplicaCount: 10, triggers: [{ type: 'rabbitmq', metadata: { queueName: 'orders', mode: 'QueueLength', value: '20' } }] },
});

describe('references to what operators make', () => {
  it('resolves a worker Deployment\'s env from the RabbitmqCluster\'s <name>-default-user Secret, keys included', () => {
    const reading = (key: string) => {
      const deployment = structuredClone(worker) as any;
      deployment.spec.template.spec.containers[0].env = [{ name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'orders-mq-default-user', key } } }];
      return deployment;
    };
    expect(rulesOf(checkPodReferences, add(add(baselineModel(), rabbit), reading('connection_string')))).toEqual([]);
    expect(problemsOf(checkPodReferences, add(baselineModel(), reading('connection_string')))[0].message).toContain(
      'Deployment/orders-worker spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: Secret/orders-mq-default-user is not in the deployed objects and no operator we know of (CloudNativePG, RabbitMQ Cluster Operator',
    );
    expect(problemsOf(checkPodReferences, add(add(baselineModel(), rabbit), reading('url')))[0].message).toContain('"url" is not a key of Secret/orders-mq-default-user');
  });

  it('checks the target of the HPA KEDA writes for a ScaledObject, on the ScaledObject', () => {
    const model = add(baselineModel(), scaledObject({ name: 'orders-worker' }));
    const problems = problemsOf(checkAutoscalers, model);
    expect(problems.map(p => `${p.rule} ${p.object}`)).toEqual(['hpa-target-exists ScaledObject/orders-worker', 'hpa-target-exists ScaledObject/orders-worker']);
    expect(problems[0].message).toBe(
      'ScaledObject/orders-worker spec.scaleTargetRef: apps/v1 Deployment/orders-worker is not among the deployed objects: the HPA KEDA ScaledObject/orders-worker makes (keda-hpa-orders-worker) would scale nothing',
    );
    expect(rulesOf(checkAutoscalers, add(model, worker))).toEqual([]);
    // A Rollout must be named with its apiVersion and kind: KEDA's default is a Deployment.
    const rolloutTarget = add(baselineModel(), scaledObject({ name: 'orders' }));
    expect(rulesOf(checkAutoscalers, rolloutTarget)).toEqual(['hpa-target-exists']);
    expect(rulesOf(checkAutoscalers, add(baselineModel(), scaledObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'orders' })))).toEqual([]);
  });

  it('lets a ServiceMonitor select the Service the RabbitMQ operator writes, by its labels and port names', () => {
    const monitor = (port: string) => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'orders-mq', labels },
      spec: { selector: { matchLabels: { 'app.kubernetes.io/component': 'rabbitmq' } }, endpoints: [{ port }] },
    });
    expect(rulesOf(checkMonitors, add(add(baselineModel(), rabbit), monitor('prometheus')))).toEqual([]);
    const wrongPort = problemsOf(checkMonitors, add(add(baselineModel(), rabbit), monitor('metrics')));
    expect(wrongPort[0].message).toContain('"metrics" is not a port name of the selected Service(s) orders-mq');
    expect(rulesOf(checkMonitors, add(baselineModel(), monitor('prometheus')))).toEqual(['servicemonitor-target']);
  });

  it('lets an HTTPRoute send traffic to an operator\'s Service and port (RabbitMQ management)', () => {
    const model = edit(add(baselineModel(), rabbit), 'HTTPRoute', 'orders', route => {
      route.spec.rules.push({ matches: [{ path: { type: 'PathPrefix', value: '/mq' } }], backendRefs: [{ name: 'orders-mq', port: 15672 }] });
    });
    expect(rulesOf(checkHttpRouteBackends, model)).toEqual([]);
    expect(problemsOf(checkHttpRouteBackends, remove(model, 'RabbitmqCluster', 'orders-mq'))[0].message).toContain('Service/orders-mq does not exist');
  });

  it('lets a NetworkPolicy select the pods the operator runs, and a bare host name the Service it writes', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'orders-mq-allow-worker', labels },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-mq' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 5672 }] }] },
    };
    expect(rulesOf(checkSelections, add(baselineModel(), policy))).toEqual(['networkpolicy-selects-pods']);
    expect(rulesOf(checkSelections, add(add(baselineModel(), policy), rabbit))).toEqual([]);
    const bareHost = (model: ReturnType<typeof baselineModel>) => edit(model, 'ConfigMap', 'orders-config', config => { config.data.AMQP_HOST = 'orders-mq'; });
    expect(rulesOf(checkClusterDns, bareHost(add(baselineModel(), rabbit)))).toEqual([]);
    expect(rulesOf(checkClusterDns, bareHost(baselineModel()))).toEqual(['dns-short-name']);
  });
});
