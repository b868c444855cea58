import type { KubernetesObject, ModelCheck, ValidationProblem } from '../types';
import {
  asArray,
  asString,
  asStringMap,
  deployedServices,
  getPath,
  matchesLabelSelector,
  objectSets,
  objectsOfKind,
  podGroups,
  problemsFor,
  recordsOf,
  type ObjectSet,
} from '../kube';

/**
 * Prometheus Operator targets: a ServiceMonitor must select a Service that has the
 * endpoint's port name, a PodMonitor pods that declare it. A mismatch scrapes nothing,
 * and the canary analysis then judges an empty series.
 */

const problem = problemsFor('reference');

/** Whether `candidate` is in a namespace the monitor's namespaceSelector covers (default: its own). */
function inMonitorScope(monitor: KubernetesObject, candidate: KubernetesObject): boolean {
  if (getPath(monitor, 'spec', 'namespaceSelector', 'any') === true) return true;
  const names = asArray(getPath(monitor, 'spec', 'namespaceSelector', 'matchNames')).map(String);
  const own = candidate.metadata?.namespace;
  if (names.length > 0) return own === undefined || names.includes(own);
  const monitorNamespace = monitor.metadata?.namespace;
  return own === undefined || monitorNamespace === undefined || own === monitorNamespace;
}

function checkServiceMonitors(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  // Operators' Services count: a ServiceMonitor for RabbitMQ selects the Service its operator writes.
  const services = deployedServices(set);
  for (const monitor of objectsOfKind(set, 'ServiceMonitor')) {
    const selector = getPath(monitor.object, 'spec', 'selector');
    const selected = services.filter(
      service => inMonitorScope(monitor.object, service.object) && matchesLabelSelector(selector, asStringMap(service.object.metadata?.labels)),
    );
    if (selected.length === 0) {
      out.push(problem('servicemonitor-target', monitor, 'spec.selector', 'matches no Service labels: Prometheus would scrape nothing'));
      continue;
    }
    const portNames = new Set(selected.flatMap(service => recordsOf(getPath(service.object, 'spec', 'ports')).map(({ record }) => asString(record.name))));
    for (const { record: endpoint, index } of recordsOf(getPath(monitor.object, 'spec', 'endpoints'))) {
      const port = asString(endpoint.port);
      if (port && !portNames.has(port)) {
        out.push(problem('servicemonitor-target', monitor, `spec.endpoints[${index}].port`,
          `"${port}" is not a port name of the selected Service(s) ${selected.map(s => s.object.metadata.name).join(', ')}`));
      }
    }
  }
  return out;
}

function checkPodMonitors(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const groups = podGroups(set);
  for (const monitor of objectsOfKind(set, 'PodMonitor')) {
    const selector = getPath(monitor.object, 'spec', 'selector');
    const selected = groups.filter(group => inMonitorScope(monitor.object, group.owner.object) && matchesLabelSelector(selector, group.labels));
    if (selected.length === 0) {
      out.push(problem('podmonitor-target', monitor, 'spec.selector', 'matches no pod template labels: Prometheus would scrape nothing'));
      continue;
    }
    const portNames = new Set(selected.flatMap(group => group.ports.map(port => port.name)));
    for (const { record: endpoint, index } of recordsOf(getPath(monitor.object, 'spec', 'podMetricsEndpoints'))) {
      const port = asString(endpoint.port);
      if (port && !portNames.has(port)) {
        out.push(problem('podmonitor-target', monitor, `spec.podMetricsEndpoints[${index}].port`,
          `"${port}" is not a container port name of the selected pods`));
      }
    }
  }
  return out;
}

export const checkMonitors: ModelCheck = model =>
  objectSets(model).flatMap(set => [...checkServiceMonitors(set), ...checkPodMonitors(set)]);
