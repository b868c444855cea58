import type { KubernetesObject, LoadedObject } from '../types';
import { asNumber, asRecord, asString, asStringMap, getPath, recordsOf, type JsonRecord } from './json';
import { embeddedPodTemplate, operatorAutoscalers } from '../operators';
import { memoOn } from './memo';
import { nameOf, objectsOfKind, sameNamespace, type ObjectSet } from './objectSets';

/** Kinds that own a pod template. */
export const WORKLOAD_KINDS = ['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
/** Workloads whose replica count can exceed one (and so need a PDB, and can't share an RWO volume). */
const REPLICATED_KINDS = ['Rollout', 'Deployment', 'StatefulSet'];
/** Run-to-completion workloads: no readiness/liveness probes expected. */
const BATCH_KINDS = ['Job', 'CronJob'];

/** A workload's pod template, with the field paths problems point at. */
export interface PodTemplate {
  loaded: LoadedObject;
  object: KubernetesObject;
  labels: Record<string, string>;
  /** Pod spec (`spec.template.spec` for most kinds). */
  spec: JsonRecord;
  /** Field path of `spec`, e.g. `spec.jobTemplate.spec.template.spec`. */
  specPath: string;
  /** Field path of the template's labels. */
  labelsPath: string;
  longRunning: boolean;
  replicated: boolean;
}

export interface ContainerRef {
  container: JsonRecord;
  name: string;
  /** e.g. `spec.template.spec.containers[0]`. */
  path: string;
  init: boolean;
}

export function isWorkload(object: KubernetesObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(object.kind);
}

/** A Rollout with `workloadRef` borrows a Deployment's template: the pod checks run on that Deployment. */
export function usesWorkloadRef(object: KubernetesObject): boolean {
  return object.kind === 'Rollout' && asRecord(getPath(object, 'spec', 'workloadRef')) !== undefined;
}

/** A pod template a custom resource embeds (KEDA ScaledJob), checked like a workload's (validate/operators). */
function embeddedTemplateOf(loaded: LoadedObject): PodTemplate | undefined {
  const embedded = embeddedPodTemplate(loaded.object);
  if (!embedded) return undefined;
  const path = embedded.path.split('.');
  const template = asRecord(getPath(loaded.object, ...path));
  const spec = asRecord(template?.spec);
  if (!template || !spec) return undefined;
  return {
    loaded,
    object: loaded.object,
    labels: asStringMap(getPath(template, 'metadata', 'labels')),
    spec,
    specPath: `${embedded.path}.spec`,
    labelsPath: `${embedded.path}.metadata.labels`,
    longRunning: embedded.longRunning,
    replicated: embedded.replicated,
  };
}

export function podTemplateOf(loaded: LoadedObject): PodTemplate | undefined {
  const object = loaded.object;
  if (!isWorkload(object)) return embeddedTemplateOf(loaded);
  if (usesWorkloadRef(object)) return undefined;
  const templatePath = object.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  const template = asRecord(getPath(object, ...templatePath));
  const spec = asRecord(template?.spec);
  if (!template || !spec) return undefined;
  const base = templatePath.join('.');
  return {
    loaded,
    object,
    labels: asStringMap(getPath(template, 'metadata', 'labels')),
    spec,
    specPath: `${base}.spec`,
    labelsPath: `${base}.metadata.labels`,
    longRunning: !BATCH_KINDS.includes(object.kind),
    replicated: REPLICATED_KINDS.includes(object.kind),
  };
}

/** Per set (objectSets keeps a model's sets): seventeen checks read the pod templates of the same set. */
export const podTemplates: (set: ObjectSet) => readonly PodTemplate[] = memoOn('slipway.podTemplates', set => Object.freeze(collectPodTemplates(set)));

function collectPodTemplates(set: ObjectSet): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const loaded of set.objects) {
    const template = podTemplateOf(loaded);
    if (template) out.push(template);
  }
  return out;
}

/** Init containers first, then app containers; ephemeral containers are never in manifests. */
export function containersOf(template: PodTemplate): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    for (const { record, index } of recordsOf(template.spec[field])) {
      out.push({
        container: record,
        name: asString(record.name) ?? `#${index}`,
        path: `${template.specPath}.${field}[${index}]`,
        init,
      });
    }
  }
  return out;
}

/** Whether `scaleTargetRef` names `object` (same kind, name and API group). */
export function scaleTargetMatches(hpa: KubernetesObject, object: KubernetesObject): boolean {
  const ref = asRecord(getPath(hpa, 'spec', 'scaleTargetRef'));
  if (!ref) return false;
  return (
    asString(ref.kind) === object.kind &&
    asString(ref.name) === nameOf(object) &&
    apiGroup(asString(ref.apiVersion) ?? '') === apiGroup(object.apiVersion) &&
    sameNamespace(hpa, object)
  );
}

/** `apps/v1` → `apps`; `v1` → `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The autoscalers of a workload: HPAs in Git and those operators write (KEDA's keda-hpa-<name> for a ScaledObject). */
export function hpasTargeting(set: ObjectSet, object: KubernetesObject): KubernetesObject[] {
  return [...objectsOfKind(set, 'HorizontalPodAutoscaler').map(loaded => loaded.object), ...operatorAutoscalers(set).map(made => made.object)]
    .filter(hpa => scaleTargetMatches(hpa, object));
}

/** The fewest pods the workload runs: the HPA minimum when autoscaled, else `spec.replicas` (default 1). */
export function minimumReplicas(set: ObjectSet, object: KubernetesObject): number {
  const hpas = hpasTargeting(set, object);
  if (hpas.length > 0) return Math.max(...hpas.map(hpa => asNumber(getPath(hpa, 'spec', 'minReplicas')) ?? 1));
  return asNumber(getPath(object, 'spec', 'replicas')) ?? 1;
}

/** Whether the workload can ever run more than one pod. */
export function mayRunSeveralPods(set: ObjectSet, object: KubernetesObject): boolean {
  const hpas = hpasTargeting(set, object);
  if (hpas.some(hpa => (asNumber(getPath(hpa, 'spec', 'maxReplicas')) ?? 1) > 1)) return true;
  return minimumReplicas(set, object) > 1;
}
