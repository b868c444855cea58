import type { LoadedObject, ModelCheck, ValidationProblem } from '../types';
import {
  analysisBlocks,
  asNumber,
  asString,
  canaryStrategy,
  getPath,
  objectSets,
  objectsOfKind,
  problemsFor,
  recordsOf,
  resolveAnalysisTemplate,
  type JsonRecord,
  type ObjectSet,
} from '../kube';

/**
 * A canary must be judged on what users feel. Seeds 000 and 001 gated their canaries on
 * CPU: a release that answers 500 to everyone at low CPU sails through. Every canary
 * Rollout needs analysis measuring error/success rate AND latency in Prometheus, and
 * each metric needs a condition and a failure limit so a bad canary actually aborts.
 */

const problem = problemsFor('policy');

const ERROR_RATE = /(status(_code)?|code)\s*(=~|!~|!=|=)\s*["'`][^"'`]*[45]|[45]xx|\berrors?\b|error_|success|fail/i;
const LATENCY = /latency|duration|histogram_quantile|_bucket|response_time|\bp9\d\b/i;
const RESOURCE = /cpu|memory|container_memory|process_resident/i;

export type MetricSignal = 'errors' | 'latency' | 'resource' | 'other';

/** What a Prometheus query measures, by the series and labels it names. */
export function classifyQuery(query: string): MetricSignal[] {
  const signals: MetricSignal[] = [];
  if (ERROR_RATE.test(query)) signals.push('errors');
  if (LATENCY.test(query)) signals.push('latency');
  if (signals.length === 0) signals.push(RESOURCE.test(query) ? 'resource' : 'other');
  return signals;
}

function prometheusQuery(metric: JsonRecord): string | undefined {
  return asString(getPath(metric, 'provider', 'prometheus', 'query'));
}

function metricsOf(template: LoadedObject): Array<{ record: JsonRecord; index: number }> {
  return recordsOf(getPath(template.object, 'spec', 'metrics'));
}

/** Names listed under `dryRun` (`*` means all): those metrics never fail the analysis. */
function dryRunNames(block: unknown): string[] {
  return recordsOf(getPath(block, 'dryRun')).map(({ record }) => asString(record.metricName) ?? '').filter(Boolean);
}

function checkTemplate(template: LoadedObject): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const metrics = metricsOf(template);
  const queries = metrics.map(({ record }) => prometheusQuery(record)).filter((query): query is string => !!query);
  if (queries.length > 0 && queries.every(query => classifyQuery(query).every(signal => signal === 'resource'))) {
    out.push(problem('analysis-resource-only', template, 'spec.metrics',
      'only measures CPU/memory: a canary that fails every request at low CPU would pass; measure error rate and latency'));
  }
  for (const { record: metric, index } of metrics) {
    const name = asString(metric.name) ?? `#${index}`;
    if (metric.successCondition === undefined && metric.failureCondition === undefined) {
      out.push(problem('analysis-metric-condition', template, `spec.metrics[${index}]`,
        `metric "${name}" has neither successCondition nor failureCondition: it can never fail the canary`));
    }
    if (asNumber(metric.failureLimit) === undefined) {
      out.push(problem('analysis-metric-failure-limit', template, `spec.metrics[${index}].failureLimit`,
        `metric "${name}" sets no failureLimit: state how many failed measurements abort the rollout`));
    }
  }
  if (dryRunNames(template.object.spec).length > 0) {
    out.push(problem('analysis-dry-run', template, 'spec.dryRun',
      'lists metrics in dry-run: their failures are recorded but never abort the rollout'));
  }
  return out;
}

function checkRollout(set: ObjectSet, rollout: LoadedObject): ValidationProblem[] {
  const canary = canaryStrategy(rollout.object);
  if (!canary) return [];
  const out: ValidationProblem[] = [];
  const blocks = analysisBlocks(rollout.object);
  if (blocks.every(block => block.templates.length === 0)) {
    return [problem('canary-analysis-required', rollout, 'spec.strategy.canary.analysis',
      'is missing: a canary needs background analysis or analysis steps that can abort it')];
  }
  const signals = new Set<MetricSignal>();
  let resolved = 0;
  for (const block of blocks) {
    if (dryRunNames(block.block).length > 0) {
      out.push(problem('analysis-dry-run', rollout, `${block.path}.dryRun`,
        'lists metrics in dry-run: their failures are recorded but never abort the rollout'));
    }
    for (const ref of block.templates) {
      const template = resolveAnalysisTemplate(set, rollout.object, ref);
      // A missing template is the reference checks' to report.
      if (!template) continue;
      resolved++;
      for (const { record } of metricsOf(template)) {
        const query = prometheusQuery(record);
        if (query) classifyQuery(query).forEach(signal => signals.add(signal));
      }
    }
  }
  if (resolved > 0 && !signals.has('errors')) {
    out.push(problem('canary-analysis-error-rate', rollout, 'spec.strategy.canary.analysis',
      'no analysis metric queries Prometheus for the error or success rate: a canary failing requests would be promoted'));
  }
  if (resolved > 0 && !signals.has('latency')) {
    out.push(problem('canary-analysis-latency', rollout, 'spec.strategy.canary.analysis',
      'no analysis metric queries Prometheus for latency (e.g. histogram_quantile over _bucket): a slow canary would be promoted'));
  }
  // 0 keeps an aborted canary's pods running forever (Argo Rollouts ≥1.1, traffic-routed canary).
  if (asNumber(canary.abortScaleDownDelaySeconds) === 0) {
    out.push(problem('rollout-abort-scale-down', rollout, 'spec.strategy.canary.abortScaleDownDelaySeconds',
      'is 0, which never scales down an aborted canary: leave it unset (30s) or give a delay'));
  }
  return out;
}

function checkSet(set: ObjectSet): ValidationProblem[] {
  return [
    ...objectsOfKind(set, 'Rollout').flatMap(rollout => checkRollout(set, rollout)),
    ...objectsOfKind(set, 'AnalysisTemplate', 'ClusterAnalysisTemplate').flatMap(checkTemplate),
  ];
}

export const checkCanaryAnalysis: ModelCheck = model => objectSets(model).flatMap(checkSet);
