import { setTimeout as sleep } from 'node:timers/promises';
import { HandlerContext, Message, NonRetryableError } from './message';

/*
 * THE WORK: replace `handle` with what this worker does with each message.
 *
 * - Resolve when the work is done: only then is the message acknowledged.
 * - Throw to fail the attempt: it is retried with exponential backoff (RETRY_BASE_MS, doubling,
 *   capped at RETRY_MAX_MS) and dead-lettered after MAX_ATTEMPTS. Throw NonRetryableError for a
 *   message that can never succeed (it is dead-lettered at once).
 * - Honour `context.signal`: it fires at HANDLER_TIMEOUT_MS and at shutdown's drain deadline.
 * - Delivery is at least once (a crash between the work and the acknowledgement repeats it):
 *   make the work idempotent, keyed on something in the body.
 *
 * The sample parses a JSON body and, when DATABASE_URL is set (postgres.external), stores it as
 * one row keyed by the message id (src/store.ts: committed before the message is acknowledged,
 * a redelivery inserts nothing); without a database it logs it. It has two markers that exist
 * ONLY so the sample can be tested end to end; delete them with the sample:
 *
 *   {"samplePoison": true}    always fails: proves the retries and the dead-letter queue
 *   {"sampleDelayMs": 2000}   takes that long: proves that SIGTERM waits for in-flight work
 */

/** SAMPLE ONLY: a body with this field set to true fails on every attempt. */
export const SAMPLE_POISON_FIELD = 'samplePoison';
/** SAMPLE ONLY: a body with this field (milliseconds) takes that long to handle. */
export const SAMPLE_DELAY_FIELD = 'sampleDelayMs';

export async function handle(message: Message, { signal, log, store }: HandlerContext): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(message.body.toString('utf8'));
  } catch {
    // Retrying cannot make malformed input parse.
    throw new NonRetryableError('the message body is not JSON');
  }
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

  if (fields[SAMPLE_POISON_FIELD] === true) {
    throw new Error(`sample poison message (${SAMPLE_POISON_FIELD}: true): the sample handler fails on it every time`);
  }
  const delayMs = fields[SAMPLE_DELAY_FIELD];
  if (typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs > 0) {
    await sleep(delayMs, undefined, { signal });
  }

  if (store) {
    const outcome = await store.store(message, body);
    log.info({ bytes: message.body.length, outcome }, outcome === 'stored' ? 'sample handler stored a message' : 'sample handler found the message stored already');
    return;
  }
  log.info({ bytes: message.body.length }, 'sample handler processed a message');
}
