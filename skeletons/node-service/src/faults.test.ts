import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from './app';
import { faultsFromEnv } from './faults';
import { createMetrics } from './metrics';
import { DURATION_BUCKETS_SECONDS } from './service';

describe('fault injection', () => {
  test('is off unless FAULT_* variables are set', () => {
    assert.equal(faultsFromEnv({}), undefined);
    assert.deepEqual(faultsFromEnv({ FAULT_5XX_EVERY: '20' }), { errorEvery: 20, delayMs: undefined });
    assert.throws(() => faultsFromEnv({ FAULT_DELAY_MS: 'soon' }), /FAULT_DELAY_MS must be a whole number/);
  });

  test('fails every Nth measured request and leaves the probes alone', async () => {
    const app = buildApp({ logger: false, metrics: createMetrics({ buckets: DURATION_BUCKETS_SECONDS, defaultMetrics: false }), faults: { errorEvery: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'GET', url: '/' })).statusCode);
    assert.deepEqual(statuses, [200, 500, 200, 500]);
    for (let i = 0; i < 3; i++) assert.equal((await app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
  });
});
