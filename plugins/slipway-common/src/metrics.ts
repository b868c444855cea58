/**
 * The metric contract between the generated service and the generated PromQL, declared once.
 *
 * Each golden path declares its own (`GoldenPath.metrics`, e.g. skeletons/node-service/golden-path.metrics.ts):
 * - The renderer writes it into every generated repo as `src/metrics.contract.json`; the
 *   service's `src/metrics.ts` creates its counters and histograms from that file, so the
 *   code cannot export other names or labels than the ones declared.
 * - The skeleton's AnalysisTemplate and PrometheusRule take their names from the declaration.
 * - The validator (rule promql-unknown-series) checks every selector of every query against
 *   the repo's `src/metrics.contract.json` (its golden path's declaration when the repo has
 *   none), plus the labels the repo's ServiceMonitors make Prometheus add.
 * - The end-to-end tests check that a running generated service exports exactly this.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDeclaration {
  /** The name as exported; for a histogram the base of its `_bucket`, `_sum` and `_count` series. */
  name: string;
  type: MetricType;
  help: string;
  /** Label names the service sets (Prometheus adds the target's labels on top). */
  labels: readonly string[];
}

export interface MetricsContract {
  metrics: readonly MetricDeclaration[];
  /**
   * Families exported by a library (prom-client's default process and Node.js metrics),
   * known by prefix: their names and labels are the library's, not the service's.
   */
  runtimeMetricPrefixes: readonly string[];
}

/** Where a generated repo keeps its copy of the contract. */
export const METRICS_CONTRACT_FILE = 'src/metrics.contract.json';

/**
 * The series a contract's metrics appear as, with the label names each carries: a counter or
 * gauge as itself, a histogram as `_bucket` (plus `le`), `_sum` and `_count`.
 */
export function exportedSeries(contract: MetricsContract): Map<string, ReadonlySet<string>> {
  const series = new Map<string, ReadonlySet<string>>();
  for (const metric of contract.metrics) {
    if (metric.type === 'histogram') {
      series.set(`${metric.name}_bucket`, new Set([...metric.labels, 'le']));
      series.set(`${metric.name}_sum`, new Set(metric.labels));
      series.set(`${metric.name}_count`, new Set(metric.labels));
    } else {
      series.set(metric.name, new Set(metric.labels));
    }
  }
  return series;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Reads a contract from untrusted JSON (a repo's `src/metrics.contract.json`): the contract, or
 * the reason it is not one. Never throws.
 */
export function parseMetricsContract(value: unknown): { contract: MetricsContract } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'is not a JSON object' };
  const record = value as Record<string, unknown>;
  if (!Array.isArray(record.metrics)) return { error: 'has no "metrics" list' };
  const metrics: MetricDeclaration[] = [];
  for (const [index, item] of record.metrics.entries()) {
    const metric = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const { name, type, help, labels } = metric;
    if (typeof name !== 'string' || !METRIC_NAME.test(name)) return { error: `metrics[${index}].name is not a metric name` };
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') return { error: `metrics[${index}].type must be counter, gauge or histogram` };
    if (!Array.isArray(labels) || !labels.every(entry => typeof entry === 'string' && LABEL_NAME.test(entry))) {
      return { error: `metrics[${index}].labels must be a list of label names` };
    }
    metrics.push({ name, type, help: typeof help === 'string' ? help : '', labels: labels as string[] });
  }
  const prefixes = record.runtimeMetricPrefixes;
  const runtimeMetricPrefixes = Array.isArray(prefixes) ? prefixes.filter((prefix): prefix is string => typeof prefix === 'string') : [];
  return { contract: { metrics, runtimeMetricPrefixes } };
}

/** Default histogram buckets in seconds. The p95 latency threshold is always added as a boundary. */
export const DEFAULT_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Buckets for a service whose canary gate is `p95LatencyMs`: the threshold becomes an exact boundary. */
export function durationBucketsFor(p95LatencyMs: number): number[] {
  const threshold = p95LatencyMs / 1000;
  return [...new Set([...DEFAULT_DURATION_BUCKETS_SECONDS, threshold])].sort((a, b) => a - b);
}
