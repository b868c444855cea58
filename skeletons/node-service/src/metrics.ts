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
function declared(name: string, type: 'counter' | 'histogram', labelNames: readonly string[] = LABEL_NAMES): { name: string; help: string } {
  const metric = contract.metrics.find(candidate => candidate.name === name);
  if (!metric || metric.type !== type) throw new Error(`metrics.contract.json declares no ${type} ${name}`);
  if (metric.labels.join(',') !== labelNames.join(',')) {
    throw new Error(`metrics.contract.json gives ${name} the labels ${metric.labels.join(', ')}; this code sets ${labelNames.join(', ')}`);
  }
  return { name: metric.name, help: metric.help };
}

/** A counter of the contract other than the request metrics (the publisher's, the cache's), on `registry`. */
export function declaredCounter<L extends string>(registry: Registry, name: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ ...declared(name, 'counter', labelNames), labelNames, registers: [registry] });
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

/**
 * The status codes whose series start at 0 for every route: its declared 2xx responses (200
 * when it declares none) and 500.
 *
 * Why: rate() and increase() count only what happens between a series' samples, so the
 * requests before the first scrape that sees a new series are lost. A canary's pods are
 * new, so without this the first scrape interval of its 5xx answers (up to 30 s of them)
 * never reaches the success-rate analysis. Prometheus' instrumentation practices: "For
 * metrics with labels, initialize them with 0 where you know the label values in advance"
 * (https://prometheus.io/docs/practices/instrumentation/#avoid-missing-metrics).
 */
export function initialStatusCodes(responseSchema: unknown): string[] {
  const declared = responseSchema && typeof responseSchema === 'object' ? Object.keys(responseSchema) : [];
  const successes = declared.filter(code => /^2\d\d$/.test(code));
  return [...(successes.length ? successes : ['200']), '500'];
}

/** Counts and times every answered request, labelled with the route pattern (e.g. /orders/:id), never the raw URL. */
export function instrumentRequests(app: FastifyInstance, metrics: HttpMetrics): void {
  // Routes registered after this hook (all of them: buildApp instruments first) start
  // their series at 0. HEAD (fastify's automatic twin of GET) and OPTIONS are left to
  // appear on first use, keeping the series count near routes x methods x 2.
  app.addHook('onRoute', route => {
    if (route.config?.skipMetrics) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter(method => method !== 'HEAD' && method !== 'OPTIONS');
    for (const method of methods) {
      for (const status_code of initialStatusCodes(route.schema?.response)) {
        const labels = { method, route: route.url, status_code };
        metrics.requestsTotal.inc(labels, 0);
        metrics.requestDurationSeconds.zero(labels);
      }
    }
  });
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
