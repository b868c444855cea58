import { asRecord, asString, getPath, objectsOfKind, recordsOf, type ObjectSet } from '../kube';
import type { LoadedObject } from '../types';

/** One alerting rule of a PrometheusRule, with its field path. */
export interface AlertRule {
  loaded: LoadedObject;
  /** e.g. `spec.groups[0].rules[2]`. */
  path: string;
  /** The rule's location as a path (for atSource). */
  segments: Array<string | number>;
  alert: string;
  expr: string;
  labels: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

export function alertRules(set: ObjectSet): AlertRule[] {
  const out: AlertRule[] = [];
  for (const loaded of objectsOfKind(set, 'PrometheusRule')) {
    for (const { record: group, index: groupIndex } of recordsOf(getPath(loaded.object, 'spec', 'groups'))) {
      for (const { record: rule, index } of recordsOf(group.rules)) {
        const alert = asString(rule.alert);
        const expr = asString(rule.expr);
        if (!alert || expr === undefined) continue;
        out.push({
          loaded,
          path: `spec.groups[${groupIndex}].rules[${index}]`,
          segments: ['spec', 'groups', groupIndex, 'rules', index],
          alert,
          expr,
          labels: asRecord(rule.labels) ?? {},
          annotations: asRecord(rule.annotations) ?? {},
        });
      }
    }
  }
  return out;
}
