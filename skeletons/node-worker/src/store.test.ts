import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { createLogger } from './log';
import type { Message } from './message';
import { PostgresMessageStore, STORE_TABLE } from './store';
import { unusedPort } from './test-helpers';

/** A real database for these tests, e.g. postgresql://app@127.0.0.1:5432/postgres; skipped when unset. */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

const message = (id: string, attempt = 1): Message => ({ id, body: Buffer.from('{}'), headers: { source: 'test' }, attempt });

async function rows(queue: string): Promise<Array<{ message_id: string; body: unknown; attempt: number }>> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(`SELECT message_id, body, attempt FROM ${STORE_TABLE} WHERE queue = $1 ORDER BY message_id`, [queue])).rows;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store', { skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' }, () => {
  const log = createLogger('silent');

  test('replicas starting together create the table once, and a restart finds it', async () => {
    const stores = [1, 2, 3].map(() => new PostgresMessageStore(TEST_DATABASE_URL!, 'store-test-migrate', log));
    try {
      await Promise.all(stores.map(store => store.migrate()));
      await stores[0]!.migrate();
    } finally {
      await Promise.all(stores.map(store => store.close()));
    }
  });

  test('stores a message once: a redelivery of the same id inserts nothing and says so', async () => {
    const queue = `store-test-${process.pid}-${Date.now()}`;
    const store = new PostgresMessageStore(TEST_DATABASE_URL!, queue, log);
    try {
      await store.migrate();
      assert.equal(await store.store(message('1-0'), { voter_id: 'v1', vote: 'a' }), 'stored');
      assert.equal(await store.store(message('1-0', 2), { voter_id: 'v1', vote: 'a' }), 'duplicate');
      assert.equal(await store.store(message('2-0'), { voter_id: 'v2', vote: 'b' }), 'stored');
      assert.deepEqual(await rows(queue), [
        { message_id: '1-0', body: { voter_id: 'v1', vote: 'a' }, attempt: 1 },
        { message_id: '2-0', body: { voter_id: 'v2', vote: 'b' }, attempt: 1 },
      ]);
    } finally {
      await store.close();
    }
  });
});

test('a database that does not answer fails the store call, so the message is retried, not acknowledged', async () => {
  const store = new PostgresMessageStore(`postgresql://app:secret@127.0.0.1:${await unusedPort()}/app`, 'unreachable', createLogger('silent'));
  try {
    await assert.rejects(store.store(message('1-0'), {}));
  } finally {
    await store.close();
  }
});
