import { parser } from '@prometheus-io/lezer-promql';
import { parsePromQL, promqlTree } from '../promql';
import type { ValidationProblem } from '../types';
import { objectProblem, objectSets } from '../kube';
import { prometheusQueries } from './prometheus-queries';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * A handful of events proves nothing. Argo Rollouts judges each measurement on whatever the
 * query returns (metricproviders/prometheus: the vector's values as `result`); a ratio over the
 * one message (or request) the canary handled in the window is 0 or 1, so a canary that
 * processed almost nothing is promoted on a clean ratio, or aborted on one failure. The
 * generated analysis returns nothing until the canary's own pods have handled a minimum in the
 * window (`… and sum(increase(<events>[2m])) >= N`), which the conditions (len(result) > 0)
 * then judge Inconclusive: "If neither condition is met, the measurement is Inconclusive"
 * (docs/features/analysis.md, Inconclusive Runs). This checks that every Prometheus analysis
 * metric has such a guard, with N above 1.
 */

const ID = 'analysis-minimum-sample';

type Node = NonNullable<ReturnType<typeof parser.parse>['topNode']['firstChild']>;

const COMPARISON = new Set(['Gte', 'Gtr']);

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** `(x)` → `x`. */
function unwrap(node: Node): Node {
  let current = node;
  while (current.name === 'ParenExpr') {
    const inner = children(current).find(child => child.name !== '(' && child.name !== ')');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** The threshold of `<events> >= N` (N) or `<events> > N` (N + 1, as a whole count), when `node` is one. */
function guardMinimum(node: Node, query: string): number | undefined {
  const parts = children(unwrap(node));
  if (unwrap(node).name !== 'BinaryExpr' || parts.length < 3) return undefined;
  const operator = parts.find(part => COMPARISON.has(part.name));
  const right = parts[parts.length - 1];
  if (!operator || !right || right.name !== 'NumberDurationLiteral') return undefined;
  const value = Number(query.slice(right.from, right.to));
  if (!Number.isFinite(value)) return undefined;
  return operator.name === 'Gtr' ? Math.floor(value) + 1 : value;
}

/** The largest minimum guarding the query's result: the right-hand sides of its top-level `and`s. */
export function sampleMinimum(query: string): number | undefined {
  // The tree parsePromQL read (shared by queries of one shape): parsing again cost as much as the first parse.
  const tree = promqlTree(query);
  let node: Node | null = tree.topNode.firstChild;
  let best: number | undefined;
  while (node) {
    const expression = unwrap(node);
    const parts = children(expression);
    if (expression.name !== 'BinaryExpr' || !parts.some(part => part.name === 'And')) break;
    const minimum = guardMinimum(parts[parts.length - 1], query);
    if (minimum !== undefined) best = Math.max(best ?? minimum, minimum);
    node = parts[0];
  }
  return best;
}

export const analysisMinimumSample = defineCheck({
  id: ID,
  check: 'policy',
  summary:
    'Every Prometheus analysis metric returns nothing until the canary has handled a minimum of events (… and sum(increase(<events>[2m])) >= N, N > 1): a ratio over one or two requests or messages decides a canary on chance, and one that processed almost nothing is promoted.',
  remediation:
    'Append `and <count of the canary\'s events in the window> >= N` to the query, e.g. `… and sum(increase(http_requests_total{…}[2m])) >= 100` (a worker: processed + failed attempts), with N at least 1 / (the tolerated error ratio); the conditions then judge too few events Inconclusive.',
  source:
    'argoproj/argo-rollouts docs/features/analysis.md (Failure Conditions and Failure Limit; Inconclusive Runs: "If neither condition is met, the measurement is Inconclusive"), metricproviders/prometheus/prometheus.go',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const query of prometheusQueries(set)) {
        if (query.kind !== 'analysis' || !query.metric) continue;
        const parsed = parsePromQL(query.query);
        if (parsed.errors.length > 0 || parsed.resultType !== 'vector') continue; // promql-syntax; a scalar has no sample
        const minimum = sampleMinimum(query.query);
        if (minimum !== undefined && minimum > 1) continue;
        out.push(atSource(model, query.loaded, query.path, objectProblem('policy', ID, query.loaded, query.field,
          minimum === undefined
            ? `${query.label}: the query has no minimum sample (… and <events in the window> >= N), so a measurement over the one or two events a new canary handled decides it: ` +
                'a canary that processed almost nothing passes on a clean ratio'
            : `${query.label}: the query's minimum sample is ${minimum} event${minimum === 1 ? '' : 's'}, so one event decides a measurement; require more (N > 1, at least 1 / the tolerated error ratio)`)));
      }
    }
    return out;
  },
});
