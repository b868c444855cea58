/**
 * Argo Rollouts `AnalysisRun` → verdict and per-metric latest value against its threshold.
 *
 * Shapes: `spec.metrics[]` is copied from the AnalysisTemplate (name, successCondition,
 * failureCondition, provider); `status.phase` and `status.message`;
 * `status.metricResults[]` = { name, phase, measurements: [{ phase, value, startedAt,
 * finishedAt }], count, successful, failed, ... } (Argo Rollouts AnalysisRun CRD, and
 * argoproj/argo-rollouts pkg/kubectl-argo-rollouts/info/testdata/rollout-aborted/analysisrun.yaml).
 * A Prometheus measurement's value is the query result as Argo formats it: `[0.987]` for
 * a vector, `0.987` for a scalar, `[]` when there is no data.
 */
import { arr, createdAt, get, KubeObject, str, toTime } from './kube';
import { AnalysisStatus, AnalysisVerdict, MetricResult, Tone } from './types';

export type Comparator = '>=' | '<=' | '>' | '<' | '==' | '!=';

export interface Threshold {
  op: Comparator;
  value: number;
}

const NUMBER = '(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)';
const RESULT = '(?<![\\w.(])result(?:\\[\\d+\\])?';
const OP = '(>=|<=|==|!=|>|<)';
const RESULT_FIRST = new RegExp(`${RESULT}\\s*${OP}\\s*${NUMBER}`, 'g');
const NUMBER_FIRST = new RegExp(`${NUMBER}\\s*${OP}\\s*${RESULT}`, 'g');

const MIRROR: Record<Comparator, Comparator> = { '>=': '<=', '<=': '>=', '>': '<', '<': '>', '==': '==', '!=': '!=' };
const NEGATE: Record<Comparator, Comparator> = { '>=': '<', '<=': '>', '>': '<=', '<': '>=', '==': '!=', '!=': '==' };
const SYMBOL: Record<Comparator, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '==': '=', '!=': '≠' };

/**
 * The numeric comparison in an Argo condition expression. Guards such as
 * `len(result) == 0 || isNaN(result[0]) ||` are skipped: `len(result)` is not `result`.
 * `result[0] >= 0.99` → { op: '>=', value: 0.99 }; `0.5 >= result[0]` → { op: '<=', value: 0.5 }.
 */
export function parseCondition(expression: string | undefined): Threshold | undefined {
  if (!expression) return undefined;
  let found: Threshold | undefined;
  for (const match of expression.matchAll(RESULT_FIRST)) {
    found = { op: match[1] as Comparator, value: Number(match[2]) };
  }
  if (found) return found;
  for (const match of expression.matchAll(NUMBER_FIRST)) {
    found = { op: MIRROR[match[2] as Comparator], value: Number(match[1]) };
  }
  return found;
}

/** The passing threshold of a metric: its successCondition, else its failureCondition negated. */
export function metricThreshold(metric: unknown): Threshold | undefined {
  const success = parseCondition(str(get(metric, 'successCondition')));
  if (success) return success;
  const failure = parseCondition(str(get(metric, 'failureCondition')));
  return failure ? { op: NEGATE[failure.op], value: failure.value } : undefined;
}

export type MetricUnit = 'percent' | 'milliseconds' | 'plain';

/**
 * What the metric name says about its unit. `success-rate`, `availability`, `error-rate`
 * are ratios (0–1) shown as percentages; `p95-latency`, `latency`, `duration` are seconds
 * (Prometheus histograms) shown in ms, unless the name says `ms` already.
 */
export function unitOfMetric(name: string): MetricUnit {
  const lower = name.toLowerCase();
  if (/(success|error|availability|ratio|rate|percent)/.test(lower) && !/latency|duration/.test(lower)) {
    return /percent/.test(lower) ? 'plain' : 'percent';
  }
  if (/(^|[-_.])ms($|[-_.])|millis/.test(lower)) return 'plain';
  if (/(latency|duration|p\d{2,3}|response-time|seconds)/.test(lower)) return 'milliseconds';
  return 'plain';
}

function round(value: number, digits: number): string {
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

export function formatValue(value: number, unit: MetricUnit): string {
  if (Number.isNaN(value)) return 'NaN';
  switch (unit) {
    case 'percent':
      return `${round(value * 100, 2)}%`;
    case 'milliseconds':
      return `${round(value * 1000, value * 1000 >= 100 ? 0 : 1)} ms`;
    default:
      return Math.abs(value) >= 1000 ? round(value, 0) : String(Number(value.toPrecision(4)));
  }
}

export function formatThreshold(threshold: Threshold, unit: MetricUnit): string {
  return `${SYMBOL[threshold.op]} ${formatValue(threshold.value, unit)}`;
}

/** The first number of a measurement value: `[0.987]` → 0.987, `0.5` → 0.5, `[]` → undefined, `[NaN]` → NaN. */
export function parseMeasurement(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const first = value.replace(/^\s*\[/, '').replace(/\]\s*$/, '').split(',')[0]?.trim();
  if (!first) return undefined;
  if (/^[-+]?nan$/i.test(first)) return NaN;
  const number = Number(first);
  return first !== '' && Number.isFinite(number) ? number : undefined;
}

function toneOfPhase(phase: string | undefined): Tone {
  switch (phase) {
    case 'Successful':
      return 'ok';
    case 'Failed':
    case 'Error':
      return 'error';
    case 'Inconclusive':
      return 'warning';
    case 'Running':
    case 'Pending':
      return 'progress';
    default:
      return 'neutral';
  }
}

function latestMeasurement(measurements: unknown[]): unknown {
  let latest: unknown;
  let latestTime = -Infinity;
  measurements.forEach((measurement, index) => {
    // Argo appends measurements, so array order breaks ties and covers missing timestamps.
    const time = toTime(get(measurement, 'finishedAt')) ?? toTime(get(measurement, 'startedAt')) ?? index;
    if (time >= latestTime) {
      latest = measurement;
      latestTime = time;
    }
  });
  return latest;
}

export function summariseMetric(metric: unknown, result: unknown): MetricResult {
  const name = str(get(metric, 'name')) ?? str(get(result, 'name')) ?? 'metric';
  const unit = unitOfMetric(name);
  const threshold = metricThreshold(metric);
  const measurement = latestMeasurement(arr(get(result, 'measurements')));
  const rawValue = str(get(measurement, 'value'));
  const number = parseMeasurement(rawValue);
  const phase = str(get(measurement, 'phase')) ?? str(get(result, 'phase'));
  let value: string | undefined;
  if (number !== undefined) value = formatValue(number, unit);
  else if (rawValue !== undefined) value = /^\s*\[\s*\]\s*$/.test(rawValue) ? 'no data' : rawValue;
  return {
    name,
    ...(phase ? { phase } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(rawValue !== undefined ? { rawValue } : {}),
    ...(threshold ? { threshold: formatThreshold(threshold, unit) } : {}),
    tone: toneOfPhase(phase),
  };
}

const VERDICTS: AnalysisVerdict[] = ['Successful', 'Failed', 'Running', 'Inconclusive', 'Error', 'Pending'];

export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';

/** `currentRevision`: the owning Rollout's revision, to flag a run of an earlier one. */
export function summariseAnalysisRun(run: KubeObject, currentRevision?: string): AnalysisStatus {
  const phase = str(get(run.status, 'phase'));
  const verdict: AnalysisVerdict = VERDICTS.find(v => v === phase) ?? 'Pending';
  const results = arr(get(run.status, 'metricResults'));
  const specMetrics = arr(get(run.spec, 'metrics'));
  const names = new Set<string>();
  const metrics: MetricResult[] = [];
  for (const metric of specMetrics) {
    const name = str(get(metric, 'name'));
    if (!name) continue;
    names.add(name);
    metrics.push(summariseMetric(metric, results.find(result => get(result, 'name') === name)));
  }
  // Results for metrics the spec does not list (should not happen, but do not hide data).
  for (const result of results) {
    const name = str(get(result, 'name'));
    if (name && !names.has(name)) metrics.push(summariseMetric({ name }, result));
  }
  const message = str(get(run.status, 'message'));
  const revision = run.metadata?.annotations?.[REVISION_ANNOTATION];
  return {
    name: run.metadata?.name ?? '',
    ...(revision ? { revision } : {}),
    outdated: currentRevision !== undefined && revision !== undefined && revision !== currentRevision,
    verdict,
    tone: toneOfPhase(verdict),
    ...(message ? { message } : {}),
    metrics,
  };
}

/** Newest first by creationTimestamp (then by name, which carries Argo's revision suffix). */
export function newestFirst(runs: KubeObject[]): KubeObject[] {
  return [...runs].sort((a, b) => {
    const difference = (createdAt(b) ?? 0) - (createdAt(a) ?? 0);
    return difference !== 0 ? difference : (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? '', undefined, { numeric: true });
  });
}
