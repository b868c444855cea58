import * as amqp from 'amqplib';
import type { Logger } from 'pino';
import { attemptOf, retrySchedule, wholeNumber } from '../backoff';
import { Config, deadLetterName, redactUrl } from '../config';
import type { Message } from '../message';
import type { QueueDepth } from '../metrics';
import { SERVICE_NAME } from '../service';
import type { Delivery, DeliveryTarget, QueueAdapter } from '../worker';
import { DEAD_LETTER_HEADERS, truncate } from './headers';

/*
 * RabbitMQ (amqplib). The topology, declared at every (re)connect, all quorum queues:
 *
 *   <queue>                 the work; dead-letters (x-dead-letter-exchange) to <queue>.dead
 *   <queue>.retry.<ms>      one per delay of the retry schedule: x-message-ttl <ms>, then dead-letters
 *                           back to <queue> through the default exchange. One TTL per queue, so no
 *                           message waits behind a longer one
 *   <queue>.dead            fanout exchange and queue: the poison messages
 *
 * A failed attempt is re-published to the retry queue of its delay with x-attempt = attempt + 1
 * (through a confirm channel), and only then acknowledged. The last failed attempt is published to
 * <queue>.dead with x-failure-* headers, then acknowledged. A quorum queue counts the times it
 * delivered the same copy (x-delivery-count), so a message a worker crashed on is still bounded.
 * A message handed back on shutdown is nacked with requeue.
 */

/** Headers the worker manages; not copied when it re-publishes a message. */
const BROKER_HEADERS = new Set(['x-attempt', 'x-delivery-count', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason']);

export class RabbitMqAdapter implements QueueAdapter {
  readonly kind = 'rabbitmq' as const;
  private model: amqp.RecoveringChannelModel | undefined;
  private consumer: { channel: amqp.Channel; tag: string } | undefined;
  private publisher: amqp.ConfirmChannel | undefined;
  /** The channel the consumer runs on; acknowledgements go on it, so it outlives the consumer's cancel. */
  private channel: amqp.Channel | undefined;
  private current: amqp.ChannelModel | undefined;
  private target: DeliveryTarget | undefined;
  private stopping = false;
  private readonly queue: string;
  private readonly dead: string;
  private readonly delays: number[];

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.queue = config.queue.name;
    this.dead = deadLetterName('rabbitmq', this.queue);
    this.delays = [...new Set(retrySchedule(config.maxAttempts, { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs }))];
  }

  retryQueue(delayMs: number): string {
    return `${this.queue}.retry.${delayMs}`;
  }

  async start(target: DeliveryTarget): Promise<void> {
    this.target = target;
    const where = redactUrl(this.config.queue.url);
    const model = await amqp.connect(this.config.queue.url, {
      clientProperties: { connection_name: `${SERVICE_NAME} ${this.config.queue.consumer}` },
      recovery: {
        waitForConnect: false,
        maxRetries: Infinity,
        initialDelay: 200,
        maxDelay: 5000,
        // After every (re)connect: the topology, then the consumer.
        setup: async (connection: amqp.ChannelModel) => this.setup(connection),
      },
    });
    this.model = model;
    model.on('connect', () => this.log.info({ broker: where }, 'connected to RabbitMQ'));
    model.on('disconnect', error => {
      this.consumer = undefined;
      this.channel = undefined;
      this.publisher = undefined;
      this.current = undefined;
      if (!this.stopping) this.log.warn({ err: error, broker: where }, 'lost the RabbitMQ connection; reconnecting');
    });
    let lastFailure: string | undefined;
    // Logged when the reason changes, not on every retry.
    model.on('connect-failed', (error: Error) => {
      if (error.message !== lastFailure) this.log.warn({ err: error, broker: where }, 'cannot connect to RabbitMQ; retrying');
      lastFailure = error.message;
    });
    model.on('connect', () => (lastFailure = undefined));
    model.on('error', error => this.log.warn({ err: error }, 'RabbitMQ connection error'));
    await model.waitForConnect();
  }

  private async setup(connection: amqp.ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    channel.on('error', error => this.log.warn({ err: error }, 'RabbitMQ channel error'));
    await channel.assertExchange(this.dead, 'fanout', { durable: true });
    await channel.assertQueue(this.dead, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(this.dead, this.dead, '');
    await channel.assertQueue(this.queue, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': this.dead } });
    for (const delay of this.delays) await this.assertRetryQueue(channel, delay);
    const publisher = await connection.createConfirmChannel();
    publisher.on('error', error => this.log.warn({ err: error }, 'RabbitMQ publishing channel error'));
    await channel.prefetch(this.config.concurrency);
    this.current = connection;
    this.channel = channel;
    this.publisher = publisher;
    if (this.stopping) return;
    const { consumerTag } = await channel.consume(this.queue, raw => this.onMessage(channel, raw), { noAck: false });
    this.consumer = { channel, tag: consumerTag };
    this.log.info({ queue: this.queue, deadLetter: this.dead, retryQueues: this.delays.map(d => this.retryQueue(d)), prefetch: this.config.concurrency }, 'consuming');
  }

  private assertRetryQueue(channel: amqp.Channel, delayMs: number): Promise<unknown> {
    return channel.assertQueue(this.retryQueue(delayMs), {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': this.queue },
    });
  }

  private onMessage(channel: amqp.Channel, raw: amqp.ConsumeMessage | null): void {
    if (!raw) {
      // The broker cancelled the consumer (the queue was deleted): unhealthy until the next reconnect.
      this.consumer = undefined;
      this.log.error({ queue: this.queue }, 'RabbitMQ cancelled the consumer (was the queue deleted?)');
      return;
    }
    const rawHeaders = raw.properties.headers ?? {};
    const deliveryCount = rawHeaders['x-delivery-count'];
    // Quorum queues count earlier deliveries of this copy; a classic queue only flags a redelivery.
    const timesDelivered = typeof deliveryCount === 'number' ? deliveryCount + 1 : raw.fields.redelivered ? 2 : 1;
    const message: Message = {
      id: typeof raw.properties.messageId === 'string' && raw.properties.messageId ? raw.properties.messageId : `delivery-${raw.fields.deliveryTag}`,
      body: raw.content,
      headers: stringHeaders(rawHeaders),
      attempt: attemptOf(wholeNumber(rawHeaders['x-attempt'], 1), timesDelivered),
    };
    const republishHeaders = (extra: Record<string, string | number>) => ({
      ...Object.fromEntries(Object.entries(rawHeaders).filter(([key]) => !BROKER_HEADERS.has(key))),
      ...extra,
    });
    const delivery: Delivery = {
      message,
      ack: async () => channel.ack(raw),
      retry: async delayMs => {
        if (!this.delays.includes(delayMs)) {
          await this.assertRetryQueue(channel, delayMs);
          this.delays.push(delayMs);
        }
        await this.publish('', this.retryQueue(delayMs), raw, republishHeaders({ 'x-attempt': message.attempt + 1 }));
        channel.ack(raw);
      },
      deadLetter: async info => {
        await this.publish(this.dead, '', raw, republishHeaders({
          [DEAD_LETTER_HEADERS.reason]: info.reason,
          [DEAD_LETTER_HEADERS.error]: truncate(info.error),
          [DEAD_LETTER_HEADERS.attempts]: info.attempts,
          [DEAD_LETTER_HEADERS.queue]: this.queue,
          [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
        }));
        channel.ack(raw);
      },
      release: async () => channel.nack(raw, false, true),
    };
    this.target?.deliver(delivery);
  }

  /** Publishes a copy of `raw` and waits for the broker's confirm. */
  private publish(exchange: string, routingKey: string, raw: amqp.ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) return Promise.reject(new Error('not connected to RabbitMQ'));
    const { expiration: _expiration, headers: _headers, ...properties } = raw.properties;
    const options: amqp.Options.Publish = {};
    for (const [key, value] of Object.entries(properties)) if (value !== undefined) (options as Record<string, unknown>)[key] = value;
    return new Promise((resolve, reject) => {
      try {
        publisher.publish(exchange, routingKey, raw.content, { ...options, headers, persistent: true }, error =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
        );
      } catch (error) {
        reject(error);
      }
    });
  }

  async stopFetching(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
  }

  isHealthy(): boolean {
    return this.current !== undefined && this.consumer !== undefined;
  }

  async measure(): Promise<QueueDepth> {
    const connection = this.current;
    if (!connection) throw new Error('not connected to RabbitMQ');
    // A channel of its own: a failed check closes the channel it ran on.
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      const [queue, dead] = await Promise.all([channel.checkQueue(this.queue), channel.checkQueue(this.dead)]);
      return { lag: queue.messageCount, deadLetters: dead.messageCount };
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.stopping = true;
    // Closing the channels first waits for the broker to have read everything sent on them, the
    // last acknowledgements included; closing only the connection can drop them.
    await Promise.allSettled([this.channel?.close(), this.publisher?.close()]);
    await this.model?.close();
  }
}

/** AMQP header values as the handler sees them: strings, with structured values as JSON. */
function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}
