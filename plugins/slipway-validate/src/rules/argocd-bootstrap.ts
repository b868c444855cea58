import path from 'path';
import { kustomizationFileIn } from '../kustomization-files';
import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  applicationSources,
  argoCdApplications,
  asArray,
  asString,
  deploymentGate,
  getPath,
  objectProblem,
  objectRef,
  parseYamlDocuments,
  type DeploymentGate,
} from '../kube';
import { APP_OF_APPS_LABEL } from './app-of-apps-membership';
import { defineCheck } from './types';

/**
 * An Application held back until CI's first image must be reconciled from Git, or CI's edit
 * (which lifts the hold only in Git) never reaches the cluster: an Application applied once by
 * hand keeps `enabled: false` (or `skip-reconcile`) forever and the environment stays undeployed
 * without a sign. Some Application of the repo (an app-of-apps, argo-cd
 * docs/operator-manual/cluster-bootstrapping.md) must own the file it lives in. In a system, that
 * app-of-apps is the system's per environment, in another repo: the Application names it by the
 * label slipway.dev/app-of-apps, and app-of-apps-membership checks across the system's repos that
 * it lists the file (and here, when this repo holds it, as a config repo does).
 */

const ID = 'argocd-bootstrap';

/** Whether the source at `sourcePath` (kustomize or plain directory) deploys the manifest file `file`. */
function sourceDeploys(model: RepoModel, sourcePath: string, recurse: boolean, file: string): boolean {
  const directory = path.posix.dirname(file);
  const kustomizationFile = kustomizationFileIn(model.files, sourcePath);
  if (kustomizationFile) {
    const resources = parseYamlDocuments(model.files.get(kustomizationFile) ?? '', kustomizationFile)
      .flatMap(document => asArray(getPath(document.value, 'resources')).map(String));
    return resources.some(entry => path.posix.normalize(path.posix.join(sourcePath, entry)) === file);
  }
  return directory === sourcePath || (recurse && directory.startsWith(`${sourcePath}/`));
}

function ownedByAnApplication(model: RepoModel, held: LoadedObject, applications: readonly LoadedObject[]): boolean {
  return applications.some(owner =>
    applicationSources(owner.object).some(source => source.path !== undefined && sourceDeploys(model, source.path, source.recurse, held.file)),
  );
}

function gateText(gate: DeploymentGate): string {
  return gate === 'skip-reconcile'
    ? 'argocd.argoproj.io/skip-reconcile: "true" (an Alpha feature: Argo CD shows no status for it)'
    : 'spec.syncPolicy.automated.enabled: false';
}

function checkRepo(model: RepoModel): ValidationProblem[] {
  const applications = argoCdApplications(model);
  const out: ValidationProblem[] = [];
  for (const held of applications) {
    const gate = deploymentGate(held.object);
    if (!gate || ownedByAnApplication(model, held, applications)) continue;
    const systemOwner = asString(getPath(held.object, 'metadata', 'labels', APP_OF_APPS_LABEL));
    if (systemOwner !== undefined && !applications.some(owner => owner.object.metadata?.name === systemOwner)) continue;
    const directory = path.posix.dirname(held.file);
    out.push(objectProblem('reference', ID, held, gate === 'skip-reconcile' ? 'metadata.annotations' : 'spec.syncPolicy.automated.enabled',
      `holds the environment back until CI's first image with ${gateText(gate)}, but no Application of this repo deploys ${held.file}: ` +
      `CI lifts the hold only in Git, so an Application applied once by hand keeps it and ${asString(getPath(held.object, 'spec', 'destination', 'namespace')) ?? 'its namespace'} ` +
      `is never deployed. Add an app-of-apps Application with source.path ${directory} (applied once) so ${objectRef(held.object)} follows Git`));
  }
  return out;
}

export const argocdBootstrap = defineCheck({
  id: ID,
  check: 'reference',
  summary:
    'An Application held back until the first image (automated.enabled: false, or the Alpha skip-reconcile annotation) is itself deployed by an Application of the repo (an app-of-apps): ' +
    'otherwise CI\'s Git edit never reaches the cluster and the environment stays undeployed without a sign.',
  remediation:
    'Add an app-of-apps Application whose source.path is the folder of the Applications (deploy/argocd), apply it once by hand, and let it own every Application there, itself included.',
  source:
    'argoproj/argo-cd docs/operator-manual/cluster-bootstrapping.md (app of apps); docs/user-guide/auto_sync.md (spec.syncPolicy.automated.enabled); docs/user-guide/skip_reconcile.md (Alpha)',
  run: checkRepo,
});
