import type { ValidationProblem } from '../types';
import { apiGroup, nameOf, objectProblem, objectSets, sameNamespace, type ObjectSet } from '../kube';
import { operatorReferences, secretMakingOperators } from '../operators';
import { knownSecrets, sourcesNear } from '../references/knownSecrets';
import { defineCheck } from './types';

/*
 * What a custom resource names must exist for its operator to act on it (validate/operators,
 * `readsSecrets` and `readsObjects`): a KEDA TriggerAuthentication's secretTargetRef Secrets and
 * keys ("secretTargetRef: name, key of a Secret in the same namespace"), a ScaledObject trigger's
 * authenticationRef (kind TriggerAuthentication unless it says ClusterTriggerAuthentication), a
 * RabbitMQ topology object's rabbitmqClusterReference (a RabbitmqCluster in its namespace, unless
 * it sets namespace or a connectionSecret). A Secret may come from Git or from an operator (the
 * RabbitmqCluster's `<name>-default-user` is what a TriggerAuthentication usually reads).
 */

const RULE = 'operator-resource-refs';

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const secrets = knownSecrets(set);
  for (const reference of operatorReferences(set)) {
    const owner = reference.owner;
    if (reference.secret) {
      const { name, key } = reference.secret;
      const sources = sourcesNear(secrets, name, owner.object);
      if (sources.length === 0) {
        out.push(objectProblem('reference', RULE, owner, reference.field,
          `Secret/${name} is not in the deployed objects and no operator we know of (${secretMakingOperators().join(', ')}) makes it: ${reference.consequence}`));
      } else if (key && sources.every(source => source.keys !== undefined && !source.keys.has(key))) {
        out.push(objectProblem('reference', RULE, owner, reference.field.replace(/\.name$/, '.key'),
          `"${key}" is not a key of Secret/${name} (made by ${sources.map(source => source.origin).join(', ')}; keys: ${[...(sources[0].keys ?? [])].join(', ')}): ${reference.consequence}`));
      }
    }
    if (reference.object) {
      const { group, kind, name } = reference.object;
      const found = set.objects.some(({ object }) =>
        object.kind === kind && apiGroup(object.apiVersion ?? '') === group && nameOf(object) === name && sameNamespace(object, owner.object));
      if (!found) {
        out.push(objectProblem('reference', RULE, owner, reference.field, `${kind}/${name} is not in the deployed objects: ${reference.consequence}`));
      }
    }
  }
  return out;
}

export const operatorResourceRefs = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'Every Secret (and key) and custom resource a custom resource names is deployed with it or made by an operator: a KEDA TriggerAuthentication\'s secretTargetRef, ' +
    'a ScaledObject trigger\'s authenticationRef, a RabbitMQ Queue, Exchange, User or Policy\'s rabbitmqClusterReference (or connectionSecret). Otherwise the operator cannot act: KEDA never scales, the queue is never declared.',
  remediation:
    'Fix the name (the RabbitmqCluster\'s credentials are <name>-default-user, with keys username, password, host, port, connection_string), or add the object to the overlay.',
  source:
    'kedacore/keda apis/keda/v1alpha1/triggerauthentication_types.go (SecretTargetRef: Parameter, Name, Key); https://keda.sh/docs/latest/concepts/authentication/; ' +
    'rabbitmq/messaging-topology-operator api/v1beta1/topology.go (RabbitmqClusterReference); rabbitmq/cluster-operator internal/resource/default_user_secret.go',
  run(model) {
    return objectSets(model).flatMap(checkSet);
  },
});
