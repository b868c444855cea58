import { measurementPhase, type ExprValue } from '../argoExpr';
import { parsePromQL } from '../promql';
import type { ValidationProblem } from '../types';
import { asString, objectProblem, objectSets } from '../kube';
import { prometheusQueries } from './prometheus-queries';
import { atSource } from './source-location';
import { defineCheck } from './types';

/**
 * No data never passes a canary. Argo Rollouts evaluates successCondition and failureCondition
 * with expr against `result`, which for a Prometheus vector is the []float64 of its samples
 * (metricproviders/prometheus processResponse): `[]` when nothing matched (the canary got no
 * traffic, or is not scraped) and `[NaN]` for 0/0 (traffic stopped). The docs' own example
 * `len(result) == 0 || result[0] >= 0.95` makes an empty result Successful ("Handling Metric
 * Results → Empty array"), so an unscraped canary sails through.
 *
 * This evaluates each condition (a small evaluator of expr's subset, argoExpr.ts, type-checking
 * like expr's compiler) on `[]` and `[NaN]` (a scalar query: `NaN`) and derives the measurement's
 * phase as utils/evaluate EvaluateResult does. It also flags a metric whose successCondition is
 * its only gate: without a failureCondition every non-success is a failure, so there is no
 * Inconclusive path for "no data yet" and a scrape gap aborts a healthy canary.
 */

const ID = 'analysis-no-data-success';

const NO_DATA: Array<{ vector: ExprValue; scalar: ExprValue; what: string }> = [
  { vector: [], scalar: null, what: 'an empty result (nothing scraped, or no traffic)' },
  { vector: [Number.NaN], scalar: Number.NaN, what: 'NaN (0/0: the canary\'s traffic stopped)' },
];

export const analysisNoDataSuccess = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'No Prometheus analysis metric counts an empty or NaN result as a success, and each has a failureCondition, so no data is Inconclusive (the rollout pauses) rather than a pass or a silent failure.',
  remediation: 'Make both conditions need data, e.g. successCondition: len(result) > 0 && result[0] >= 0.99 and failureCondition: len(result) > 0 && result[0] < 0.99; guard the query with a minimum request count (… and sum(increase(requests[2m])) >= 100) and set inconclusiveLimit.',
  source: 'argoproj/argo-rollouts docs/features/analysis.md (Handling Metric Results, Inconclusive Runs), utils/evaluate/evaluate.go, metricproviders/prometheus/prometheus.go',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const query of prometheusQueries(set)) {
        if (query.kind !== 'analysis' || !query.metric) continue;
        const metric = query.metric;
        const successCondition = asString(metric.successCondition);
        const failureCondition = asString(metric.failureCondition);
        if (!successCondition && !failureCondition) continue; // analysis-metric-condition reports it
        const metricPath = query.field.replace(/\.provider\.prometheus\.query$/, '');
        const at = (key: string, problem: ValidationProblem) => atSource(model, query.loaded, [...query.path.slice(0, 3), key], problem);
        const scalar = parsePromQL(query.query).resultType === 'scalar';
        for (const noData of NO_DATA) {
          const result = scalar ? noData.scalar : noData.vector;
          if (result === null) continue; // a scalar query always has a value
          const { phase } = measurementPhase({ successCondition, failureCondition }, result);
          if (phase !== 'Successful') continue;
          const key = successCondition ? 'successCondition' : 'failureCondition';
          out.push(at(key, objectProblem('policy', ID, query.loaded, `${metricPath}.${key}`,
            `${query.label}: on ${noData.what}, result = ${JSON.stringify(result === null ? null : result).replace(/null/g, 'NaN')}, ` +
              `Argo Rollouts judges the measurement Successful, so a canary nobody sends traffic to, or Prometheus cannot scrape, is promoted; ` +
              'require data in the conditions (len(result) > 0 && …) so no data is Inconclusive')));
          break;
        }
        if (successCondition && !failureCondition) {
          out.push(at('successCondition', objectProblem('policy', ID, query.loaded, `${metricPath}.failureCondition`,
            `${query.label}: successCondition is the only gate, so Argo Rollouts fails every measurement that is not a success: no data (a scrape gap, a canary before its first requests) ` +
              'counts as a failure or an Error, never as Inconclusive; add a failureCondition that needs data, e.g. len(result) > 0 && result[0] < threshold')));
        }
      }
    }
    return out;
  },
});
