import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionOptions } from './nats';

test('QUEUE_URL becomes nats.js servers, credentials and TLS', () => {
  assert.deepEqual(connectionOptions('nats://nats:4222'), { servers: ['nats:4222'] });
  assert.deepEqual(connectionOptions('nats://app:p%40ss@nats-0:4222, nats://nats-1'), { servers: ['nats-0:4222', 'nats-1:4222'], user: 'app', pass: 'p@ss' });
  assert.deepEqual(connectionOptions('tls://nats.example:4443'), { servers: ['nats.example:4443'], tls: {} });
});
