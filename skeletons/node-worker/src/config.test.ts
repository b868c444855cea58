import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { ConfigError, DEFAULT_METRICS_PORT, deadLetterName, loadConfig, redactUrl, subjectMatches } from './config';
import { SERVICE_NAME } from './service';

const minimal = { QUEUE_KIND: 'rabbitmq', QUEUE_URL: 'amqp://app:secret@rabbitmq:5672' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: the worker name for queue and group, the host name for the consumer', () => {
  assert.deepEqual(loadConfig(minimal), {
    queue: { kind: 'rabbitmq', url: minimal.QUEUE_URL, name: SERVICE_NAME, subject: SERVICE_NAME, group: SERVICE_NAME, consumer: os.hostname() },
    concurrency: 4,
    maxAttempts: 5,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    handlerTimeoutMs: 30_000,
    drainTimeoutMs: 20_000,
    claimIdleMs: 60_000,
    host: '0.0.0.0',
    metricsPort: DEFAULT_METRICS_PORT,
    logLevel: 'info',
  });
});

test('environment variables override the defaults', () => {
  const config = loadConfig({
    QUEUE_KIND: 'nats',
    QUEUE_URL: 'nats://nats-0:4222,nats://nats-1:4222',
    QUEUE_NAME: 'orders',
    QUEUE_SUBJECT: 'orders.*',
    CONSUMER_GROUP: 'billing',
    CONSUMER_NAME: 'billing-7d9f-abc',
    CONCURRENCY: '16',
    MAX_ATTEMPTS: '3',
    RETRY_BASE_MS: '250',
    RETRY_MAX_MS: '2000',
    HANDLER_TIMEOUT_MS: '5000',
    DRAIN_TIMEOUT_MS: '0',
    CLAIM_IDLE_MS: '9000',
    METRICS_PORT: '9100',
    LOG_LEVEL: 'debug',
  });
  assert.deepEqual(config.queue, { kind: 'nats', url: 'nats://nats-0:4222,nats://nats-1:4222', name: 'orders', subject: 'orders.*', group: 'billing', consumer: 'billing-7d9f-abc' });
  assert.deepEqual(
    [config.concurrency, config.maxAttempts, config.retryBaseMs, config.retryMaxMs, config.handlerTimeoutMs, config.drainTimeoutMs, config.claimIdleMs, config.metricsPort, config.logLevel],
    [16, 3, 250, 2000, 5000, 0, 9000, 9100, 'debug'],
  );
});

test('QUEUE_KIND and QUEUE_URL are required', () => {
  const problems = problemsOf({});
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0]!, /^QUEUE_KIND is required: one of rabbitmq, redis, nats/);
  assert.match(problems[1]!, /^QUEUE_URL is required/);
});

test('every problem is reported at once, each naming its variable', () => {
  const problems = problemsOf({ QUEUE_KIND: 'kafka', QUEUE_URL: 'amqp://x', CONCURRENCY: '0', MAX_ATTEMPTS: 'many', RETRY_BASE_MS: '-1', METRICS_PORT: '70000', LOG_LEVEL: 'loud', QUEUE_NAME: 'has space' });
  const variables = problems.map(problem => problem.split(' ')[0]);
  assert.deepEqual(variables.sort(), ['CONCURRENCY', 'LOG_LEVEL', 'MAX_ATTEMPTS', 'METRICS_PORT', 'QUEUE_KIND', 'QUEUE_NAME', 'RETRY_BASE_MS'].sort(), problems.join('\n'));
});

test('QUEUE_URL must suit QUEUE_KIND, and a rejected URL is never echoed', () => {
  for (const [kind, url] of [['redis', 'amqp://u:hunter2@h'], ['rabbitmq', 'redis://:hunter2@h:6379'], ['nats', 'nats://h:4222,http://u:hunter2@h'], ['rabbitmq', 'not a url hunter2']]) {
    const problems = problemsOf({ QUEUE_KIND: kind, QUEUE_URL: url });
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, new RegExp(`^QUEUE_URL must be .* for QUEUE_KIND=${kind}`));
    assert.doesNotMatch(problems[0]!, /hunter2/);
  }
  for (const [kind, url] of [['rabbitmq', 'amqps://u:p@h:5671/vhost'], ['redis', 'rediss://h:6380'], ['nats', 'tls://h:4222']]) {
    assert.doesNotThrow(() => loadConfig({ QUEUE_KIND: kind, QUEUE_URL: url }), `${kind} ${url}`);
  }
});

test('DATABASE_URL is optional, a postgresql:// URL with a host, and a rejected one is never echoed', () => {
  assert.equal(loadConfig(minimal).databaseUrl, undefined);
  const url = 'postgresql://app:secret@voting-db-rw.voting-production.svc.cluster.local:5432/app';
  assert.equal(loadConfig({ ...minimal, DATABASE_URL: url }).databaseUrl, url);
  for (const bad of ['mysql://u:hunter2@h/db', 'postgresql:///app?password=hunter2', 'hunter2']) {
    const problems = problemsOf({ ...minimal, DATABASE_URL: bad });
    assert.deepEqual(problems.map(problem => problem.split(' ')[0]), ['DATABASE_URL']);
    assert.doesNotMatch(problems[0]!, /hunter2/);
  }
});

test('retry, timeout and claim settings must be consistent', () => {
  assert.match(problemsOf({ ...minimal, RETRY_BASE_MS: '5000', RETRY_MAX_MS: '1000' }).join('\n'), /RETRY_MAX_MS \(1000\) must not be below RETRY_BASE_MS \(5000\)/);
  assert.match(problemsOf({ ...minimal, HANDLER_TIMEOUT_MS: '10000', CLAIM_IDLE_MS: '10000' }).join('\n'), /CLAIM_IDLE_MS \(10000\) must exceed HANDLER_TIMEOUT_MS/);
  assert.equal(loadConfig({ ...minimal, RETRY_BASE_MS: '120000' }).retryMaxMs, 120_000, 'a long base raises the default cap');
  assert.equal(loadConfig({ ...minimal, HANDLER_TIMEOUT_MS: '1000' }).claimIdleMs, 31_000);
});

test('QUEUE_SUBJECT is a NATS subject that leaves the dead-letter subject alone, and NATS only', () => {
  const nats = { QUEUE_KIND: 'nats', QUEUE_URL: 'nats://h:4222', QUEUE_NAME: 'orders' };
  assert.equal(loadConfig(nats).queue.subject, 'orders');
  assert.match(problemsOf({ ...nats, QUEUE_SUBJECT: 'orders..x' })[0]!, /^QUEUE_SUBJECT must be a NATS subject/);
  assert.match(problemsOf({ ...nats, QUEUE_SUBJECT: 'a.>.b' })[0]!, /^QUEUE_SUBJECT must be a NATS subject/);
  assert.match(problemsOf({ ...nats, QUEUE_SUBJECT: '>' })[0]!, /would also capture the dead-letter subject "orders-dead"/);
  assert.match(problemsOf({ ...minimal, QUEUE_SUBJECT: 'orders' })[0]!, /^QUEUE_SUBJECT applies to QUEUE_KIND=nats only/);
});

test('NATS subject filters match as the server matches them', () => {
  assert.ok(subjectMatches('orders', 'orders'));
  assert.ok(subjectMatches('orders.*', 'orders.created'));
  assert.ok(!subjectMatches('orders.*', 'orders.created.eu'));
  assert.ok(subjectMatches('orders.>', 'orders.created.eu'));
  assert.ok(!subjectMatches('orders.>', 'orders'));
  assert.ok(!subjectMatches('orders', 'orders-dead'));
  assert.ok(subjectMatches('*', 'orders-dead'));
});

test('each broker has its own dead-letter name', () => {
  assert.deepEqual(
    (['rabbitmq', 'redis', 'nats'] as const).map(kind => deadLetterName(kind, 'orders')),
    ['orders.dead', 'orders:dead', 'orders-dead'],
  );
});

test('redactUrl drops user names and passwords', () => {
  assert.equal(redactUrl('amqp://app:hunter2@rabbitmq:5672/prod'), 'amqp://rabbitmq:5672/prod');
  assert.equal(redactUrl('redis://:hunter2@redis:6379'), 'redis://redis:6379');
  assert.equal(redactUrl('nats://a:b@n1:4222, nats://n2:4222'), 'nats://n1:4222,nats://n2:4222');
  assert.equal(redactUrl('hunter2'), '[unparsable URL]');
});
