import type { LoadedObject, ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  argoCdApplications,
  asRecord,
  asString,
  asStringMap,
  deployingApplications,
  fileProblem,
  getPath,
  manifestDirs,
  objectProblem,
  objectSets,
  parseYamlDocuments,
  podTemplateOf,
  recordsOf,
  type JsonRecord,
  type ObjectSet,
} from '../kube';
import { operatorPods } from '../operators';

/**
 * The Backstage entities must find their objects. The Kubernetes plugin lists objects by the
 * label `backstage.io/kubernetes-id=<annotation>` (or the entity's
 * `backstage.io/kubernetes-label-selector`), and the Argo CD plugin finds Applications by
 * `argocd/app-selector`; an object without the label is invisible.
 *
 * A repo may register several Components (catalog-info.yaml holds one YAML document per entity):
 * a system's API and frontend, say. Each deployed object must then belong to exactly one of them,
 * and each Component's annotations must match the objects and Applications that belong to it.
 */

const CATALOG_FILES = ['catalog-info.yaml', 'catalog-info.yml'];
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
const APP_NAME = 'app.kubernetes.io/name';
const REQUIRED_SPEC_FIELDS = ['owner', 'lifecycle', 'type'];

interface Component {
  file: string;
  name: string;
  entity: JsonRecord;
  kubernetesId?: string;
  /** `backstage.io/kubernetes-label-selector`, parsed (equality terms only). */
  labelSelector?: Record<string, string>;
}

/** `a=b,c=d` (equality only, as the Argo CD plugins and most label selectors in annotations use it). */
function parseSelector(selector: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of selector.split(',').map(item => item.trim()).filter(Boolean)) {
    const match = /^([^=!\s]+)\s*==?\s*([^=\s]*)$/.exec(part);
    if (!match) return undefined;
    out[match[1]] = match[2];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * The repo's catalog file and its kind: Component entities, in file order (each with
 * `metadata.name`, or `#<n>` when it has none, and its annotations), or undefined without one.
 * The catalog checks and the golden-path lookup (validate/goldenPaths.ts) both read it here.
 */
export function catalogComponentEntities(
  model: RepoModel,
): { file: string; components: Array<{ name: string; entity: JsonRecord; annotations: Record<string, string> }> } | undefined {
  const file = CATALOG_FILES.find(path => model.files.has(path));
  if (!file) return undefined;
  const components = parseYamlDocuments(model.files.get(file) ?? '', file)
    .map(document => asRecord(document.value))
    .filter((entity): entity is JsonRecord => entity?.kind === 'Component')
    .map((entity, index) => ({
      name: asString(getPath(entity, 'metadata', 'name')) ?? `#${index + 1}`,
      entity,
      annotations: asStringMap(getPath(entity, 'metadata', 'annotations')),
    }));
  return { file, components };
}

function findComponents(model: RepoModel): Component[] | ValidationProblem {
  const catalog = catalogComponentEntities(model);
  if (!catalog) {
    return fileProblem('catalog', 'catalog-component', 'catalog-info.yaml', '', 'is missing: the repo must register a Backstage Component');
  }
  const { file } = catalog;
  const components = catalog.components.map(({ name, entity, annotations }) => {
    const selector = annotations[LABEL_SELECTOR];
    return {
      file,
      name,
      entity,
      kubernetesId: annotations[KUBERNETES_ID],
      ...(selector !== undefined ? { labelSelector: parseSelector(selector) } : {}),
    };
  });
  if (components.length === 0) return fileProblem('catalog', 'catalog-component', file, '', 'has no kind: Component entity');
  return components;
}

/** `Component "orders" metadata.annotations[...]`: which entity of a multi-Component file. */
function entityField(components: Component[], component: Component, field: string): string {
  return components.length > 1 ? `Component "${component.name}" ${field}` : field;
}

/** Whether the repo's objects can be found at all: some Component names them by id or selector. */
function findsObjects(components: Component[]): boolean {
  return components.some(component => component.kubernetesId !== undefined || component.labelSelector !== undefined);
}

function checkEntity(components: Component[], component: Component): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const spec = asRecord(component.entity.spec) ?? {};
  const missing = REQUIRED_SPEC_FIELDS.filter(field => !asString(spec[field]));
  if (missing.length > 0) {
    out.push(fileProblem('catalog', 'catalog-required-fields', component.file, entityField(components, component, 'spec'),
      `Component lacks ${missing.map(field => `spec.${field}`).join(', ')}`));
  }
  // A Component without the annotation is fine beside one that has it (a library, docs): it deploys nothing here.
  if (!findsObjects(components) && components.indexOf(component) === 0) {
    out.push(fileProblem('catalog', 'catalog-kubernetes-id', component.file, entityField(components, component, `metadata.annotations["${KUBERNETES_ID}"]`),
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
  const base = manifestDirs(model).base;
  const file = [`${base}kustomization.yaml`, `${base}kustomization.yml`].find(path => model.files.has(path));
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

interface LabelSite {
  loaded: LoadedObject;
  field: string;
  labels: Record<string, string>;
  /** Which labels kustomize adds here in the raw fallback: the object's, a pod template's, or none (a custom resource's field). */
  added: 'objects' | 'templates' | 'none';
}

/** Label maps Backstage lists: each object's own, the pods it makes, and the pods an operator runs for it. */
function labelSites(set: ObjectSet): LabelSite[] {
  const sites: LabelSite[] = [];
  for (const loaded of set.objects) {
    sites.push({ loaded, field: 'metadata.labels', labels: asStringMap(loaded.object.metadata?.labels), added: 'objects' });
    const template = podTemplateOf(loaded);
    if (template) sites.push({ loaded, field: template.labelsPath, labels: template.labels, added: 'templates' });
    if (loaded.object.kind === 'CronJob') {
      sites.push({ loaded, field: 'spec.jobTemplate.metadata.labels', labels: asStringMap(getPath(loaded.object, 'spec', 'jobTemplate', 'metadata', 'labels')), added: 'templates' });
    }
  }
  // Operator-run pods (CloudNativePG instances, RabbitMQ nodes) get their labels from a field of the resource.
  const seen = new Set<string>();
  for (const pods of operatorPods(set)) {
    const field = pods.labelSources[0]?.field ?? 'metadata.labels';
    const key = `${set.objects.indexOf(pods.owner)} ${field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sites.push({ loaded: pods.owner, field, labels: pods.labels, added: 'none' });
  }
  return sites;
}

/** The Components whose Kubernetes tab lists an object with these labels. */
function componentsSelecting(components: Component[], labels: Record<string, string>): Component[] {
  return components.filter(component =>
    component.labelSelector ? matches(component.labelSelector, labels) : component.kubernetesId !== undefined && labels[KUBERNETES_ID] === component.kubernetesId,
  );
}

function describeIds(components: Component[]): string {
  const ids = components.map(component => component.kubernetesId).filter((id): id is string => !!id);
  return ids.length === 1 ? ids[0] : `one of ${ids.join(', ')}`;
}

/** Every label site belongs to exactly one Component; returns the Components each set's objects belong to. */
function checkObjectLabels(set: ObjectSet, components: Component[], model: RepoModel, found: Set<Component>): ValidationProblem[] {
  const withIds = components.filter(component => component.kubernetesId || component.labelSelector);
  if (withIds.length === 0) return [];
  const added = set.environment === undefined ? kustomizeLabels(model) : { objects: {}, templates: {} };
  const out: ValidationProblem[] = [];
  for (const site of labelSites(set)) {
    const labels = { ...(site.added === 'none' ? {} : added[site.added]), ...site.labels };
    const owners = componentsSelecting(withIds, labels);
    owners.forEach(owner => found.add(owner));
    const faults: string[] = [];
    const id = labels[KUBERNETES_ID];
    if (owners.length === 0) {
      if (id === undefined) faults.push(`lacks ${KUBERNETES_ID}: ${describeIds(withIds)}`);
      else faults.push(withIds.length > 1 ? `has ${KUBERNETES_ID}: ${id}, which no Component of ${withIds[0].file} declares (${describeIds(withIds)})` : `has ${KUBERNETES_ID}: ${id}, not ${describeIds(withIds)}`);
    } else if (owners.length > 1) {
      faults.push(`is listed by ${owners.length} Components (${owners.map(owner => owner.name).join(', ')}): each object belongs on one entity page`);
    }
    if (!labels[APP_NAME]) faults.push(`lacks ${APP_NAME}`);
    if (faults.length > 0) {
      out.push(objectProblem('catalog', 'catalog-object-labels', site.loaded, site.field,
        `${faults.join(' and ')}: Backstage finds objects by each Component's ${KUBERNETES_ID} annotation`));
    }
  }
  return out;
}

/** The Applications whose Argo CD card belongs on a Component's page: those labelled with or deploying its objects. */
function applicationsOf(model: RepoModel, components: Component[], component: Component): readonly LoadedObject[] {
  const applications = argoCdApplications(model);
  if (components.length === 1) return applications;
  const deployed = new Map(deployingApplications(model).map(({ application, sets }) => [application, sets]));
  return applications.filter(application => {
    if (componentsSelecting([component], asStringMap(application.object.metadata?.labels)).length > 0) return true;
    return (deployed.get(application) ?? []).some(set => labelSites(set).some(site => componentsSelecting([component], site.labels).length > 0));
  });
}

function checkArgoCdSelector(model: RepoModel, components: Component[], component: Component): ValidationProblem[] {
  const applications = applicationsOf(model, components, component);
  if (applications.length === 0) return [];
  const annotations = asStringMap(getPath(component.entity, 'metadata', 'annotations'));
  const field = entityField(components, component, 'metadata.annotations["argocd/app-selector"]');
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
  const owner = components.length > 1 ? `Component "${component.name}"` : 'Component';
  return applications
    .filter(({ object }) => !matches(selector, asStringMap(object.metadata?.labels)))
    .map(loaded => objectProblem('catalog', 'catalog-argocd-selector', loaded, 'metadata.labels',
      `does not match the ${owner}'s argocd/app-selector "${raw}": the Argo CD plugin would not show this Application`));
}

/** A Component whose id no deployed object carries has an empty Kubernetes tab (usually a renamed id). */
function checkComponentObjects(model: RepoModel, components: Component[], found: Set<Component>): ValidationProblem[] {
  const deploysObjects = objectSets(model).some(set => set.objects.length > 0);
  if (!deploysObjects) return [];
  return components
    .filter(component => (component.kubernetesId || component.labelSelector) && !found.has(component))
    .map(component => {
      const annotation = component.labelSelector ? LABEL_SELECTOR : KUBERNETES_ID;
      const value = asStringMap(getPath(component.entity, 'metadata', 'annotations'))[annotation];
      return fileProblem('catalog', 'catalog-component-objects', component.file, entityField(components, component, `metadata.annotations["${annotation}"]`),
        `"${value}" matches none of the deployed objects: this Component's Kubernetes tab would show nothing`);
    });
}

export const checkCatalog: ModelCheck = model => {
  const components = findComponents(model);
  if (!Array.isArray(components)) return [components];
  const out: ValidationProblem[] = [];
  for (const component of components) out.push(...checkEntity(components, component), ...checkArgoCdSelector(model, components, component));
  const found = new Set<Component>();
  for (const set of objectSets(model)) out.push(...checkObjectLabels(set, components, model, found));
  out.push(...checkComponentObjects(model, components, found));
  return out;
};
