/**
 * The metric contract between the generated service and the generated PromQL.
 *
 * The service skeleton exports exactly these series; the AnalysisTemplate and the
 * PrometheusRule query exactly these. The end-to-end test scrapes a running
 * generated service and checks every name the PromQL uses is exposed.
 */
export const SERVICE_METRICS = {
  /** Counter of finished HTTP requests. */
  requestsTotal: 'http_requests_total',
  /** Histogram of request durations; PromQL reads its `_bucket` series. */
  requestDurationSeconds: 'http_request_duration_seconds',
  labels: {
    method: 'method',
    /** Route pattern (e.g. /orders/:id), never the raw URL, to keep cardinality bounded. */
    route: 'route',
    statusCode: 'status_code',
  },
} as const;

/** Default histogram buckets in seconds. The p95 latency threshold is always added as a boundary. */
export const DEFAULT_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Buckets for a service whose canary gate is `p95LatencyMs`: the threshold becomes an exact boundary. */
export function durationBucketsFor(p95LatencyMs: number): number[] {
  const threshold = p95LatencyMs / 1000;
  return [...new Set([...DEFAULT_DURATION_BUCKETS_SECONDS, threshold])].sort((a, b) => a - b);
}
