import type { ModelCheck, ValidationProblem } from '../types';
import { asNumber, asString, deployedServices, getPath, nameOf, objectSets, objectsOfKind, problemsFor, recordsOf, type ObjectSet } from '../kube';

/** HTTPRoute backendRefs must name Services that exist and expose the referenced port. */

const problem = problemsFor('reference');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  // Operators' Services count: a route may send traffic to a RabbitMQ management UI or a Pooler.
  const services = deployedServices(set);
  for (const route of objectsOfKind(set, 'HTTPRoute')) {
    const routeNamespace = route.object.metadata.namespace;
    for (const { record: rule, index: ruleIndex } of recordsOf(getPath(route.object, 'spec', 'rules'))) {
      for (const { record: ref, index } of recordsOf(rule.backendRefs)) {
        const field = `spec.rules[${ruleIndex}].backendRefs[${index}]`;
        if ((asString(ref.kind) ?? 'Service') !== 'Service' || (asString(ref.group) ?? '') !== '') continue;
        const namespace = asString(ref.namespace) ?? routeNamespace;
        // Another namespace's Services are not in the repo (and need a ReferenceGrant there).
        if (namespace !== routeNamespace) continue;
        const name = asString(ref.name) ?? '';
        const service = services.find(
          loaded => nameOf(loaded.object) === name && (loaded.object.metadata.namespace ?? namespace) === namespace,
        );
        if (!service) {
          out.push(problem('httproute-backend-exists', route, `${field}.name`, `Service/${name} does not exist`));
          continue;
        }
        const port = asNumber(ref.port);
        const ports = recordsOf(getPath(service.object, 'spec', 'ports')).map(({ record }) => asNumber(record.port));
        if (port === undefined) {
          out.push(problem('httproute-backend-exists', route, `${field}.port`, `is required for Service/${name}`));
        } else if (!ports.includes(port)) {
          out.push(problem('httproute-backend-exists', route, `${field}.port`,
            `${port} is not a port of Service/${name} (${ports.filter(p => p !== undefined).join(', ') || 'none'})`));
        }
      }
    }
  }
  return out;
}

export const checkHttpRouteBackends: ModelCheck = model => objectSets(model).flatMap(checkSet);
