import type { LoadedObject } from '../types';
import { asString, getPath, memoOn, objectsOfKind, recordsOf, type ObjectSet } from '../kube';

/**
 * Every PromQL expression a deployed set hands to Prometheus: each Prometheus metric of an
 * AnalysisTemplate or ClusterAnalysisTemplate (`provider.prometheus.query`), and each rule of
 * a PrometheusRule (`expr`), with the field path problems point at.
 */
export interface PrometheusQuery {
  loaded: LoadedObject;
  /** e.g. `spec.metrics[0].provider.prometheus.query` or `spec.groups[0].rules[2].expr`. */
  field: string;
  /** The same field as a path, for pointing at the file and line it is written in. */
  path: Array<string | number>;
  /** What the expression is, for messages: `metric "success-rate"`, `alert HighLatency`. */
  label: string;
  /** The expression as Prometheus receives it (AnalysisTemplate args replaced, see below). */
  query: string;
  /** The text as written, before args were replaced. */
  written: string;
  kind: 'analysis' | 'alert' | 'record';
  /** For analysis metrics: the metric record (conditions, limits). */
  metric?: Record<string, unknown>;
  /** For rules: the rule record. */
  rule?: Record<string, unknown>;
}

/** `{{args.name}}` and `{{ args.name }}`, as Argo Rollouts substitutes them before querying. */
const ARG = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Replaces each `{{args.x}}` with the template's default `value` for x when it has one, and
 * otherwise with a placeholder that is valid wherever a label value or a name can stand (the
 * Rollout supplies the real value at run time; checks look at names and labels, not values).
 */
export function substituteArgs(query: string, template: LoadedObject): string {
  const defaults = new Map<string, string>();
  for (const { record } of recordsOf(getPath(template.object, 'spec', 'args'))) {
    const name = asString(record.name);
    const value = asString(record.value);
    if (name && value !== undefined) defaults.set(name, value);
  }
  return query.replace(ARG, (_, name: string) => defaults.get(name) ?? `arg_${name.replace(/[^A-Za-z0-9_]/g, '_')}`);
}

/** Per set: half a dozen checks read the queries of the same set (objectSets keeps a model's sets). */
export const prometheusQueries: (set: ObjectSet) => readonly PrometheusQuery[] = memoOn('slipway.prometheusQueries', set => Object.freeze(collectQueries(set)));

function collectQueries(set: ObjectSet): PrometheusQuery[] {
  const out: PrometheusQuery[] = [];
  for (const template of objectsOfKind(set, 'AnalysisTemplate', 'ClusterAnalysisTemplate')) {
    for (const { record: metric, index } of recordsOf(getPath(template.object, 'spec', 'metrics'))) {
      const written = asString(getPath(metric, 'provider', 'prometheus', 'query'));
      if (written === undefined) continue;
      out.push({
        loaded: template,
        field: `spec.metrics[${index}].provider.prometheus.query`,
        path: ['spec', 'metrics', index, 'provider', 'prometheus', 'query'],
        label: `metric "${asString(metric.name) ?? `#${index}`}"`,
        query: substituteArgs(written, template),
        written,
        kind: 'analysis',
        metric,
      });
    }
  }
  for (const rules of objectsOfKind(set, 'PrometheusRule')) {
    for (const { record: group, index: groupIndex } of recordsOf(getPath(rules.object, 'spec', 'groups'))) {
      for (const { record: rule, index } of recordsOf(group.rules)) {
        const written = asString(rule.expr) ?? (typeof rule.expr === 'number' ? String(rule.expr) : undefined);
        if (written === undefined) continue;
        const alert = asString(rule.alert);
        const record = asString(rule.record);
        out.push({
          loaded: rules,
          field: `spec.groups[${groupIndex}].rules[${index}].expr`,
          path: ['spec', 'groups', groupIndex, 'rules', index, 'expr'],
          label: alert ? `alert ${alert}` : `recording rule ${record ?? `#${index}`}`,
          query: written,
          written,
          kind: alert ? 'alert' : 'record',
          rule,
        });
      }
    }
  }
  return out;
}
