import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import { asStringMap, getPath, overlayDirectory } from '../kube';
import { goldenPathComponents, SKELETON_ANNOTATION, type GoldenPathComponent } from '../goldenPaths';
import { defineCheck } from './types';

/*
 * Every other rule checks what is there; this one checks that what the golden path promises is
 * there at all. A repo whose PodDisruptionBudget was deleted passes every PDB rule (none has
 * anything to look at), and a node-service with an Ingress added beside its HTTPRoute sends
 * traffic around the canary: Argo Rollouts' Gateway API plugin shifts weight "by modifying
 * HTTPRoute resources" (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi, its summary):
 * the backendRefs' weights of the routes the Rollout names, so an Ingress to the same Service is
 * never weighted and sends the canary traffic the analysis does not count.
 *
 * The golden path's check profile says which kinds each deployed environment must hold and which
 * it must not; the repo's catalog-info.yaml says which golden path made each Component
 * (`slipway.dev/skeleton: <id>@<version>`). A repo with one Component owns every object of an
 * environment; with several, a Component owns the objects labelled with its kubernetes-id.
 */

const RULE = 'golden-path-profile';

function ownedObjects(component: GoldenPathComponent, objects: readonly LoadedObject[], single: boolean): LoadedObject[] {
  if (single) return [...objects];
  return objects.filter(loaded => asStringMap(getPath(loaded.object, 'metadata', 'labels'))['backstage.io/kubernetes-id'] === component.kubernetesId);
}

function checkComponent(component: GoldenPathComponent, model: RepoModel, single: boolean): ValidationProblem[] {
  const path = component.goldenPath;
  if (!path) return [];
  const out: ValidationProblem[] = [];
  for (const [environment, objects] of model.environments) {
    const owned = ownedObjects(component, objects, single);
    const kinds = new Set(owned.map(loaded => loaded.object.kind));
    const dir = overlayDirectory(environment, model);
    for (const [kind, purpose] of Object.entries(path.checkProfile.requiredKinds)) {
      if (kinds.has(kind)) continue;
      out.push({
        check: 'policy',
        rule: RULE,
        file: dir,
        environment,
        message: `Component ${component.name} is a ${path.id} (${SKELETON_ANNOTATION}), whose every environment has a ${kind} (${purpose}); the built ${dir} has none`,
      });
    }
    for (const loaded of owned) {
      const why = path.checkProfile.forbiddenKinds[loaded.object.kind];
      if (!why) continue;
      out.push({
        check: 'policy',
        rule: RULE,
        file: loaded.file,
        environment,
        object: `${loaded.object.kind}/${loaded.object.metadata?.name ?? '?'}`,
        message: `${loaded.object.kind}/${loaded.object.metadata?.name ?? '?'}: a ${path.id} (Component ${component.name}) has no ${loaded.object.kind}: ${why}`,
      });
    }
  }
  return out;
}

export const goldenPathProfile = defineCheck({
  id: RULE,
  check: 'policy',
  summary:
    'Each deployed environment holds every kind its golden path\'s check profile requires (the canary, its analysis, the PDB, the NetworkPolicies, the alerts) and none it forbids (an Ingress beside a canaried HTTPRoute).',
  remediation:
    'Restore the file the kind came from (compare with a fresh render of the golden path), or remove the forbidden object; if the Component is no longer that golden path, change its slipway.dev/skeleton annotation.',
  source: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi (traffic is shifted by modifying HTTPRoute resources)',
  run(model: RepoModel) {
    const components = goldenPathComponents(model);
    const single = components.length === 1;
    return components.flatMap(component => checkComponent(component, model, single));
  },
});
