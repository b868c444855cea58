import { DEFAULT_METRICS_PORT, DEFAULT_PORT } from './service';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the service reads from its environment. */
export interface Config {
  /** Interface both listeners bind to (HOST; default 0.0.0.0). */
  host: string;
  /** Traffic port (PORT). */
  port: number;
  /** Port of GET /metrics (METRICS_PORT). */
  metricsPort: number;
  /** LOG_LEVEL; default info. */
  logLevel: LogLevel;
  /**
   * SHUTDOWN_DELAY_MS; default 5000. After SIGTERM, /healthz fails for this long
   * before the listeners close, so Kubernetes takes the pod out of the Service
   * endpoints (and the gateway stops sending traffic) while it still answers.
   */
  shutdownDelayMs: number;
  /** DATABASE_URL, a PostgreSQL connection URI. It holds a password: never log it. */
  databaseUrl: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };

  const port = integer('PORT', DEFAULT_PORT, 0, 65535);
  const metricsPort = integer('METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535);
  if (port === metricsPort && port !== 0) {
    problems.push(`PORT and METRICS_PORT must differ (both are ${port}): /metrics must never share the traffic port`);
  }

  const rawLevel = env.LOG_LEVEL?.trim() || 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as LogLevel) : undefined;
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(rawLevel)}`);

  const config: Config = {
    host: env.HOST?.trim() || '0.0.0.0',
    port,
    metricsPort,
    logLevel: logLevel ?? 'info',
    shutdownDelayMs: integer('SHUTDOWN_DELAY_MS', 5000, 0, 600_000),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
