import type { FastifyInstance } from 'fastify';
import { buildApp, buildMetricsApp, loggerOptions, ReadinessCheck } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { createDependencies } from './dependencies';
import { FaultOptions, faultsFromEnv } from './faults';
import { createMetrics } from './metrics';
import { DURATION_BUCKETS_SECONDS } from './service';

export interface RunningService {
  app: FastifyInstance;
  metricsApp: FastifyInstance;
  /** The bound ports (they differ from the config when it asks for port 0). */
  port: number;
  metricsPort: number;
  /**
   * Graceful shutdown; calling it again returns the same promise.
   * 1. /healthz starts answering 503, so Kubernetes removes the pod from the endpoints;
   * 2. after shutdownDelayMs (traffic keeps being served meanwhile) the traffic listener
   *    closes: no new connections, in-flight requests finish;
   * 3. the metrics listener closes, then the dependencies (database pool).
   */
  shutdown(reason?: string): Promise<void>;
}

export interface StartOptions {
  /** Fastify logger settings. Default: JSON logs at config.logLevel on stdout. */
  logger?: Parameters<typeof buildApp>[0]['logger'];
  /** Replaces the dependencies' readiness checks (tests). */
  readinessChecks?: ReadinessCheck[];
  /** Test-only fault injection (FAULT_* variables, src/faults.ts). Default: none. */
  faults?: FaultOptions;
  /** Where the broker's and the cache's connections are read from, when the service has them. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export async function startService(config: Config, options: StartOptions = {}): Promise<RunningService> {
  let shuttingDown = false;
  const metrics = createMetrics({ buckets: DURATION_BUCKETS_SECONDS });
  const readinessChecks: ReadinessCheck[] = [];
  const app = buildApp({
    logger: options.logger ?? loggerOptions(config.logLevel),
    metrics,
    readinessChecks,
    isShuttingDown: () => shuttingDown,
    faults: options.faults,
  });
  const dependencies = createDependencies(config, app.log, metrics.registry, options.env);
  dependencies.registerRoutes(app);
  readinessChecks.push(...(options.readinessChecks ?? dependencies.readinessChecks));
  const metricsApp = buildMetricsApp({ metrics, logger: app.log.child({ listener: 'metrics' }) });

  try {
    await app.listen({ host: config.host, port: config.port });
    await metricsApp.listen({ host: config.host, port: config.metricsPort });
  } catch (error) {
    await Promise.allSettled([app.close(), metricsApp.close(), dependencies.close()]);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') =>
    (stopping ??= (async () => {
      shuttingDown = true;
      app.log.info({ reason, delayMs: config.shutdownDelayMs }, 'shutting down: readiness now fails; draining');
      if (config.shutdownDelayMs > 0) await new Promise(resolve => setTimeout(resolve, config.shutdownDelayMs));
      await app.close();
      await metricsApp.close();
      await dependencies.close();
      app.log.info('shutdown complete');
    })());

  return { app, metricsApp, port: boundPort(app), metricsPort: boundPort(metricsApp), shutdown };
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function main(): Promise<void> {
  const config = loadConfig();
  let service: RunningService | undefined;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      service?.app.log.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    signalled = true;
    // Before the listeners are up nobody has been sent traffic: nothing to drain.
    if (!service) process.exit(0);
    service.shutdown(signal).then(
      () => process.exit(0),
      error => {
        service?.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  service = await startService(config, { faults: faultsFromEnv(process.env) });
  const log = service.app.log;
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
