import os from 'node:os';
import { SERVICE_NAME } from './service';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The brokers the worker can consume from; QUEUE_KIND picks one at start. */
export const QUEUE_KINDS = ['rabbitmq', 'redis', 'nats'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** The URL schemes QUEUE_URL may use for each kind. */
export const URL_SCHEMES: Record<QueueKind, readonly string[]> = {
  rabbitmq: ['amqp:', 'amqps:'],
  redis: ['redis:', 'rediss:'],
  nats: ['nats:', 'tls:'],
};

/** Port of /metrics, /livez and /healthz (the worker has no traffic port). */
export const DEFAULT_METRICS_PORT = 9464;

export interface QueueConfig {
  /** QUEUE_KIND: which broker, and so which adapter (src/adapters/). */
  kind: QueueKind;
  /**
   * QUEUE_URL: where the broker is. It may hold a password: never log it (redactUrl
   * gives a loggable form). For NATS, a comma-separated list of servers.
   */
  url: string;
  /** QUEUE_NAME: the RabbitMQ queue, the Redis stream key or the NATS stream. Default: the worker's name. */
  name: string;
  /** QUEUE_SUBJECT (NATS only): the subject the stream captures and the consumer filters. Default: QUEUE_NAME. */
  subject: string;
  /** CONSUMER_GROUP: the Redis consumer group, the NATS durable consumer. Default: the worker's name. */
  group: string;
  /** CONSUMER_NAME: this replica's name within the Redis group. Default: the host name (the pod's name). */
  consumer: string;
}

/** Everything the worker reads from its environment. */
export interface Config {
  queue: QueueConfig;
  /** CONCURRENCY: messages handled at once by this replica (RabbitMQ prefetch, Redis/NATS batch size). Default 4. */
  concurrency: number;
  /** MAX_ATTEMPTS: handler runs per message before it is dead-lettered (1 = no retry). Default 5. */
  maxAttempts: number;
  /** RETRY_BASE_MS: delay before the second attempt; each further one doubles it. Default 1000. */
  retryBaseMs: number;
  /** RETRY_MAX_MS: the longest delay between two attempts. Default 60000. */
  retryMaxMs: number;
  /** HANDLER_TIMEOUT_MS: an attempt running longer fails with reason `timeout` (its AbortSignal fires). Default 30000. */
  handlerTimeoutMs: number;
  /**
   * DRAIN_TIMEOUT_MS: after SIGTERM, how long in-flight messages may take to finish before
   * they are handed back to the broker. Keep it below the pod's terminationGracePeriodSeconds. Default 20000.
   */
  drainTimeoutMs: number;
  /**
   * CLAIM_IDLE_MS (Redis only): a message another consumer received and has not settled for this
   * long is taken over (its consumer died). Must exceed HANDLER_TIMEOUT_MS. Default HANDLER_TIMEOUT_MS + 30000.
   */
  claimIdleMs: number;
  /** HOST: interface of the metrics and health listener. Default 0.0.0.0. */
  host: string;
  /** METRICS_PORT: port of /metrics, /livez and /healthz. */
  metricsPort: number;
  /** LOG_LEVEL; default info. */
  logLevel: LogLevel;
  /**
   * DATABASE_URL: the PostgreSQL the sample handler stores each message in (src/store.ts), or
   * undefined for none. It holds a password: never log it.
   */
  databaseUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names valid as a RabbitMQ queue, a Redis key, a NATS stream and durable consumer alike. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
const NAME_RULE = 'letters, digits, "-" and "_" (starting with a letter or digit, at most 200)';
/** A NATS subject: dot-separated tokens, `*` for one token, `>` for the rest as the last token. */
const SUBJECT_TOKEN = /^(?:[A-Za-z0-9_-]+|\*|>)$/;

/**
 * Where a queue's poison messages go, per broker (README.md): the RabbitMQ queue (and fanout
 * exchange) `<name>.dead`, the Redis stream `<name>:dead`, the NATS stream and subject `<name>-dead`.
 */
export function deadLetterName(kind: QueueKind, name: string): string {
  switch (kind) {
    case 'rabbitmq':
      return `${name}.dead`;
    case 'redis':
      return `${name}:dead`;
    case 'nats':
      return `${name}-dead`;
  }
}

/** True when a NATS subject filter (with `*` and `>` wildcards) matches a literal subject. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

/** A URL pg connects with: CloudNativePG's `<cluster>-app` key fqdn-uri is postgresql://app:…@<cluster>-rw.<namespace>.svc.cluster.local:5432/app. */
function isPostgresUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'postgresql:' || parsed.protocol === 'postgres:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** QUEUE_URL without its user name and password, for logs and messages. */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map(part => {
      try {
        const parsed = new URL(part.trim());
        return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
      } catch {
        return '[unparsable URL]';
      }
    })
    .join(',');
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
  const name = (variable: string, fallback: string): string => {
    const value = env[variable]?.trim() || fallback;
    if (!NAME.test(value)) problems.push(`${variable} must be ${NAME_RULE}, got ${JSON.stringify(value)}`);
    return value;
  };

  const rawKind = env.QUEUE_KIND?.trim();
  const kind = (QUEUE_KINDS as readonly string[]).includes(rawKind ?? '') ? (rawKind as QueueKind) : undefined;
  if (!rawKind) problems.push(`QUEUE_KIND is required: one of ${QUEUE_KINDS.join(', ')}`);
  else if (!kind) problems.push(`QUEUE_KIND must be one of ${QUEUE_KINDS.join(', ')}, got ${JSON.stringify(rawKind)}`);

  // The URL may carry a password, so no message repeats it.
  const url = env.QUEUE_URL?.trim() ?? '';
  if (!url) {
    problems.push('QUEUE_URL is required: the broker URL, e.g. amqp://user:password@rabbitmq:5672, redis://redis:6379 or nats://nats:4222');
  } else if (kind) {
    const schemes = URL_SCHEMES[kind];
    const parts = kind === 'nats' ? url.split(',').map(part => part.trim()) : [url];
    const bad = parts.some(part => {
      try {
        const parsed = new URL(part);
        return !schemes.includes(parsed.protocol) || !parsed.hostname;
      } catch {
        return true;
      }
    });
    if (bad) {
      problems.push(
        `QUEUE_URL must be ${kind === 'nats' ? 'a comma-separated list of' : 'a'} ${schemes.map(s => `${s}//`).join(' or ')} URL${kind === 'nats' ? 's' : ''} with a host for QUEUE_KIND=${kind} (the value is not shown: it may hold a password)`,
      );
    }
  }

  const queueName = name('QUEUE_NAME', SERVICE_NAME);
  const group = name('CONSUMER_GROUP', SERVICE_NAME);
  const consumer = env.CONSUMER_NAME?.trim() || os.hostname();
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(consumer)) {
    problems.push(`CONSUMER_NAME must be letters, digits, ".", "-" and "_" (at most 200), got ${JSON.stringify(consumer)}`);
  }

  const subject = env.QUEUE_SUBJECT?.trim() || queueName;
  if (kind === 'nats') {
    const tokens = subject.split('.');
    if (!tokens.every(token => SUBJECT_TOKEN.test(token)) || tokens.slice(0, -1).includes('>')) {
      problems.push(`QUEUE_SUBJECT must be a NATS subject (tokens of letters, digits, "-" and "_" separated by ".", "*" or a final ">"), got ${JSON.stringify(subject)}`);
    } else {
      const dead = deadLetterName(kind, queueName);
      if (subjectMatches(subject, dead)) {
        problems.push(`QUEUE_SUBJECT ${JSON.stringify(subject)} would also capture the dead-letter subject ${JSON.stringify(dead)}`);
      }
    }
  } else if (env.QUEUE_SUBJECT?.trim()) {
    problems.push(`QUEUE_SUBJECT applies to QUEUE_KIND=nats only; unset it for ${kind ?? 'this broker'}`);
  }

  const maxAttempts = integer('MAX_ATTEMPTS', 5, 1, 100);
  const retryBaseMs = integer('RETRY_BASE_MS', 1000, 1, 3_600_000);
  const retryMaxMs = integer('RETRY_MAX_MS', Math.max(60_000, retryBaseMs), 1, 86_400_000);
  if (retryMaxMs < retryBaseMs) problems.push(`RETRY_MAX_MS (${retryMaxMs}) must not be below RETRY_BASE_MS (${retryBaseMs})`);
  const handlerTimeoutMs = integer('HANDLER_TIMEOUT_MS', 30_000, 1, 3_600_000);
  const claimIdleMs = integer('CLAIM_IDLE_MS', handlerTimeoutMs + 30_000, 1, 86_400_000);
  if (claimIdleMs <= handlerTimeoutMs) {
    problems.push(`CLAIM_IDLE_MS (${claimIdleMs}) must exceed HANDLER_TIMEOUT_MS (${handlerTimeoutMs}), or live consumers' messages would be taken over`);
  }

  const rawLevel = env.LOG_LEVEL?.trim() || 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel) ? (rawLevel as LogLevel) : undefined;
  if (!logLevel) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(rawLevel)}`);

  // Like QUEUE_URL, it may carry a password, so no message repeats it.
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgresql:// or postgres:// URL with a host (the value is not shown: it may hold a password)');
  }

  const config: Config = {
    queue: { kind: kind ?? 'rabbitmq', url, name: queueName, subject, group, consumer },
    concurrency: integer('CONCURRENCY', 4, 1, 1000),
    maxAttempts,
    retryBaseMs,
    retryMaxMs,
    handlerTimeoutMs,
    drainTimeoutMs: integer('DRAIN_TIMEOUT_MS', 20_000, 0, 3_600_000),
    claimIdleMs,
    host: env.HOST?.trim() || '0.0.0.0',
    metricsPort: integer('METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535),
    logLevel: logLevel ?? 'info',
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
