import type { Logger } from 'pino';
import { retryDelayMs } from './backoff';
import type { QueueKind } from './config';
import { Handler, Message, NonRetryableError } from './message';
import type { FailureReason, QueueDepth, WorkerMetrics } from './metrics';

/*
 * The broker-independent core: runs the handler on each delivery, then settles the delivery
 * exactly once, after the work is done:
 *
 *   handler resolved                          -> ack
 *   handler failed, attempts left             -> retry after retryDelayMs(attempt)
 *   handler failed on the last attempt,
 *   or threw NonRetryableError                -> dead-letter
 *   delivered more than maxAttempts times     -> dead-letter without running the handler
 *   shutdown's drain deadline passed first    -> release (back to the broker, as a spent attempt)
 *
 * Each adapter (src/adapters/) maps these five onto its broker.
 */

/** What a dead-lettered message carries about its failure (as headers or fields). */
export interface DeadLetterInfo {
  reason: FailureReason;
  /** The last error's message (never its stack). */
  error: string;
  /** The attempts it had. */
  attempts: number;
}

/** One received message and the ways to settle it; the worker calls exactly one of them, once. */
export interface Delivery {
  message: Message;
  /** The work is done: remove it from the queue. */
  ack(): Promise<void>;
  /** Deliver it again as attempt `message.attempt + 1`, no sooner than `delayMs` from now. */
  retry(delayMs: number): Promise<void>;
  /** Move it to the dead-letter queue. */
  deadLetter(info: DeadLetterInfo): Promise<void>;
  /** Hand it back unfinished (shutdown), for any consumer to receive again. */
  release(): Promise<void>;
}

/** What an adapter calls back into. */
export interface DeliveryTarget {
  /** A message arrived. While draining, the worker releases it at once. */
  deliver(delivery: Delivery): void;
  /** How many more messages this replica would take now (0 when full or draining). */
  capacity(): number;
  /** Resolves when capacity() may have become positive, or draining began. */
  waitForCapacity(): Promise<void>;
  /** True once draining began: fetch loops stop. */
  readonly stopping: boolean;
}

/** One broker. */
export interface QueueAdapter {
  readonly kind: QueueKind;
  /**
   * Connects (retrying until it can), declares the queue and its retry and dead-letter places,
   * and starts delivering to `target`. Resolves once consuming began; reconnects on its own after that.
   */
  start(target: DeliveryTarget): Promise<void>;
  /** Stops receiving; resolves when no more deliveries will come. */
  stopFetching(): Promise<void>;
  /** True while connected and consuming: /healthz. */
  isHealthy(): boolean;
  /** Asks the broker for the lag and the dead-letter depth. */
  measure(): Promise<QueueDepth>;
  /** Closes the connections. Call after stopFetching and after every delivery was settled. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  adapter: QueueAdapter;
  handler: Handler;
  metrics: WorkerMetrics;
  log: Logger;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  handlerTimeoutMs: number;
  drainTimeoutMs: number;
}

export interface DrainResult {
  /** In-flight messages that finished (any outcome) during the drain. */
  finished: number;
  /** In-flight messages handed back to the broker at the deadline. */
  handedBack: number;
}

interface InFlight {
  delivery: Delivery;
  controller: AbortController;
  settled: boolean;
  /** Resolves when the delivery was settled. */
  done: Promise<void>;
  resolveDone(): void;
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`the handler did not finish within HANDLER_TIMEOUT_MS (${ms} ms)`);
    this.name = 'TimeoutError';
  }
}

export class Worker implements DeliveryTarget {
  private readonly inFlight = new Set<InFlight>();
  private capacityWaiters: Array<() => void> = [];
  private draining: Promise<DrainResult> | undefined;
  /** True once draining began. */
  stopping = false;

  constructor(private readonly options: WorkerOptions) {}

  get adapter(): QueueAdapter {
    return this.options.adapter;
  }

  /** Starts consuming (see QueueAdapter.start). */
  start(): Promise<void> {
    return this.options.adapter.start(this);
  }

  capacity(): number {
    return this.stopping ? 0 : Math.max(0, this.options.concurrency - this.inFlight.size);
  }

  waitForCapacity(): Promise<void> {
    if (this.capacity() > 0 || this.stopping) return Promise.resolve();
    return new Promise(resolve => this.capacityWaiters.push(resolve));
  }

  /** Messages received and not yet settled. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  deliver(delivery: Delivery): void {
    const log = this.options.log.child({ messageId: delivery.message.id, attempt: delivery.message.attempt });
    if (this.stopping) {
      // Received after draining began: not started, so it goes straight back.
      delivery.release().catch(error => log.warn({ err: error }, 'could not hand back a message received while draining; the broker redelivers it'));
      return;
    }
    let resolveDone!: () => void;
    const done = new Promise<void>(resolve => (resolveDone = resolve));
    const entry: InFlight = { delivery, controller: new AbortController(), settled: false, done, resolveDone };
    this.inFlight.add(entry);
    this.options.metrics.inFlight.set(this.inFlight.size);
    void this.process(entry, log);
  }

  /** Stops receiving, waits up to drainTimeoutMs for in-flight messages, hands back the rest, closes. Idempotent. */
  drain(): Promise<DrainResult> {
    return (this.draining ??= this.runDrain());
  }

  private async runDrain(): Promise<DrainResult> {
    const { log, drainTimeoutMs, adapter } = this.options;
    const deadline = Date.now() + drainTimeoutMs;
    this.stopping = true;
    this.wakeCapacityWaiters();
    const atStart = this.inFlight.size;
    log.info({ inFlight: atStart, drainTimeoutMs }, 'draining: no new messages; waiting for the ones in flight');
    await adapter.stopFetching().catch(error => log.warn({ err: error }, 'stopping the consumer failed'));

    // (Anything delivered since draining began was handed back at once: only real work is waited for.)
    const waiting = [...this.inFlight];
    const remaining = deadline - Date.now();
    if (waiting.length > 0 && remaining > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(waiting.map(entry => entry.done)),
        new Promise<void>(resolve => (timer = setTimeout(resolve, remaining))),
      ]);
      clearTimeout(timer);
    }

    const leftover = [...this.inFlight];
    for (const entry of leftover) entry.controller.abort(new Error('shutdown: the drain deadline passed'));
    await Promise.all(
      leftover.map(entry =>
        this.settle(entry, () => entry.delivery.release()).then(outcome => {
          if (outcome === 'settled') log.warn({ messageId: entry.delivery.message.id, attempt: entry.delivery.message.attempt }, 'handed back at the drain deadline: it will be delivered again');
        }),
      ),
    );
    const result = { finished: waiting.length - leftover.length, handedBack: leftover.length };
    await adapter.close().catch(error => log.warn({ err: error }, 'closing the broker connection failed'));
    log.info(result, 'drained');
    return result;
  }

  private async process(entry: InFlight, log: Logger): Promise<void> {
    const { metrics, maxAttempts, handlerTimeoutMs } = this.options;
    const { delivery } = entry;
    const { message } = delivery;

    if (message.attempt > maxAttempts) {
      // Delivered again and again without an outcome (a worker died on it each time): stop here.
      metrics.failed.inc({ reason: 'redelivered' });
      log.error({ maxAttempts }, 'dead-lettering a message delivered more often than MAX_ATTEMPTS without an outcome');
      await this.deadLetter(entry, log, { reason: 'redelivered', error: `delivered ${message.attempt} times without an outcome`, attempts: message.attempt });
      return;
    }

    const stopTimer = metrics.duration.startTimer();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new TimeoutError(handlerTimeoutMs);
          entry.controller.abort(error);
          reject(error);
        }, handlerTimeoutMs);
      });
      await Promise.race([this.options.handler(message, { signal: entry.controller.signal, log }), timeout]);
      clearTimeout(timer);
      stopTimer({ outcome: 'success' });
      const outcome = await this.settle(entry, () => delivery.ack(), log);
      if (outcome === 'settled') {
        metrics.processed.inc();
        log.debug('processed');
      } else if (outcome === 'already settled') {
        log.warn('finished after it was handed back at the drain deadline: it will run again');
      }
    } catch (error) {
      clearTimeout(timer);
      stopTimer({ outcome: 'failure' });
      if (entry.settled) {
        log.warn({ err: error }, 'failed after it was handed back at the drain deadline');
        return;
      }
      const reason: FailureReason = error instanceof TimeoutError ? 'timeout' : error instanceof NonRetryableError ? 'rejected' : 'error';
      metrics.failed.inc({ reason });
      const text = error instanceof Error ? error.message : String(error);
      if (reason === 'rejected' || message.attempt >= maxAttempts) {
        log.error({ err: error, reason, maxAttempts }, 'attempt failed; dead-lettering the message');
        await this.deadLetter(entry, log, { reason, error: text, attempts: message.attempt });
      } else {
        const delayMs = retryDelayMs(message.attempt, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs });
        log.warn({ err: error, reason, retryInMs: delayMs, maxAttempts }, 'attempt failed; retrying');
        await this.settle(entry, () => delivery.retry(delayMs), log);
      }
    }
  }

  private async deadLetter(entry: InFlight, log: Logger, info: DeadLetterInfo): Promise<void> {
    if ((await this.settle(entry, () => entry.delivery.deadLetter(info), log)) === 'settled') this.options.metrics.deadLettered.inc();
  }

  /**
   * Runs one settlement unless the delivery was already settled. When the broker call fails the
   * message stays unacknowledged, and the broker delivers it again (to this or another replica).
   */
  private async settle(entry: InFlight, action: () => Promise<void>, log?: Logger): Promise<'settled' | 'already settled' | 'failed'> {
    if (entry.settled) return 'already settled';
    entry.settled = true;
    try {
      await action();
      return 'settled';
    } catch (error) {
      (log ?? this.options.log).error({ err: error, messageId: entry.delivery.message.id }, 'could not settle the message with the broker; it will be delivered again');
      return 'failed';
    } finally {
      this.inFlight.delete(entry);
      this.options.metrics.inFlight.set(this.inFlight.size);
      entry.resolveDone();
      this.wakeCapacityWaiters();
    }
  }

  private wakeCapacityWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }
}
