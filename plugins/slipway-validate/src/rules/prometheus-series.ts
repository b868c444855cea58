import {
  exportedSeries,
  METRICS_CONTRACT_FILE,
  parseMetricsContract,
  type MetricsContract,
} from '@slipway/common';
import { SERVICE_METRICS_CONTRACT } from '@slipway/skeletons';
import { goldenPathComponents } from '../goldenPaths';
import type { RepoModel } from '../types';
import { asArray, asString, getPath, objectRef, objectsOfKind, recordsOf, type ObjectSet } from '../kube';
import { prometheusQueries } from './prometheus-queries';

/**
 * The series Prometheus holds for a deployed set, with the labels each carries:
 * - the service's own, from its metrics contract (`src/metrics.contract.json`, or Slipway's
 *   golden-path declaration when the repo has none), plus the target labels below;
 * - the target labels the set's ServiceMonitors and PodMonitors make the Prometheus operator
 *   add, derived from those objects as prometheus-operator pkg/prometheus/promcfg.go writes
 *   the relabelings: namespace, service, pod, container, endpoint, job (and instance, which
 *   Prometheus sets itself), each `targetLabels`/`podTargetLabels` entry with every character
 *   outside [a-zA-Z0-9_] turned into `_` (sanitizeLabelName), and each relabeling's targetLabel;
 * - what Prometheus makes per target (`up`, `scrape_*`) and for alerts (`ALERTS`);
 * - what the repo's own recording rules record;
 * - kube-state-metrics series the generated alerts use (labels from its docs/metrics/workload).
 */

export type LabelSet = ReadonlySet<string> | 'any';

export interface KnownSeries {
  labels: LabelSet;
  /** Where the series comes from, for messages. */
  source: string;
}

export interface SeriesCatalog {
  series: Map<string, KnownSeries>;
  /** Families known by prefix only (runtime metrics, other exporters): labels not checked. */
  prefixes: Array<{ prefix: string; source: string }>;
  /** The labels Prometheus adds to every series it scrapes from the service, and why. */
  targetLabels: LabelSet;
  targetSource: string;
  /** Where the service's metrics were read from, for messages. */
  contractSource: string;
}

/** prometheus-operator's sanitizeLabelName: `[^a-zA-Z0-9_]` → `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Relabelings' target labels; a labelmap can create any label, so it makes the set open. */
function relabelTargets(relabelings: unknown): string[] | 'any' {
  const out: string[] = [];
  for (const { record } of recordsOf(relabelings)) {
    const action = (asString(record.action) ?? 'replace').toLowerCase();
    if (action === 'labelmap') return 'any';
    const target = asString(record.targetLabel);
    if (target && ['replace', 'hashmod', 'lowercase', 'uppercase'].includes(action)) out.push(target);
  }
  return out;
}

/** The target labels of the set's ServiceMonitors and PodMonitors (union: queries span both). */
export function targetLabelsOf(set: ObjectSet): { labels: LabelSet; source: string } {
  const labels = new Set<string>(['job', 'instance']);
  const monitors = objectsOfKind(set, 'ServiceMonitor', 'PodMonitor');
  if (monitors.length === 0) return { labels, source: 'no ServiceMonitor or PodMonitor here, so only Prometheus\'s job and instance' };
  for (const monitor of monitors) {
    const isService = monitor.object.kind === 'ServiceMonitor';
    for (const label of ['namespace', 'pod', 'container', 'endpoint', ...(isService ? ['service'] : [])]) labels.add(label);
    if (isService) asArray(getPath(monitor.object, 'spec', 'targetLabels')).forEach(label => typeof label === 'string' && labels.add(sanitizeLabelName(label)));
    asArray(getPath(monitor.object, 'spec', 'podTargetLabels')).forEach(label => typeof label === 'string' && labels.add(sanitizeLabelName(label)));
    const endpoints = recordsOf(getPath(monitor.object, 'spec', isService ? 'endpoints' : 'podMetricsEndpoints'));
    for (const { record: endpoint } of endpoints) {
      for (const relabelings of [endpoint.relabelings, endpoint.metricRelabelings]) {
        const targets = relabelTargets(relabelings);
        if (targets === 'any') return { labels: 'any', source: `${objectRef(monitor.object)} (a labelmap relabeling can add any label)` };
        targets.forEach(label => labels.add(label));
      }
    }
  }
  return { labels, source: monitors.map(monitor => objectRef(monitor.object)).join(', ') };
}

const KSM = 'kube-state-metrics';
const KSM_POD = ['namespace', 'pod', 'uid'];
/** kube-state-metrics docs/metrics/workload/{pod,deployment,horizontalpodautoscaler,job}-metrics.md. */
const KUBE_STATE_METRICS: Record<string, readonly string[]> = {
  kube_pod_status_ready: [...KSM_POD, 'condition'],
  kube_pod_status_phase: [...KSM_POD, 'phase'],
  kube_pod_status_reason: [...KSM_POD, 'reason'],
  kube_pod_owner: [...KSM_POD, 'owner_kind', 'owner_name', 'owner_is_controller'],
  kube_pod_info: [...KSM_POD, 'host_ip', 'pod_ip', 'node', 'created_by_kind', 'created_by_name', 'priority_class', 'host_network'],
  kube_pod_labels: [...KSM_POD],
  kube_pod_container_info: [...KSM_POD, 'container', 'image', 'image_id', 'image_spec', 'container_id'],
  kube_pod_container_status_ready: [...KSM_POD, 'container'],
  kube_pod_container_status_restarts_total: [...KSM_POD, 'container'],
  kube_pod_container_status_waiting_reason: [...KSM_POD, 'container', 'reason'],
  kube_pod_container_status_terminated_reason: [...KSM_POD, 'container', 'reason'],
  kube_pod_container_status_last_terminated_reason: [...KSM_POD, 'container', 'reason'],
  kube_deployment_status_replicas_available: ['namespace', 'deployment'],
  kube_deployment_spec_replicas: ['namespace', 'deployment'],
  kube_horizontalpodautoscaler_status_current_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_status_desired_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_spec_max_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_horizontalpodautoscaler_spec_min_replicas: ['namespace', 'horizontalpodautoscaler'],
  kube_job_status_failed: ['namespace', 'job_name', 'reason'],
  kube_job_status_succeeded: ['namespace', 'job_name'],
  kube_job_owner: ['namespace', 'job_name', 'owner_kind', 'owner_name', 'owner_is_controller'],
};
/** The labels of kube-state-metrics' own scrape target (kube-prometheus-stack keeps its namespace and pod with honorLabels). */
const KSM_TARGET = ['job', 'instance', 'service', 'endpoint', 'container'];
/** The kube-state-metrics series as a catalog holds them, made once: every set's catalog shares these (read-only) entries. */
const KUBE_STATE_SERIES: ReadonlyArray<readonly [string, KnownSeries]> = Object.entries(KUBE_STATE_METRICS).map(
  ([name, labels]) => [name, Object.freeze({ labels: new Set([...labels, ...KSM_TARGET]) as ReadonlySet<string>, source: KSM })] as const,
);
/** Prometheus's own per-target series (prometheus.io/docs/concepts/jobs_instances). */
const SCRAPE_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];

/**
 * The metrics declaration of the golden path catalog-info.yaml names; node-service's (the
 * original golden path, whose repos predate the annotation check) when it names none.
 */
function goldenPathMetrics(model: RepoModel): { contract: MetricsContract; source: string } {
  const named = goldenPathComponents(model).find(component => component.goldenPath);
  if (named?.goldenPath) {
    return { contract: named.goldenPath.metrics, source: `the ${named.goldenPath.id} golden path's metrics (this repo has no ${METRICS_CONTRACT_FILE})` };
  }
  return { contract: SERVICE_METRICS_CONTRACT, source: `Slipway's golden-path metrics (this repo has no ${METRICS_CONTRACT_FILE})` };
}

/** The repo's metrics contract: its own file when present and valid, else its golden path's. */
export function metricsContractOf(model: RepoModel): { contract: MetricsContract; source: string; error?: string } {
  const text = model.files.get(METRICS_CONTRACT_FILE);
  const fallback = goldenPathMetrics(model);
  if (text === undefined) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ...fallback, error: `is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = parseMetricsContract(value);
  if ('error' in parsed) return { ...fallback, error: parsed.error };
  return { contract: parsed.contract, source: METRICS_CONTRACT_FILE };
}

function union(a: LabelSet, b: Iterable<string>): LabelSet {
  return a === 'any' ? 'any' : new Set([...a, ...b]);
}

export function seriesCatalog(set: ObjectSet, contract: { contract: MetricsContract; source: string }): SeriesCatalog {
  const targets = targetLabelsOf(set);
  const series = new Map<string, KnownSeries>();
  for (const [name, labels] of exportedSeries(contract.contract)) {
    series.set(name, { labels: targets.labels === 'any' ? 'any' : union(targets.labels, labels), source: contract.source });
  }
  for (const name of SCRAPE_SERIES) series.set(name, { labels: targets.labels, source: 'Prometheus (one per scrape target)' });
  for (const name of ['ALERTS', 'ALERTS_FOR_STATE']) series.set(name, { labels: 'any', source: 'Prometheus (alert state)' });
  for (const [name, known] of KUBE_STATE_SERIES) series.set(name, known);
  for (const query of prometheusQueries(set)) {
    const record = query.kind === 'record' ? asString(query.rule?.record) : undefined;
    if (record) series.set(record, { labels: 'any', source: `recording rule in ${objectRef(query.loaded.object)}` });
  }
  const prefixes = [
    ...contract.contract.runtimeMetricPrefixes.map(prefix => ({ prefix, source: `${contract.source} (runtime metrics)` })),
    // Other kube-state-metrics series and the kubelet's cAdvisor series: not the service's, labels not checked here.
    { prefix: 'kube_', source: KSM },
    { prefix: 'container_', source: 'the kubelet (cAdvisor)' },
  ];
  return { series, prefixes, targetLabels: targets.labels, targetSource: targets.source, contractSource: contract.source };
}

/** Levenshtein distance, for "did you mean" (bounded: names are short). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The closest known name within 3 edits, if any. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
