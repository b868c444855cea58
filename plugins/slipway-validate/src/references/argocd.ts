import type { LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import { kustomizationFileIn } from '../kustomization-files';
import {
  argoCdApplications,
  asRecord,
  asString,
  environmentForPath,
  getPath,
  normalizeRepoPath,
  parseYamlDocuments,
  problemsFor,
  recordsOf,
  type JsonRecord,
  wellFormed,
} from '../kube';

/**
 * Argo CD Applications must point at a directory of this repo with a kustomization and
 * deploy into the namespace the overlay's objects name. Fields other controllers own
 * (the HPA's replicas, the canary's weights) are the `argocd-controller-fields` unit's.
 */

const problem = problemsFor('reference');

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

/** Namespace an overlay deploys into: from its build, else from its kustomization's `namespace:`. */
function overlayNamespaces(model: RepoModel, path: string): string[] {
  const environment = environmentForPath(model, path);
  const built = environment ? wellFormed(model.environments.get(environment) ?? []) : undefined;
  if (built) {
    return [...new Set(built.map(({ object }) => object.metadata?.namespace).filter((ns): ns is string => !!ns))];
  }
  const file = kustomizationFileIn(model.files, normalizeRepoPath(path));
  const declared = parseYamlDocuments(file ? model.files.get(file) ?? '' : '', file)
    .map(document => asString(getPath(document.value, 'namespace')))
    .filter((ns): ns is string => !!ns);
  return [...new Set(declared)];
}

function checkApplication(model: RepoModel, application: LoadedObject): ValidationProblem[] {
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
    if (!kustomizationFileIn(model.files, path)) {
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
  }
  return out;
}

export const checkArgoCdApplications: ModelCheck = model =>
  argoCdApplications(model).flatMap(application => checkApplication(model, application));
