import { measurementPhase, type AnalysisPhase } from '../argoExpr';
import type { LoadedObject } from '../types';
import {
  analysisBlocks,
  asNumber,
  asRecord,
  asString,
  canaryStrategy,
  getPath,
  objectsOfKind,
  recordsOf,
  resolveAnalysisTemplate,
  type JsonRecord,
  type ObjectSet,
} from '../kube';

/**
 * A canary Rollout's timeline, derived as the Argo Rollouts controller runs it, to tell when a
 * bad canary is stopped and when the canary is fully promoted:
 *
 * - steps run in order; setWeight, setCanaryScale and route steps take no time, `pause:
 *   {duration}` takes its duration (an int is seconds), `pause: {}` waits for a person (forever
 *   here), an inline `analysis` step blocks until its AnalysisRun completes; promotion is when the
 *   last step completes (docs/features/canary);
 * - background analysis starts when the current step index reaches `startingStep` (default 0,
 *   utils/replicaset BeforeStartingStep) and is terminated, successfully, at promotion;
 * - each metric measures first `initialDelay` after its run starts, then every `interval`
 *   (analysis/analysis.go generateMetricTasks); without `interval` it measures once; `count`
 *   bounds the measurements (0 or unset with an interval: until the run ends, EffectiveCount);
 * - a metric is Failed when failures exceed `failureLimit` (default 0; -1 disables it),
 *   Inconclusive when inconclusive measurements exceed `inconclusiveLimit` (default 0), Error
 *   when consecutive errors exceed `consecutiveErrorLimit` (default 4, retried every 10 s,
 *   DefaultErrorRetryInterval); when `count` is reached it is Successful, unless
 *   consecutiveSuccessLimit was not reached (assessMetricStatus);
 * - a Failed or Error run aborts the rollout, an Inconclusive one pauses it (rollout/analysis.go).
 *
 * Scenarios: every measurement that has data fails (a canary answering 5xx), measurements see no
 * data at all (no traffic, not scraped), and every measurement errors (Prometheus unreachable, a
 * query it refuses). Before the canary can have data (two scrapes after the first setWeight)
 * a "failing" measurement sees no data, as it would on a cluster.
 */

export type Scenario = 'failing' | 'no-data' | 'erroring';

export interface StepSpan {
  index: number;
  /** e.g. `setWeight 25`, `pause 2m`, `pause (until promoted)`, `analysis`. */
  text: string;
  start: number;
  /** Seconds; Infinity for a pause that waits for a person. */
  duration: number;
}

export interface Stop {
  /** Seconds from the start of the update. */
  at: number;
  how: 'abort' | 'pause';
  /** e.g. `background analysis: metric "success-rate" failed (failureLimit 1)`. */
  why: string;
}

export interface ScenarioOutcome {
  scenario: Scenario;
  /** Seconds until the last step completes (Infinity when a step waits for a person). */
  promotedAt: number;
  steps: StepSpan[];
  /** The first stop, when one comes before promotion. */
  stop?: Stop;
  /** When measurements are taken, per analysis, for messages. */
  measurements: string[];
  /** Some metric judges a measurement without data Successful (analysis-no-data-success's case). */
  noDataSucceeds: boolean;
  /** When the canary can first have data: two scrapes after the first setWeight. */
  dataFrom: number;
  scrapeSeconds: number;
}

const RETRY_SECONDS = 10;
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
/** Seconds between scrapes when no ServiceMonitor or PodMonitor states one (the operator's default). */
const DEFAULT_SCRAPE_SECONDS = 30;
const MAX_MEASUREMENTS = 10_000;

const UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration (`1m30s`, `500ms`), or an integer of seconds. Undefined when not one. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) seconds += Number(part[1]) * UNITS[part[2]];
  return seconds;
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest ? `${minutes}m${rest}s` : `${minutes}m`;
}

interface MetricPlan {
  name: string;
  initialDelay: number;
  /** Undefined: a single measurement. */
  interval?: number;
  /** Infinity: until the run ends. */
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  consecutiveSuccessLimit: number;
  /** How a measurement without data is judged, from the metric's conditions. */
  noDataPhase: AnalysisPhase;
}

function limit(value: unknown, fallback: number): number {
  return asNumber(value) ?? fallback;
}

/** A metric's plan, or undefined when its timing cannot be read (e.g. an `{{args.x}}` interval). */
function planOf(metric: JsonRecord, index: number): MetricPlan | undefined {
  const initialDelay = metric.initialDelay === undefined ? 0 : parseDuration(metric.initialDelay);
  const interval = metric.interval === undefined ? undefined : parseDuration(metric.interval);
  if (initialDelay === undefined || (metric.interval !== undefined && !interval)) return undefined;
  const rawCount = metric.count === undefined ? 0 : asNumber(metric.count);
  if (rawCount === undefined) return undefined;
  const count = rawCount > 0 ? rawCount : interval ? Infinity : 1;
  const conditions = { successCondition: asString(metric.successCondition), failureCondition: asString(metric.failureCondition) };
  return {
    name: asString(metric.name) ?? `#${index}`,
    initialDelay,
    interval,
    count,
    failureLimit: limit(metric.failureLimit, 0),
    inconclusiveLimit: limit(metric.inconclusiveLimit, 0),
    consecutiveErrorLimit: limit(metric.consecutiveErrorLimit, DEFAULT_CONSECUTIVE_ERROR_LIMIT),
    consecutiveSuccessLimit: limit(metric.consecutiveSuccessLimit, 0),
    noDataPhase: measurementPhase(conditions, []).phase,
  };
}

interface Analysis {
  /** For messages: `background analysis` or `analysis step 3`. */
  label: string;
  metrics: MetricPlan[];
}

/** Non-dry-run metrics of the templates a block names; undefined when one cannot be read. */
function analysisOf(set: ObjectSet, rollout: LoadedObject, block: ReturnType<typeof analysisBlocks>[number], label: string): Analysis | undefined {
  const dryRun = new Set(recordsOf(getPath(block.block, 'dryRun')).map(({ record }) => asString(record.metricName)));
  const metrics: MetricPlan[] = [];
  for (const ref of block.templates) {
    const template = resolveAnalysisTemplate(set, rollout.object, ref);
    if (!template) return undefined;
    const templateDryRun = new Set(recordsOf(getPath(template.object, 'spec', 'dryRun')).map(({ record }) => asString(record.metricName)));
    for (const { record, index } of recordsOf(getPath(template.object, 'spec', 'metrics'))) {
      const name = asString(record.name);
      if (dryRun.has('*') || templateDryRun.has('*') || (name && (dryRun.has(name) || templateDryRun.has(name)))) continue;
      const plan = planOf(record, index);
      if (!plan) return undefined;
      metrics.push(plan);
    }
  }
  return { label, metrics };
}

/**
 * When one metric stops the run under a scenario, from `start`, looking no further than
 * `horizon`; `end` is when its count is reached without a stop (Infinity: never).
 */
function runMetric(plan: MetricPlan, start: number, horizon: number, scenario: Scenario, dataFrom: number): { stop?: Stop; end: number; times: number[] } {
  const times: number[] = [];
  let failed = 0;
  let inconclusive = 0;
  let errors = 0;
  let at = start + plan.initialDelay;
  for (let taken = 0; taken < plan.count && taken < MAX_MEASUREMENTS && at < horizon; taken++) {
    times.push(at);
    const phase: AnalysisPhase = scenario === 'erroring' ? 'Error' : scenario === 'failing' && at >= dataFrom ? 'Failed' : plan.noDataPhase;
    if (phase === 'Failed') failed++;
    if (phase === 'Inconclusive') inconclusive++;
    errors = phase === 'Error' ? errors + 1 : 0;
    const who = `metric "${plan.name}"`;
    if (plan.failureLimit >= 0 && failed > plan.failureLimit) return { stop: { at, how: 'abort', why: `${who} failed ${failed} times (failureLimit ${plan.failureLimit})` }, end: at, times };
    if (inconclusive > plan.inconclusiveLimit) return { stop: { at, how: 'pause', why: `${who} was inconclusive ${inconclusive} times (inconclusiveLimit ${plan.inconclusiveLimit})` }, end: at, times };
    if (errors > plan.consecutiveErrorLimit) return { stop: { at, how: 'abort', why: `${who} errored ${errors} times in a row (consecutiveErrorLimit ${plan.consecutiveErrorLimit})` }, end: at, times };
    if (taken + 1 >= plan.count) {
      if (plan.consecutiveSuccessLimit > 0) {
        const how = plan.failureLimit >= 0 ? 'pause' : 'abort';
        return { stop: { at, how, why: `${who} reached count ${plan.count} without ${plan.consecutiveSuccessLimit} consecutive successes` }, end: at, times };
      }
      return { end: at, times };
    }
    at += phase === 'Error' ? RETRY_SECONDS : (plan.interval ?? 0);
  }
  return { end: plan.count === Infinity || at >= horizon ? Infinity : at, times };
}

/** The earliest stop of an analysis's metrics, and when it completes without one. */
function runAnalysis(analysis: Analysis, start: number, horizon: number, scenario: Scenario, dataFrom: number): { stop?: Stop; end: number; times: string } {
  let stop: Stop | undefined;
  let end = start;
  const times: string[] = [];
  for (const plan of analysis.metrics) {
    const run = runMetric(plan, start, horizon, scenario, dataFrom);
    if (run.stop && (!stop || run.stop.at < stop.at)) stop = { ...run.stop, why: `${analysis.label}: ${run.stop.why}` };
    end = Math.max(end, run.end);
    const shown = run.times.slice(0, 4).map(formatSeconds).join(', ');
    times.push(`${plan.name} at ${shown || 'no time before promotion'}${run.times.length > 4 ? ', …' : ''}`);
  }
  return { stop, end, times: `${analysis.label} measures ${times.join('; ')}` };
}

/** Seconds between scrapes: the shortest interval the set's monitors state, else the operator's default. */
export function scrapeSeconds(set: ObjectSet): number {
  const intervals: number[] = [];
  for (const monitor of objectsOfKind(set, 'ServiceMonitor', 'PodMonitor')) {
    const endpoints = recordsOf(getPath(monitor.object, 'spec', monitor.object.kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints'));
    for (const { record } of endpoints) {
      const seconds = parseDuration(record.interval);
      if (seconds) intervals.push(seconds);
    }
  }
  return intervals.length ? Math.min(...intervals) : DEFAULT_SCRAPE_SECONDS;
}

export interface CanaryTimeline {
  outcomes: ScenarioOutcome[];
}

/** The canary's outcome under each scenario; undefined when the Rollout has no canary or cannot be read. */
export function canaryTimeline(set: ObjectSet, rollout: LoadedObject): CanaryTimeline | undefined {
  const canary = canaryStrategy(rollout.object);
  if (!canary) return undefined;
  const blocks = analysisBlocks(rollout.object);
  const backgroundBlock = blocks.find(block => block.path === 'spec.strategy.canary.analysis');
  const background = backgroundBlock && backgroundBlock.templates.length > 0 ? analysisOf(set, rollout, backgroundBlock, 'background analysis') : undefined;
  if (backgroundBlock && backgroundBlock.templates.length > 0 && !background) return undefined;
  const startingStep = backgroundBlock ? (asNumber(backgroundBlock.block.startingStep) ?? 0) : 0;
  const steps = recordsOf(canary.steps);
  const scrape = scrapeSeconds(set);
  const dataDelay = 2 * scrape;

  const analyses: Analysis[] = background ? [background] : [];
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of ['failing', 'no-data', 'erroring'] as const) {
    const spans: StepSpan[] = [];
    const measurements: string[] = [];
    let now = 0;
    let firstTraffic: number | undefined;
    let stop: Stop | undefined;
    const firstStop = (candidate: Stop | undefined) => {
      if (candidate && (!stop || candidate.at < stop.at)) stop = candidate;
    };
    let backgroundStart = steps.length === 0 || startingStep <= 0 ? 0 : undefined;
    for (const { record: step, index } of steps) {
      if (index === startingStep) backgroundStart = now;
      const weight = asNumber(step.setWeight);
      if (weight !== undefined) {
        if (weight > 0 && firstTraffic === undefined) firstTraffic = now;
        spans.push({ index, text: `setWeight ${weight}`, start: now, duration: 0 });
        continue;
      }
      const pause = asRecord(step.pause);
      if (pause) {
        const duration = pause.duration === undefined ? Infinity : (parseDuration(pause.duration) ?? Infinity);
        spans.push({ index, text: Number.isFinite(duration) ? `pause ${formatSeconds(duration)}` : 'pause (until promoted)', start: now, duration });
        now += duration;
        continue;
      }
      const inlineBlock = blocks.find(block => block.path === `spec.strategy.canary.steps[${index}].analysis`);
      if (inlineBlock && inlineBlock.templates.length > 0) {
        const inline = analysisOf(set, rollout, inlineBlock, `analysis step ${index}`);
        if (!inline) return undefined;
        analyses.push(inline);
        const run = runAnalysis(inline, now, Infinity, scenario, (firstTraffic ?? 0) + dataDelay);
        measurements.push(run.times);
        firstStop(run.stop);
        const duration = (run.stop ? run.stop.at : run.end) - now;
        spans.push({ index, text: 'analysis', start: now, duration });
        now += duration;
        if (run.stop) break;
        continue;
      }
      spans.push({ index, text: Object.keys(step)[0] ?? 'step', start: now, duration: 0 });
    }
    // An analysis step that stopped the rollout means it is never promoted on this path.
    const inlineStop = stop as Stop | undefined;
    const promotedAt = inlineStop ? Infinity : now;
    if (background && backgroundStart !== undefined) {
      const run = runAnalysis(background, backgroundStart, inlineStop ? inlineStop.at : promotedAt, scenario, (firstTraffic ?? 0) + dataDelay);
      measurements.unshift(`${run.times} (from step ${startingStep}, at ${formatSeconds(backgroundStart)})`);
      firstStop(run.stop);
    } else if (background) {
      measurements.unshift(`background analysis never starts: startingStep ${startingStep} is past the last step`);
    }
    const reached = stop as Stop | undefined;
    const noDataSucceeds = analyses.some(analysis => analysis.metrics.some(plan => plan.noDataPhase === 'Successful'));
    outcomes.push({
      scenario,
      promotedAt,
      steps: spans,
      stop: reached && reached.at < promotedAt ? reached : undefined,
      measurements,
      noDataSucceeds,
      dataFrom: (firstTraffic ?? 0) + dataDelay,
      scrapeSeconds: scrape,
    });
  }
  return { outcomes };
}
