import type { Logger } from 'pino';
import type { MessageStore } from './store';

/** One message as the handler sees it, whichever broker it came from. */
export interface Message {
  /**
   * The broker's id for it, the same on every delivery and retry of the message: the AMQP
   * message-id (RabbitMQ's retries keep it; without one the delivery tag, which a redelivery
   * changes: publish with message-id), the Redis stream entry id (a retried or handed-back copy
   * carries its first entry's id in the field x-first-id), the JetStream stream sequence.
   */
  id: string;
  body: Buffer;
  /** AMQP headers, the Redis entry's fields other than `body`, NATS headers (first value of each). */
  headers: Readonly<Record<string, string>>;
  /** 1 on the first attempt; at most MAX_ATTEMPTS. */
  attempt: number;
}

export interface HandlerContext {
  /** Fires when the attempt times out (HANDLER_TIMEOUT_MS) or shutdown's drain deadline passes: stop, and throw. */
  signal: AbortSignal;
  /** The worker's logger, bound to this message's id and attempt. */
  log: Logger;
  /** The PostgreSQL store when DATABASE_URL is set (src/store.ts), else undefined. */
  store?: MessageStore;
}

/** Resolves when the work is done (the message is then acknowledged); throws to retry it. */
export type Handler = (message: Message, context: HandlerContext) => Promise<void>;

/** Thrown by a handler for a message that can never succeed: it is dead-lettered without more attempts. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}
