import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp, buildMetricsApp, loggerOptions, ReadinessCheck } from './app';
import { createMetrics, UNMATCHED_ROUTE } from './metrics';
import { DURATION_BUCKETS_SECONDS, SERVICE_DESCRIPTION, SERVICE_NAME } from './service';
import { logCapture } from './test-helpers';

function setup(options: { readinessChecks?: ReadinessCheck[]; readinessTimeoutMs?: number } = {}) {
  const metrics = createMetrics({ buckets: DURATION_BUCKETS_SECONDS });
  const state = { shuttingDown: false };
  const app = buildApp({
    logger: false,
    metrics,
    isShuttingDown: () => state.shuttingDown,
    ...options,
  });
  const metricsApp = buildMetricsApp({ metrics });
  const scrape = async () => (await metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
  return { app, metricsApp, state, scrape };
}

describe('probes', () => {
  test('GET /livez answers 200', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/livez' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('GET /healthz answers 200 when every check passes', async () => {
    const { app } = setup({ readinessChecks: [{ name: 'database', check: async () => {} }] });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', checks: { database: 'ok' } });
  });

  test('GET /healthz answers 503 once shutdown has begun, while /livez stays 200', async () => {
    const { app, state } = setup();
    state.shuttingDown = true;
    const ready = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(ready.statusCode, 503);
    assert.deepEqual(ready.json(), { status: 'shutting down' });
    assert.equal((await app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
  });

  test('GET /healthz answers 503 when a check fails, without leaking the error', async () => {
    const { app } = setup({
      readinessChecks: [{ name: 'database', check: async () => Promise.reject(new Error('password authentication failed for 10.0.0.7')) }],
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'unavailable', checks: { database: 'failing' } });
    assert.doesNotMatch(res.body, /10\.0\.0\.7/);
  });

  test('GET /healthz answers 503 when a check hangs past its timeout', async () => {
    const { app } = setup({
      readinessTimeoutMs: 50,
      readinessChecks: [{ name: 'database', check: () => new Promise(resolve => setTimeout(resolve, 2_000).unref()) }],
    });
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 503);
    assert.ok(Date.now() - started < 1_000, 'the probe must not wait for the hanging check');
  });
});

describe('routes', () => {
  test('GET / returns the service name and description', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(res.json(), { name: SERVICE_NAME, description: SERVICE_DESCRIPTION });
  });

  test('unknown paths answer 404', async () => {
    const { app } = setup();
    assert.equal((await app.inject({ method: 'GET', url: '/no/such/path' })).statusCode, 404);
  });

  test('5xx answers do not echo internal error messages', async () => {
    const { app } = setup();
    app.get('/boom', async () => {
      throw new Error('connection string postgresql://app:hunter2@db');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.doesNotMatch(res.body, /hunter2/);
  });

  test('/metrics is not served on the traffic port', async () => {
    const { app } = setup();
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
  });
});

describe('metrics', () => {
  test('GET /metrics exposes the request counter and histogram in the Prometheus text format', async () => {
    const { app, metricsApp, scrape } = setup();
    await app.inject({ method: 'GET', url: '/' });
    const res = await metricsApp.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const body = await scrape();
    assert.match(body, /^# TYPE http_requests_total counter$/m);
    assert.match(body, /^# TYPE http_request_duration_seconds histogram$/m);
    assert.match(body, /^http_requests_total\{method="GET",route="\/",status_code="200"\} 1$/m);
    assert.match(body, /^http_request_duration_seconds_count\{method="GET",route="\/",status_code="200"\} 1$/m);
    assert.match(body, /^process_cpu_seconds_total /m, 'default process metrics');
  });

  test('the histogram has exactly the rendered buckets', async () => {
    const { app, scrape } = setup();
    await app.inject({ method: 'GET', url: '/' });
    const les = [...(await scrape()).matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/",status_code="200"/gm)].map(m => m[1]);
    assert.deepEqual(les, [...DURATION_BUCKETS_SECONDS.map(String), '+Inf']);
  });

  test('the route label is the route pattern, and unmatched requests share one value', async () => {
    const { app, scrape } = setup();
    app.get('/items/:id', async request => ({ id: (request.params as { id: string }).id }));
    await app.inject({ method: 'GET', url: '/items/42' });
    await app.inject({ method: 'GET', url: '/items/43?x=1' });
    await app.inject({ method: 'GET', url: '/random-1' });
    await app.inject({ method: 'POST', url: '/random-2' });
    const body = await scrape();
    assert.match(body, /^http_requests_total\{method="GET",route="\/items\/:id",status_code="200"\} 2$/m);
    assert.match(body, new RegExp(`^http_requests_total\\{method="GET",route="${UNMATCHED_ROUTE}",status_code="404"\\} 1$`, 'm'));
    assert.match(body, new RegExp(`^http_requests_total\\{method="POST",route="${UNMATCHED_ROUTE}",status_code="404"\\} 1$`, 'm'));
    assert.doesNotMatch(body, /random-|items\/4/);
  });

  test('5xx answers are counted with their status code', async () => {
    const { app, scrape } = setup();
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    await app.inject({ method: 'GET', url: '/boom' });
    assert.match(await scrape(), /^http_requests_total\{method="GET",route="\/boom",status_code="500"\} 1$/m);
  });

  test("every route's success and 500 series exist at 0 before its first request", async () => {
    // rate() loses what a series counted before its first scrape; a canary's 5xx must not be lost that way.
    const { app, scrape } = setup();
    app.post('/orders', { schema: { response: { 201: {}, 400: {} } } }, async (_request, reply) => reply.code(201).send({}));
    const body = await scrape();
    assert.match(body, /^http_requests_total\{method="GET",route="\/",status_code="200"\} 0$/m);
    assert.match(body, /^http_requests_total\{method="GET",route="\/",status_code="500"\} 0$/m);
    assert.match(body, /^http_request_duration_seconds_count\{method="GET",route="\/",status_code="500"\} 0$/m);
    assert.match(body, /^http_requests_total\{method="POST",route="\/orders",status_code="201"\} 0$/m);
    assert.match(body, /^http_requests_total\{method="POST",route="\/orders",status_code="500"\} 0$/m);
    assert.doesNotMatch(body, /route="\/orders",status_code="(200|400)"/);
    assert.doesNotMatch(body, /method="HEAD"/);
    assert.doesNotMatch(body, /route="\/(livez|healthz)"/);
  });

  test('health probes are not counted', async () => {
    const { app, scrape } = setup();
    await app.inject({ method: 'GET', url: '/livez' });
    await app.inject({ method: 'GET', url: '/healthz' });
    const body = await scrape();
    assert.doesNotMatch(body, /route="\/(livez|healthz)"/);
  });

  test('only method, route and status_code label the request metrics', async () => {
    const { app, scrape } = setup();
    await app.inject({ method: 'GET', url: '/' });
    const body = await scrape();
    for (const line of body.split('\n').filter(l => l.startsWith('http_'))) {
      const labels = [...line.matchAll(/([a-z_]+)="/g)].map(m => m[1]).filter(l => l !== 'le').sort();
      assert.deepEqual(labels, ['method', 'route', 'status_code'], line);
    }
  });
});

describe('logs', () => {
  test('are JSON lines with authorization and cookie headers redacted, without probe noise', async () => {
    const capture = logCapture();
    const metrics = createMetrics({ buckets: DURATION_BUCKETS_SECONDS, defaultMetrics: false });
    const app = buildApp({ logger: loggerOptions('info', capture.stream), metrics });
    await app.inject({
      method: 'GET',
      url: '/',
      headers: { authorization: 'Bearer top-secret-token', cookie: 'session=top-secret-cookie', 'x-request-id': 'req-123' },
    });
    await app.inject({ method: 'GET', url: '/livez' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.close();
    const lines = capture.lines();
    const incoming = lines.find(line => line.msg === 'incoming request') as { req: { headers: Record<string, string> }; reqId: string };
    assert.ok(incoming, capture.text());
    assert.equal(incoming.req.headers.authorization, '[Redacted]');
    assert.equal(incoming.req.headers.cookie, '[Redacted]');
    assert.equal(incoming.reqId, 'req-123', 'the gateway request id is kept');
    assert.doesNotMatch(capture.text(), /top-secret/);
    assert.doesNotMatch(capture.text(), /livez|healthz/, 'probes are not logged one by one');
  });
});
