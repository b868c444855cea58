import type { KubernetesObject, LoadedObject, ModelCheck, ValidationProblem } from '../types';
import {
  analysisBlocks,
  asString,
  canaryStrategy,
  gatewayApiRoutes,
  getPath,
  matchesLabelSelector,
  nameOf,
  objectSets,
  objectsOfKind,
  podTemplateOf,
  problemsFor,
  recordsOf,
  resolveAnalysisTemplate,
  sameNamespace,
  type ObjectSet,
} from '../kube';

/**
 * A Rollout's canary wiring: the AnalysisTemplates it runs (with every argument they
 * need), the canary/stable Services it rewrites, and the HTTPRoute whose weights it
 * shifts. Any dangling name makes the rollout stall or degrade at its first update.
 */

const problem = problemsFor('reference');

function findNamed(set: ObjectSet, kind: string, name: string, near: KubernetesObject, namespace?: string): LoadedObject | undefined {
  return objectsOfKind(set, kind).find(
    loaded =>
      nameOf(loaded.object) === name &&
      (namespace ? (loaded.object.metadata.namespace ?? namespace) === namespace : sameNamespace(loaded.object, near)),
  );
}

function checkAnalysis(set: ObjectSet, rollout: LoadedObject): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const block of analysisBlocks(rollout.object)) {
    for (const ref of block.templates) {
      const template = resolveAnalysisTemplate(set, rollout.object, ref);
      const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      if (!template) {
        out.push(problem('rollout-analysis-template', rollout, `${ref.path}.templateName`,
          `${kind}/${ref.templateName} does not exist: the analysis run would fail and the rollout would abort`));
        continue;
      }
      // Args declared without value or valueFrom must come from the Rollout.
      for (const { record: arg, index } of recordsOf(getPath(template.object, 'spec', 'args'))) {
        const name = asString(arg.name) ?? '';
        if (arg.value !== undefined || arg.valueFrom !== undefined || block.argNames.includes(name)) continue;
        out.push(problem('rollout-analysis-args', rollout, `${block.path}.args`,
          `does not supply "${name}", which ${kind}/${ref.templateName} spec.args[${index}] declares without a value`));
      }
    }
  }
  return out;
}

function checkTrafficWiring(set: ObjectSet, rollout: LoadedObject): ValidationProblem[] {
  const canary = canaryStrategy(rollout.object);
  if (!canary) return [];
  const out: ValidationProblem[] = [];
  const services: string[] = [];
  for (const field of ['canaryService', 'stableService'] as const) {
    const name = asString(canary[field]);
    if (!name) continue;
    services.push(name);
    if (!findNamed(set, 'Service', name, rollout.object)) {
      out.push(problem('rollout-services', rollout, `spec.strategy.canary.${field}`, `Service/${name} does not exist`));
    }
  }
  const pluginNamespace = asString(
    getPath(rollout.object, 'spec', 'strategy', 'canary', 'trafficRouting', 'plugins', 'argoproj-labs/gatewayAPI', 'namespace'),
  );
  for (const route of gatewayApiRoutes(rollout.object)) {
    const found = findNamed(set, 'HTTPRoute', route.name, rollout.object, pluginNamespace);
    if (!found) {
      out.push(problem('rollout-httproute', rollout, route.path, `HTTPRoute/${route.name} does not exist: traffic could not be shifted`));
      continue;
    }
    // The plugin sets weights on the canary and stable backendRefs of one rule.
    const covers = recordsOf(getPath(found.object, 'spec', 'rules')).some(({ record }) => {
      const backends = recordsOf(record.backendRefs).map(({ record: ref }) => asString(ref.name));
      return services.every(service => backends.includes(service));
    });
    if (!covers) {
      out.push(problem('rollout-httproute-backends', rollout, route.path,
        `HTTPRoute/${route.name} has no rule whose backendRefs name both ${services.map(name => `Service/${name}`).join(' and ')}`));
    }
  }
  return out;
}

/** Rollouts and apps/v1 workloads only manage pods their selector matches. */
function checkSelector(loaded: LoadedObject): ValidationProblem[] {
  const template = podTemplateOf(loaded);
  if (!template || !['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet'].includes(loaded.object.kind)) return [];
  const selector = getPath(loaded.object, 'spec', 'selector');
  if (selector === undefined) {
    return [problem('workload-selector', loaded, 'spec.selector', 'is missing: the controller cannot tell its pods apart')];
  }
  if (!matchesLabelSelector(selector, template.labels)) {
    return [problem('workload-selector', loaded, 'spec.selector',
      `does not match ${template.labelsPath}: the controller would never see the pods it creates`)];
  }
  return [];
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  return [
    ...objectsOfKind(set, 'Rollout').flatMap(rollout => [...checkAnalysis(set, rollout), ...checkTrafficWiring(set, rollout)]),
    ...set.objects.flatMap(checkSelector),
  ];
}

export const checkRollouts: ModelCheck = model => objectSets(model).flatMap(checkSet);
