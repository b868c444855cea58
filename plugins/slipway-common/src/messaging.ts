/*
 * What a node-service may do on a broker it publishes to and on a cache it reads through: one
 * definition, read by the service's own repo (its RabbitMQ Permission, its own Valkey's users)
 * and by the system resolver, which hands the same rules to the holder of the broker (node-worker's
 * broker.clients), so the two repos cannot disagree about a user.
 */

/** RabbitMQ Permission regular expressions in vhost / (https://www.rabbitmq.com/docs/access-control#authorisation). */
export interface RabbitMqPermissions {
  configure: string;
  write: string;
  read: string;
}

/** NATS user permissions: subjects it may publish and subscribe to. */
export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

export type ClientAccess = { permissions: RabbitMqPermissions } | { permissions: NatsPermissions } | { acl: string };

/**
 * A publisher of one queue, and nothing more:
 * - RabbitMQ: publishing through the default exchange needs write on `amq.default` ("basic.publish:
 *   write on exchange", access-control docs, the table of operations); it declares nothing (the
 *   consumer owns the queue and its arguments), so configure and read match no name at all (`^$`).
 * - Redis: XADD on the stream's key (~<queue>), PING for the readiness of the connection, and
 *   CLIENT, which node-redis sends on connect (CLIENT SETINFO).
 * - NATS: the subject, and replies on _INBOX.> (a JetStream publish is a request whose answer is
 *   the stream's ack).
 */
export function publisherAccess(kind: 'rabbitmq' | 'redis' | 'nats', queue: string, subject?: string): ClientAccess {
  switch (kind) {
    case 'rabbitmq':
      return { permissions: { configure: '^$', write: '^amq\\.default$', read: '^$' } };
    case 'redis':
      return { acl: `~${queue} +xadd +ping +client` };
    case 'nats':
      return { permissions: { publish: [subject ?? queue], subscribe: ['_INBOX.>'] } };
  }
}

/** A cache user: its own keys (<client>:*), read, write with a TTL, delete, and the connection's PING and CLIENT. */
export function cacheAccess(client: string): { acl: string } {
  return { acl: `~${client}:* +get +set +del +ping +client` };
}

