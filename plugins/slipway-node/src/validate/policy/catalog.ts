import type { LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  argoCdApplications,
  asRecord,
  asString,
  asStringMap,
  fileProblem,
  getPath,
  isCloudNativePgCluster,
  objectProblem,
  objectSets,
  parseYamlDocuments,
  podTemplateOf,
  recordsOf,
  type JsonRecord,
  type ObjectSet,
} from '../kube';

/**
 * The Backstage entity must find its objects. The Kubernetes plugin lists objects by the
 * label `backstage.io/kubernetes-id=<annotation>`, and the Argo CD plugin finds
 * Applications by `argocd/app-selector`; an object without the label is invisible.
 */

const CATALOG_FILES = ['catalog-info.yaml', 'catalog-info.yml'];
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const APP_NAME = 'app.kubernetes.io/name';
const REQUIRED_SPEC_FIELDS = ['owner', 'lifecycle', 'type'];

interface Component {
  file: string;
  entity: JsonRecord;
  kubernetesId?: string;
}

function findComponent(model: RepoModel): Component | ValidationProblem {
  const file = CATALOG_FILES.find(path => model.files.has(path));
  if (!file) {
    return fileProblem('catalog', 'catalog-component', 'catalog-info.yaml', '', 'is missing: the repo must register a Backstage Component');
  }
  const components = parseYamlDocuments(model.files.get(file) ?? '', file)
    .map(document => asRecord(document.value))
    .filter((entity): entity is JsonRecord => entity?.kind === 'Component');
  if (components.length === 0) {
    return fileProblem('catalog', 'catalog-component', file, '', 'has no kind: Component entity');
  }
  const entity = components.find(candidate => asString(getPath(candidate, 'metadata', 'annotations', KUBERNETES_ID))) ?? components[0];
  return { file, entity, kubernetesId: asString(getPath(entity, 'metadata', 'annotations', KUBERNETES_ID)) };
}

function checkEntity(component: Component): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const spec = asRecord(component.entity.spec) ?? {};
  const missing = REQUIRED_SPEC_FIELDS.filter(field => !asString(spec[field]));
  if (missing.length > 0) {
    out.push(fileProblem('catalog', 'catalog-required-fields', component.file, 'spec',
      `Component lacks ${missing.map(field => `spec.${field}`).join(', ')}`));
  }
  if (!component.kubernetesId) {
    out.push(fileProblem('catalog', 'catalog-kubernetes-id', component.file, `metadata.annotations["${KUBERNETES_ID}"]`,
      'is missing: the Kubernetes tab would show nothing'));
  }
  return out;
}

/**
 * Labels kustomize adds to base objects (commonLabels, labels[].pairs), so the raw
 * fallback judges objects as they will be deployed.
 */
function kustomizeLabels(model: RepoModel): { objects: Record<string, string>; templates: Record<string, string> } {
  const objects: Record<string, string> = {};
  const templates: Record<string, string> = {};
  const file = ['deploy/base/kustomization.yaml', 'deploy/base/kustomization.yml'].find(path => model.files.has(path));
  for (const { value } of parseYamlDocuments(file ? model.files.get(file)! : '', file)) {
    const common = asStringMap(getPath(value, 'commonLabels'));
    Object.assign(objects, common);
    Object.assign(templates, common);
    for (const { record } of recordsOf(getPath(value, 'labels'))) {
      const pairs = asStringMap(record.pairs);
      Object.assign(objects, pairs);
      if (record.includeTemplates === true) Object.assign(templates, pairs);
    }
  }
  return { objects, templates };
}

/** Label maps Backstage lists: the object's own, and the pods' it makes. */
function labelSites(loaded: LoadedObject): Array<{ field: string; labels: Record<string, string>; template: boolean }> {
  const sites = [{ field: 'metadata.labels', labels: asStringMap(loaded.object.metadata?.labels), template: false }];
  const template = podTemplateOf(loaded);
  if (template) sites.push({ field: template.labelsPath, labels: template.labels, template: true });
  if (loaded.object.kind === 'CronJob') {
    sites.push({ field: 'spec.jobTemplate.metadata.labels', labels: asStringMap(getPath(loaded.object, 'spec', 'jobTemplate', 'metadata', 'labels')), template: true });
  }
  if (isCloudNativePgCluster(loaded.object)) {
    sites.push({ field: 'spec.inheritedMetadata.labels', labels: asStringMap(getPath(loaded.object, 'spec', 'inheritedMetadata', 'labels')), template: true });
  }
  return sites;
}

function checkObjectLabels(set: ObjectSet, kubernetesId: string, model: RepoModel): ValidationProblem[] {
  const added = set.environment === undefined ? kustomizeLabels(model) : { objects: {}, templates: {} };
  const out: ValidationProblem[] = [];
  for (const loaded of set.objects) {
    for (const site of labelSites(loaded)) {
      const labels = { ...(site.template ? added.templates : added.objects), ...site.labels };
      const faults: string[] = [];
      if (labels[KUBERNETES_ID] === undefined) faults.push(`lacks ${KUBERNETES_ID}: ${kubernetesId}`);
      else if (labels[KUBERNETES_ID] !== kubernetesId) faults.push(`has ${KUBERNETES_ID}: ${labels[KUBERNETES_ID]}, not ${kubernetesId}`);
      if (!labels[APP_NAME]) faults.push(`lacks ${APP_NAME}`);
      if (faults.length > 0) {
        out.push(objectProblem('catalog', 'catalog-object-labels', loaded, site.field,
          `${faults.join(' and ')}: Backstage finds objects by the Component's ${KUBERNETES_ID} annotation`));
      }
    }
  }
  return out;
}

/** `a=b,c=d` (equality only, as the Argo CD plugins use it). */
function parseSelector(selector: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of selector.split(',').map(item => item.trim()).filter(Boolean)) {
    const match = /^([^=!\s]+)\s*==?\s*([^=\s]*)$/.exec(part);
    if (!match) return undefined;
    out[match[1]] = match[2];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function checkArgoCdSelector(model: RepoModel, component: Component): ValidationProblem[] {
  const applications = argoCdApplications(model);
  if (applications.length === 0) return [];
  const annotations = asStringMap(getPath(component.entity, 'metadata', 'annotations'));
  const field = 'metadata.annotations["argocd/app-selector"]';
  const raw = annotations['argocd/app-selector'];
  if (raw === undefined) {
    const appName = annotations['argocd/app-name'];
    if (appName && applications.some(({ object }) => object.metadata.name === appName)) return [];
    return [fileProblem('catalog', 'catalog-argocd-selector', component.file, field,
      'is missing: the Argo CD plugin could not find the Applications in deploy/argocd')];
  }
  const selector = parseSelector(raw);
  if (!selector) {
    return [fileProblem('catalog', 'catalog-argocd-selector', component.file, field, `"${raw}" is not a key=value[,key=value] selector`)];
  }
  return applications
    .filter(({ object }) => {
      const labels = asStringMap(object.metadata?.labels);
      return !Object.entries(selector).every(([key, value]) => labels[key] === value);
    })
    .map(loaded => objectProblem('catalog', 'catalog-argocd-selector', loaded, 'metadata.labels',
      `does not match the Component's argocd/app-selector "${raw}": the Argo CD plugin would not show this Application`));
}

export const checkCatalog: ModelCheck = model => {
  const component = findComponent(model);
  if (!('entity' in component)) return [component];
  const out = [...checkEntity(component), ...checkArgoCdSelector(model, component)];
  if (component.kubernetesId) {
    for (const set of objectSets(model)) out.push(...checkObjectLabels(set, component.kubernetesId, model));
  }
  return out;
};
