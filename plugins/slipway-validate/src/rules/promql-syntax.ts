import { parsePromQL } from '../promql';
import type { ValidationProblem } from '../types';
import { objectProblem, objectSets } from '../kube';
import { prometheusQueries } from './prometheus-queries';
import { atSource } from './source-location';
import { defineCheck } from './types';

/**
 * Every query an AnalysisTemplate sends and every PrometheusRule expression parses as PromQL.
 * Prometheus refuses the expression (the AnalysisRun's measurements Error, the operator's
 * rule reload fails for the whole PrometheusRule), so a typo turns the canary gate or the
 * alerts off. Parsed with `@prometheus-io/lezer-promql`, Prometheus's own grammar.
 */

const ID = 'promql-syntax';

export const promqlSyntax = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Every AnalysisTemplate query and PrometheusRule expression is valid PromQL (Prometheus\'s grammar): Prometheus refuses an invalid one, so the canary gate errors and the alerts never load.',
  remediation: 'Fix the expression at the line and column given; `promtool check rules` and the Prometheus UI show the same error.',
  source: 'prometheus/prometheus web/ui/module/lezer-promql (npm @prometheus-io/lezer-promql); https://prometheus.io/docs/prometheus/latest/querying/basics/',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const query of prometheusQueries(set)) {
        const { errors } = parsePromQL(query.query);
        if (errors.length === 0) continue;
        const [first] = errors;
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
        const problem = objectProblem('policy', ID, query.loaded, query.field,
          `${query.label}: PromQL syntax error at line ${first.line}, column ${first.column}: ${first.message}${more}`);
        out.push(atSource(model, query.loaded, query.path, problem));
      }
    }
    return out;
  },
});
