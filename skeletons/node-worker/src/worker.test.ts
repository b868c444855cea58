import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from './log';
import { Handler, NonRetryableError } from './message';
import { createMetrics, WorkerMetrics } from './metrics';
import { DeadLetterInfo, Delivery, DeliveryTarget, QueueAdapter, Worker, WorkerOptions } from './worker';

/*
 * The broker-independent core, driven through an in-memory adapter that records how each
 * delivery was settled. The real brokers are exercised in adapters/adapters.test.ts.
 */

type Settlement = { id: string; action: 'ack' | 'retry' | 'deadLetter' | 'release'; delayMs?: number; info?: DeadLetterInfo };

class MemoryAdapter implements QueueAdapter {
  readonly kind = 'redis' as const;
  readonly settlements: Settlement[] = [];
  target: DeliveryTarget | undefined;
  stoppedFetching = false;
  closed = false;
  failSettling = false;

  async start(target: DeliveryTarget): Promise<void> {
    this.target = target;
  }
  push(id: string, attempt = 1, body = '{}'): void {
    const record = (action: Settlement['action'], extra: Partial<Settlement> = {}) => async () => {
      if (this.failSettling) throw new Error('connection lost');
      this.settlements.push({ id, action, ...extra });
    };
    const delivery: Delivery = {
      message: { id, body: Buffer.from(body), headers: {}, attempt },
      ack: record('ack'),
      retry: delayMs => record('retry', { delayMs })(),
      deadLetter: info => record('deadLetter', { info })(),
      release: record('release'),
    };
    this.target!.deliver(delivery);
  }
  async stopFetching(): Promise<void> {
    this.stoppedFetching = true;
  }
  isHealthy(): boolean {
    return true;
  }
  async measure() {
    return { lag: 0, deadLetters: 0 };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(handler: Handler, overrides: Partial<WorkerOptions> = {}) {
  const adapter = new MemoryAdapter();
  const metrics = createMetrics({ defaultMetrics: false });
  const worker = new Worker({
    adapter,
    handler,
    metrics,
    log: createLogger('silent'),
    concurrency: 4,
    maxAttempts: 3,
    retryBaseMs: 100,
    retryMaxMs: 1000,
    handlerTimeoutMs: 1000,
    drainTimeoutMs: 1000,
    ...overrides,
  });
  return { adapter, metrics, worker, started: worker.start() };
}

const until = async (condition: () => boolean, what: string, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 5));
  }
};

async function counts(metrics: WorkerMetrics) {
  const body = await metrics.registry.metrics();
  const read = (series: string) => Number(body.split('\n').find(line => line.startsWith(`${series} `))?.split(' ')[1]);
  return {
    processed: read('worker_messages_processed_total'),
    error: read('worker_messages_failed_total{reason="error"}'),
    timeout: read('worker_messages_failed_total{reason="timeout"}'),
    rejected: read('worker_messages_failed_total{reason="rejected"}'),
    redelivered: read('worker_messages_failed_total{reason="redelivered"}'),
    deadLettered: read('worker_messages_dead_lettered_total'),
    inFlight: read('worker_messages_in_flight'),
    successes: read('worker_message_duration_seconds_count{outcome="success"}'),
    failures: read('worker_message_duration_seconds_count{outcome="failure"}'),
  };
}

describe('settling each message once, after the work', () => {
  test('acknowledges only when the handler has finished', async () => {
    let finish!: () => void;
    const { adapter, metrics, started } = setup(() => new Promise<void>(resolve => (finish = resolve)));
    await started;
    adapter.push('m1');
    await new Promise(resolve => setTimeout(resolve, 30));
    assert.deepEqual(adapter.settlements, [], 'nothing is acknowledged while the work runs');
    assert.equal((await counts(metrics)).inFlight, 1);
    finish();
    await until(() => adapter.settlements.length === 1, 'the ack');
    assert.deepEqual(adapter.settlements, [{ id: 'm1', action: 'ack' }]);
    const c = await counts(metrics);
    assert.deepEqual([c.processed, c.inFlight, c.successes], [1, 0, 1]);
  });

  test('a failing attempt is retried after the backoff delay of its attempt number', async () => {
    const { adapter, metrics, started } = setup(async () => {
      throw new Error('downstream unavailable');
    });
    await started;
    adapter.push('a1', 1);
    adapter.push('a2', 2);
    await until(() => adapter.settlements.length === 2, 'two retries');
    assert.deepEqual(adapter.settlements.sort((x, y) => x.id.localeCompare(y.id)), [
      { id: 'a1', action: 'retry', delayMs: 100 },
      { id: 'a2', action: 'retry', delayMs: 200 },
    ]);
    const c = await counts(metrics);
    assert.deepEqual([c.error, c.processed, c.deadLettered, c.failures], [2, 0, 0, 2]);
  });

  test('the last allowed attempt that fails is dead-lettered with its reason and attempt count', async () => {
    const { adapter, metrics, started } = setup(async () => {
      throw new Error('still broken');
    });
    await started;
    adapter.push('p', 3);
    await until(() => adapter.settlements.length === 1, 'the dead-lettering');
    assert.deepEqual(adapter.settlements, [{ id: 'p', action: 'deadLetter', info: { reason: 'error', error: 'still broken', attempts: 3 } }]);
    const c = await counts(metrics);
    assert.deepEqual([c.error, c.deadLettered], [1, 1]);
  });

  test('NonRetryableError dead-letters on the first attempt', async () => {
    const { adapter, metrics, started } = setup(async () => {
      throw new NonRetryableError('unknown order type');
    });
    await started;
    adapter.push('r', 1);
    await until(() => adapter.settlements.length === 1, 'the dead-lettering');
    assert.deepEqual(adapter.settlements[0]?.info, { reason: 'rejected', error: 'unknown order type', attempts: 1 });
    assert.equal((await counts(metrics)).rejected, 1);
  });

  test('an attempt past HANDLER_TIMEOUT_MS fails as a timeout and its signal fires', async () => {
    let signal: AbortSignal | undefined;
    const { adapter, metrics, started } = setup(
      (_message, context) => {
        signal = context.signal;
        return new Promise(() => undefined);
      },
      { handlerTimeoutMs: 50 },
    );
    await started;
    adapter.push('slow', 1);
    await until(() => adapter.settlements.length === 1, 'the retry');
    assert.equal(adapter.settlements[0]?.action, 'retry');
    assert.equal(signal?.aborted, true);
    assert.equal((await counts(metrics)).timeout, 1);
  });

  test('a message delivered more often than MAX_ATTEMPTS is dead-lettered without running the handler', async () => {
    let ran = false;
    const { adapter, metrics, started } = setup(async () => {
      ran = true;
    });
    await started;
    adapter.push('crasher', 4);
    await until(() => adapter.settlements.length === 1, 'the dead-lettering');
    assert.equal(ran, false);
    assert.deepEqual(adapter.settlements[0]?.info, { reason: 'redelivered', error: 'delivered 4 times without an outcome', attempts: 4 });
    const c = await counts(metrics);
    assert.deepEqual([c.redelivered, c.deadLettered], [1, 1]);
  });

  test('when the broker refuses the ack, the message is not counted as processed and its slot frees', async () => {
    const { adapter, metrics, worker, started } = setup(async () => undefined);
    await started;
    adapter.failSettling = true;
    adapter.push('lost-ack');
    await until(() => worker.inFlightCount === 0, 'the slot');
    const c = await counts(metrics);
    assert.deepEqual([c.processed, c.inFlight], [0, 0]);
  });
});

describe('concurrency', () => {
  test('capacity is CONCURRENCY minus the messages in flight, and frees as they settle', async () => {
    const gates: Array<() => void> = [];
    const { adapter, worker, started } = setup(() => new Promise<void>(resolve => gates.push(resolve)), { concurrency: 2 });
    await started;
    assert.equal(worker.capacity(), 2);
    adapter.push('1');
    adapter.push('2');
    assert.equal(worker.capacity(), 0);
    let woke = false;
    const waiting = worker.waitForCapacity().then(() => (woke = true));
    await new Promise(resolve => setTimeout(resolve, 20));
    assert.equal(woke, false, 'no capacity yet');
    await until(() => gates.length === 2, 'both handlers');
    gates[0]!();
    await waiting;
    assert.equal(worker.capacity(), 1);
  });
});

describe('draining on shutdown', () => {
  test('stops fetching, lets in-flight messages finish, then closes', async () => {
    let finish!: () => void;
    const { adapter, worker, started } = setup(() => new Promise<void>(resolve => (finish = resolve)), { drainTimeoutMs: 5000 });
    await started;
    adapter.push('inflight');
    const draining = worker.drain();
    assert.equal(worker.drain(), draining, 'drain is idempotent');
    await until(() => adapter.stoppedFetching, 'stopFetching');
    assert.equal(worker.capacity(), 0, 'no new messages are taken');
    adapter.push('late');
    await until(() => adapter.settlements.length === 1, 'the late message released');
    assert.deepEqual(adapter.settlements[0], { id: 'late', action: 'release' });
    assert.equal(adapter.closed, false, 'the connection stays open while work is in flight');
    finish();
    assert.deepEqual(await draining, { finished: 1, handedBack: 0 });
    assert.deepEqual(adapter.settlements[1], { id: 'inflight', action: 'ack' });
    assert.equal(adapter.closed, true);
  });

  test('at the deadline, unfinished messages are aborted and handed back, and a late finish acks nothing', async () => {
    let signal: AbortSignal | undefined;
    let finish!: () => void;
    const { adapter, metrics, worker, started } = setup(
      (_message, context) => {
        signal = context.signal;
        return new Promise<void>(resolve => (finish = resolve));
      },
      { drainTimeoutMs: 100, handlerTimeoutMs: 60_000 },
    );
    await started;
    adapter.push('stuck');
    const began = Date.now();
    assert.deepEqual(await worker.drain(), { finished: 0, handedBack: 1 });
    assert.ok(Date.now() - began < 1000, 'the drain ends at its deadline');
    assert.equal(signal?.aborted, true);
    finish();
    await new Promise(resolve => setTimeout(resolve, 20));
    assert.deepEqual(adapter.settlements, [{ id: 'stuck', action: 'release' }]);
    assert.equal((await counts(metrics)).processed, 0);
  });
});
