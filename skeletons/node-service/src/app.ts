import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyServerOptions, LogController } from 'fastify';
import type { LogLevel } from './config';
import { FaultOptions, injectFaults } from './faults';
import { HttpMetrics, instrumentRequests } from './metrics';
import { SERVICE_DESCRIPTION, SERVICE_NAME } from './service';

/** Something /healthz must reach before the pod takes traffic, e.g. the database. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy, rejects (or exceeds the timeout) when not. */
  check(): Promise<void>;
}

export interface AppOptions {
  /** Fastify logger settings: `loggerOptions(level)` in production, `false` for silence. */
  logger: FastifyServerOptions['logger'];
  metrics: HttpMetrics;
  /** Run by /healthz on every probe, in parallel. */
  readinessChecks?: readonly ReadinessCheck[];
  /** How long one readiness check may take before it counts as failing. Default 1000 ms. */
  readinessTimeoutMs?: number;
  /** True once shutdown has begun: /healthz then answers 503 so the pod leaves the endpoints. */
  isShuttingDown?: () => boolean;
  /** Test-only fault injection (src/faults.ts); undefined in normal operation. */
  faults?: FaultOptions;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No "incoming request" / "request completed" lines for this route (health probes). */
    skipRequestLog?: boolean;
  }
}

/** Headers that must never reach the logs. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs (pino) with credentials redacted. They go to process.stdout,
 * whose writes are synchronous for files and pipes (a container's stdout), so no
 * line is lost or reordered when the process exits right after logging.
 */
export function loggerOptions(
  level: LogLevel,
  stream: NodeJS.WritableStream = process.stdout,
): FastifyServerOptions['logger'] {
  return {
    level,
    name: SERVICE_NAME,
    stream,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[Redacted]' },
    serializers: {
      req: request => ({
        method: request.method,
        url: request.url,
        remoteAddress: request.ip,
        headers: request.headers,
      }),
    },
  };
}

/** The traffic listener: the service's routes and the health probes. */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger,
    requestIdHeader: 'x-request-id',
    logController: new LogController({
      disableRequestLogging: request => request.routeOptions.config?.skipRequestLog === true,
    }),
  });
  const readinessChecks = options.readinessChecks ?? [];
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 1000;
  const isShuttingDown = options.isShuttingDown ?? (() => false);

  instrumentRequests(app, options.metrics);
  if (options.faults) injectFaults(app, options.faults);

  // Once shutdown has begun, every answer closes its connection, so keep-alive
  // clients (the gateway) reconnect to another pod and the listener can close
  // without waiting for idle connections to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (isShuttingDown()) reply.header('connection', 'close');
  });

  // 5xx answers never echo internal error messages; the log has the details.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(statusCode).send({ statusCode, error: 'Internal Server Error' });
    }
    return reply.code(statusCode).send({ statusCode, error: error.message });
  });

  // Liveness: the process is up and its event loop answers. Never depends on the
  // database, so a database outage makes pods unready rather than restarting them.
  const probe = { config: { skipMetrics: true, skipRequestLog: true } };
  app.get('/livez', probe, async () => ({ status: 'ok' }));

  // Readiness: ready for traffic. Fails during shutdown and while a dependency is unreachable.
  const lastResult = new Map<string, boolean>();
  app.get('/healthz', probe, async (request, reply) => {
    if (isShuttingDown()) {
      return reply.code(503).send({ status: 'shutting down' });
    }
    const results = await Promise.all(
      readinessChecks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), readinessTimeoutMs);
          if (lastResult.get(name) === false) request.log.info({ check: name }, 'readiness check recovered');
          lastResult.set(name, true);
          return [name, 'ok'] as const;
        } catch (error) {
          // Logged when the state changes, not on every probe; the reply carries no details.
          if (lastResult.get(name) !== false) request.log.warn({ check: name, err: error }, 'readiness check failing');
          lastResult.set(name, false);
          return [name, 'failing'] as const;
        }
      }),
    );
    const ok = results.every(([, status]) => status === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });

  // The sample route: replace it with the service's own.
  app.get('/', async () => ({ name: SERVICE_NAME, description: SERVICE_DESCRIPTION }));

  return app;
}

/** The metrics listener: GET /metrics only, on its own port so the gateway never routes it. */
export function buildMetricsApp(options: { metrics: HttpMetrics; logger?: FastifyBaseLogger }): FastifyInstance {
  // Scrapes are not logged one by one.
  const logController = new LogController({ disableRequestLogging: true });
  const app = options.logger
    ? Fastify({ loggerInstance: options.logger, logController })
    : Fastify({ logger: false, logController });
  const { registry } = options.metrics;
  app.get('/metrics', async (_request, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
