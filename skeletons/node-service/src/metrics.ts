import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import contract from './metrics.contract.json';

/*
 * The request metrics the canary analysis and the alerts query. Their names, help texts
 * and labels come from metrics.contract.json, the declaration `deploy/` is generated from
 * and `slipway validate` checks every query against: to rename a metric or a label, change
 * the contract and the PromQL in deploy/ together.
 */

/** The `route` label of requests that matched no route (bounded, unlike the raw URL). */
export const UNMATCHED_ROUTE = 'unmatched';

const LABEL_NAMES = ['method', 'route', 'status_code'] as const;
type Label = (typeof LABEL_NAMES)[number];

/** A metric of the contract, refused unless it has the type and exactly the labels this code sets. */
function declared(name: string, type: 'counter' | 'histogram'): { name: string; help: string } {
  const metric = contract.metrics.find(candidate => candidate.name === name);
  if (!metric || metric.type !== type) throw new Error(`metrics.contract.json declares no ${type} ${name}`);
  if (metric.labels.join(',') !== LABEL_NAMES.join(',')) {
    throw new Error(`metrics.contract.json gives ${name} the labels ${metric.labels.join(', ')}; this code sets ${LABEL_NAMES.join(', ')}`);
  }
  return { name: metric.name, help: metric.help };
}

const REQUESTS_TOTAL = declared('http_requests_total', 'counter');
const REQUEST_DURATION_SECONDS = declared('http_request_duration_seconds', 'histogram');

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
    ...REQUESTS_TOTAL,
    labelNames: LABEL_NAMES,
    registers: [registry],
  });
  const requestDurationSeconds = new Histogram({
    ...REQUEST_DURATION_SECONDS,
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
