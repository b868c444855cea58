import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAdapter } from './adapters';
import { Config, ConfigError, loadConfig, redactUrl } from './config';
import { handle } from './handler';
import { createHealthServer } from './http';
import { createLogger } from './log';
import type { Handler } from './message';
import { createMetrics, WorkerMetrics } from './metrics';
import { PostgresMessageStore } from './store';
import { DrainResult, QueueAdapter, Worker } from './worker';

export interface RunningWorker {
  worker: Worker;
  metrics: WorkerMetrics;
  server: http.Server;
  log: Logger;
  /** The bound port (it differs from the config when it asks for port 0). */
  metricsPort: number;
  /**
   * Graceful shutdown; calling it again returns the same promise.
   * 1. /healthz answers 503 and no new messages are fetched;
   * 2. in-flight messages finish, for up to DRAIN_TIMEOUT_MS; the rest go back to the broker;
   * 3. the broker connection closes, then the listener.
   */
  shutdown(reason?: string): Promise<DrainResult>;
}

export interface StartOptions {
  /** Default: JSON logs at config.logLevel on stdout. */
  log?: Logger;
  /** Default: src/handler.ts. */
  handler?: Handler;
  /** Default: the adapter of QUEUE_KIND (tests pass their own). */
  adapter?: QueueAdapter;
  /** Called after the shutdown that follows a failed start (the broker refused the topology, say). Default: exit code 1. */
  onStartFailure?: () => void;
}

export async function startWorker(config: Config, options: StartOptions = {}): Promise<RunningWorker> {
  const log = options.log ?? createLogger(config.logLevel);
  const adapter = options.adapter ?? createAdapter(config, log);
  let measureFailing = false;
  const metrics = createMetrics({
    measureQueue: async () => {
      const depth = await adapter.measure();
      if (measureFailing) log.info('measuring the queue works again');
      measureFailing = false;
      return depth;
    },
    onMeasureError: error => {
      if (!measureFailing) log.warn({ err: error }, 'cannot measure the queue; its gauges read NaN');
      measureFailing = true;
    },
  });
  // With DATABASE_URL every handler call gets the store (the sample writes each message to it).
  const store = config.databaseUrl === undefined ? undefined : new PostgresMessageStore(config.databaseUrl, config.queue.name, log);
  const handler = options.handler ?? handle;
  const worker = new Worker({ ...config, adapter, handler: store ? (message, context) => handler(message, { ...context, store }) : handler, metrics, log });
  let shuttingDown = false;
  const server = createHealthServer({ metrics, brokerHealthy: () => adapter.isHealthy(), isShuttingDown: () => shuttingDown, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.metricsPort, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  log.info({ kind: config.queue.kind, broker: redactUrl(config.queue.url), queue: config.queue.name, concurrency: config.concurrency, maxAttempts: config.maxAttempts }, 'starting');
  // Connecting retries on its own until the broker answers; /healthz says 503 meanwhile.
  // A start still connecting when shutdown comes is abandoned: the adapter is closed by then.
  // The store's table comes first: no message is taken before it can be stored.
  const starting = store ? migrateUntilDone(store, log, () => shuttingDown).then(() => (shuttingDown ? undefined : worker.start())) : worker.start();
  starting.catch(async error => {
    if (shuttingDown) return;
    log.fatal({ err: error }, 'cannot start consuming');
    await shutdown('start failed').catch(() => undefined);
    (options.onStartFailure ?? (() => (process.exitCode = 1)))();
  });

  let stopping: Promise<DrainResult> | undefined;
  const shutdown = (reason = 'shutdown') =>
    (stopping ??= (async () => {
      shuttingDown = true;
      log.info({ reason }, 'shutting down');
      const result = await worker.drain();
      // Every delivery is settled by now: nothing writes to the database any more.
      await store?.close().catch(error => log.warn({ err: error }, 'closing the PostgreSQL pool failed'));
      await new Promise<void>(resolve => server.close(() => resolve()));
      log.info(result, 'shutdown complete');
      return result;
    })());

  return { worker, metrics, server, log, metricsPort: (server.address() as AddressInfo).port, shutdown };
}

/** Creates the store's table, retrying while PostgreSQL does not answer (as the broker connection does); /healthz says 503 meanwhile. */
async function migrateUntilDone(store: PostgresMessageStore, log: Logger, stopping: () => boolean): Promise<void> {
  for (let failures = 0; !stopping(); failures++) {
    try {
      await store.migrate();
      return;
    } catch (error) {
      if (failures === 0) log.warn({ err: error }, 'cannot prepare the PostgreSQL table yet; retrying');
      await new Promise(resolve => setTimeout(resolve, Math.min(5000, 100 * 2 ** Math.min(failures, 10))));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let running: RunningWorker | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      running?.log.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    signalled = true;
    // Before the listener is up no message has been received: nothing to drain.
    if (!running) process.exit(0);
    running.shutdown(signal).then(
      () => process.exit(0),
      error => {
        running?.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  running = await startWorker(config, { onStartFailure: () => process.exit(1) });
  const { log } = running;
  process.on('unhandledRejection', reason => {
    log.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
  process.on('uncaughtException', error => {
    log.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
}

/** A pino-shaped log line for failures before the logger exists. */
function logFatal(msg: string): void {
  process.stdout.write(`${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, msg })}\n`);
}

if (require.main === module) {
  main().catch(error => {
    logFatal(
      error instanceof ConfigError
        ? error.message
        : `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
}
