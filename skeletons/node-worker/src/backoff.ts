/*
 * The retry schedule: exponential backoff with a cap, and a bounded number of attempts.
 * No jitter: the RabbitMQ adapter keeps one delay queue per distinct delay, and failures are
 * already spread out by when their messages arrived.
 *
 *   RETRY_BASE_MS=1000 RETRY_MAX_MS=60000 MAX_ATTEMPTS=5  ->  waits of 1 s, 2 s, 4 s, 8 s, then dead-letter
 */

export interface BackoffPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/** How long to wait after attempt `failedAttempt` (1-based) failed: base × 2^(attempt − 1), capped. */
export function retryDelayMs(failedAttempt: number, policy: BackoffPolicy): number {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`attempt must be a whole number of at least 1, got ${failedAttempt}`);
  }
  // 2^(n-1) overflows to Infinity for large n; Math.min then caps it.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** (failedAttempt - 1));
}

/** Every wait a message can go through before it is dead-lettered: one between each two of its attempts. */
export function retrySchedule(maxAttempts: number, policy: BackoffPolicy): number[] {
  return Array.from({ length: Math.max(0, maxAttempts - 1) }, (_, i) => retryDelayMs(i + 1, policy));
}

/**
 * The attempt a delivery is, from what the broker knows: the attempt its copy was published as
 * (1 unless the worker re-published it for a retry) plus the times this copy was delivered before
 * without an outcome (the worker died, or handed it back on shutdown).
 */
export function attemptOf(publishedAttempt: number, timesDelivered: number): number {
  return Math.max(1, publishedAttempt) + Math.max(0, timesDelivered - 1);
}

/** A positive whole number from a header or field, or the fallback when absent or malformed. */
export function wholeNumber(value: unknown, fallback: number): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(number) && number >= 1 ? number : fallback;
}
