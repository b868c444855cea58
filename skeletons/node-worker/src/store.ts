import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Message } from './message';
import { SERVICE_NAME } from './service';

/*
 * The PostgreSQL the sample handler writes each message to, when DATABASE_URL is set (a system's
 * database another part runs: postgres.external). One row per message:
 *
 *   worker_messages (queue, message_id) primary key, body jsonb, headers jsonb, attempt, stored_at
 *
 * - Acknowledged only after the commit: the INSERT is one statement in autocommit, so PostgreSQL
 *   has committed it when the query resolves; the handler resolves after it, and the worker
 *   acknowledges only once the handler resolved (src/worker.ts).
 * - Counted once: INSERT … ON CONFLICT DO NOTHING on the primary key. A message delivered again
 *   after its row was committed (the acknowledgement was lost: a crash in between, a consumer
 *   taken over, a deadline that passed during the commit) inserts nothing and is acknowledged.
 *   The key is Message.id, the same on every delivery and every retry of one message (for
 *   RabbitMQ, when the publisher sets message-id).
 * - The table is made at start with CREATE TABLE IF NOT EXISTS, under an advisory lock so
 *   replicas starting together do not race: the worker has no migration Job (the part that runs
 *   the database migrates its own tables). CloudNativePG creates "an application database named
 *   app by default", owned by the `app` user the URL names, and "does not manage database
 *   content … rely on the applications themselves" (cloudnative-pg.io, Database management).
 */

export const STORE_TABLE = 'worker_messages';

/** Any number, the same in every replica: pg_advisory_xact_lock serialises the CREATE TABLE. */
const SCHEMA_LOCK = 0x5e1f_3a7;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS ${STORE_TABLE} (
  queue text NOT NULL,
  message_id text NOT NULL,
  body jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempt integer NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (queue, message_id)
)`;

const INSERT = `
INSERT INTO ${STORE_TABLE} (queue, message_id, body, headers, attempt)
VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)
ON CONFLICT (queue, message_id) DO NOTHING`;

/** What the handler may do with the database: store a message once. */
export interface MessageStore {
  /** Inserts the message's row and resolves once it is committed: `stored`, or `duplicate` when it was already there. */
  store(message: Message, body: unknown): Promise<'stored' | 'duplicate'>;
}

export class PostgresMessageStore implements MessageStore {
  private readonly pool: Pool;

  constructor(
    connectionString: string,
    private readonly queue: string,
    log: Logger,
  ) {
    this.pool = new Pool({ connectionString, application_name: SERVICE_NAME, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    // An idle connection fails when the primary restarts or fails over; without a listener that
    // error would crash the process. The pool replaces the connection.
    this.pool.on('error', error => log.warn({ err: error }, 'idle PostgreSQL connection failed'));
  }

  /** Creates the table if it is missing. */
  async migrate(): Promise<void> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(CREATE_TABLE);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async store(message: Message, body: unknown): Promise<'stored' | 'duplicate'> {
    const result = await this.pool.query(INSERT, [this.queue, message.id, JSON.stringify(body), JSON.stringify(message.headers), message.attempt]);
    return result.rowCount === 1 ? 'stored' : 'duplicate';
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
