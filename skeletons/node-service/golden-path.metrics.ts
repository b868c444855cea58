import type { MetricDeclaration, MetricsContract } from '@slipway/common';

/*
 * The metrics a node-service exports: its golden path's declaration, the only place these
 * names are written. The skeleton writes it into the repo as src/metrics.contract.json (the
 * service's src/metrics.ts builds its instruments from that file), the AnalysisTemplate and
 * PrometheusRule take their names from SERVICE_METRICS, and the validator and the e2e tests
 * read it through the golden path.
 */

const REQUEST_LABELS = ['method', 'route', 'status_code'] as const;

export const SERVICE_METRICS_CONTRACT: MetricsContract = {
  metrics: [
    {
      name: 'http_requests_total',
      type: 'counter',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labels: REQUEST_LABELS,
    },
    {
      name: 'http_request_duration_seconds',
      type: 'histogram',
      help: 'Time from receiving an HTTP request to finishing its response, in seconds.',
      labels: REQUEST_LABELS,
    },
    // Exported only by a service that publishes or caches (serviceMetricsContract).
    {
      name: 'events_published_total',
      type: 'counter',
      help: 'Events the broker confirmed, by queue.',
      labels: ['queue'],
    },
    {
      name: 'events_publish_failed_total',
      type: 'counter',
      help: 'Events the broker did not confirm in time or refused, by queue and reason (timeout, error).',
      labels: ['queue', 'reason'],
    },
    {
      name: 'cache_lookups_total',
      type: 'counter',
      help: 'Cache-aside lookups, by result: hit, miss, or error (the cache was away or slow; the source answered).',
      labels: ['result'],
    },
  ],
  runtimeMetricPrefixes: ['process_', 'nodejs_'],
};

/** Exported only by a service that publishes (spec publishes) or caches (spec cache). */
const PUBLISHER_METRICS = ['events_published_total', 'events_publish_failed_total'];
const CACHE_METRICS = ['cache_lookups_total'];

/**
 * The metrics one service exports, as its src/metrics.contract.json declares them: the request
 * metrics, and the publisher's and the cache's only where it has them, so the declaration (which
 * `slipway validate` checks every query against) names nothing the service does not export.
 */
export function serviceMetricsContract(has: { publishes: boolean; cache: boolean }): MetricsContract {
  const left = new Set([...(has.publishes ? [] : PUBLISHER_METRICS), ...(has.cache ? [] : CACHE_METRICS)]);
  return { ...SERVICE_METRICS_CONTRACT, metrics: SERVICE_METRICS_CONTRACT.metrics.filter(metric => !left.has(metric.name)) };
}

function declared(name: string): MetricDeclaration {
  const metric = SERVICE_METRICS_CONTRACT.metrics.find(candidate => candidate.name === name);
  if (!metric) throw new Error(`metric ${name} is not declared in SERVICE_METRICS_CONTRACT`);
  return metric;
}

function label(name: string): string {
  if (!REQUEST_LABELS.includes(name as (typeof REQUEST_LABELS)[number])) throw new Error(`label ${name} is not declared`);
  return name;
}

/** The names skeletons use (`metrics.*`), each looked up in the declaration so none can drift. */
export const SERVICE_METRICS = {
  /** Counter of finished HTTP requests. */
  requestsTotal: declared('http_requests_total').name,
  /** Histogram of request durations; PromQL reads its `_bucket` series. */
  requestDurationSeconds: declared('http_request_duration_seconds').name,
  labels: {
    method: label('method'),
    /** Route pattern (e.g. /orders/:id), never the raw URL, to keep cardinality bounded. */
    route: label('route'),
    statusCode: label('status_code'),
  },
} as const;

