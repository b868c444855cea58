import type { Logger } from 'pino';
import type { Config } from '../config';
import type { QueueAdapter } from '../worker';
import { NatsAdapter } from './nats';
import { RabbitMqAdapter } from './rabbitmq';
import { RedisAdapter } from './redis';

/** The adapter QUEUE_KIND asks for. All three ship in every worker, so the broker is a deploy-time choice. */
export function createAdapter(config: Config, log: Logger): QueueAdapter {
  switch (config.queue.kind) {
    case 'rabbitmq':
      return new RabbitMqAdapter(config, log);
    case 'redis':
      return new RedisAdapter(config, log);
    case 'nats':
      return new NatsAdapter(config, log);
  }
}
