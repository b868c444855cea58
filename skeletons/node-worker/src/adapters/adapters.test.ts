import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { Config, loadConfig, QUEUE_KINDS, QueueKind } from '../config';
import { createLogger } from '../log';
import type { Handler, Message } from '../message';
import { createMetrics } from '../metrics';
import { openTestBroker, TEST_BROKER_VARIABLES, TestBroker, testBrokerUrl } from '../test-brokers';
import { waitFor } from '../test-helpers';
import { Worker } from '../worker';
import { createAdapter } from './index';

/*
 * Each adapter against a real broker (test-brokers.ts says where it comes from). Every test
 * uses a queue of its own, so the tests need no cleanup and cannot see each other's messages.
 */

function configFor(kind: QueueKind, url: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    QUEUE_KIND: kind,
    QUEUE_URL: url,
    QUEUE_NAME: `t-${randomBytes(5).toString('hex')}`,
    CONSUMER_NAME: `test-${randomBytes(3).toString('hex')}`,
    MAX_ATTEMPTS: '3',
    RETRY_BASE_MS: '150',
    RETRY_MAX_MS: '1000',
    HANDLER_TIMEOUT_MS: '5000',
    DRAIN_TIMEOUT_MS: '5000',
    CONCURRENCY: '4',
    ...env,
  });
}

async function startWorker(config: Config, handler: Handler) {
  const metrics = createMetrics({ defaultMetrics: false });
  const adapter = createAdapter(config, createLogger('silent'));
  const worker = new Worker({ ...config, adapter, handler, metrics, log: createLogger('silent') });
  await worker.start();
  await waitFor(async () => adapter.isHealthy());
  return { worker, adapter, metrics };
}

const json = (value: unknown) => JSON.stringify(value);
const idOf = (message: Message) => (JSON.parse(message.body.toString('utf8')) as { n: number }).n;

for (const kind of QUEUE_KINDS) {
  const url = testBrokerUrl(kind);
  describe(`the ${kind} adapter against a real broker`, { skip: url ? false : `set ${TEST_BROKER_VARIABLES[kind]} to run it` }, () => {
    let broker: TestBroker;
    before(async () => {
      broker = await openTestBroker(kind, url!);
    });
    after(() => broker?.close());

    test('consumes real messages, acknowledges each after its work, and leaves none unsettled', async () => {
      const config = configFor(kind, url!);
      const seen: number[] = [];
      const { worker, adapter } = await startWorker(config, async message => {
        seen.push(idOf(message));
      });
      try {
        for (let n = 1; n <= 5; n++) await broker.publish(config.queue.name, json({ n }));
        await waitFor(async () => seen.length === 5);
        assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5]);
        await waitFor(async () => (await adapter.measure()).lag === 0);
      } finally {
        await worker.drain();
      }
      assert.equal(await broker.unsettled(config.queue.name, config.queue.group), 0, 'every message was acknowledged');
      assert.deepEqual(await broker.deadLetters(config.queue.name), []);
    });

    test('retries a failing message with growing delays until an attempt succeeds', async () => {
      const config = configFor(kind, url!);
      const attempts: Array<{ attempt: number; at: number; id: string }> = [];
      const { worker } = await startWorker(config, async message => {
        attempts.push({ attempt: message.attempt, at: Date.now(), id: message.id });
        if (message.attempt < 3) throw new Error(`transient failure on attempt ${message.attempt}`);
      });
      try {
        await broker.publish(config.queue.name, json({ n: 1 }));
        await waitFor(async () => attempts.length === 3);
        assert.deepEqual(attempts.map(a => a.attempt), [1, 2, 3]);
        // The id is the message's on every attempt (Redis re-adds a copy, which carries the first entry's id): an idempotency key.
        assert.equal(new Set(attempts.map(a => a.id)).size, 1, `ids: ${attempts.map(a => a.id).join(', ')}`);
        const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
        // RETRY_BASE_MS=150: no sooner than 150 ms, then 300 ms (timers may fire a millisecond early).
        assert.ok(gaps[0]! >= 145 && gaps[1]! >= 295, `waits between attempts: ${gaps.join(', ')} ms`);
        await new Promise(resolve => setTimeout(resolve, 300));
        assert.equal(attempts.length, 3, 'no attempt after the one that succeeded');
      } finally {
        await worker.drain();
      }
      assert.equal(await broker.unsettled(config.queue.name, config.queue.group), 0);
      assert.deepEqual(await broker.deadLetters(config.queue.name), []);
    });

    test('dead-letters a poison message after MAX_ATTEMPTS, with the failure in its headers', async () => {
      const config = configFor(kind, url!);
      const attempts: number[] = [];
      const { worker, metrics } = await startWorker(config, async message => {
        attempts.push(message.attempt);
        throw new Error('cannot process this one');
      });
      let dead: Awaited<ReturnType<TestBroker['deadLetters']>> = [];
      try {
        await broker.publish(config.queue.name, json({ n: 7 }));
        await waitFor(async () => (await metrics.deadLettered.get()).values[0]?.value === 1);
        assert.deepEqual(attempts, [1, 2, 3]);
      } finally {
        await worker.drain();
      }
      dead = await broker.deadLetters(config.queue.name);
      assert.equal(dead.length, 1);
      assert.equal(dead[0]!.body, json({ n: 7 }));
      assert.equal(dead[0]!.headers['x-failure-reason'], 'error');
      assert.equal(dead[0]!.headers['x-failure-error'], 'cannot process this one');
      assert.equal(dead[0]!.headers['x-attempts'], '3');
      assert.equal(dead[0]!.headers['x-original-queue'], config.queue.name);
      assert.equal(await broker.unsettled(config.queue.name, config.queue.group), 0, 'nothing left to redeliver');
    });

    test('measures the lag and the dead-letter depth from the broker', async () => {
      const config = configFor(kind, url!, { CONCURRENCY: '1', MAX_ATTEMPTS: '1' });
      const gates: Array<() => void> = [];
      const { worker, adapter } = await startWorker(config, message =>
        idOf(message) === 0 ? Promise.reject(new Error('poison')) : new Promise<void>(resolve => gates.push(resolve)),
      );
      try {
        await broker.publish(config.queue.name, json({ n: 0 }));
        await waitFor(async () => (await adapter.measure()).deadLetters === 1);
        for (let n = 1; n <= 4; n++) await broker.publish(config.queue.name, json({ n }));
        // CONCURRENCY=1: one message in flight, the other three waiting.
        await waitFor(async () => gates.length === 1 && (await adapter.measure()).lag === 3);
        while (gates.length) {
          gates.shift()!();
          await waitFor(async () => gates.length > 0 || (await adapter.measure()).lag === 0);
        }
        assert.deepEqual(await adapter.measure(), { lag: 0, deadLetters: 1 });
      } finally {
        for (const gate of gates) gate();
        await worker.drain();
      }
    });

    test('hands an unfinished message back at the drain deadline, for the next consumer as its next attempt', async () => {
      const config = configFor(kind, url!, { DRAIN_TIMEOUT_MS: '200' });
      let started = false;
      const first = await startWorker(config, (_message, { signal }) => {
        started = true;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      });
      await broker.publish(config.queue.name, json({ n: 1 }));
      await waitFor(async () => started);
      assert.deepEqual(await first.worker.drain(), { finished: 0, handedBack: 1 });

      const received: Message[] = [];
      const second = await startWorker({ ...config, queue: { ...config.queue, consumer: `${config.queue.consumer}-2` } }, async message => {
        received.push(message);
      });
      try {
        await waitFor(async () => received.length === 1);
        assert.equal(idOf(received[0]!), 1);
        assert.equal(received[0]!.attempt, 2, 'the interrupted attempt counts');
      } finally {
        await second.worker.drain();
      }
      assert.equal(await broker.unsettled(config.queue.name, config.queue.group), 0);
    });

    if (kind === 'redis') {
      test('takes over a message a dead consumer left unsettled, counting that delivery as an attempt', async () => {
        const config = configFor(kind, url!, { HANDLER_TIMEOUT_MS: '100', CLAIM_IDLE_MS: '400' });
        const { name: stream, group } = config.queue;
        // A consumer that reads and dies: the entry stays pending under its name.
        const raw = createClient({ url: url!, RESP: 2 });
        await raw.connect();
        try {
          await raw.sendCommand(['XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM']);
          await broker.publish(stream, json({ n: 9 }));
          const read = await raw.sendCommand<unknown[] | null>(['XREADGROUP', 'GROUP', group, 'crashed-pod', 'COUNT', '1', 'STREAMS', stream, '>']);
          assert.ok(read, 'the dead consumer received the entry');
        } finally {
          await raw.close();
        }
        const received: Message[] = [];
        const startedAt = Date.now();
        const { worker } = await startWorker(config, async message => {
          received.push(message);
        });
        try {
          await waitFor(async () => received.length === 1);
          assert.ok(Date.now() - startedAt >= 300, 'not before CLAIM_IDLE_MS of idleness');
          assert.equal(idOf(received[0]!), 9);
          assert.equal(received[0]!.attempt, 2);
        } finally {
          await worker.drain();
        }
        assert.equal(await broker.unsettled(stream, group), 0);
      });
    }
  });
}
