import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attemptOf, retryDelayMs, retrySchedule, wholeNumber } from './backoff';

const policy = { baseMs: 1000, maxMs: 60_000 };

test('each retry waits twice as long as the one before', () => {
  const delays = [1, 2, 3, 4].map(attempt => retryDelayMs(attempt, policy));
  for (let i = 1; i < delays.length; i++) assert.equal(delays[i], delays[i - 1]! * 2);
  assert.equal(delays[0], policy.baseMs, 'the first retry waits the base delay');
});

test('no wait exceeds the cap, however many attempts', () => {
  for (const attempt of [7, 8, 20, 1100]) assert.equal(retryDelayMs(attempt, policy), policy.maxMs, `attempt ${attempt}`);
  assert.ok(retryDelayMs(6, policy) < policy.maxMs);
});

test('the schedule has one wait between each two attempts, and none for a single attempt', () => {
  assert.deepEqual(retrySchedule(5, policy), [1000, 2000, 4000, 8000]);
  assert.deepEqual(retrySchedule(1, policy), []);
  assert.deepEqual(retrySchedule(3, { baseMs: 200, maxMs: 300 }), [200, 300]);
});

test('attempts start at 1', () => {
  assert.throws(() => retryDelayMs(0, policy), RangeError);
  assert.throws(() => retryDelayMs(1.5, policy), RangeError);
});

test('an attempt counts the copy it is and the times this copy was delivered before', () => {
  assert.equal(attemptOf(1, 1), 1, 'a new message');
  assert.equal(attemptOf(3, 1), 3, 'a retry published as attempt 3');
  assert.equal(attemptOf(3, 2), 4, 'that retry, delivered again after a crash');
  assert.equal(attemptOf(0, 0), 1, 'nonsense counts never go below the first attempt');
});

test('header values become attempt numbers only when they are positive whole numbers', () => {
  assert.equal(wholeNumber('4', 1), 4);
  assert.equal(wholeNumber(4, 1), 4);
  for (const bad of [undefined, '', 'x', '-2', '2.5', 0, -1, Number.NaN, {}]) assert.equal(wholeNumber(bad, 1), 1, String(bad));
});
