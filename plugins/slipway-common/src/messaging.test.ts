import { cacheAccess, publisherAccess, resolveServiceSpec, safeResolveServiceSpec } from './index';

/* node-service's publishes and cache fields, and the access each gives its user on the broker or cache. */

const minimal = { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' };

function issuesFor(values: Record<string, unknown>) {
  const result = safeResolveServiceSpec(values);
  if (result.ok) throw new Error(`expected ${JSON.stringify(values)} to be rejected`);
  return result.issues;
}

describe('node-service publishes', () => {
  it('is off by default, and takes a broker another part runs, with its queue', () => {
    expect(resolveServiceSpec(minimal).publishes).toBeUndefined();
    const spec = resolveServiceSpec({ ...minimal, publishes: { kind: 'nats', external: { name: 'todo-nats', namespace: 'todo-{environment}' }, queue: 'todos', subject: 'todos.changed' } });
    expect(spec.publishes).toEqual({ kind: 'nats', external: { name: 'todo-nats', namespace: 'todo-{environment}' }, queue: 'todos', subject: 'todos.changed' });
  });

  it('requires the broker and the queue, and refuses what only another kind takes', () => {
    expect(issuesFor({ ...minimal, publishes: { kind: 'rabbitmq' } })).toEqual([
      { path: 'publishes.external', message: 'is required' },
      { path: 'publishes.queue', message: 'is required' },
    ]);
    expect(issuesFor({ ...minimal, publishes: { kind: 'kafka', external: { name: 'mq' }, queue: 'orders' } })).toEqual([{ path: 'publishes.kind', message: 'must be one of rabbitmq, redis, nats' }]);
    expect(issuesFor({ ...minimal, publishes: { kind: 'redis', external: { name: 'q' }, queue: 'votes', subject: 'votes' } })).toEqual([
      { path: 'publishes.subject', message: 'is for nats only: a redis queue has no subject' },
    ]);
    expect(issuesFor({ ...minimal, publishes: { kind: 'rabbitmq', external: { name: 'mq' }, queue: 'orders', keyPrefix: 'shop/mq' } })).toEqual([
      { path: 'publishes.keyPrefix', message: "is for redis and nats only: the RabbitMQ Messaging Topology Operator makes the service's credentials" },
    ]);
    expect(issuesFor({ ...minimal, publishes: { kind: 'rabbitmq', external: { name: 'mq' }, queue: 'orders.v1' } })[0]).toMatchObject({ path: 'publishes.queue' });
  });
});

describe('node-service cache', () => {
  it('runs its own Valkey (cache.name, clients, size) or uses another part\'s (cache.external), with a TTL', () => {
    const own = resolveServiceSpec({ ...minimal, cache: { name: 'orders-cache', clients: [{ name: 'reports' }] } }).cache;
    expect(own).toMatchObject({ name: 'orders-cache', clients: [{ name: 'reports' }], ttlSeconds: 60, storage: { size: '8Gi' }, resources: { cpu: '250m', memory: '512Mi' } });
    expect(resolveServiceSpec({ ...minimal, cache: { external: { name: 'shop-cache' }, ttlSeconds: 5 } }).cache).toMatchObject({ external: { name: 'shop-cache' }, ttlSeconds: 5 });
  });

  it('refuses the settings of a cache it runs with external, and a client twice', () => {
    expect(issuesFor({ ...minimal, cache: { external: { name: 'shop-cache' }, name: 'mine', clients: [{ name: 'reports' }], instances: 3 } })).toEqual([
      { path: 'cache.name', message: 'must be left out with cache.external: the service runs no Valkey (cache.external.name names it)' },
      { path: 'cache.clients', message: "must be left out with cache.external: the service runs no Valkey; the cache's holder admits its clients" },
      { path: 'cache.instances', message: 'must be left out with cache.external: the service runs no Valkey; its holder sizes it' },
    ]);
    expect(issuesFor({ ...minimal, cache: { clients: [{ name: 'orders' }, { name: 'reports' }, { name: 'reports' }] } })).toEqual([
      { path: 'cache.clients[0].name', message: 'names orders twice (the service and each client once)' },
      { path: 'cache.clients[2].name', message: 'names reports twice (the service and each client once)' },
    ]);
  });

  it('reserves the variables the publisher and the cache read', () => {
    for (const name of ['QUEUE_URL', 'QUEUE_NAME', 'REDIS_URL', 'RABBITMQ_PASSWORD']) {
      expect(issuesFor({ ...minimal, config: { env: { [name]: 'x' } } })).toContainEqual(expect.objectContaining({ path: `config.env.${name}`, message: expect.stringContaining(name) }));
    }
  });
});

describe('what a publisher and a cache user may do', () => {
  it('publishes to its queue and nothing else', () => {
    // RabbitMQ: basic.publish needs write on the exchange (the default one); it declares and reads nothing.
    expect(publisherAccess('rabbitmq', 'orders')).toEqual({ permissions: { configure: '^$', write: '^amq\\.default$', read: '^$' } });
    expect(publisherAccess('redis', 'votes')).toEqual({ acl: '~votes +xadd +ping +client' });
    // NATS: the subject (default: the queue's name), and the JetStream ack's reply inbox.
    expect(publisherAccess('nats', 'todos', 'todos.changed')).toEqual({ permissions: { publish: ['todos.changed'], subscribe: ['_INBOX.>'] } });
    expect(publisherAccess('nats', 'todos')).toEqual({ permissions: { publish: ['todos'], subscribe: ['_INBOX.>'] } });
  });

  it('caches under its own keys', () => {
    expect(cacheAccess('catalog')).toEqual({ acl: '~catalog:* +get +set +del +ping +client' });
  });
});
