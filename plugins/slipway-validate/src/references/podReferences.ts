import { parseYamlFile } from '@slipway/render';
import type { ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  asString,
  containersOf,
  getPath,
  nameOf,
  objectSets,
  objectsOfKind,
  podTemplates,
  problemsFor,
  recordsOf,
  sameNamespace,
  type ObjectSet,
  type PodTemplate,
} from '../kube';
import { isKustomizationFile } from '../kustomization-files';
import { secretMakingOperators } from '../operators';
import { knownConfigMaps, knownSecrets, sourcesNear, type KnownSource } from './knownSecrets';

/**
 * What a pod needs before it can start: the Secrets and ConfigMaps its env and volumes
 * read (a missing one leaves it in CreateContainerConfigError) and its ServiceAccount.
 */

const problem = problemsFor('reference');

export interface Reference {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  key?: string;
  optional: boolean;
  field: string;
}

/** The Secrets and ConfigMaps a pod template reads through env, envFrom and volumes, with the field each is named in. */
export function referencesOf(template: PodTemplate): Reference[] {
  const out: Reference[] = [];
  for (const ref of containersOf(template)) {
    for (const { record: env, index } of recordsOf(ref.container.env)) {
      for (const [selector, kind] of [['secretKeyRef', 'Secret'], ['configMapKeyRef', 'ConfigMap']] as const) {
        const source = getPath(env, 'valueFrom', selector);
        const name = asString(getPath(source, 'name'));
        if (!name) continue;
        out.push({ kind, name, key: asString(getPath(source, 'key')), optional: getPath(source, 'optional') === true,
          field: `${ref.path}.env[${index}].valueFrom.${selector}` });
      }
    }
    for (const { record: from, index } of recordsOf(ref.container.envFrom)) {
      for (const [selector, kind] of [['secretRef', 'Secret'], ['configMapRef', 'ConfigMap']] as const) {
        const name = asString(getPath(from, selector, 'name'));
        if (!name) continue;
        out.push({ kind, name, optional: getPath(from, selector, 'optional') === true, field: `${ref.path}.envFrom[${index}].${selector}` });
      }
    }
  }
  for (const { record: volume, index } of recordsOf(template.spec.volumes)) {
    const field = `${template.specPath}.volumes[${index}]`;
    const secret = asString(getPath(volume, 'secret', 'secretName'));
    if (secret) out.push({ kind: 'Secret', name: secret, optional: getPath(volume, 'secret', 'optional') === true, field: `${field}.secret` });
    const configMap = asString(getPath(volume, 'configMap', 'name'));
    if (configMap) out.push({ kind: 'ConfigMap', name: configMap, optional: getPath(volume, 'configMap', 'optional') === true, field: `${field}.configMap` });
  }
  return out;
}

function checkReference(template: PodTemplate, reference: Reference, known: Map<string, KnownSource[]>): ValidationProblem[] {
  if (reference.optional) return [];
  const rule = reference.kind === 'Secret' ? 'env-secret-ref' : 'env-configmap-ref';
  const sources = sourcesNear(known, reference.name, template.object);
  if (sources.length === 0) {
    const hint = reference.kind === 'Secret' ? ` and no operator we know of (${secretMakingOperators().join(', ')}) makes it` : '';
    return [problem(rule, template.loaded, reference.field,
      `${reference.kind}/${reference.name} is not in the deployed objects${hint}: the pod would not start`)];
  }
  const key = reference.key;
  if (key && sources.every(source => source.keys !== undefined && !source.keys.has(key))) {
    const origin = sources.map(source => source.origin).join(', ');
    return [problem(rule, template.loaded, `${reference.field}.key`,
      `"${key}" is not a key of ${reference.kind}/${reference.name} (made by ${origin}; keys: ${[...(sources[0].keys ?? [])].join(', ')})`)];
  }
  return [];
}

function checkServiceAccount(set: ObjectSet, template: PodTemplate): ValidationProblem[] {
  const name = asString(template.spec.serviceAccountName) ?? asString(template.spec.serviceAccount);
  if (!name || name === 'default') return [];
  const exists = objectsOfKind(set, 'ServiceAccount').some(
    loaded => nameOf(loaded.object) === name && sameNamespace(loaded.object, template.object),
  );
  return exists ? [] : [problem('service-account-exists', template.loaded, `${template.specPath}.serviceAccountName`,
    `ServiceAccount/${name} is not in the deployed objects: pods would be rejected`)];
}

function checkSet(set: ObjectSet, generated: ReadonlySet<string>): ValidationProblem[] {
  const secrets = knownSecrets(set);
  const configMaps = knownConfigMaps(set);
  // Without overlay builds (--no-kustomize) the raw files are checked, and kustomize has not run
  // its generators: a reference to a name a kustomization generates is left to the built check.
  const unbuilt = set.environment === undefined;
  return podTemplates(set).flatMap(template => [
    ...referencesOf(template)
      .filter(reference => !(unbuilt && generated.has(`${reference.kind}/${reference.name}`)))
      .flatMap(reference => checkReference(template, reference, reference.kind === 'Secret' ? secrets : configMaps)),
    ...checkServiceAccount(set, template),
  ]);
}

/** `ConfigMap/<name>` and `Secret/<name>` of every configMapGenerator and secretGenerator entry in the repo's kustomizations. */
function generatorNames(model: RepoModel): Set<string> {
  const names = new Set<string>();
  for (const [file, content] of model.files) {
    if (!isKustomizationFile(file)) continue;
    // The load stage's parse, shared (parseYamlFile keeps recent parses); a broken file is its problem.
    const parsed = parseYamlFile(file, content).documents[0]?.value;
    for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
      for (const { record } of recordsOf(getPath(parsed, field))) {
        const name = asString(record.name);
        if (name) names.add(`${kind}/${name}`);
      }
    }
  }
  return names;
}

export const checkPodReferences: ModelCheck = model => {
  const sets = objectSets(model);
  const generated = sets.some(set => set.environment === undefined) ? generatorNames(model) : new Set<string>();
  return sets.flatMap(set => checkSet(set, generated));
};
