/**
 * The node-worker golden path, end to end: each broker's example rendered by the golden path
 * (`renderGoldenPath(builtInGoldenPath('node-worker'), …)`) into a real git repo and validated
 * (overlays built), the repo installed from its own lock with `npm ci`, its own tests run (against
 * the real brokers), then the built worker (`node dist/server.js`, the image's command) run against
 * each real broker with the environment the built staging overlay gives its Rollout's container:
 * it consumes and acknowledges real messages, dead-letters a poison message after its bounded
 * retries, reports processed and failed counts and the queue lag on /metrics, and on SIGTERM
 * finishes (or, past its deadline, hands back) the message in flight and exits 0.
 *
 * What stands in for the cluster: each broker is the Debian package started by the test on
 * 127.0.0.1 (test/support/brokers.ts), in a temp dir of its own. Every variable the worker gets
 * comes from the built overlay (QUEUE_KIND, QUEUE_NAME, QUEUE_SUBJECT, CONSUMER_GROUP,
 * CONCURRENCY, the retry policy, the timeouts), so a wrong manifest fails here; only what the
 * cluster would fill in is replaced: QUEUE_URL (the overlay's points at the broker's Service with
 * credentials from a Secret) by the loopback broker (RabbitMQ's guest user, allowed on loopback
 * only), CONSUMER_NAME (the pod name, a fieldRef) by a pod-like name, and METRICS_PORT (the pod's
 * port) by a free loopback port. The test scrapes that port as Prometheus would.
 *
 * The examples are rendered as written except for the retry policy and concurrency, shortened so
 * the test runs in seconds and sees one message in flight while others wait (E2E_QUEUE below).
 *
 * The broker is inspected with the client libraries the worker installed (its node_modules),
 * not with the worker's own code, so the proof does not rest on what it tests.
 */
import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import { createRequire } from 'module';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { renderGoldenPath, type RenderedFile } from '@slipway/render';
import { requireShippedKustomize, validateRenderedFiles } from '@slipway/validate';
import { builtInGoldenPath, createGoldenPathRegistry } from '@slipway/skeletons';
import { BrokerKind, startBroker, TempBroker } from './support/brokers';
import { overlayObjects } from './support/kustomize';
import { freePort, waitFor } from './support/ports';
import { runOk } from './support/processes';

const KINDS: BrokerKind[] = ['rabbitmq', 'redis', 'nats'];
const LABEL: Record<BrokerKind, string> = { rabbitmq: 'RabbitMQ', redis: 'Redis Streams', nats: 'NATS JetStream' };
const TEST_URL_VARIABLE: Record<BrokerKind, string> = { rabbitmq: 'TEST_RABBITMQ_URL', redis: 'TEST_REDIS_URL', nats: 'TEST_NATS_URL' };
/** The example values file of each broker (skeletons/node-worker/examples). */
const EXAMPLE: Record<BrokerKind, string> = { rabbitmq: 'rabbitmq', redis: 'redis', nats: 'nats' };
/** What the test changes in each example: 3 attempts 200 ms then 400 ms apart, one message at a time. */
const E2E_QUEUE = { concurrency: 1, retry: { maxAttempts: 3, baseMs: 200, maxMs: 5000 } };
/** The environment whose built overlay the worker is run with. */
const ENVIRONMENT = 'staging';
const goldenPath = builtInGoldenPath('node-worker');

/** What the built overlay's Rollout gives the worker container, and what the test reads from it. */
interface Deployed {
  name: string;
  /** The container's env, plain values only (secretKeyRef and fieldRef entries are what the cluster fills in). */
  env: Record<string, string>;
  /** The env entries the cluster fills in: name → what it reads (`secret <name>/<key>`, `field metadata.name`). */
  filledIn: Record<string, string>;
  containerPort: number;
  queue: string;
  subject: string;
  group: string;
  maxAttempts: number;
  retryBaseMs: number;
  files: RenderedFile[];
}

/** Renders a broker's example (with E2E_QUEUE), builds its staging overlay and reads the Rollout's container. */
async function deployedExample(kind: BrokerKind): Promise<Deployed> {
  const values = parse(await fs.readFile(path.join(goldenPath.dir, 'examples', `${EXAMPLE[kind]}.yaml`), 'utf8')) as Record<string, any>;
  const resolved = goldenPath.resolve({ ...values, queue: { ...values.queue, ...E2E_QUEUE } });
  if (!resolved.ok) throw new Error(`${kind}: ${JSON.stringify(resolved.issues)}`);
  const files = await renderGoldenPath(goldenPath, resolved.spec);
  const repo = await fs.mkdtemp(path.join(os.tmpdir(), `slipway-e2e-node-worker-${kind}-`));
  try {
    await writeFiles(repo, files);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Rollout is read field by field below
    const rollout = (await overlayObjects<any>(repo, ENVIRONMENT)).find(object => object.kind === 'Rollout');
    const [container] = rollout.spec.template.spec.containers;
    const env: Record<string, string> = {};
    const filledIn: Record<string, string> = {};
    for (const entry of container.env as Array<{ name: string; value?: string; valueFrom?: any }>) {
      if (entry.value !== undefined) env[entry.name] = entry.value;
      else if (entry.valueFrom?.secretKeyRef) filledIn[entry.name] = `secret ${entry.valueFrom.secretKeyRef.name}/${entry.valueFrom.secretKeyRef.key}`;
      else if (entry.valueFrom?.fieldRef) filledIn[entry.name] = `field ${entry.valueFrom.fieldRef.fieldPath}`;
    }
    return {
      name: resolved.spec.name,
      env,
      filledIn,
      containerPort: container.ports.find((port: { name: string }) => port.name === 'metrics').containerPort,
      queue: env.QUEUE_NAME,
      subject: env.QUEUE_SUBJECT ?? env.QUEUE_NAME,
      group: env.CONSUMER_GROUP,
      maxAttempts: Number(env.MAX_ATTEMPTS),
      retryBaseMs: Number(env.RETRY_BASE_MS),
      files,
    };
  } finally {
    await fs.rm(repo, { recursive: true, force: true });
  }
}

async function writeFiles(dir: string, files: RenderedFile[]): Promise<void> {
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await fs.writeFile(path.join(dir, file.path), file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
}

/**
 * The worker's environment as the cluster would give it: the overlay's values, QUEUE_URL the
 * loopback broker instead of the Secret-built URL, and the pod name for CONSUMER_NAME. The
 * overlay's own metrics port is left to startWorkerProcess (a free loopback port).
 */
function clusterEnv(deployed: Deployed, brokerUrl: string): Record<string, string> {
  const { QUEUE_URL: _fromSecrets, METRICS_PORT: _podPort, ...env } = deployed.env;
  return { ...env, QUEUE_URL: brokerUrl, CONSUMER_NAME: `${deployed.name}-7c9d5b8f4-x2k4p` };
}

/** The broker as a producer and an operator see it, through the client libraries the worker installed. */
interface BrokerClient {
  publish(body: unknown): Promise<void>;
  /** Messages waiting that no consumer has received. */
  waiting(): Promise<number>;
  /** Messages received by a consumer and not yet acknowledged; undefined where the protocol cannot tell (AMQP). */
  unacknowledged(): Promise<number | undefined>;
  /** The dead-letter place's messages, left where they are. */
  deadLetters(): Promise<Array<{ body: string; headers: Record<string, string> }>>;
  close(): Promise<void>;
}

/** The client libraries come from the worker's node_modules at run time, so they are typed loosely here. */
type Loose = any;

async function openClient(kind: BrokerKind, url: string, dir: string, deployed: Deployed): Promise<BrokerClient> {
  const { queue, group, subject } = deployed;
  const load = createRequire(path.join(dir, 'package.json'));
  const text = (value: unknown) => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
  if (kind === 'rabbitmq') {
    const amqp = load('amqplib') as Loose;
    const connection = (await amqp.connect(url)) as Loose;
    const channel = (await connection.createConfirmChannel()) as Loose;
    let sequence = 0;
    return {
      async publish(body) {
        channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), { persistent: true, messageId: `e2e-${++sequence}` });
        await channel.waitForConfirms();
      },
      waiting: async () => (await channel.checkQueue(queue)).messageCount,
      unacknowledged: async () => undefined,
      async deadLetters() {
        // Taken with acks pending, then all put back: a look that leaves the queue as it was.
        const reader = (await connection.createChannel()) as Loose;
        const out = [];
        for (let message = await reader.get(`${queue}.dead`); message; message = await reader.get(`${queue}.dead`)) {
          const headers = Object.fromEntries(Object.entries(message.properties.headers ?? {}).map(([k, v]) => [k, text(v)]));
          out.push({ body: message.content.toString('utf8'), headers });
        }
        await reader.close();
        return out;
      },
      close: () => connection.close(),
    };
  }
  if (kind === 'redis') {
    const redis = load('redis') as Loose;
    const client = redis.createClient({ url, RESP: 2 }) as Loose;
    client.on('error', () => undefined);
    await client.connect();
    const send = (...args: string[]) => client.sendCommand(args);
    const pairs = (flat: unknown[]) => {
      const map: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) map[text(flat[i])] = text(flat[i + 1]);
      return map;
    };
    return {
      publish: async body => void (await send('XADD', queue, '*', 'body', JSON.stringify(body))),
      async waiting() {
        const groups = (await send('XINFO', 'GROUPS', queue)) as unknown[][];
        return Number(groups.map(pairs).find(g => g.name === group)?.lag);
      },
      unacknowledged: async () => Number(((await send('XPENDING', queue, group)) as unknown[])[0]),
      async deadLetters() {
        const entries = (await send('XRANGE', `${queue}:dead`, '-', '+')) as Array<[string, unknown[]]>;
        return entries.map(([, flat]) => {
          const { body = '', ...headers } = pairs(flat);
          return { body, headers };
        });
      },
      close: () => client.close(),
    };
  }
  const nats = load('nats') as Loose;
  const nc = (await nats.connect({ servers: new URL(url).host })) as Loose;
  const js = nc.jetstream() as Loose;
  const jsm = (await nc.jetstreamManager()) as Loose;
  return {
    publish: async body => void (await js.publish(subject, Buffer.from(JSON.stringify(body)))),
    waiting: async () => (await jsm.consumers.info(queue, group)).num_pending,
    unacknowledged: async () => (await jsm.consumers.info(queue, group)).num_ack_pending,
    async deadLetters() {
      const stream = `${queue}-dead`;
      const { state } = await jsm.streams.info(stream);
      const out = [];
      for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq });
        const headers: Record<string, string> = {};
        for (const key of message.header.keys() as string[]) headers[key] = message.header.get(key);
        out.push({ body: Buffer.from(message.data).toString('utf8'), headers });
      }
      return out;
    },
    close: () => nc.drain(),
  };
}

/** The built worker as its container runs it. */
interface WorkerProcess {
  child: ChildProcess;
  logs(): string;
  /** The current /metrics, as series (with labels, as exposed) to value. */
  metrics(): Promise<Map<string, number>>;
  metric(series: string): Promise<number>;
  /** Sends SIGTERM; resolves with the exit code and how long the exit took. */
  terminate(): Promise<{ code: number | null; ms: number }>;
}

async function startWorkerProcess(dir: string, env: Record<string, string>): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', METRICS_PORT: String(metricsPort), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  const base = `http://127.0.0.1:${metricsPort}`;
  const metrics = async () => {
    const series = new Map<string, number>();
    for (const line of (await (await fetch(`${base}/metrics`)).text()).split('\n')) {
      const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (match) series.set(match[1]!, Number(match[2]));
    }
    return series;
  };
  // Ready (connected, topology declared, consuming) before anything is published.
  await waitFor(`the worker's /healthz (output so far: ${output})`, async () => (await fetch(`${base}/healthz`)).status === 200, 30_000);
  return {
    child,
    logs: () => output,
    metrics,
    async metric(series) {
      const value = (await metrics()).get(series);
      if (value === undefined) throw new Error(`/metrics has no ${series}`);
      return value;
    },
    async terminate() {
      const sent = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - sent };
    },
  };
}

const logLines = (worker: WorkerProcess) =>
  worker
    .logs()
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Record<string, unknown>);

let dir: string;
let rendered: RenderedFile[];
const deployed = {} as Record<BrokerKind, Deployed>;
const brokers: Partial<Record<BrokerKind, TempBroker>> = {};

beforeAll(async () => {
  for (const kind of KINDS) deployed[kind] = await deployedExample(kind);
  // The app is the same whichever broker an example names (QUEUE_KIND picks the adapter at start):
  // the RabbitMQ example's repo is installed, tested and run against all three.
  rendered = deployed.rabbitmq.files;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-e2e-node-worker-'));
  await writeFiles(dir, rendered);
  const git = (...args: string[]) => runOk('git', ['-c', 'user.name=Slipway Test', '-c', 'user.email=test@slipway.invalid', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Initial commit from Slipway');
  // The install and the three broker boots overlap (RabbitMQ alone takes a few seconds).
  await Promise.all([
    runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 300_000 }),
    ...KINDS.map(async kind => (brokers[kind] = await startBroker[kind]())),
  ]);
  await runOk('npm', ['run', 'build'], { cwd: dir, timeoutMs: 120_000 });
}, 400_000);

afterAll(async () => {
  await Promise.all(Object.values(brokers).map(broker => broker?.stop()));
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('the rendered node-worker repo', () => {
  it('is the golden path\'s repo: named from the spec, its lock matching its package.json, no skeleton file left', async () => {
    const { name } = deployed.rabbitmq;
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(name);
    expect(pkg.description).toBe('Takes orders off the queue and books them.');
    const lock = JSON.parse(await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8'));
    expect([lock.name, lock.packages[''].name]).toEqual([name, name]);
    expect(await fs.readFile(path.join(dir, 'src/service.ts'), 'utf8')).toContain(`export const SERVICE_NAME = '${name}';`);
    expect(rendered.map(file => file.path)).toEqual(expect.arrayContaining(['.gitignore', 'Dockerfile', 'src/metrics.contract.json', 'catalog-info.yaml', '.github/workflows/ci.yaml']));
    expect(rendered.some(file => file.path.endsWith('.hbs') || file.path.startsWith('golden-path') || file.path.startsWith('examples/'))).toBe(false);
    // The repo's README is the developers' (README.md.hbs), not the skeleton's own, which is for platform teams.
    expect(rendered.find(file => file.path === 'README.md')?.content).toMatch(new RegExp(`^# ${name}\\n`));
    // The other examples' apps differ only in the name rendered into package.json, the lock and src/service.ts.
    const app = (files: RenderedFile[]) => files.filter(file => file.path.startsWith('src/') && file.path !== 'src/service.ts').map(file => [file.path, file.content]);
    for (const kind of KINDS) expect(app(deployed[kind].files)).toEqual(app(rendered));
  });

  it('passes slipway validate with every overlay built, for each broker\'s example', async () => {
    const kustomize = await requireShippedKustomize();
    for (const kind of KINDS) {
      const report = await validateRenderedFiles(deployed[kind].files, { goldenPaths: createGoldenPathRegistry(), kustomize });
      expect({ kind, problems: report.problems }).toEqual({ kind, problems: [] });
      expect(report.stats.overlaysBuilt).toEqual(['staging', 'production']);
    }
  }, 120_000);

  it('gives the worker container the queue, retry policy and connection of the spec, its credentials from Secrets only', () => {
    for (const kind of KINDS) {
      const { env, filledIn, containerPort } = deployed[kind];
      expect(env).toMatchObject({ QUEUE_KIND: kind, CONCURRENCY: '1', MAX_ATTEMPTS: '3', RETRY_BASE_MS: '200', RETRY_MAX_MS: '5000', METRICS_PORT: String(containerPort) });
      expect(filledIn.CONSUMER_NAME).toBe('field metadata.name');
      // QUEUE_URL is built from (RabbitMQ) or is (Redis, NATS) a Secret the operator or External Secrets makes.
      if (kind === 'rabbitmq') {
        expect(env.QUEUE_URL).toMatch(/^amqp:\/\/\$\(RABBITMQ_USERNAME\):\$\(RABBITMQ_PASSWORD\)@[a-z0-9-]+\.[a-z0-9-]+\.svc\.cluster\.local:5672\/%2F$/);
        expect([filledIn.RABBITMQ_USERNAME, filledIn.RABBITMQ_PASSWORD]).toEqual([expect.stringMatching(/^secret .*-user-credentials\/username$/), expect.stringMatching(/^secret .*-user-credentials\/password$/)]);
      } else {
        expect(env.QUEUE_URL).toBeUndefined();
        expect(filledIn.QUEUE_URL).toMatch(/^secret [a-z0-9-]+\/url$/);
      }
    }
  });

  it('installs with npm ci (lock untouched) and passes its own tests, its broker tests against the three real brokers', async () => {
    const lockBefore = rendered.find(file => file.path === 'package-lock.json')!.content;
    expect(await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8')).toBe(lockBefore);
    const env = { ...process.env, ...Object.fromEntries(KINDS.map(kind => [TEST_URL_VARIABLE[kind], brokers[kind]!.url])) };
    const result = await runOk('npm', ['test'], { cwd: dir, env, timeoutMs: 300_000 });
    const summary = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(result.stdout)?.[1]);
    expect({ fail: summary('fail'), skipped: summary('skipped'), cancelled: summary('cancelled') }).toEqual({ fail: 0, skipped: 0, cancelled: 0 });
    expect(summary('pass')).toBeGreaterThan(0);
    for (const kind of KINDS) expect(result.stdout).toMatch(new RegExp(`^ok \\d+ - the ${kind} adapter against a real broker$`, 'm'));
  }, 300_000);
});

for (const kind of KINDS) {
  describe(`the built worker against a real ${LABEL[kind]} on loopback, configured by the ${ENVIRONMENT} overlay`, () => {
    let client: BrokerClient;
    let worker: WorkerProcess;
    const env = () => clusterEnv(deployed[kind], brokers[kind]!.url);
    /** What this describe published, to derive every expected count from. */
    const published = { ok: 0, poison: 0, slow: 0 };

    beforeAll(async () => {
      worker = await startWorkerProcess(dir, env());
      client = await openClient(kind, brokers[kind]!.url, dir, deployed[kind]);
    }, 60_000);
    afterAll(async () => {
      await worker?.terminate();
      await client?.close();
    });

    it('consumes real messages and acknowledges each once its work is done', async () => {
      for (let n = 1; n <= 5; n++) await client.publish({ orderId: `o-${n}` });
      published.ok += 5;
      await waitFor('5 processed messages', async () => (await worker.metric('worker_messages_processed_total')) === published.ok);
      await waitFor('an empty queue', async () => (await client.waiting()) === 0);
      // Redis and NATS tell what was received and not acknowledged; AMQP cannot (checked after SIGTERM below).
      expect(await client.unacknowledged()).toBe(kind === 'rabbitmq' ? undefined : 0);
      const processedLines = logLines(worker).filter(line => line.msg === 'sample handler processed a message');
      expect(processedLines).toHaveLength(published.ok);
    });

    it('dead-letters a poison message after MAX_ATTEMPTS attempts with exponential backoff', async () => {
      const { maxAttempts: MAX_ATTEMPTS, retryBaseMs: RETRY_BASE_MS, queue } = deployed[kind];
      const sent = Date.now();
      await client.publish({ orderId: 'o-poison', samplePoison: true });
      published.poison += 1;
      await waitFor('the dead-lettered message', async () => (await client.deadLetters()).length === published.poison);
      const elapsed = Date.now() - sent;
      // Waits of 200 ms and 400 ms between the three attempts: no sooner than their sum.
      expect(elapsed).toBeGreaterThanOrEqual(RETRY_BASE_MS + 2 * RETRY_BASE_MS - 5);
      const [dead] = await client.deadLetters();
      expect(JSON.parse(dead!.body)).toEqual({ orderId: 'o-poison', samplePoison: true });
      expect(dead!.headers).toMatchObject({ 'x-failure-reason': 'error', 'x-attempts': String(MAX_ATTEMPTS), 'x-original-queue': queue });
      expect(dead!.headers['x-failure-error']).toMatch(/sample poison message/);
      const attempts = logLines(worker)
        .filter(line => line.msg === 'attempt failed; retrying' || line.msg === 'attempt failed; dead-lettering the message')
        .map(line => [line.attempt, line.retryInMs]);
      expect(attempts).toEqual([
        [1, RETRY_BASE_MS],
        [2, 2 * RETRY_BASE_MS],
        [3, undefined],
      ]);
      expect(await client.waiting()).toBe(0);
    });

    it('exports processed and failed counts, the dead-letter depth and the lag it measures', async () => {
      const { maxAttempts: MAX_ATTEMPTS } = deployed[kind];
      const before = await worker.metrics();
      expect(before.get('worker_messages_processed_total')).toBe(published.ok);
      expect(before.get('worker_messages_failed_total{reason="error"}')).toBe(published.poison * MAX_ATTEMPTS);
      expect(before.get('worker_messages_dead_lettered_total')).toBe(published.poison);
      expect(before.get('worker_dead_letter_messages')).toBe(published.poison);
      expect(before.get('worker_queue_lag_messages')).toBe(0);
      expect(before.get('worker_message_duration_seconds_count{outcome="success"}')).toBe(published.ok);

      // CONCURRENCY=1: with three slow messages published, one is in flight and two wait.
      for (let n = 1; n <= 3; n++) await client.publish({ orderId: `slow-${n}`, sampleDelayMs: 1200 });
      published.slow += 3;
      await waitFor('a lag of 2 with 1 in flight', async () => {
        const now = await worker.metrics();
        return now.get('worker_queue_lag_messages') === 2 && now.get('worker_messages_in_flight') === 1;
      });
      expect(await client.waiting()).toBe(2);
      await waitFor('the slow messages processed', async () => (await worker.metric('worker_messages_processed_total')) === published.ok + published.slow, 15_000);
      expect(await worker.metric('worker_queue_lag_messages')).toBe(0);
    }, 30_000);

    it('on SIGTERM stops fetching, finishes the message in flight, acknowledges it and exits 0', async () => {
      await client.publish({ orderId: 'o-in-flight', sampleDelayMs: 1500 });
      await client.publish({ orderId: 'o-waiting' });
      await waitFor('the message in flight', async () => (await worker.metric('worker_messages_in_flight')) === 1);
      const processedBefore = await worker.metric('worker_messages_processed_total');
      const { code, ms } = await worker.terminate();
      expect(code).toBe(0);
      const lines = logLines(worker);
      expect(lines.find(line => line.msg === 'drained')).toMatchObject({ finished: 1, handedBack: 0 });
      expect(lines.at(-1)?.msg).toBe('shutdown complete');
      expect(lines.filter(line => line.msg === 'sample handler processed a message')).toHaveLength(processedBefore + 1);
      expect(ms).toBeLessThan(10_000);
      // With the connection closed, a message never acknowledged would be back in the queue:
      // only the one that waited (never fetched) is there.
      await waitFor('the queue to settle', async () => (await client.waiting()) === 1);
      expect(await client.unacknowledged()).toBe(kind === 'rabbitmq' ? undefined : 0);
    }, 30_000);

    it('at the drain deadline hands the unfinished message back to the queue and still exits 0', async () => {
      worker = await startWorkerProcess(dir, { ...env(), DRAIN_TIMEOUT_MS: '300' });
      await waitFor('the waiting message processed', async () => (await worker.metric('worker_messages_processed_total')) === 1);
      await client.publish({ orderId: 'o-too-slow', sampleDelayMs: 60_000 });
      await waitFor('the message in flight', async () => (await worker.metric('worker_messages_in_flight')) === 1);
      const { code, ms } = await worker.terminate();
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      expect(logLines(worker).find(line => line.msg === 'drained')).toMatchObject({ finished: 0, handedBack: 1 });
      // Back for the next consumer: RabbitMQ and Redis have it waiting; NATS holds it for its nak delay.
      await waitFor('the message back in the queue', async () => (await client.waiting()) + ((await client.unacknowledged()) ?? 0) === 1);
      expect((await client.deadLetters()).map(dead => JSON.parse(dead.body).orderId)).toEqual(['o-poison']);
    }, 30_000);
  });
}
