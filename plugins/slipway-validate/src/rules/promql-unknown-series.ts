import { METRICS_CONTRACT_FILE } from '@slipway/common';
import { parsePromQL, type PromQLMatcher, type PromQLSelector } from '../promql';
import type { ValidationProblem } from '../types';
import { fileProblem, objectProblem, objectSets } from '../kube';
import { prometheusQueries, type PrometheusQuery } from './prometheus-queries';
import { closest, metricsContractOf, seriesCatalog, type LabelSet, type SeriesCatalog } from './prometheus-series';
import { atSource } from './source-location';
import { defineCheck } from './types';

/**
 * Every series a query selects exists, with the labels its matchers and groupings name. A
 * selector of a series nobody exports (`http_request_total` for `http_requests_total`) is
 * empty: the canary analysis then gets no data and the alerts never fire, while Prometheus
 * reports no error at all. A matcher on a label the series does not carry matches nothing
 * (`label="x"`) or filters nothing (`label!~"5.."`, so a 5xx filter lets every request through).
 */

const ID = 'promql-unknown-series';

function list(labels: LabelSet): string {
  return labels === 'any' ? 'any label' : [...labels].sort().join(', ');
}

/** A matcher that an absent label never satisfies (`l="x"`, `l=~"x+"`), so a wrong name empties the selector. */
function needsLabel(matcher: PromQLMatcher): boolean {
  if (matcher.op === '=') return matcher.value !== '';
  if (matcher.op === '!=') return matcher.value === '';
  if (matcher.op === '=~') {
    try {
      return !new RegExp(`^(?:${matcher.value})$`).test('');
    } catch {
      return true;
    }
  }
  return false;
}

function labelsOf(catalog: SeriesCatalog, metric: string): { labels: LabelSet; source: string } | undefined {
  const known = catalog.series.get(metric);
  if (known) return known;
  const prefix = catalog.prefixes.find(candidate => metric.startsWith(candidate.prefix));
  return prefix && { labels: 'any', source: prefix.source };
}

function selectorProblems(query: PrometheusQuery, selector: PromQLSelector, catalog: SeriesCatalog): string[] {
  if (!selector.metric) return [];
  const known = labelsOf(catalog, selector.metric);
  if (!known) {
    const suggestion = closest(selector.metric, catalog.series.keys());
    return [
      `${query.label} selects ${selector.metric}, which nothing exports (${catalog.contractSource} declares ` +
        `${[...catalog.series.keys()].filter(name => catalog.series.get(name)?.source === catalog.contractSource).join(', ')}), ` +
        `so the selector is always empty and ${query.kind === 'analysis' ? 'the canary analysis has no data' : 'the rule never sees data'}` +
        (suggestion ? `: did you mean ${suggestion}?` : ''),
    ];
  }
  if (known.labels === 'any') return [];
  const out: string[] = [];
  for (const matcher of selector.matchers) {
    if (matcher.label === '__name__' || known.labels.has(matcher.label)) continue;
    const suggestion = closest(matcher.label, known.labels);
    const effect = needsLabel(matcher) ? 'matches no series' : 'filters nothing out';
    out.push(
      `${query.label} matches ${selector.metric}{${matcher.label}${matcher.op}…}, but ${selector.metric} has no label ${matcher.label}, ` +
        `so the matcher ${effect} (${selector.metric} carries ${list(known.labels)}: from ${known.source}, and target labels from ${catalog.targetSource})` +
        (suggestion ? `: did you mean ${suggestion}?` : ''),
    );
  }
  return out;
}

/** `by`/`on`/`group_left` labels that none of the aggregated series carries are always empty. */
function groupingProblems(query: PrometheusQuery, catalog: SeriesCatalog): string[] {
  const out: string[] = [];
  for (const grouping of parsePromQL(query.query).groupings) {
    if (grouping.clause === 'without' || grouping.clause === 'ignoring') continue;
    const available = new Set<string>(grouping.madeLabels);
    let open = false;
    for (const selector of grouping.selectors) {
      const known = selector.metric ? labelsOf(catalog, selector.metric) : undefined;
      if (!known || known.labels === 'any') {
        open = true;
        break;
      }
      known.labels.forEach(label => available.add(label));
    }
    if (open) continue;
    for (const label of grouping.labels.filter(name => !available.has(name))) {
      const suggestion = closest(label, available);
      out.push(
        `${query.label} uses ${grouping.clause} (${grouping.labels.join(', ')}), but none of the series it combines carries ${label} ` +
          `(they carry ${[...available].sort().join(', ')}), so every result has an empty ${label}` + (suggestion ? `: did you mean ${suggestion}?` : ''),
      );
    }
  }
  return out;
}

export const promqlUnknownSeries = defineCheck({
  id: ID,
  check: 'reference',
  summary: 'Every metric and label a PromQL query selects is one the service exports (its metrics contract) or Prometheus adds (the ServiceMonitor\'s target labels): a misspelt name gives an empty result, so the canary gate never fails and alerts never fire.',
  remediation: `Use the names in ${METRICS_CONTRACT_FILE} and the labels the ServiceMonitor adds (namespace, service, pod, container, endpoint, job, instance, its podTargetLabels/targetLabels); rename in the contract, the service code and deploy/ together.`,
  source: 'prometheus-operator/prometheus-operator pkg/prometheus/promcfg.go (generateServiceMonitorConfig relabelings, sanitizeLabelName); https://prometheus.io/docs/concepts/jobs_instances/',
  run(model) {
    const out: ValidationProblem[] = [];
    const contract = metricsContractOf(model);
    if (contract.error) {
      out.push(fileProblem('reference', ID, METRICS_CONTRACT_FILE, '', `${contract.error}; queries were checked against Slipway's golden-path metrics instead`));
    }
    for (const set of objectSets(model)) {
      const catalog = seriesCatalog(set, contract);
      for (const query of prometheusQueries(set)) {
        const parsed = parsePromQL(query.query);
        // A query that does not parse is promql-syntax's to report.
        if (parsed.errors.length > 0) continue;
        const texts = [...parsed.selectors.flatMap(selector => selectorProblems(query, selector, catalog)), ...groupingProblems(query, catalog)];
        for (const text of new Set(texts)) out.push(atSource(model, query.loaded, query.path, objectProblem('reference', ID, query.loaded, query.field, text)));
      }
    }
    return out;
  },
});
