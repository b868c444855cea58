import type { MetricDeclaration, MetricsContract } from '@slipway/common';

/*
 * What a static frontend exports: the nginx-prometheus-exporter sidecar's series, read from
 * nginx's stub_status, declared once here. The skeleton writes it into the repo as
 * src/metrics.contract.json (with the exporter's image and arguments), the Deployment's sidecar
 * takes its image and arguments from EXPORTER, the PrometheusRule its names from
 * FRONTEND_METRICS, and the validator (promql-unknown-series) and the e2e test read it through
 * the golden path.
 *
 * Names from nginx/nginx-prometheus-exporter v1.5.3 collector/nginx.go (NewNginxCollector:
 * `up`, and one per stub_status field under the `nginx` namespace: connections_active,
 * _accepted, _handled, _reading, _writing, _waiting, http_requests_total). They carry no labels
 * of their own; Prometheus adds the target's. stub_status counts connections and requests but
 * no status codes and no latencies: nothing here can tell a 5xx from a 200.
 */

export const FRONTEND_METRICS_CONTRACT: MetricsContract = {
  metrics: [
    { name: 'nginx_up', type: 'gauge', help: 'Status of the last metric scrape: 1 when the exporter read nginx\'s stub_status, 0 when it could not.', labels: [] },
    { name: 'nginx_connections_active', type: 'gauge', help: 'Active client connections (stub_status "Active connections").', labels: [] },
    { name: 'nginx_connections_accepted', type: 'counter', help: 'Accepted client connections (stub_status "accepts").', labels: [] },
    { name: 'nginx_connections_handled', type: 'counter', help: 'Handled client connections (stub_status "handled").', labels: [] },
    { name: 'nginx_connections_reading', type: 'gauge', help: 'Connections where nginx is reading the request header (stub_status "Reading").', labels: [] },
    { name: 'nginx_connections_writing', type: 'gauge', help: 'Connections where nginx is writing the response back to the client (stub_status "Writing").', labels: [] },
    { name: 'nginx_connections_waiting', type: 'gauge', help: 'Idle client connections (stub_status "Waiting").', labels: [] },
    { name: 'nginx_http_requests_total', type: 'counter', help: 'Total http requests (stub_status "requests").', labels: [] },
  ],
  // The exporter's own build info, and the Go client's runtime and handler families.
  runtimeMetricPrefixes: ['nginx_exporter_', 'nginxexporter_', 'go_', 'process_', 'promhttp_'],
};

/** The exporter sidecar: its pinned image, where it reads stub_status, and where the source of the names is. */
export const EXPORTER = {
  image: 'nginx/nginx-prometheus-exporter:1.5.3',
  /** stub_status on the pod's loopback (nginx/conf.d/default.conf's second server). */
  scrapeUri: 'http://127.0.0.1:8081/stub_status',
  telemetryPath: '/metrics',
  /** The image's user (a static binary in a scratch image). */
  uid: 1001,
  source: 'https://github.com/nginx/nginx-prometheus-exporter/blob/v1.5.3/collector/nginx.go',
} as const;

/** The exporter's arguments for a metrics port. */
export function exporterArgs(metricsPort: number): string[] {
  return [`--nginx.scrape-uri=${EXPORTER.scrapeUri}`, `--web.listen-address=:${metricsPort}`, `--web.telemetry-path=${EXPORTER.telemetryPath}`];
}

function declared(name: string): MetricDeclaration['name'] {
  if (!FRONTEND_METRICS_CONTRACT.metrics.some(metric => metric.name === name)) throw new Error(`metric ${name} is not declared in FRONTEND_METRICS_CONTRACT`);
  return name;
}

/** The names skeletons use (`metrics.*`), each looked up in the declaration so none can drift. */
export const FRONTEND_METRICS = {
  /** 1 while the exporter reads stub_status: nginx is up and answering on loopback. */
  up: declared('nginx_up'),
  requestsTotal: declared('nginx_http_requests_total'),
  connectionsActive: declared('nginx_connections_active'),
} as const;

/** src/metrics.contract.json of a repo: the declaration plus the exporter it comes from. */
export function metricsContractJson(metricsPort: number): string {
  const contract = {
    ...FRONTEND_METRICS_CONTRACT,
    exporter: { image: EXPORTER.image, args: exporterArgs(metricsPort), source: EXPORTER.source },
  };
  return `${JSON.stringify(contract, null, 2)}\n`;
}
