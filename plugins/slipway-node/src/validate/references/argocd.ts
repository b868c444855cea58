import type { LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  argoCdApplications,
  asArray,
  asRecord,
  asString,
  environmentForPath,
  getPath,
  hpasTargeting,
  normalizeRepoPath,
  objectSets,
  parseYamlDocuments,
  problemsFor,
  recordsOf,
  type JsonRecord,
  wellFormed,
  type ObjectSet,
} from '../kube';

/**
 * Argo CD Applications must point at an overlay that exists, deploy into the namespace
 * the overlay's objects name, and leave `.spec.replicas` to the HPA (otherwise every
 * sync resets the replica count the autoscaler chose).
 */

const problem = problemsFor('reference');
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

interface Source {
  source: JsonRecord;
  field: string;
}

function sourcesOf(application: LoadedObject): Source[] {
  const out: Source[] = [];
  const single = asRecord(getPath(application.object, 'spec', 'source'));
  if (single) out.push({ source: single, field: 'spec.source' });
  recordsOf(getPath(application.object, 'spec', 'sources')).forEach(({ record, index }) =>
    out.push({ source: record, field: `spec.sources[${index}]` }),
  );
  return out;
}

function kustomizationIn(model: RepoModel, directory: string): string | undefined {
  return KUSTOMIZATION_FILES.map(file => (directory ? `${directory}/${file}` : file)).find(path => model.files.has(path));
}

/** Namespace an overlay deploys into: from its build, else from its kustomization's `namespace:`. */
function overlayNamespaces(model: RepoModel, path: string): string[] {
  const environment = environmentForPath(model, path);
  const built = environment ? wellFormed(model.environments.get(environment) ?? []) : undefined;
  if (built) {
    return [...new Set(built.map(({ object }) => object.metadata?.namespace).filter((ns): ns is string => !!ns))];
  }
  const file = kustomizationIn(model, normalizeRepoPath(path));
  const declared = parseYamlDocuments(file ? model.files.get(file) ?? '' : '', file)
    .map(document => asString(getPath(document.value, 'namespace')))
    .filter((ns): ns is string => !!ns);
  return [...new Set(declared)];
}

/** The objects an Application deploys, or the raw base as a stand-in when nothing was built. */
function deployedSet(model: RepoModel, sets: ObjectSet[], path: string): ObjectSet | undefined {
  const environment = environmentForPath(model, path);
  if (environment) return sets.find(set => set.environment === environment);
  return model.environments.size === 0 ? sets[0] : undefined;
}

function ignoresReplicas(application: LoadedObject, kind: string, group: string, name: string): boolean {
  return recordsOf(getPath(application.object, 'spec', 'ignoreDifferences')).some(({ record }) => {
    if (asString(record.kind) !== kind || (asString(record.group) ?? '') !== group) return false;
    if (record.name !== undefined && record.name !== name) return false;
    const pointers = asArray(record.jsonPointers).map(String);
    const jq = asArray(record.jqPathExpressions).map(String);
    return pointers.includes('/spec/replicas') || jq.includes('.spec.replicas');
  });
}

function checkApplication(model: RepoModel, sets: ObjectSet[], application: LoadedObject): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const destination = asString(getPath(application.object, 'spec', 'destination', 'namespace'));
  for (const { source, field } of sourcesOf(application)) {
    // Helm chart sources come from a chart repository, not from this repo.
    if (asString(source.chart)) continue;
    const rawPath = asString(source.path);
    if (!rawPath) {
      out.push(problem('argocd-source-path', application, `${field}.path`, 'is missing: the Application deploys nothing from this repo'));
      continue;
    }
    const path = normalizeRepoPath(rawPath);
    if (!kustomizationIn(model, path)) {
      out.push(problem('argocd-source-path', application, `${field}.path`,
        `"${rawPath}" is not a directory of this repo with a kustomization.yaml`));
      continue;
    }
    const namespaces = overlayNamespaces(model, path);
    if (!destination) {
      out.push(problem('argocd-destination-namespace', application, 'spec.destination.namespace',
        `is missing${namespaces.length > 0 ? `: the overlay deploys into ${namespaces.join(', ')}` : ''}`));
    } else {
      const others = namespaces.filter(ns => ns !== destination);
      if (others.length > 0) {
        out.push(problem('argocd-destination-namespace', application, 'spec.destination.namespace',
          `is ${destination} but ${path} puts its objects in ${others.join(', ')}`));
      }
    }
    const set = deployedSet(model, sets, path);
    for (const loaded of set?.objects ?? []) {
      const target = loaded.object;
      if (!['Rollout', 'Deployment', 'StatefulSet'].includes(target.kind) || hpasTargeting(set as ObjectSet, target).length === 0) continue;
      const group = target.apiVersion.includes('/') ? target.apiVersion.split('/')[0] : '';
      if (!ignoresReplicas(application, target.kind, group, target.metadata.name)) {
        out.push(problem('argocd-ignore-replicas', application, 'spec.ignoreDifferences',
          `has no entry for ${target.kind}/${target.metadata.name} jsonPointers /spec/replicas (group ${group || 'core'}): ` +
          'an HPA scales it, and every sync would reset the replica count'));
      }
    }
  }
  return out;
}

export const checkArgoCdApplications: ModelCheck = model => {
  const sets = objectSets(model);
  return argoCdApplications(model).flatMap(application => checkApplication(model, sets, application));
};
