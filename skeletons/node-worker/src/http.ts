import http from 'node:http';
import type { Logger } from 'pino';
import type { WorkerMetrics } from './metrics';

/*
 * The worker's only listener, on METRICS_PORT: it serves no traffic, so probes and metrics share it.
 *
 *   GET /livez    200 while the process answers; never depends on the broker (an outage must
 *                 make pods unready, not restart them)
 *   GET /healthz  200 while connected and consuming; 503 when the broker connection is down or
 *                 shutdown has begun
 *   GET /metrics  Prometheus text format; the queue gauges are measured from the broker per scrape
 */

export interface HealthOptions {
  metrics: WorkerMetrics;
  /** True while connected to the broker and consuming. */
  brokerHealthy: () => boolean;
  /** True once shutdown has begun. */
  isShuttingDown: () => boolean;
  log?: Logger;
}

export function createHealthServer(options: HealthOptions): http.Server {
  const { registry } = options.metrics;
  let lastBroker: boolean | undefined;
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, { error: 'Method Not Allowed' });
    }
    switch (path) {
      case '/livez':
        return json(res, 200, { status: 'ok' });
      case '/healthz': {
        if (options.isShuttingDown()) return json(res, 503, { status: 'shutting down' });
        const ok = options.brokerHealthy();
        // Logged when the state changes, not on every probe.
        if (lastBroker !== undefined && lastBroker !== ok) options.log?.[ok ? 'info' : 'warn']({ check: 'broker' }, ok ? 'readiness check recovered' : 'readiness check failing');
        lastBroker = ok;
        return json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: { broker: ok ? 'ok' : 'failing' } });
      }
      case '/metrics':
        registry.metrics().then(
          body => {
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(body);
          },
          error => {
            options.log?.error({ err: error }, 'collecting metrics failed');
            json(res, 500, { error: 'Internal Server Error' });
          },
        );
        return;
      default:
        return json(res, 404, { error: 'Not Found' });
    }
  });
}
