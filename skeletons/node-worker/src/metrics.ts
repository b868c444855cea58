import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import contract from './metrics.contract.json';

/*
 * The worker's metrics. Their names, help texts and labels come from metrics.contract.json, the
 * declaration the alerts and the canary analysis in deploy/ are written against and that
 * `slipway validate` checks every query with: to rename a metric or a label, change the contract
 * and the PromQL in deploy/ together. This code refuses to start if the two disagree.
 */

/** Why an attempt failed: the values of worker_messages_failed_total's `reason` label. */
export const FAILURE_REASONS = ['error', 'timeout', 'rejected', 'redelivered'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** The values of worker_message_duration_seconds's `outcome` label. */
export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Buckets of worker_message_duration_seconds: from a fast lookup to the default 30 s handler timeout and past it. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type MetricType = 'counter' | 'gauge' | 'histogram';

/** A metric of the contract, refused unless it has the type and exactly the labels this code sets. */
function declared<L extends string>(name: string, type: MetricType, labels: readonly L[]): { name: string; help: string; labelNames: readonly L[] } {
  const metric = contract.metrics.find(candidate => candidate.name === name);
  if (!metric || metric.type !== type) throw new Error(`metrics.contract.json declares no ${type} ${name}`);
  if (metric.labels.join(',') !== labels.join(',')) {
    throw new Error(`metrics.contract.json gives ${name} the labels ${metric.labels.join(', ') || '(none)'}; this code sets ${labels.join(', ') || '(none)'}`);
  }
  return { name: metric.name, help: metric.help, labelNames: labels };
}

const PROCESSED = declared('worker_messages_processed_total', 'counter', []);
const FAILED = declared('worker_messages_failed_total', 'counter', ['reason'] as const);
const DEAD_LETTERED = declared('worker_messages_dead_lettered_total', 'counter', []);
const DURATION = declared('worker_message_duration_seconds', 'histogram', ['outcome'] as const);
const IN_FLIGHT = declared('worker_messages_in_flight', 'gauge', []);
const LAG = declared('worker_queue_lag_messages', 'gauge', []);
const DEAD_LETTER_DEPTH = declared('worker_dead_letter_messages', 'gauge', []);

/** What the broker says about the queue; a field is undefined when the broker cannot tell. */
export interface QueueDepth {
  lag?: number;
  deadLetters?: number;
}

export interface WorkerMetrics {
  registry: Registry;
  processed: Counter;
  failed: Counter<'reason'>;
  deadLettered: Counter;
  duration: Histogram<'outcome'>;
  inFlight: Gauge;
}

export interface MetricsOptions {
  /** Asked at every scrape for the queue's lag and dead-letter depth. */
  measureQueue?: () => Promise<QueueDepth>;
  /** How long one measurement may take before the gauges read NaN. Default 2000 ms. */
  measureTimeoutMs?: number;
  /** Called when a measurement fails (the gauges then read NaN). */
  onMeasureError?: (error: unknown) => void;
  /** Also export prom-client's process and Node.js runtime metrics. Default true. */
  defaultMetrics?: boolean;
}

/** Creates a registry of its own (not prom-client's global one), so tests can build many. */
export function createMetrics(options: MetricsOptions = {}): WorkerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const processed = new Counter({ ...PROCESSED, labelNames: PROCESSED.labelNames, registers });
  const failed = new Counter({ ...FAILED, labelNames: FAILED.labelNames, registers });
  const deadLettered = new Counter({ ...DEAD_LETTERED, labelNames: DEAD_LETTERED.labelNames, registers });
  const duration = new Histogram({ ...DURATION, labelNames: DURATION.labelNames, buckets: [...DURATION_BUCKETS_SECONDS], registers });
  const inFlight = new Gauge({ ...IN_FLIGHT, labelNames: IN_FLIGHT.labelNames, registers });
  // Every reason starts at 0, so rate() and ratios have a series before the first failure.
  for (const reason of FAILURE_REASONS) failed.inc({ reason }, 0);

  // One broker round trip per scrape serves both gauges.
  const measure = options.measureQueue;
  let pending: Promise<QueueDepth | undefined> | undefined;
  const measureOnce = (): Promise<QueueDepth | undefined> => {
    if (!measure) return Promise.resolve(undefined);
    pending ??= withTimeout(measure(), options.measureTimeoutMs ?? 2000)
      .catch(error => {
        options.onMeasureError?.(error);
        return undefined;
      })
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const measured = (pick: (depth: QueueDepth) => number | undefined) =>
    async function collect(this: Gauge): Promise<void> {
      const depth = await measureOnce();
      const value = depth && pick(depth);
      // NaN, not 0, when unknown: a backlog must never read as an empty queue.
      this.set(value === undefined ? Number.NaN : value);
    };
  new Gauge({ ...LAG, labelNames: LAG.labelNames, registers, collect: measured(depth => depth.lag) });
  new Gauge({ ...DEAD_LETTER_DEPTH, labelNames: DEAD_LETTER_DEPTH.labelNames, registers, collect: measured(depth => depth.deadLetters) });

  return { registry, processed, failed, deadLettered, duration, inFlight };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
