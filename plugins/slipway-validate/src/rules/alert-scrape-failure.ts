import { exportedSeries } from '@slipway/common';
import { parsePromQL } from '../promql';
import type { ValidationProblem } from '../types';
import { objectProblem, objectSets } from '../kube';
import { alertRules } from './alert-rules';
import { metricsContractOf } from './prometheus-series';
import { defineCheck } from './types';

/**
 * Something fires when scraping breaks. Alerts over the service's own series (error rate,
 * latency) go silent exactly when Prometheus stops getting them (a NetworkPolicy, a renamed
 * port, a ServiceMonitor nobody selects), and the canary analysis then sees no data. A set whose
 * alerts read the service's series needs an alert on `up == 0` for its targets and one on
 * absent(…) for when there is no target at all.
 */

const ID = 'alert-scrape-failure';

export const alertScrapeFailure = defineCheck({
  id: ID,
  check: 'policy',
  summary: 'Where alerts read the service\'s own metrics, one alert fires on failed scrapes (up == 0) and one when the target is gone (absent(...)): otherwise a broken scrape silences every other alert.',
  remediation: 'Add alerts such as `up{namespace="…", service="…"} == 0` (for: 5m) and `absent(up{namespace="…", service="…"})` (for: 10m).',
  source: 'https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series; https://prometheus.io/docs/prometheus/latest/querying/functions/#absent',
  run(model) {
    const out: ValidationProblem[] = [];
    const serviceSeries = new Set(exportedSeries(metricsContractOf(model).contract).keys());
    for (const set of objectSets(model)) {
      const rules = alertRules(set).map(rule => ({ rule, parsed: parsePromQL(rule.expr) })).filter(({ parsed }) => parsed.errors.length === 0);
      const readsService = rules.find(({ parsed }) => parsed.selectors.some(selector => selector.metric && serviceSeries.has(selector.metric)));
      if (!readsService) continue;
      const hasDown = rules.some(({ parsed }) => parsed.selectors.some(selector => selector.metric === 'up') && !/absent\s*\(/.test(parsed.query));
      const hasAbsent = rules.some(({ parsed }) => /absent(_over_time)?\s*\(/.test(parsed.query));
      const missing = [hasDown ? '' : 'failed scrapes (up == 0)', hasAbsent ? '' : 'a missing target (absent(...))'].filter(Boolean);
      if (missing.length === 0) continue;
      const { rule } = readsService;
      out.push(objectProblem('policy', ID, rule.loaded, 'spec.groups',
        `alerts such as ${rule.alert} read the service's own series, but no alert fires on ${missing.join(' or on ')}: when scraping breaks, every alert goes silent and the canary analysis sees no data`));
    }
    return out;
  },
});
