import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHealthServer } from './http';
import { createMetrics } from './metrics';

async function serve(state: { healthy: boolean; shuttingDown: boolean }) {
  const metrics = createMetrics({ defaultMetrics: false, measureQueue: async () => ({ lag: 5, deadLetters: 0 }) });
  const server = createHealthServer({ metrics, brokerHealthy: () => state.healthy, isShuttingDown: () => state.shuttingDown });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

test('/healthz follows the broker connection and shutdown; /livez never does', async () => {
  const state = { healthy: false, shuttingDown: false };
  const { base, close } = await serve(state);
  try {
    let res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable', checks: { broker: 'failing' } });
    assert.equal((await fetch(`${base}/livez`)).status, 200, 'a broker outage must not restart the pod');

    state.healthy = true;
    res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', checks: { broker: 'ok' } });

    state.shuttingDown = true;
    res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'shutting down' });
    assert.equal((await fetch(`${base}/livez`)).status, 200);
  } finally {
    await close();
  }
});

test('/metrics answers in the Prometheus text format; other paths and methods do not exist', async () => {
  const { base, close } = await serve({ healthy: true, shuttingDown: false });
  try {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^worker_queue_lag_messages 5$/m);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await close();
  }
});
