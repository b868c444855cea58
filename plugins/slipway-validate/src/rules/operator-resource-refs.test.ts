import { operatorResourceRefs } from './operator-resource-refs';
import { add, baselineModel } from '../policy/__fixtures__/repoModel';

const ID = 'operator-resource-refs';
const labels = { 'app.kubernetes.io/name': 'orders', 'backstage.io/kubernetes-id': 'orders' };
const rabbit = { apiVersion: 'rabbitmq.com/v1beta1', kind: 'RabbitmqCluster', metadata: { name: 'orders-mq', labels }, spec: { replicas: 3 } };
const triggerAuthentication = (name: string, key: string) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'TriggerAuthentication',
  metadata: { name: 'orders-mq', labels },
  spec: { secretTargetRef: [{ parameter: 'host', name, key }] },
});
const scaledObject = (authenticationRef: Record<string, string>) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'orders-worker', labels },
  spec: { scaleTargetRef: { name: 'orders-worker' }, triggers: [{ type: 'rabbitmq', metadata: { queueName: 'orders', mode: 'QueueLength', value: '20' }, authenticationRef }] },
});
const queue = (reference: Record<string, unknown>) => ({
  apiVersion: 'rabbitmq.com/v1beta1',
  kind: 'Queue',
  metadata: { name: 'orders', labels },
  spec: { name: 'orders', type: 'quorum', durable: true, rabbitmqClusterReference: reference },
});

const run = (...objects: unknown[]) => {
  const model = baselineModel();
  for (const object of objects) add(model, object);
  return operatorResourceRefs.run(model).filter(problem => problem.environment === 'staging');
};

describe(ID, () => {
  it('passes a worker\'s KEDA and RabbitMQ objects that name each other and the operator-made Secret', () => {
    expect(run(rabbit, triggerAuthentication('orders-mq-default-user', 'connection_string'), scaledObject({ name: 'orders-mq' }), queue({ name: 'orders-mq' }))).toEqual([]);
  });

  it('reports a TriggerAuthentication reading a Secret nothing makes, and a key the RabbitMQ operator does not write', () => {
    const missing = run(triggerAuthentication('orders-mq-default-user', 'connection_string'));
    expect(missing).toEqual([
      expect.objectContaining({
        rule: ID,
        object: 'TriggerAuthentication/orders-mq',
        message: expect.stringMatching(/^TriggerAuthentication\/orders-mq spec\.secretTargetRef\[0\]\.name: Secret\/orders-mq-default-user is not in the deployed objects and no operator we know of \(.*RabbitMQ Cluster Operator.*\) makes it: the scalers using it get no credentials/),
      }),
    ]);
    const wrongKey = run(rabbit, triggerAuthentication('orders-mq-default-user', 'uri'));
    expect(wrongKey.map(p => p.message)).toEqual([expect.stringContaining('spec.secretTargetRef[0].key: "uri" is not a key of Secret/orders-mq-default-user (made by RabbitMQ Cluster Operator RabbitmqCluster/orders-mq')]);
  });

  it('reports a trigger\'s authenticationRef and a Queue\'s rabbitmqClusterReference that name nothing', () => {
    const problems = run(scaledObject({ name: 'orders-rabbit' }), queue({ name: 'orders-rabbit' }));
    expect(problems.map(p => p.message)).toEqual([
      'ScaledObject/orders-worker spec.triggers[0].authenticationRef.name: TriggerAuthentication/orders-rabbit is not in the deployed objects: the scaler has no credentials, so KEDA cannot read the queue and never scales',
      'Queue/orders spec.rabbitmqClusterReference.name: RabbitmqCluster/orders-rabbit is not in the deployed objects: the operator has no cluster to create it in: it stays not ready and nothing exists in RabbitMQ',
    ]);
  });

  it('leaves a ClusterTriggerAuthentication and another namespace\'s cluster to the platform', () => {
    expect(run(scaledObject({ name: 'platform-auth', kind: 'ClusterTriggerAuthentication' }), queue({ name: 'shared-mq', namespace: 'rabbitmq-system' }))).toEqual([]);
  });

  it('checks the connection Secret when a Queue names one instead of a cluster', () => {
    expect(run(queue({ connectionSecret: { name: 'mq-connection' } })).map(p => p.message)).toEqual([
      expect.stringContaining('Queue/orders spec.rabbitmqClusterReference.connectionSecret.name: Secret/mq-connection is not in the deployed objects'),
    ]);
  });
});
