import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { QUEUE_KINDS, QueueKind } from './config';
import { unusedPort, waitFor } from './test-helpers';

/* The built worker as a process, the way the container runs it (node dist/server.js). */

const SCHEMES: Record<QueueKind, string> = { rabbitmq: 'amqp://app:hunter2@', redis: 'redis://:hunter2@', nats: 'nats://app:hunter2@' };

function run(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js')], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  child.stderr.on('data', chunk => (stderr += chunk));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('the worker process', () => {
  test('refuses to start with invalid configuration, naming each variable and never the password', async () => {
    const worker = run({ QUEUE_KIND: 'kafka', QUEUE_URL: 'amqp://app:hunter2@rabbitmq', MAX_ATTEMPTS: 'lots' });
    assert.equal(await worker.exited, 1);
    assert.match(worker.stdout(), /QUEUE_KIND must be one of rabbitmq, redis, nats/);
    assert.match(worker.stdout(), /MAX_ATTEMPTS must be a whole number/);
    assert.doesNotMatch(worker.stdout(), /hunter2/);
    assert.doesNotThrow(() => JSON.parse(worker.stdout().trim()), 'the error is one JSON log line');
  });

  for (const kind of QUEUE_KINDS) {
    test(`${kind}: without a reachable broker it stays alive but unready, then exits 0 on SIGTERM`, async () => {
      const metricsPort = await unusedPort();
      const brokerPort = await unusedPort();
      const worker = run({
        QUEUE_KIND: kind,
        QUEUE_URL: `${SCHEMES[kind]}127.0.0.1:${brokerPort}`,
        HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'info',
      });
      const base = `http://127.0.0.1:${metricsPort}`;
      try {
        await waitFor(async () => (await fetch(`${base}/livez`)).status === 200);
        const ready = await fetch(`${base}/healthz`);
        assert.equal(ready.status, 503);
        assert.deepEqual(await ready.json(), { status: 'unavailable', checks: { broker: 'failing' } });
        const metrics = await (await fetch(`${base}/metrics`)).text();
        // prom-client writes NaN as "Nan"; Prometheus reads it case-insensitively.
        assert.match(metrics, /^worker_queue_lag_messages nan$/im, 'an unmeasurable queue is NaN, not 0');
        assert.match(metrics, /^worker_messages_processed_total 0$/m);
      } finally {
        worker.child.kill('SIGTERM');
      }
      assert.equal(await worker.exited, 0, `exit code; stderr: ${worker.stderr()}`);
      const lines = worker.stdout().split('\n').filter(Boolean);
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
      assert.ok(lines.some(line => JSON.parse(line).msg === 'shutdown complete'), worker.stdout());
      assert.doesNotMatch(worker.stdout(), /hunter2/, 'the broker password is never logged');
    });
  }
});
