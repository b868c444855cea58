/**
 * node-service as a publisher and a cache user, end to end: for each broker kind the golden path
 * renders a service that publishes to it (spec publishes, as the system's partValues writes it
 * from a publishes edge), the repo validates with its overlays built, installs from its own lock
 * with `npm ci`, passes its own tests, and the built service (`node dist/server.js`, the image's
 * command) runs against the real broker with the environment the built staging overlay gives its
 * Rollout's container: a POST /items publishes an event a real consumer receives (the broker
 * confirmed it first: the answer is 201), and counts it on /metrics. The RabbitMQ service also
 * reads through a real Redis cache: the second GET is a hit, and with Redis stopped the reads are
 * still served (degraded, counted as errors) and the pod stays ready.
 *
 * What stands in for the cluster: each broker is the Debian package started by the test on
 * 127.0.0.1 (test/support/brokers.ts). Every variable comes from the built overlay, so a wrong
 * manifest fails here; only what the cluster fills in is replaced: QUEUE_URL and REDIS_URL (the
 * overlay's come from Secrets and name the broker's Service) by the loopback brokers, and PORT and
 * METRICS_PORT by free loopback ports. On Redis the service logs in as a user with exactly the ACL
 * the holder gives it (publisherAccess, cacheAccess), so those rules are proven enough; RabbitMQ
 * (guest) and NATS (no users) run without access control here.
 *
 * The consumers use the client libraries the service installed (its node_modules), not its code.
 */
import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import { createRequire } from 'module';
import path from 'path';
import { cacheAccess, publisherAccess } from '@slipway/common';
import { validateRenderedFiles, requireShippedKustomize } from '@slipway/validate';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { brokerBinary, BrokerKind, startBroker, startRedis, TempBroker } from './support/brokers';
import { generateGoldenPathRepo } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { freePort, waitFor } from './support/ports';
import { runOk } from './support/processes';

const ENVIRONMENT = 'staging';
const QUEUE = 'orders';
const SUBJECT = 'orders.created';

/** The client libraries come from the service's node_modules at run time, so they are typed loosely here. */
type Loose = any;

/** A node-service publishing to a broker another part runs, as a system gives it (partValues), and for RabbitMQ caching in its own Valkey. */
function valuesFor(kind: BrokerKind): Record<string, unknown> {
  return {
    name: `orders-${kind}`,
    owner: 'group:default/team-books',
    system: 'system:default/bookstore',
    description: `Takes orders and publishes each to ${kind}.`,
    publishes: { kind, external: { name: `bookstore-${kind}`, namespace: 'bookstore-{environment}' }, queue: QUEUE, ...(kind === 'nats' ? { subject: SUBJECT } : {}) },
    ...(kind === 'rabbitmq' ? { cache: { name: 'orders-cache', ttlSeconds: 120 } } : {}),
    environments: [{ name: 'staging', namespace: 'bookstore-staging' }, { name: 'production', namespace: 'bookstore-production' }],
  };
}

interface Repo {
  dir: string;
  name: string;
  /** The app container's env in the built staging overlay: plain values, and what the cluster fills in (`secret <name>/<key>`). */
  env: Record<string, string>;
  filledIn: Record<string, string>;
}

async function renderedRepo(kind: BrokerKind): Promise<Repo> {
  const values = valuesFor(kind);
  const { dir, files } = await generateGoldenPathRepo('node-service', values);
  const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
  expect(report.problems.map(problem => `${problem.rule} ${problem.file}: ${problem.message}`)).toEqual([]);
  expect(report.stats.overlaysBuilt).toEqual(['staging', 'production']);
  const rollout = (await overlayObjects<Loose>(dir, ENVIRONMENT)).find(object => object.kind === 'Rollout');
  const [container] = rollout.spec.template.spec.containers;
  const env: Record<string, string> = {};
  const filledIn: Record<string, string> = {};
  for (const entry of container.env as Array<{ name: string; value?: string; valueFrom?: Loose }>) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (entry.valueFrom?.secretKeyRef) filledIn[entry.name] = `secret ${entry.valueFrom.secretKeyRef.name}/${entry.valueFrom.secretKeyRef.key}`;
  }
  return { dir, name: String(values.name), env, filledIn };
}

/** A started `node dist/server.js` with its ports and what it logged. */
interface Service {
  port: number;
  metricsPort: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

async function startService(repo: Repo, urls: { QUEUE_URL: string; REDIS_URL?: string }): Promise<Service> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  // The overlay's values, but for what the cluster fills in: the broker URLs (from Secrets) and the pod's ports.
  const { QUEUE_URL: _fromSecrets, PORT: _podPort, METRICS_PORT: _podMetricsPort, ...overlay } = repo.env;
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: repo.dir,
    env: { PATH: process.env.PATH, ...overlay, ...urls, HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_DELAY_MS: '0', PUBLISH_TIMEOUT_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  await waitFor(`${repo.name} ready`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 30_000).catch(error => {
    throw new Error(`${error.message}\n${output}`);
  });
  return {
    port,
    metricsPort,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One sample's value on /metrics, e.g. `events_published_total{queue="orders"}`; 0 when absent. */
async function metric(service: Service, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
  const line = text.split('\n').find(candidate => candidate.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

async function postItem(service: Service, name: string): Promise<{ status: number; body: Loose }> {
  const response = await fetch(`http://127.0.0.1:${service.port}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  return { status: response.status, body: await response.json() };
}

/** A consumer of the queue, as the worker that holds the broker would be, through the service's own client libraries. */
interface Consumer {
  /** The next message: its id (the publisher's message id) and its JSON body. */
  next(timeoutMs?: number): Promise<{ id: string; body: Loose }>;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function openConsumer(kind: BrokerKind, url: string, dir: string): Promise<Consumer> {
  const load = createRequire(path.join(dir, 'package.json'));
  if (kind === 'rabbitmq') {
    const amqp = load('amqplib') as Loose;
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    // As node-worker declares its queue: a durable quorum queue.
    await channel.assertQueue(QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const received: Array<{ id: string; body: Loose }> = [];
    await channel.consume(QUEUE, (message: Loose) => {
      received.push({ id: message.properties.messageId, body: JSON.parse(message.content.toString('utf8')) });
      channel.ack(message);
    });
    return {
      next: (timeoutMs = 10_000) => withTimeout((async () => {
        while (received.length === 0) await new Promise(resolve => setTimeout(resolve, 50));
        return received.shift()!;
      })(), timeoutMs, 'RabbitMQ consumer'),
      close: async () => connection.close(),
    };
  }
  if (kind === 'redis') {
    const { createClient } = load('redis') as Loose;
    const client = createClient({ url, RESP: 2 });
    await client.connect();
    // As node-worker reads its stream: a consumer group from the stream's start.
    await client.sendCommand(['XGROUP', 'CREATE', QUEUE, 'payments', '0', 'MKSTREAM']);
    return {
      next: async (timeoutMs = 10_000) => {
        const reply = (await client.sendCommand(['XREADGROUP', 'GROUP', 'payments', 'test', 'COUNT', '1', 'BLOCK', String(timeoutMs), 'STREAMS', QUEUE, '>'])) as Loose;
        if (!reply) throw new Error(`Redis consumer: nothing within ${timeoutMs} ms`);
        const [[, [[entryId, fields]]]] = reply;
        const values = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
        await client.sendCommand(['XACK', QUEUE, 'payments', entryId]);
        return { id: values.get('message-id') as string, body: JSON.parse(values.get('body') as string) };
      },
      close: async () => client.close(),
    };
  }
  const nats = load('nats') as Loose;
  const nc = await nats.connect({ servers: url.replace(/^nats:\/\//, '') });
  const jsm = await nc.jetstreamManager();
  // As node-worker declares its stream: work-queue retention, capturing the subject.
  await jsm.streams.add({ name: QUEUE, subjects: [SUBJECT], retention: nats.RetentionPolicy.Workqueue, storage: nats.StorageType.File });
  await jsm.consumers.add(QUEUE, { durable_name: 'payments', ack_policy: nats.AckPolicy.Explicit, filter_subject: SUBJECT });
  const consumer = await nc.jetstream().consumers.get(QUEUE, 'payments');
  return {
    next: async (timeoutMs = 10_000) => {
      const message = await consumer.next({ expires: timeoutMs });
      if (!message) throw new Error(`NATS consumer: nothing within ${timeoutMs} ms`);
      message.ack();
      return { id: message.headers?.get('Nats-Msg-Id') as string, body: JSON.parse(new TextDecoder().decode(message.data)) };
    },
    close: async () => nc.close(),
  };
}

/** redis-server again on a port a stopped one had (startRedis picks a free one), without persistence. */
async function restartedRedis(port: number, dir: string): Promise<TempBroker> {
  const child = spawn(brokerBinary('redis'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const { createClient } = createRequire(path.join(dir, 'package.json'))('redis') as Loose;
  await waitFor('redis-server restarted', async () => {
    const probe = createClient({ url, RESP: 2, socket: { reconnectStrategy: false } });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.close();
      return true;
    } catch {
      return false;
    }
  }, 20_000);
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { kind: 'redis', url, port, startedInMs: 0, logs: async () => '', stop };
}

/** On Redis, a user with exactly these ACL rules (as the holder's Valkey gives the service), and its URL. */
async function redisUser(server: TempBroker, dir: string, user: string, acl: string): Promise<string> {
  const { createClient } = createRequire(path.join(dir, 'package.json'))('redis') as Loose;
  const admin = createClient({ url: server.url, RESP: 2 });
  await admin.connect();
  try {
    await admin.sendCommand(['ACL', 'SETUSER', user, 'reset', 'on', '>test-password', ...acl.split(' ')]);
  } finally {
    await admin.close();
  }
  return server.url.replace('redis://', `redis://${user}:test-password@`);
}

describe.each(['rabbitmq', 'redis', 'nats'] as BrokerKind[])('node-service publishing to %s', kind => {
  let repo: Repo;
  const started: Array<{ stop(): Promise<unknown> }> = [];

  beforeAll(async () => {
    repo = await renderedRepo(kind);
    await runOk('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: repo.dir, timeoutMs: 300_000 });
    await runOk('npm', ['run', 'build'], { cwd: repo.dir, timeoutMs: 120_000 });
  }, 420_000);

  afterAll(async () => {
    for (const one of started.reverse()) await one.stop().catch(() => undefined);
    if (repo) await fs.rm(repo.dir, { recursive: true, force: true });
  }, 60_000);

  it('gets the broker and the queue from its overlay, credentials from Secrets only', () => {
    expect(repo.env).toMatchObject({ QUEUE_KIND: kind, QUEUE_NAME: QUEUE, ...(kind === 'nats' ? { QUEUE_SUBJECT: SUBJECT } : {}) });
    if (kind === 'rabbitmq') {
      // The Messaging Topology Operator's Secret for the service's own User; the URL names the broker's Service.
      expect(repo.filledIn).toMatchObject({ RABBITMQ_USERNAME: `secret bookstore-rabbitmq-${repo.name}-user-credentials/username`, REDIS_URL: `secret orders-cache-${repo.name}/url` });
      expect(repo.env.QUEUE_URL).toBe('amqp://$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@bookstore-rabbitmq.bookstore-staging.svc.cluster.local:5672/%2F');
    } else {
      expect(repo.filledIn).toEqual({ QUEUE_URL: `secret bookstore-${kind}-${repo.name}/url` });
    }
  });

  it("passes its own tests (npm test)", async () => {
    await runOk('npm', ['test'], { cwd: repo.dir, timeoutMs: 300_000 });
  }, 300_000);

  it('publishes each item it writes; a real consumer receives it, and /metrics counts it', async () => {
    const broker = await startBroker[kind]();
    started.push(broker);
    const cacheServer = kind === 'rabbitmq' ? await startRedis() : undefined;
    if (cacheServer) started.push(cacheServer);
    const queueUrl = kind === 'redis' ? await redisUser(broker, repo.dir, repo.name, (publisherAccess('redis', QUEUE) as { acl: string }).acl) : broker.url;
    const redisUrl = cacheServer ? await redisUser(cacheServer, repo.dir, repo.name, cacheAccess(repo.name).acl) : undefined;

    const service = await startService(repo, { QUEUE_URL: queueUrl, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
    started.push(service);
    try {
      if (kind === 'rabbitmq') {
        // No queue yet (its consumer declares it): the broker returns the mandatory message, the write answers 503.
        await waitFor('the RabbitMQ connection', async () => service.output().includes('connected to RabbitMQ'), 20_000);
        const unroutable = await postItem(service, 'before the queue');
        expect(unroutable).toMatchObject({ status: 503, body: { message: 'the item was stored, but its event was not published' } });
        expect(await metric(service, `events_publish_failed_total{queue="${QUEUE}",reason="error"}`)).toBe(1);
      }
      const consumer = await openConsumer(kind, broker.url, repo.dir);
      try {
        // NATS and Redis connect in the background: the first write may come before the connection.
        let created: { status: number; body: Loose } | undefined;
        await waitFor('a confirmed publish', async () => (created = await postItem(service, 'Dune')).status === 201, 20_000);
        const item = created!.body;
        expect(item).toMatchObject({ name: 'Dune', id: expect.any(String) });
        let message = await consumer.next();
        // Writes answered 503 while connecting published nothing the consumer gets; skip none that were confirmed.
        while (message.id !== item.id) message = await consumer.next();
        expect(message.body).toEqual(item);
        expect(await metric(service, `events_published_total{queue="${QUEUE}"}`)).toBe(1);
      } finally {
        await consumer.close();
      }

      if (kind === 'redis') {
        // A broker blip: while Redis is away the writes answer 503 and are counted, the pod stays
        // ready; once it is back on its address, the publisher has reconnected by itself.
        await broker.stop();
        expect((await postItem(service, 'during the blip')).status).toBe(503);
        expect(await metric(service, `events_publish_failed_total{queue="${QUEUE}",reason="error"}`)).toBeGreaterThanOrEqual(1);
        expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
        const again = await restartedRedis(broker.port, repo.dir);
        started.push(again);
        await redisUser(again, repo.dir, repo.name, (publisherAccess('redis', QUEUE) as { acl: string }).acl);
        await waitFor('a publish after the reconnect', async () => (await postItem(service, 'after the blip')).status === 201, 20_000);
        expect(await metric(service, `events_published_total{queue="${QUEUE}"}`)).toBe(2);
      }

      if (cacheServer) {
        // Cache-aside: the first read misses and fills the cache, the second is a hit; the key has the TTL.
        const { body: item } = await postItem(service, 'Neuromancer');
        const read = async () => (await fetch(`http://127.0.0.1:${service.port}/items/${item.id}`)).json();
        expect(await read()).toEqual(item);
        expect(await read()).toEqual(item);
        expect(await metric(service, 'cache_lookups_total{result="miss"}')).toBe(1);
        expect(await metric(service, 'cache_lookups_total{result="hit"}')).toBe(1);
        const { createClient } = createRequire(path.join(repo.dir, 'package.json'))('redis') as Loose;
        const admin = createClient({ url: cacheServer.url, RESP: 2 });
        await admin.connect();
        const ttl = Number(await admin.sendCommand(['TTL', `${repo.name}:item:${item.id}`]));
        await admin.close();
        expect(ttl).toBeGreaterThan(100);
        expect(ttl).toBeLessThanOrEqual(120);

        // Redis gone: reads are served from the source, counted as errors; the pod stays ready.
        await cacheServer.stop();
        expect(await read()).toEqual(item);
        expect(await metric(service, 'cache_lookups_total{result="error"}')).toBeGreaterThanOrEqual(1);
        expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
      }
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 180_000);
});
