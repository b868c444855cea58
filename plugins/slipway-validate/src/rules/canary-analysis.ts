import { defineRules } from './types';

const ANALYSIS = 'https://argo-rollouts.readthedocs.io/en/stable/features/analysis/';

/** A canary is judged on what users feel, and a bad canary can actually abort. */
export const canaryAnalysisRules = defineRules([
  {
    id: 'canary-analysis-required',
    check: 'policy',
    summary: 'Every canary Rollout runs analysis (background analysis or analysis steps) that can abort it: without it a broken release is promoted on a timer.',
    remediation: 'Add spec.strategy.canary.analysis with an AnalysisTemplate measuring error rate and latency, or analysis steps.',
    source: ANALYSIS,
  },
  {
    id: 'canary-analysis-error-rate',
    check: 'policy',
    summary: 'A canary\'s analysis queries Prometheus for the error or success rate: otherwise a canary failing requests would be promoted.',
    remediation: 'Add a metric over the request counter split by status (e.g. 5xx / all requests) with a failure condition.',
    source: ANALYSIS,
  },
  {
    id: 'canary-analysis-latency',
    check: 'policy',
    summary: 'A canary\'s analysis queries Prometheus for latency: otherwise a slow canary would be promoted.',
    remediation: 'Add a metric such as histogram_quantile(0.95, … _bucket …) with a failure condition.',
    source: ANALYSIS,
  },
  {
    id: 'analysis-resource-only',
    check: 'policy',
    summary: 'An AnalysisTemplate does not measure CPU or memory alone: a canary failing every request at low CPU would pass.',
    remediation: 'Measure error rate and latency from the service\'s request metrics; keep resource metrics only as extra signals.',
    source: ANALYSIS,
  },
  {
    id: 'analysis-metric-condition',
    check: 'policy',
    summary: 'Every analysis metric has a successCondition or failureCondition: without one it can never fail the canary.',
    remediation: 'Give the metric a successCondition (and, ideally, a failureCondition) over its result.',
    source: ANALYSIS,
  },
  {
    id: 'analysis-metric-failure-limit',
    check: 'policy',
    summary: 'Every analysis metric states its failureLimit: how many failed measurements abort the rollout must be a decision, not a default.',
    remediation: 'Set failureLimit on each metric (0 aborts on the first failed measurement).',
    source: ANALYSIS,
  },
  {
    id: 'analysis-dry-run',
    check: 'policy',
    summary: 'No analysis runs metrics in dry-run: their failures are recorded but never abort the rollout.',
    remediation: 'Remove the dryRun entries once the metric is trusted.',
    source: `${ANALYSIS}#dry-run-mode`,
  },
  {
    id: 'rollout-abort-scale-down',
    check: 'policy',
    summary: 'A traffic-routed canary does not set abortScaleDownDelaySeconds: 0, which keeps an aborted canary\'s pods running forever.',
    remediation: 'Leave abortScaleDownDelaySeconds unset (30s) or give a positive delay.',
    source: 'https://argo-rollouts.readthedocs.io/en/stable/features/canary/#abortscaledowndelayseconds',
  },
]);
