import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from './config';
import { startService } from './server';
import { unusedPort, waitFor } from './test-helpers';

// Set for both variants; a service without a database ignores it.
const closedDatabaseUrl = async () => `postgresql://app:secret@127.0.0.1:${await unusedPort()}/app`;

describe('graceful shutdown', () => {
  test('readiness fails during the drain delay while traffic is still served, then both listeners close', async () => {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      SHUTDOWN_DELAY_MS: '400',
      LOG_LEVEL: 'silent',
      DATABASE_URL: await closedDatabaseUrl(),
    });
    const service = await startService(config, { readinessChecks: [] });
    const base = `http://127.0.0.1:${service.port}`;
    const metricsUrl = `http://127.0.0.1:${service.metricsPort}/metrics`;

    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(metricsUrl)).status, 200);

    const stopped = service.shutdown('test');
    assert.equal(service.shutdown('again'), stopped, 'shutdown is idempotent');

    const during = await fetch(`${base}/healthz`);
    assert.equal(during.status, 503);
    assert.deepEqual(await during.json(), { status: 'shutting down' });
    assert.equal(during.headers.get('connection'), 'close', 'keep-alive clients are sent elsewhere');
    assert.equal((await fetch(`${base}/livez`)).status, 200, 'liveness holds while draining');
    assert.equal((await fetch(`${base}/`)).status, 200, 'traffic is still served while draining');

    await stopped;
    await assert.rejects(fetch(`${base}/livez`), 'the traffic listener is closed');
    await assert.rejects(fetch(metricsUrl), 'the metrics listener is closed');
  });

  test('in-flight requests finish before the listener closes', async () => {
    // A readiness check that waits for the test holds a request open.
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', SHUTDOWN_DELAY_MS: '0', LOG_LEVEL: 'silent', DATABASE_URL: await closedDatabaseUrl() });
    const service = await startService(config, { readinessChecks: [{ name: 'held', check: () => held }] });

    const inFlight = fetch(`http://127.0.0.1:${service.port}/healthz`);
    await new Promise(resolve => setTimeout(resolve, 100));
    let closed = false;
    const stopped = service.shutdown().then(() => (closed = true));
    await new Promise(resolve => setTimeout(resolve, 100));
    assert.equal(closed, false, 'shutdown waits for the request in flight');

    release();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', checks: { held: 'ok' } });
    await stopped;
  });
});

describe('the server process', () => {
  test('starts from environment variables, logs JSON and exits 0 on SIGTERM', async () => {
    const port = await unusedPort();
    const metricsPort = await unusedPort();
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        SHUTDOWN_DELAY_MS: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: await closedDatabaseUrl(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));

    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/livez`)).status === 200);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /^# TYPE http_requests_total counter$/m);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, `exit code; stderr: ${stderr}`);
    const lines = stdout.split('\n').filter(Boolean);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(lines.some(line => JSON.parse(line).msg === 'shutdown complete'), stdout);
  });

  test('refuses to start with invalid configuration', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(stdout, /PORT must be a whole number/);
    assert.match(stdout, /LOG_LEVEL must be one of/);
  });
});
