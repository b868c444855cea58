import * as amqp from 'amqplib';
import { connect as natsConnect, NatsConnection } from 'nats';
import { createClient } from 'redis';
import { deadLetterName, QueueKind } from './config';
import { connectionOptions } from './adapters/nats';

/*
 * Talks to a real broker the way a producer and an operator would, to test the worker against
 * it. The broker comes from the environment (the Slipway end-to-end test starts each on
 * loopback; in a developer's shell, any reachable test broker):
 *
 *   TEST_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672
 *   TEST_REDIS_URL=redis://127.0.0.1:6379
 *   TEST_NATS_URL=nats://127.0.0.1:4222          (nats-server -js)
 *
 * Tests of a broker whose variable is unset are skipped.
 */

export const TEST_BROKER_VARIABLES: Record<QueueKind, string> = {
  rabbitmq: 'TEST_RABBITMQ_URL',
  redis: 'TEST_REDIS_URL',
  nats: 'TEST_NATS_URL',
};

export interface DeadLetter {
  body: string;
  headers: Record<string, string>;
}

export interface TestBroker {
  kind: QueueKind;
  url: string;
  /** Publishes one message to the queue (RabbitMQ: the queue must exist; the worker declares it). */
  publish(queue: string, body: string): Promise<void>;
  /** Messages of the queue not yet acknowledged, waiting or delivered (RabbitMQ: call with no consumer connected). */
  unsettled(queue: string, group: string): Promise<number>;
  /** The dead-letter queue's messages (RabbitMQ: taken off the queue). */
  deadLetters(queue: string): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export function testBrokerUrl(kind: QueueKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[TEST_BROKER_VARIABLES[kind]]?.trim() || undefined;
}

export async function openTestBroker(kind: QueueKind, url: string): Promise<TestBroker> {
  switch (kind) {
    case 'rabbitmq':
      return rabbitmq(url);
    case 'redis':
      return redis(url);
    case 'nats':
      return nats(url);
  }
}

async function rabbitmq(url: string): Promise<TestBroker> {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  let sequence = 0;
  return {
    kind: 'rabbitmq',
    url,
    async publish(queue, body) {
      channel.sendToQueue(queue, Buffer.from(body), { persistent: true, messageId: `test-${++sequence}`, contentType: 'application/json' });
      await channel.waitForConfirms();
    },
    async unsettled(queue) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async deadLetters(queue) {
      const out: DeadLetter[] = [];
      for (;;) {
        const message = await channel.get(deadLetterName('rabbitmq', queue), { noAck: true });
        if (!message) return out;
        const headers = Object.fromEntries(Object.entries(message.properties.headers ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
        out.push({ body: message.content.toString('utf8'), headers });
      }
    },
    close: () => connection.close(),
  };
}

async function redis(url: string): Promise<TestBroker> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => undefined);
  await client.connect();
  const fields = (flat: string[]) => {
    const map: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) map[flat[i]!] = flat[i + 1]!;
    return map;
  };
  return {
    kind: 'redis',
    url,
    async publish(queue, body) {
      await client.sendCommand(['XADD', queue, '*', 'body', body]);
    },
    async unsettled(queue, group) {
      const [pending] = await client.sendCommand<[number]>(['XPENDING', queue, group]);
      const groups = await client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', queue]);
      const info = groups.map(flat => fields(flat.map(String))).find(g => g.name === group);
      const retries = await client.sendCommand<number>(['ZCARD', `${queue}:retry`]);
      return Number(pending) + Number(info?.lag ?? 0) + Number(retries);
    },
    async deadLetters(queue) {
      const entries = await client.sendCommand<[string, string[]][]>(['XRANGE', deadLetterName('redis', queue), '-', '+']);
      return entries.map(([, flat]) => {
        const { body = '', ...headers } = fields(flat);
        return { body, headers };
      });
    },
    close: () => client.close(),
  };
}

async function nats(url: string): Promise<TestBroker> {
  const nc: NatsConnection = await natsConnect(connectionOptions(url));
  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  return {
    kind: 'nats',
    url,
    async publish(queue, body) {
      await js.publish(queue, Buffer.from(body));
    },
    async unsettled(queue, group) {
      const info = await jsm.consumers.info(queue, group);
      return info.num_pending + info.num_ack_pending;
    },
    async deadLetters(queue) {
      const stream = deadLetterName('nats', queue);
      const { state } = await jsm.streams.info(stream);
      const out: DeadLetter[] = [];
      for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq });
        const headers: Record<string, string> = {};
        for (const key of message.header.keys()) headers[key] = message.header.get(key);
        out.push({ body: Buffer.from(message.data).toString('utf8'), headers });
      }
      return out;
    },
    close: () => nc.drain(),
  };
}
