import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import contract from './metrics.contract.json';
import { createMetrics, DURATION_BUCKETS_SECONDS, FAILURE_REASONS } from './metrics';

const value = (body: string, series: string): number | undefined => {
  const line = body.split('\n').find(l => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('the metric contract', () => {
  test('every declared metric is exported with its type and help, and nothing else of the worker is', async () => {
    const metrics = createMetrics({ measureQueue: async () => ({ lag: 0, deadLetters: 0 }), defaultMetrics: false });
    metrics.processed.inc();
    metrics.duration.observe({ outcome: 'success' }, 0.01);
    const body = await metrics.registry.metrics();
    for (const metric of contract.metrics) {
      assert.match(body, new RegExp(`^# TYPE ${metric.name} ${metric.type}$`, 'm'), metric.name);
      assert.ok(body.includes(`# HELP ${metric.name} ${metric.help}`), `${metric.name} help`);
    }
    const exported = [...body.matchAll(/^# TYPE (\S+) /gm)].map(m => m[1]);
    assert.deepEqual(exported.sort(), contract.metrics.map(m => m.name).sort());
  });

  test('each series carries exactly the labels the contract declares', async () => {
    const metrics = createMetrics({ measureQueue: async () => ({ lag: 3, deadLetters: 1 }), defaultMetrics: false });
    metrics.failed.inc({ reason: 'timeout' });
    metrics.duration.observe({ outcome: 'failure' }, 2);
    const body = await metrics.registry.metrics();
    for (const line of body.split('\n').filter(l => l && !l.startsWith('#'))) {
      const series = line.split(/[{ ]/)[0]!;
      const metric = contract.metrics.find(m => series === m.name || series.startsWith(`${m.name}_`));
      assert.ok(metric, line);
      const labels = [...line.matchAll(/([a-z_]+)="/g)].map(m => m[1]).filter(l => l !== 'le');
      assert.deepEqual(labels, metric.labels, line);
    }
  });

  test('failures start at 0 for every reason, so ratios exist before the first failure', async () => {
    const body = await createMetrics({ defaultMetrics: false }).registry.metrics();
    for (const reason of FAILURE_REASONS) assert.equal(value(body, `worker_messages_failed_total{reason="${reason}"}`), 0, reason);
  });

  test('the duration histogram has exactly its buckets', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.duration.observe({ outcome: 'success' }, 0.2);
    const les = [...(await metrics.registry.metrics()).matchAll(/^worker_message_duration_seconds_bucket\{le="([^"]+)",outcome="success"\}/gm)].map(m => m[1]);
    assert.deepEqual(les, [...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
  });

  test('the runtime metrics come on top, under their library prefixes', async () => {
    const body = await createMetrics().registry.metrics();
    assert.match(body, /^process_cpu_seconds_total /m);
    assert.match(body, /^nodejs_eventloop_lag_seconds /m);
    for (const name of [...body.matchAll(/^# TYPE (\S+) /gm)].map(m => m[1]!)) {
      assert.ok(contract.metrics.some(m => m.name === name) || contract.runtimeMetricPrefixes.some(prefix => name.startsWith(prefix)), name);
    }
  });
});

describe('the queue gauges', () => {
  test('are measured from the broker at each scrape, with one measurement for both', async () => {
    let calls = 0;
    let lag = 7;
    const metrics = createMetrics({ defaultMetrics: false, measureQueue: async () => ({ lag: lag, deadLetters: ++calls }) });
    let body = await metrics.registry.metrics();
    assert.equal(value(body, 'worker_queue_lag_messages'), 7);
    assert.equal(value(body, 'worker_dead_letter_messages'), 1);
    assert.equal(calls, 1, 'one broker round trip per scrape');
    lag = 2;
    await new Promise(resolve => setImmediate(resolve));
    body = await metrics.registry.metrics();
    assert.equal(value(body, 'worker_queue_lag_messages'), 2);
    assert.equal(calls, 2);
  });

  test('read NaN, never 0, when the broker cannot be asked or cannot tell', async () => {
    const errors: unknown[] = [];
    const failing = createMetrics({ defaultMetrics: false, measureQueue: async () => Promise.reject(new Error('ECONNREFUSED')), onMeasureError: e => errors.push(e) });
    const body = await failing.registry.metrics();
    assert.ok(Number.isNaN(value(body, 'worker_queue_lag_messages')), body);
    assert.ok(Number.isNaN(value(body, 'worker_dead_letter_messages')));
    assert.equal(errors.length, 1);

    const unknownLag = createMetrics({ defaultMetrics: false, measureQueue: async () => ({ deadLetters: 4 }) });
    const partial = await unknownLag.registry.metrics();
    assert.ok(Number.isNaN(value(partial, 'worker_queue_lag_messages')));
    assert.equal(value(partial, 'worker_dead_letter_messages'), 4);
  });

  test('a hanging broker does not hang the scrape', async () => {
    const metrics = createMetrics({ defaultMetrics: false, measureTimeoutMs: 50, measureQueue: () => new Promise(resolve => setTimeout(() => resolve({ lag: 1 }), 2000).unref()) });
    const started = Date.now();
    const body = await metrics.registry.metrics();
    assert.ok(Date.now() - started < 1000);
    assert.ok(Number.isNaN(value(body, 'worker_queue_lag_messages')));
  });
});
