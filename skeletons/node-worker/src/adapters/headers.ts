/** The headers (Redis: fields) a dead-lettered message carries, the same for every broker. */
export const DEAD_LETTER_HEADERS = {
  /** The failure reason: error, timeout, rejected or redelivered (worker_messages_failed_total's labels). */
  reason: 'x-failure-reason',
  /** The last error's message, at most MAX_ERROR_LENGTH characters. */
  error: 'x-failure-error',
  /** How many attempts it had. */
  attempts: 'x-attempts',
  /** The queue (RabbitMQ), stream (Redis) or stream (NATS) it came from. */
  queue: 'x-original-queue',
  /** When it was dead-lettered (ISO 8601). */
  failedAt: 'x-failed-at',
} as const;

const MAX_ERROR_LENGTH = 1000;

export function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
