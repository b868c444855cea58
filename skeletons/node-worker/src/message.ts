import type { Logger } from 'pino';

/** One message as the handler sees it, whichever broker it came from. */
export interface Message {
  /**
   * The broker's id for it: the AMQP message-id (or the delivery tag when the publisher set
   * none), the Redis stream entry id, the JetStream stream sequence. A retried message may get a
   * new id (RabbitMQ and Redis re-publish it); put your own idempotency key in the body.
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
