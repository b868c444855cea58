import {
  AckPolicy,
  connect,
  ConnectionOptions,
  Consumer,
  ConsumerMessages,
  DeliverPolicy,
  headers as createHeaders,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import type { Logger } from 'pino';
import { Config, deadLetterName, redactUrl } from '../config';
import type { Message } from '../message';
import type { QueueDepth } from '../metrics';
import { SERVICE_NAME } from '../service';
import type { Delivery, DeliveryTarget, QueueAdapter } from '../worker';
import { DEAD_LETTER_HEADERS, truncate } from './headers';

/*
 * NATS JetStream (the `nats` client; works with nats-server 2.9 and later).
 *
 *   stream <QUEUE_NAME>        work-queue retention, capturing QUEUE_SUBJECT (created when missing;
 *                              an existing stream is used as it is)
 *   consumer <CONSUMER_GROUP>  durable pull consumer, explicit acks, ack_wait HANDLER_TIMEOUT_MS + 10 s,
 *                              max_deliver MAX_ATTEMPTS + 1
 *   stream <QUEUE_NAME>-dead   the poison messages, on the subject <QUEUE_NAME>-dead, with x-failure-* headers
 *
 * The server counts deliveries (info.redeliveryCount), so that is the attempt. A failed attempt
 * is nak'ed with the backoff delay; the last one is published to the dead-letter stream (and
 * stored: the publish waits for the stream's ack), then terminated. A message a worker died on
 * comes back after ack_wait; the delivery past MAX_ATTEMPTS is dead-lettered without running.
 * A message handed back on shutdown is nak'ed with a short delay (RELEASE_DELAY_MS).
 */

/** How long one pull request waits for messages; also how long stopping can take. */
const FETCH_EXPIRES_MS = 1000;
/**
 * A handed-back message is nak'ed with this delay, past the expiry of this replica's last pull
 * request. Nak'ed without one, the server redelivers it at once into that request, finds nobody
 * listening, and un-counts the delivery: the interrupted attempt would not count, and a message
 * that always outlives the drain deadline could cycle forever.
 */
const RELEASE_DELAY_MS = 2 * FETCH_EXPIRES_MS;

export class NatsAdapter implements QueueAdapter {
  readonly kind = 'nats' as const;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private batch: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private connected = false;
  private loopHealthy = false;
  private stopping = false;
  private readonly stream: string;
  private readonly dead: string;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.stream = config.queue.name;
    this.dead = deadLetterName('nats', config.queue.name);
  }

  async start(target: DeliveryTarget): Promise<void> {
    const where = redactUrl(this.config.queue.url);
    // nats.js retries the first connection silently: say so once if it takes a while.
    const slow = setTimeout(() => this.log.warn({ broker: where }, 'cannot connect to NATS yet; retrying'), 3000);
    slow.unref();
    const nc = await connect({ ...connectionOptions(this.config.queue.url), name: `${SERVICE_NAME} ${this.config.queue.consumer}`, waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1000 }).finally(() => clearTimeout(slow));
    this.nc = nc;
    if (this.stopping) {
      await nc.close();
      return;
    }
    this.connected = true;
    this.log.info({ broker: where }, 'connected to NATS');
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.connected = false;
          if (!this.stopping) this.log.warn({ broker: where }, 'lost the NATS connection; reconnecting');
        } else if (status.type === 'reconnect') {
          this.connected = true;
          this.log.info({ broker: where }, 'reconnected to NATS');
        }
      }
    })();
    this.jsm = await nc.jetstreamManager().catch((error: Error) => {
      throw new Error(`JetStream does not answer on ${where} (is the server started with JetStream enabled?): ${error.message}`, { cause: error });
    });
    this.js = nc.jetstream();
    await this.declare(this.jsm);
    const consumer = await this.js.consumers.get(this.stream, this.config.queue.group);
    this.log.info({ stream: this.stream, subject: this.config.queue.subject, consumer: this.config.queue.group, deadLetter: this.dead }, 'consuming');
    this.loop = this.fetchLoop(consumer, target);
  }

  private async declare(jsm: JetStreamManager): Promise<void> {
    const { subject, group } = this.config.queue;
    await ensureStream(jsm, this.stream, { subjects: [subject], retention: RetentionPolicy.Workqueue, storage: StorageType.File });
    await ensureStream(jsm, this.dead, { subjects: [this.dead], retention: RetentionPolicy.Limits, storage: StorageType.File });
    const updatable = {
      ack_wait: nanos(this.config.handlerTimeoutMs + 10_000),
      max_deliver: this.config.maxAttempts + 1,
    };
    try {
      await jsm.consumers.info(this.stream, group);
      await jsm.consumers.update(this.stream, group, updatable);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.consumers.add(this.stream, {
        ...updatable,
        durable_name: group,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: subject,
      });
    }
  }

  private async fetchLoop(consumer: Consumer, target: DeliveryTarget): Promise<void> {
    while (!this.stopping) {
      try {
        await target.waitForCapacity();
        const count = target.capacity();
        if (this.stopping || count === 0) continue;
        const batch = await consumer.fetch({ max_messages: count, expires: FETCH_EXPIRES_MS });
        this.batch = batch;
        this.loopHealthy = true;
        for await (const raw of batch) {
          const delivery = this.delivery(raw);
          // After stop, the worker releases what still arrives.
          target.deliver(delivery);
        }
      } catch (error) {
        this.loopHealthy = false;
        if (this.stopping) break;
        this.log.warn({ err: error }, 'fetching from JetStream failed; retrying');
        await new Promise(resolve => setTimeout(resolve, 1000));
      } finally {
        this.batch = undefined;
      }
    }
  }

  private delivery(raw: JsMsg): Delivery {
    const headers: Record<string, string> = {};
    for (const key of raw.headers?.keys() ?? []) headers[key] = raw.headers!.get(key);
    const message: Message = { id: String(raw.seq), body: Buffer.from(raw.data), headers, attempt: raw.info.redeliveryCount };
    return {
      message,
      ack: async () => {
        // Waits for the server to confirm, so "processed" means the server knows.
        if (!(await raw.ackAck())) throw new Error('JetStream did not confirm the acknowledgement');
      },
      retry: async delayMs => raw.nak(delayMs),
      deadLetter: async info => {
        const js = this.js;
        if (!js) throw new Error('not connected to NATS');
        const out = createHeaders();
        for (const [key, value] of Object.entries(headers)) out.set(key, value);
        out.set(DEAD_LETTER_HEADERS.reason, info.reason);
        out.set(DEAD_LETTER_HEADERS.error, truncate(info.error).replace(/[\r\n]+/g, ' '));
        out.set(DEAD_LETTER_HEADERS.attempts, String(info.attempts));
        out.set(DEAD_LETTER_HEADERS.queue, this.stream);
        out.set(DEAD_LETTER_HEADERS.failedAt, new Date().toISOString());
        out.set('x-original-subject', raw.subject);
        out.set('x-original-id', message.id);
        // msgID makes a repeated dead-lettering of the same message (a crash in between) a duplicate the stream drops.
        await js.publish(this.dead, raw.data, { headers: out, msgID: `${this.stream}-${raw.seq}` });
        raw.term();
      },
      release: async () => raw.nak(RELEASE_DELAY_MS),
    };
  }

  async stopFetching(): Promise<void> {
    this.stopping = true;
    this.batch?.stop();
    await this.loop;
  }

  isHealthy(): boolean {
    return this.connected && this.loopHealthy && this.nc !== undefined && !this.nc.isClosed();
  }

  async measure(): Promise<QueueDepth> {
    const jsm = this.jsm;
    if (!jsm || !this.connected) throw new Error('not connected to NATS');
    const [consumer, dead] = await Promise.all([jsm.consumers.info(this.stream, this.config.queue.group), jsm.streams.info(this.dead)]);
    return { lag: consumer.num_pending, deadLetters: dead.state.messages };
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.batch?.stop();
    await this.loop;
    // drain() flushes the acknowledgements still buffered, then closes.
    if (this.nc && !this.nc.isClosed()) await this.nc.drain();
  }
}

/** Creates a stream unless it exists (an existing one may be the platform's: it is left as it is). */
async function ensureStream(jsm: JetStreamManager, name: string, config: { subjects: string[]; retention: RetentionPolicy; storage: StorageType }): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add({ name, ...config });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}

/**
 * QUEUE_URL as nats.js options: the servers (host:port; nats.js ignores a scheme), TLS for
 * tls:// URLs, and the user and password a URL carries.
 */
export function connectionOptions(url: string): ConnectionOptions {
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  let tls = false;
  for (const part of url.split(',').map(s => s.trim()).filter(Boolean)) {
    const parsed = new URL(part);
    if (parsed.username) {
      user = decodeURIComponent(parsed.username);
      pass = decodeURIComponent(parsed.password);
    }
    if (parsed.protocol === 'tls:') tls = true;
    servers.push(parsed.port ? parsed.host : `${parsed.hostname}:4222`);
  }
  return { servers, ...(user !== undefined ? { user, pass } : {}), ...(tls ? { tls: {} } : {}) };
}
