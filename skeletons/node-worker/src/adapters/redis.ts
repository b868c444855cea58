import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import type { Logger } from 'pino';
import { attemptOf, wholeNumber } from '../backoff';
import { Config, deadLetterName, redactUrl } from '../config';
import type { Message } from '../message';
import type { QueueDepth } from '../metrics';
import type { Delivery, DeliveryTarget, QueueAdapter } from '../worker';
import { DEAD_LETTER_HEADERS, truncate } from './headers';

/*
 * Redis Streams with a consumer group.
 *
 *   <stream>            the work: entries with a `body` field (other fields become headers),
 *                       read with XREADGROUP by the group CONSUMER_GROUP, acknowledged with XACK
 *   <stream>:retry      a sorted set of failed entries scored by when they are due; every pass of
 *                       the fetch loop moves the due ones back into <stream> (one Lua script, atomic)
 *                       with x-attempt = attempt + 1 and x-first-id (the first entry's id,
 *                       which stays the message's id)
 *   <stream>:dead       a stream of the poison entries, with x-failure-* fields
 *
 * Every move is one MULTI with the XACK of the entry it replaces, so a message is never lost or
 * doubled between two keys. Entries another consumer received and left unsettled for CLAIM_IDLE_MS
 * (its pod died) are taken over with XAUTOCLAIM; the times Redis delivered an entry (XPENDING)
 * count as attempts, so one that kills every worker is still dead-lettered. A message handed back
 * on shutdown is re-added to <stream> (as its next attempt) and acknowledged.
 *
 * Entries stay in the stream after XACK, as Redis keeps them for every group: cap the stream
 * where it is written (XADD <stream> MAXLEN ~ 100000 * body ...). The keys must share a slot
 * to run on Redis Cluster: use a QUEUE_NAME such as {orders}.
 */

const BODY_FIELD = 'body';
const ATTEMPT_FIELD = 'x-attempt';
/** On a retried or handed-back copy: the first entry's id, which stays the message's id (an idempotency key). */
const FIRST_ID_FIELD = 'x-first-id';
/** Moves the due entries of the retry set back into the stream. KEYS: retry set, stream; ARGV: now (ms), limit. */
const MOVE_DUE_RETRIES = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', unpack(cjson.decode(member).fields))
  redis.call('ZREM', KEYS[1], member)
end
return #due`;

type Client = ReturnType<typeof createClient>;
type Entry = [id: string, fields: string[] | null];

export class RedisAdapter implements QueueAdapter {
  readonly kind = 'redis' as const;
  private readonly client: Client;
  /** XREADGROUP BLOCK holds its connection: it gets one of its own. */
  private readonly reader: Client;
  private readonly stream: string;
  private readonly retrySet: string;
  private readonly dead: string;
  private readonly blockMs: number;
  private readonly claimEveryMs: number;
  private claimCursor = '0-0';
  private lastClaim = 0;
  private loop: Promise<void> | undefined;
  private loopHealthy = false;
  private stopping = false;
  private lastError: string | undefined;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {
    this.stream = config.queue.name;
    this.retrySet = `${config.queue.name}:retry`;
    this.dead = deadLetterName('redis', config.queue.name);
    // The retry set is polled once per read, so a short base delay needs short reads.
    this.blockMs = Math.min(1000, Math.max(50, config.retryBaseMs));
    this.claimEveryMs = Math.min(10_000, Math.max(100, Math.floor(config.claimIdleMs / 4)));
    const where = redactUrl(config.queue.url);
    this.client = createClient({
      url: config.queue.url,
      RESP: 2,
      name: `${config.queue.group}:${config.queue.consumer}`,
      socket: { reconnectStrategy: retries => Math.min(5000, 100 * 2 ** Math.min(retries, 10)) },
    });
    this.reader = this.client.duplicate();
    for (const [role, client] of [['commands', this.client], ['reader', this.reader]] as const) {
      client.on('error', (error: Error) => this.warnOnce(error, `Redis connection (${role}) failed; reconnecting`, where));
      client.on('ready', () => {
        this.lastError = undefined;
        this.log.info({ broker: where, connection: role }, 'connected to Redis');
      });
    }
  }

  async start(target: DeliveryTarget): Promise<void> {
    await Promise.all([this.client.connect(), this.reader.connect()]);
    if (this.stopping) return;
    await this.ensureGroup();
    this.log.info({ stream: this.stream, group: this.config.queue.group, consumer: this.config.queue.consumer, retrySet: this.retrySet, deadLetter: this.dead }, 'consuming');
    this.loop = this.fetchLoop(target);
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the start of the stream: entries written before the group existed are work too.
      await this.client.sendCommand(['XGROUP', 'CREATE', this.stream, this.config.queue.group, '0', 'MKSTREAM']);
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  private async fetchLoop(target: DeliveryTarget): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await target.waitForCapacity();
        if (this.stopping) break;
        await this.moveDueRetries();
        if (Date.now() - this.lastClaim >= this.claimEveryMs) await this.claimAbandoned(target);
        const count = target.capacity();
        if (count === 0) continue;
        const reply = await this.reader.sendCommand<[string, Entry[]][] | null>([
          'XREADGROUP', 'GROUP', this.config.queue.group, this.config.queue.consumer,
          'COUNT', String(count), 'BLOCK', String(this.blockMs), 'STREAMS', this.stream, '>',
        ]);
        this.loopHealthy = true;
        failures = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) if (fields) target.deliver(this.delivery(id, fields, 1));
        }
      } catch (error) {
        this.loopHealthy = false;
        if (this.stopping) break;
        failures += 1;
        this.warnOnce(error as Error, 'reading from Redis failed; retrying', redactUrl(this.config.queue.url));
        if (String((error as Error).message).startsWith('NOGROUP')) await this.ensureGroup().catch(() => undefined);
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 10)));
      }
    }
  }

  private async moveDueRetries(): Promise<void> {
    await this.client.sendCommand(['EVAL', MOVE_DUE_RETRIES, '2', this.retrySet, this.stream, String(Date.now()), '100']);
  }

  /** Takes over entries other consumers received and left unsettled for CLAIM_IDLE_MS. */
  private async claimAbandoned(target: DeliveryTarget): Promise<void> {
    this.lastClaim = Date.now();
    const count = target.capacity();
    if (count === 0) return;
    const { group, consumer } = this.config.queue;
    const [next, entries] = await this.client.sendCommand<[string, Entry[], string[]?]>([
      'XAUTOCLAIM', this.stream, group, consumer, String(this.config.claimIdleMs), this.claimCursor, 'COUNT', String(count),
    ]);
    this.claimCursor = next;
    for (const [id, fields] of entries) {
      if (!fields) continue;
      // XAUTOCLAIM counted this delivery; XPENDING says how many there were in all.
      const pending = await this.client.sendCommand<[string, string, number, number][]>(['XPENDING', this.stream, group, id, id, '1']);
      const timesDelivered = pending[0]?.[3] ?? 2;
      this.log.warn({ messageId: id, timesDelivered }, 'took over a message another consumer left unsettled');
      target.deliver(this.delivery(id, fields, timesDelivered));
    }
  }

  private delivery(id: string, fields: string[], timesDelivered: number): Delivery {
    const values = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
    const headers = Object.fromEntries([...values].filter(([key]) => key !== BODY_FIELD && key !== ATTEMPT_FIELD && key !== FIRST_ID_FIELD));
    const firstId = values.get(FIRST_ID_FIELD) ?? id;
    const message: Message = {
      id: firstId,
      body: Buffer.from(values.get(BODY_FIELD) ?? '', 'utf8'),
      headers,
      attempt: attemptOf(wholeNumber(values.get(ATTEMPT_FIELD), 1), timesDelivered),
    };
    /** The entry's fields for a new copy of it: body and headers, plus `extra`. */
    const copy = (extra: Record<string, string>): string[] => [
      BODY_FIELD, values.get(BODY_FIELD) ?? '',
      ...Object.entries({ ...headers, [FIRST_ID_FIELD]: firstId, ...extra }).flat(),
    ];
    const { group } = this.config.queue;
    const ack = ['XACK', this.stream, group, id];
    return {
      message,
      ack: async () => {
        await this.client.sendCommand(ack);
      },
      retry: async delayMs => {
        const member = JSON.stringify({ id, fields: copy({ [ATTEMPT_FIELD]: String(message.attempt + 1) }) });
        await this.client.multi().addCommand(['ZADD', this.retrySet, String(Date.now() + delayMs), member]).addCommand(ack).exec();
      },
      deadLetter: async info => {
        const fields = copy({
          [DEAD_LETTER_HEADERS.reason]: info.reason,
          [DEAD_LETTER_HEADERS.error]: truncate(info.error),
          [DEAD_LETTER_HEADERS.attempts]: String(info.attempts),
          [DEAD_LETTER_HEADERS.queue]: this.stream,
          [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
          'x-original-id': id,
        });
        await this.client.multi().addCommand(['XADD', this.dead, '*', ...fields]).addCommand(ack).exec();
      },
      release: async () => {
        // Redis has no "nack": a new copy at the end of the stream, as the next attempt.
        const fields = copy({ [ATTEMPT_FIELD]: String(message.attempt + 1) });
        await this.client.multi().addCommand(['XADD', this.stream, '*', ...fields]).addCommand(ack).exec();
      },
    };
  }

  async stopFetching(): Promise<void> {
    this.stopping = true;
    // The read in progress returns within BLOCK; what it brings is released by the worker.
    await this.loop;
  }

  isHealthy(): boolean {
    return this.client.isReady && this.reader.isReady && this.loopHealthy;
  }

  async measure(): Promise<QueueDepth> {
    const [groups, deadLetters] = await Promise.all([
      this.client.sendCommand<unknown[][]>(['XINFO', 'GROUPS', this.stream]),
      this.client.sendCommand<number>(['XLEN', this.dead]),
    ]);
    const group = groups.map(pairs).find(info => info.get('name') === this.config.queue.group);
    // `lag` is nil when Redis cannot tell (entries were deleted in the range); unknown, not 0.
    const lag = group?.get('lag');
    return { lag: typeof lag === 'number' ? lag : undefined, deadLetters };
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.loop;
    // Commands to a client that is not connected would wait in its queue for a connection.
    if (this.client.isReady) await this.leaveGroup();
    // close() waits for the replies still due; a client that never connected has none, and would wait for a connection.
    await Promise.allSettled([this.client, this.reader].map(async client => (client.isReady ? client.close() : client.destroy())));
  }

  private async leaveGroup(): Promise<void> {
    try {
      // Leave the group's consumer list clean, unless this consumer still owns entries.
      const mine = await this.client.sendCommand<unknown[]>(['XPENDING', this.stream, this.config.queue.group, '-', '+', '1', this.config.queue.consumer]);
      if (mine.length === 0) await this.client.sendCommand(['XGROUP', 'DELCONSUMER', this.stream, this.config.queue.group, this.config.queue.consumer]);
    } catch (error) {
      this.log.debug({ err: error }, 'could not remove this consumer from the group');
    }
  }

  private warnOnce(error: Error, msg: string, broker: string): void {
    if (this.lastError === error.message) return;
    this.lastError = error.message;
    this.log.warn({ err: error, broker }, msg);
  }
}

/** An XINFO reply (a flat list of names and values) as a map. */
function pairs(flat: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(String(flat[i]), flat[i + 1]);
  return map;
}
