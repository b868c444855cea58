import type { KubernetesObject, LoadedObject } from '../types';
import { asRecord, asString, getPath, recordsOf, type JsonRecord } from './json';
import { nameOf, objectsOfKind, sameNamespace, type ObjectSet } from './objectSets';

/** Where a Rollout names AnalysisTemplates: background analysis and analysis steps. */
export interface AnalysisBlock {
  /** e.g. `spec.strategy.canary.analysis` or `spec.strategy.canary.steps[2].analysis`. */
  path: string;
  block: JsonRecord;
  templates: Array<{ templateName: string; clusterScope: boolean; path: string }>;
  /** Arg names the block supplies. */
  argNames: string[];
}

export function canaryStrategy(rollout: KubernetesObject): JsonRecord | undefined {
  return asRecord(getPath(rollout, 'spec', 'strategy', 'canary'));
}

export function analysisBlocks(rollout: KubernetesObject): AnalysisBlock[] {
  const canary = canaryStrategy(rollout);
  if (!canary) return [];
  const found: Array<{ path: string; block: JsonRecord }> = [];
  const background = asRecord(canary.analysis);
  if (background) found.push({ path: 'spec.strategy.canary.analysis', block: background });
  for (const { record: step, index } of recordsOf(canary.steps)) {
    const analysis = asRecord(step.analysis);
    if (analysis) found.push({ path: `spec.strategy.canary.steps[${index}].analysis`, block: analysis });
  }
  return found.map(({ path, block }) => ({
    path,
    block,
    templates: recordsOf(block.templates)
      .map(({ record, index }) => ({
        templateName: asString(record.templateName) ?? '',
        clusterScope: record.clusterScope === true,
        path: `${path}.templates[${index}]`,
      }))
      .filter(ref => ref.templateName !== ''),
    argNames: recordsOf(block.args).map(({ record }) => asString(record.name) ?? '').filter(Boolean),
  }));
}

/** The AnalysisTemplate (or ClusterAnalysisTemplate with clusterScope) a reference names. */
export function resolveAnalysisTemplate(
  set: ObjectSet,
  rollout: KubernetesObject,
  ref: { templateName: string; clusterScope: boolean },
): LoadedObject | undefined {
  if (ref.clusterScope) {
    return objectsOfKind(set, 'ClusterAnalysisTemplate').find(loaded => nameOf(loaded.object) === ref.templateName);
  }
  return objectsOfKind(set, 'AnalysisTemplate').find(
    loaded => nameOf(loaded.object) === ref.templateName && sameNamespace(loaded.object, rollout),
  );
}

/** HTTPRoute names in the Gateway API traffic-router plugin config (`httpRoute` or `httpRoutes[]`). */
export function gatewayApiRoutes(rollout: KubernetesObject): Array<{ name: string; path: string }> {
  const base = 'spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]';
  const config = asRecord(getPath(rollout, 'spec', 'strategy', 'canary', 'trafficRouting', 'plugins', 'argoproj-labs/gatewayAPI'));
  if (!config) return [];
  const out: Array<{ name: string; path: string }> = [];
  const single = asString(config.httpRoute);
  if (single) out.push({ name: single, path: `${base}.httpRoute` });
  for (const { record, index } of recordsOf(config.httpRoutes)) {
    const name = asString(record.name);
    if (name) out.push({ name, path: `${base}.httpRoutes[${index}].name` });
  }
  return out;
}
