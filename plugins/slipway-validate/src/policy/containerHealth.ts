import type { ModelCheck, ValidationProblem } from '../types';
import { containersOf, getPath, objectSets, podTemplates, problemsFor, type PodTemplate } from '../kube';

/**
 * Resources and probes: without requests the scheduler and the HPA are blind, without
 * limits one pod can starve a node, and without probes a canary that never became
 * ready (seed 001's database-less pod) still gets traffic.
 */

const problem = problemsFor('policy');
const RESOURCE_FIELDS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

function checkTemplate(template: PodTemplate): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const ref of containersOf(template)) {
    const missing = RESOURCE_FIELDS.filter(field => {
      const value = getPath(ref.container, 'resources', ...field.split('.'));
      return value === undefined || value === null || value === '';
    });
    if (missing.length > 0) {
      out.push(problem('container-resources', template.loaded, `${ref.path}.resources`,
        `container "${ref.name}" lacks ${missing.join(', ')}: every container needs cpu and memory requests and limits`));
    }
    if (!template.longRunning || ref.init) continue;
    const probes = ['readinessProbe', 'livenessProbe'].filter(probe => getPath(ref.container, probe) === undefined);
    if (probes.length > 0) {
      out.push(problem('container-probes', template.loaded, ref.path,
        `container "${ref.name}" has no ${probes.join(' or ')}: long-running containers need readiness and liveness probes`));
    }
  }
  return out;
}

export const checkContainerHealth: ModelCheck = model =>
  objectSets(model).flatMap(set => podTemplates(set).flatMap(checkTemplate));
