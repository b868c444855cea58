import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/*
 * The request metrics the canary analysis and the alerts query. Their names and
 * labels are a contract with the generated PromQL: rename nothing here without
 * changing the AnalysisTemplate and the PrometheusRule too.
 */

/** The `route` label of requests that matched no route (bounded, unlike the raw URL). */
export const UNMATCHED_ROUTE = 'unmatched';

const LABEL_NAMES = ['method', 'route', 'status_code'] as const;
type Label = (typeof LABEL_NAMES)[number];

export interface HttpMetrics {
  registry: Registry;
  requestsTotal: Counter<Label>;
  requestDurationSeconds: Histogram<Label>;
}

export interface MetricsOptions {
  /** Histogram buckets in seconds. */
  buckets: readonly number[];
  /** Also export prom-client's process and Node.js runtime metrics. Default true. */
  defaultMetrics?: boolean;
}

/** Creates a registry of its own (not prom-client's global one), so tests can build many apps. */
export function createMetrics(options: MetricsOptions): HttpMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const requestsTotal = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: LABEL_NAMES,
    registers: [registry],
  });
  const requestDurationSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its response, in seconds.',
    labelNames: LABEL_NAMES,
    buckets: [...options.buckets],
    registers: [registry],
  });
  return { registry, requestsTotal, requestDurationSeconds };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Leave this route out of the request metrics (health probes would dilute the success rate). */
    skipMetrics?: boolean;
  }
}

/** Counts and times every answered request, labelled with the route pattern (e.g. /orders/:id), never the raw URL. */
export function instrumentRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config?.skipMetrics) return;
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    metrics.requestsTotal.inc(labels);
    metrics.requestDurationSeconds.observe(labels, reply.elapsedTime / 1000);
  });
}
