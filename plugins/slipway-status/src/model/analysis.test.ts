import {
  formatThreshold,
  formatValue,
  metricThreshold,
  newestFirst,
  parseCondition,
  parseMeasurement,
  summariseAnalysisRun,
  unitOfMetric,
} from './analysis';
import { KubeObject } from './kube';

describe('parseCondition', () => {
  it("skips the generated template's no-data guards and finds the comparison", () => {
    expect(parseCondition('len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99')).toEqual({ op: '>=', value: 0.99 });
    expect(parseCondition('len(result) == 0 || isNaN(result[0]) || result[0] <= 0.5')).toEqual({ op: '<=', value: 0.5 });
  });

  it('reads scalar results, reversed comparisons, integers and exponents', () => {
    expect(parseCondition('result > 100')).toEqual({ op: '>', value: 100 });
    expect(parseCondition('0.95 <= result[0]')).toEqual({ op: '>=', value: 0.95 });
    expect(parseCondition('result[0] < 1e-3')).toEqual({ op: '<', value: 0.001 });
    expect(parseCondition('result == 1')).toEqual({ op: '==', value: 1 });
  });

  it('gives up on expressions without a numeric comparison', () => {
    expect(parseCondition('result == "true"')).toBeUndefined();
    expect(parseCondition('len(result) == 0')).toBeUndefined();
    expect(parseCondition(undefined)).toBeUndefined();
  });

  it('negates a failureCondition when there is no successCondition', () => {
    expect(metricThreshold({ failureCondition: 'result[0] < 0.99' })).toEqual({ op: '>=', value: 0.99 });
    expect(metricThreshold({ successCondition: 'result[0] >= 0.9', failureCondition: 'result[0] < 0.5' })).toEqual({ op: '>=', value: 0.9 });
    expect(metricThreshold({})).toBeUndefined();
  });
});

describe('units from metric names', () => {
  it('shows success rates as percentages and p95 latencies in ms', () => {
    expect(unitOfMetric('success-rate')).toBe('percent');
    expect(unitOfMetric('error-rate')).toBe('percent');
    expect(unitOfMetric('availability')).toBe('percent');
    expect(unitOfMetric('p95-latency')).toBe('milliseconds');
    expect(unitOfMetric('request-duration')).toBe('milliseconds');
    expect(unitOfMetric('latency-ms')).toBe('plain');
    expect(unitOfMetric('queue-depth')).toBe('plain');
  });

  it('formats values and thresholds in those units', () => {
    expect(formatValue(0.99871, 'percent')).toBe('99.87%');
    expect(formatValue(1, 'percent')).toBe('100%');
    expect(formatValue(0.182, 'milliseconds')).toBe('182 ms');
    expect(formatValue(0.0123, 'milliseconds')).toBe('12.3 ms');
    expect(formatValue(0.123456, 'plain')).toBe('0.1235');
    expect(formatValue(NaN, 'percent')).toBe('NaN');
    expect(formatThreshold({ op: '>=', value: 0.99 }, 'percent')).toBe('≥ 99%');
    expect(formatThreshold({ op: '<=', value: 0.5 }, 'milliseconds')).toBe('≤ 500 ms');
    expect(formatThreshold({ op: '>=', value: 0.99 }, 'plain')).toBe('≥ 0.99');
  });
});

describe('parseMeasurement', () => {
  it("reads Argo's Prometheus value formats", () => {
    expect(parseMeasurement('[0.9871]')).toBe(0.9871);
    expect(parseMeasurement('[0.5, 0.7]')).toBe(0.5);
    expect(parseMeasurement('0.25')).toBe(0.25);
    expect(parseMeasurement('[NaN]')).toBeNaN();
    expect(parseMeasurement('[]')).toBeUndefined();
    expect(parseMeasurement('"true"')).toBeUndefined();
    expect(parseMeasurement(undefined)).toBeUndefined();
  });
});

const run = (overrides: { name?: string; created?: string; phase?: string; results?: unknown[]; message?: string; revision?: string }): KubeObject => ({
  kind: 'AnalysisRun',
  metadata: {
    name: overrides.name ?? 'orders-abc-7',
    creationTimestamp: overrides.created ?? '2026-01-01T10:00:00Z',
    annotations: { 'rollout.argoproj.io/revision': overrides.revision ?? '7' },
  },
  spec: {
    metrics: [
      { name: 'success-rate', successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] >= 0.99' },
      { name: 'p95-latency', successCondition: 'len(result) == 0 || isNaN(result[0]) || result[0] <= 0.5' },
    ],
  },
  status: { phase: overrides.phase, message: overrides.message, metricResults: overrides.results },
});

describe('summariseAnalysisRun', () => {
  it('takes each metric’s latest measurement (by time, not array order) and its threshold', () => {
    const summary = summariseAnalysisRun(
      run({
        phase: 'Failed',
        message: 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
        results: [
          {
            name: 'success-rate',
            phase: 'Failed',
            measurements: [
              { phase: 'Failed', value: '[0.9634]', startedAt: '2026-01-01T10:03:00Z', finishedAt: '2026-01-01T10:03:01Z' },
              { phase: 'Successful', value: '[0.9978]', startedAt: '2026-01-01T10:01:00Z', finishedAt: '2026-01-01T10:01:01Z' },
            ],
          },
          { name: 'p95-latency', phase: 'Successful', measurements: [{ phase: 'Successful', value: '[0.211]' }] },
        ],
      }),
      '7',
    );
    expect(summary).toMatchObject({
      verdict: 'Failed',
      tone: 'error',
      outdated: false,
      revision: '7',
      message: 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)',
    });
    expect(summary.metrics).toEqual([
      { name: 'success-rate', phase: 'Failed', value: '96.34%', rawValue: '[0.9634]', threshold: '≥ 99%', tone: 'error' },
      { name: 'p95-latency', phase: 'Successful', value: '211 ms', rawValue: '[0.211]', threshold: '≤ 500 ms', tone: 'ok' },
    ]);
  });

  it('says so when there is no data or no measurement yet, and flags a run of an earlier revision', () => {
    const summary = summariseAnalysisRun(
      run({ phase: 'Running', results: [{ name: 'success-rate', phase: 'Running', measurements: [{ phase: 'Successful', value: '[]' }] }] }),
      '8',
    );
    expect(summary.verdict).toBe('Running');
    expect(summary.outdated).toBe(true);
    expect(summary.metrics[0]).toMatchObject({ value: 'no data', threshold: '≥ 99%' });
    expect(summary.metrics[1]).toEqual({ name: 'p95-latency', threshold: '≤ 500 ms', tone: 'neutral' });
  });

  it.each(['Successful', 'Failed', 'Running', 'Inconclusive', 'Error'])('passes the %s verdict through', phase => {
    expect(summariseAnalysisRun(run({ phase })).verdict).toBe(phase);
  });

  it('calls a run without a phase Pending and keeps results the spec does not list', () => {
    const summary = summariseAnalysisRun(run({ results: [{ name: 'extra', phase: 'Successful', measurements: [{ phase: 'Successful', value: '3' }] }] }));
    expect(summary.verdict).toBe('Pending');
    expect(summary.metrics.map(m => m.name)).toEqual(['success-rate', 'p95-latency', 'extra']);
  });
});

describe('newestFirst', () => {
  it('orders by creationTimestamp, then by name with numeric revisions', () => {
    const names = newestFirst([
      run({ name: 'orders-a-9', created: '2026-01-01T09:00:00Z' }),
      run({ name: 'orders-b-10', created: '2026-01-01T11:00:00Z' }),
      run({ name: 'orders-b-11', created: '2026-01-01T11:00:00Z' }),
    ]).map(r => r.metadata?.name);
    expect(names).toEqual(['orders-b-11', 'orders-b-10', 'orders-a-9']);
  });
});
