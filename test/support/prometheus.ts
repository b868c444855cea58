import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';
import type { ExprValue } from '@slipway/validate';
import { overlayObjects } from './kustomize';
import { freePort, waitFor } from './ports';

/**
 * A real Prometheus server (Debian's `prometheus`, 2.42) on 127.0.0.1 with its data in a temp
 * folder, scraping static targets, and the label derivation that stands in for the Prometheus
 * operator: `scrapeTargetFor` reads the rendered ServiceMonitor, Service and Rollout and gives
 * each target exactly the labels the operator's relabelings would (prometheus-operator
 * pkg/prometheus/promcfg.go generateServiceMonitorConfig), so a wrong manifest fails the test.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const testSystem = require('../../scripts/ensure-test-system.js') as {
  locate(requirement: unknown): string | undefined;
  requirement(name: string): unknown;
};

export function findPrometheus(): string {
  const binary = testSystem.locate(testSystem.requirement('Prometheus'));
  if (!binary) throw new Error('prometheus is not installed: run `node scripts/ensure-test-system.js` (Debian package prometheus)');
  return binary;
}

/** promtool ships in the same Debian package, beside prometheus. */
export function findPromtool(): string {
  return path.join(path.dirname(findPrometheus()), 'promtool');
}

export interface ScrapeTarget {
  /** host:port of the metrics listener (stands in for the pod IP and container port). */
  address: string;
  /** The target labels (namespace, service, pod, …); `job` becomes the scrape job. */
  labels: Record<string, string>;
  metricsPath: string;
}

type Manifest = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0];
}

/**
 * The labels the Prometheus operator would give the scrape target of one pod of the Rollout a
 * ServiceMonitor selects (through its Service). Argo Rollouts labels each pod with
 * `rollouts-pod-template-hash`, which `podTargetLabels` copies onto the series.
 */
export function scrapeTargetFor(manifests: Manifest[], pod: { name: string; templateHash: string; metricsAddress: string }): ScrapeTarget {
  const monitor = only(manifests.filter(object => object.kind === 'ServiceMonitor'), 'ServiceMonitor');
  const service = only(
    manifests.filter(object => object.kind === 'Service' && matches(monitor.spec?.selector?.matchLabels, object.metadata.labels)),
    `Service selected by ServiceMonitor/${monitor.metadata.name}`,
  );
  const endpoint = only<{ port?: string; path?: string }>(monitor.spec?.endpoints ?? [], `endpoint of ServiceMonitor/${monitor.metadata.name}`);
  const servicePort = only<{ name: string; targetPort?: string | number }>(
    (service.spec?.ports ?? []).filter((port: { name?: string }) => port.name === endpoint.port),
    `port "${endpoint.port}" on Service/${service.metadata.name}`,
  );
  const rollout = only(
    manifests.filter(object => object.kind === 'Rollout' && matches(service.spec?.selector, object.spec?.template?.metadata?.labels)),
    `Rollout selected by Service/${service.metadata.name}`,
  );
  const containers: Array<{ name: string; ports?: Array<{ name?: string; containerPort: number }> }> = rollout.spec.template.spec.containers;
  const target = servicePort.targetPort ?? endpoint.port;
  const container = only(
    containers.filter(candidate => (candidate.ports ?? []).some(port => port.name === target || port.containerPort === target)),
    `container of Rollout/${rollout.metadata.name} with port ${target}`,
  );
  const podLabels: Record<string, string> = { ...rollout.spec.template.metadata.labels, 'rollouts-pod-template-hash': pod.templateHash };
  const labels: Record<string, string> = {
    namespace: service.metadata.namespace ?? '',
    service: service.metadata.name,
    pod: pod.name,
    container: container.name,
    endpoint: endpoint.port ?? '',
    job: monitor.spec?.jobLabel ? (service.metadata.labels?.[monitor.spec.jobLabel] ?? service.metadata.name) : service.metadata.name,
  };
  for (const label of monitor.spec?.targetLabels ?? []) if (service.metadata.labels?.[label]) labels[sanitize(label)] = service.metadata.labels[label];
  for (const label of monitor.spec?.podTargetLabels ?? []) if (podLabels[label]) labels[sanitize(label)] = podLabels[label];
  return { address: pod.metricsAddress, labels, metricsPath: endpoint.path ?? '/metrics' };
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export type PromQueryResult =
  | { resultType: 'vector'; result: PromSample[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }
  | { resultType: 'string'; result: [number, string] };

/** `result` as Argo Rollouts binds it: a vector or matrix as []float64 of its values, a scalar as float64. */
export function argoResult(data: PromQueryResult): ExprValue {
  switch (data.resultType) {
    case 'vector':
      return data.result.map(sample => Number(sample.value[1]));
    case 'matrix':
      return data.result.flatMap(series => series.values.map(value => Number(value[1])));
    case 'scalar':
      return Number(data.result[1]);
    default:
      throw new Error('Argo Rollouts does not support string results');
  }
}

export interface TempPrometheus {
  url: string;
  query(expression: string): Promise<PromQueryResult>;
  /** Replaces the scrape targets and reloads the configuration (SIGHUP), as the operator does. */
  setTargets(targets: ScrapeTarget[]): Promise<void>;
  /** Resolves once every target has been scraped at least `times` more times. */
  waitForScrapes(times?: number): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

function configFor(targets: ScrapeTarget[], scrapeSeconds: number): string {
  return stringify({
    global: { scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` },
    scrape_configs: targets.map((target, index) => {
      const { job, ...labels } = target.labels;
      return {
        job_name: `${job}-${index}`,
        metrics_path: target.metricsPath,
        static_configs: [{ targets: [target.address], labels }],
        // job_name must be unique per scrape config; the label the operator would set is restored here.
        relabel_configs: [{ target_label: 'job', replacement: job }],
      };
    }),
  });
}

export async function startTempPrometheus(targets: ScrapeTarget[], options: { scrapeSeconds?: number } = {}): Promise<TempPrometheus> {
  const scrapeSeconds = options.scrapeSeconds ?? 1;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await fs.writeFile(configFile, configFor(targets, scrapeSeconds));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    findPrometheus(),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));

  const api = async <T>(pathname: string): Promise<T> => {
    const response = await fetch(`${url}${pathname}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${pathname}: ${body.error ?? response.status}`);
    return body.data;
  };
  const scrapeCounts = async (): Promise<number[]> => {
    const data = await api<{ activeTargets: Array<{ lastScrape: string; health: string }> }>('/api/v1/targets?state=active');
    return data.activeTargets.map(target => Date.parse(target.lastScrape));
  };

  try {
    await waitFor(`Prometheus to be ready (output so far: ${output})`, async () => (await fetch(`${url}/-/ready`)).status === 200, 30_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }

  return {
    url,
    query: expression => api<PromQueryResult>(`/api/v1/query?query=${encodeURIComponent(expression)}`),
    async setTargets(next) {
      await fs.writeFile(configFile, configFor(next, scrapeSeconds));
      child.kill('SIGHUP');
      await waitFor('Prometheus to load the new targets', async () => (await scrapeCounts()).length === next.length);
    },
    async waitForScrapes(times = 2) {
      const start = Date.now();
      await waitFor(`${times} more scrapes of every target`, async () => {
        const last = await scrapeCounts();
        return last.length > 0 && last.every(at => at > start + (times - 1) * scrapeSeconds * 1000);
      }, 30_000);
    },
    logs: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The overlay's PrometheusRule `spec` as the rules file `promtool check rules` / `test rules`
 * read, written where the repo's deploy/tests expect it (rules-<environment>.yaml), as the
 * generated CI job "alerts" does. The overlay must deploy exactly one PrometheusRule.
 */
export async function writePromtoolRulesFile(dir: string, environment: string): Promise<string> {
  const rules = (await overlayObjects<{ kind?: string; spec?: unknown }>(dir, environment)).filter(object => object.kind === 'PrometheusRule');
  if (rules.length !== 1) throw new Error(`overlay ${environment} deploys ${rules.length} PrometheusRules, expected exactly one`);
  const file = path.join(dir, 'deploy/tests', `rules-${environment}.yaml`);
  await fs.writeFile(file, stringify(rules[0].spec));
  return file;
}
