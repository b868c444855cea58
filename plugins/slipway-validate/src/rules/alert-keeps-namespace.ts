import { parsePromQL } from '../promql';
import type { ValidationProblem } from '../types';
import { objectProblem, objectSets } from '../kube';
import { alertRules } from './alert-rules';
import { atSource } from './source-location';
import { defineCheck } from './types';

/**
 * Every alert says which namespace (so which environment and team) it is about. An aggregation
 * without `by (namespace)` — `sum(rate(x[5m]))` — drops every label, so Alertmanager cannot route
 * the alert and the person paged cannot tell staging from production. Derived from the
 * expression with PromQL's label rules (aggregations keep only their `by` labels, binary
 * operators the left side's, `on(...)` only the listed ones, absent() its equality matchers).
 */

const ID = 'alert-keeps-namespace';

export const alertKeepsNamespace = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Every alert\'s expression keeps the namespace label (or the rule sets it): an aggregation that drops it leaves Alertmanager nothing to route staging and production apart by.',
  remediation: 'Aggregate with `by (namespace)` (e.g. sum by (namespace) (rate(…[5m]))), match with on(namespace, …), or set labels.namespace on the rule.',
  source: 'https://prometheus.io/docs/prometheus/latest/querying/operators/#aggregation-operators; https://prometheus.io/docs/alerting/latest/configuration/#route',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const rule of alertRules(set)) {
        const parsed = parsePromQL(rule.expr);
        if (parsed.errors.length > 0 || 'namespace' in rule.labels) continue;
        if (!parsed.keepsLabel('namespace')) {
          out.push(atSource(model, rule.loaded, rule.segments, objectProblem('policy', ID, rule.loaded, `${rule.path}.expr`,
            `alert ${rule.alert}: its result carries no namespace label (an aggregation or match drops it), so Alertmanager cannot route it by namespace or environment; aggregate by (namespace)`)));
        }
      }
    }
    return out;
  },
});
