import type { ModelCheck, ValidationProblem } from '../types';
import {
  asString,
  asStringMap,
  getPath,
  matchesServiceSelector,
  objectSets,
  objectsOfKind,
  podGroups,
  problemsFor,
  recordsOf,
  sameNamespace,
  type ObjectSet,
} from '../kube';

/**
 * A Service must select pods, and a named targetPort must be a port the pods declare;
 * otherwise the Service has no endpoints and every request to it fails.
 */

const problem = problemsFor('reference');

function checkSet(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const groups = podGroups(set);
  for (const service of objectsOfKind(set, 'Service')) {
    const selector = asStringMap(getPath(service.object, 'spec', 'selector'));
    // No selector: endpoints are managed by hand or the Service is ExternalName.
    if (Object.keys(selector).length === 0) continue;
    const selected = groups.filter(
      group => sameNamespace(group.owner.object, service.object) && matchesServiceSelector(selector, group.labels),
    );
    if (selected.length === 0) {
      const wanted = Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
      out.push(problem('service-selector', service, 'spec.selector',
        `${wanted} matches no workload's pod template labels: the Service would have no endpoints`));
      continue;
    }
    const portNames = new Set(selected.flatMap(group => group.ports.map(port => port.name).filter(Boolean)));
    for (const { record: port, index } of recordsOf(getPath(service.object, 'spec', 'ports'))) {
      const target = asString(port.targetPort);
      if (target !== undefined && !/^\d+$/.test(target) && !portNames.has(target)) {
        out.push(problem('service-target-port', service, `spec.ports[${index}].targetPort`,
          `"${target}" is not the name of a container port of the selected pods (${[...portNames].join(', ') || 'none named'})`));
      }
    }
  }
  return out;
}

export const checkServices: ModelCheck = model => objectSets(model).flatMap(checkSet);
