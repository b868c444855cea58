import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config';
import { DEFAULT_METRICS_PORT, DEFAULT_PORT } from './service';

test('defaults come from the service spec', () => {
  assert.deepEqual(loadConfig({}), {
    host: '0.0.0.0',
    port: DEFAULT_PORT,
    metricsPort: DEFAULT_METRICS_PORT,
    logLevel: 'info',
    shutdownDelayMs: 5000,
    databaseUrl: undefined,
  });
});

test('environment variables override the defaults', () => {
  const config = loadConfig({
    PORT: '3000',
    METRICS_PORT: '3001',
    LOG_LEVEL: 'debug',
    SHUTDOWN_DELAY_MS: '0',
    DATABASE_URL: 'postgresql://app:secret@db:5432/app',
  });
  assert.equal(config.port, 3000);
  assert.equal(config.metricsPort, 3001);
  assert.equal(config.logLevel, 'debug');
  assert.equal(config.shutdownDelayMs, 0);
  assert.equal(config.databaseUrl, 'postgresql://app:secret@db:5432/app');
});

test('every problem is reported at once', () => {
  assert.throws(
    () => loadConfig({ PORT: '70000', METRICS_PORT: 'x', LOG_LEVEL: 'loud', SHUTDOWN_DELAY_MS: '-1' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4, error.message);
      return true;
    },
  );
});

test('the metrics port must differ from the traffic port', () => {
  assert.throws(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' }), /must differ/);
});
