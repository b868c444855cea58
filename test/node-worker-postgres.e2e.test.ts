/**
 * The node-worker with postgres.external, end to end: voting's worker
 * (skeletons/node-worker/examples/external-postgres.yaml) rendered by the golden path, installed
 * from its own lock with `npm ci` and built, then run (`node dist/server.js`, the image's command)
 * against a real redis-server and a real PostgreSQL on loopback with the environment its built
 * staging overlay gives the Rollout's container. A vote published to the Redis stream becomes a
 * row in PostgreSQL; the worker acknowledges it only once the row is committed; a vote delivered
 * again after its row was committed (the worker died between the commit and XACK, and another
 * consumer took the entry over) is acknowledged without a second row.
 *
 * What stands in for the cluster: Redis (test/support/brokers.ts) and PostgreSQL
 * (test/support/postgres.ts) are the Debian packages started by the test on 127.0.0.1. Every
 * plain variable comes from the built overlay; only what the cluster fills in is replaced:
 * QUEUE_URL (a Secret-built URL to voting-redis) and DATABASE_URL (CloudNativePG's
 * voting-db-app, key fqdn-uri, which the test checks the overlay names) by the loopback servers,
 * CONSUMER_NAME (a fieldRef) by a pod-like name, METRICS_PORT by a free port. The takeover uses
 * a short CLAIM_IDLE_MS (default HANDLER_TIMEOUT_MS + 30 s), so the test waits seconds, not a minute.
 *
 * Redis and PostgreSQL are inspected with the client libraries the worker installed, never with
 * its own code.
 */
import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import { createRequire } from 'module';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { renderGoldenPath } from '@slipway/render';
import { builtInGoldenPath } from '@slipway/skeletons';
import { startBroker, type TempBroker } from './support/brokers';
import { overlayObjects } from './support/kustomize';
import { freePort, waitFor } from './support/ports';
import { startTempPostgres, type TempPostgres } from './support/postgres';
import { runOk } from './support/processes';

const ENVIRONMENT = 'staging';
/** What the test changes in the example: one message at a time, a short handler limit (so a short takeover is allowed). */
const E2E_QUEUE = { concurrency: 1, handlerTimeoutMs: 1000, retry: { maxAttempts: 3, baseMs: 200, maxMs: 2000 } };
const CLAIM_IDLE_MS = '1500';

/** The client libraries come from the worker's node_modules at run time, so they are typed loosely here. */
type Loose = any;

interface Deployed {
  env: Record<string, string>;
  /** The env entries the cluster fills in: name → `secret <name>/<key>` or `field <path>`. */
  filledIn: Record<string, string>;
}

async function writeRepo(dir: string, files: Array<{ path: string; content: string; executable?: boolean }>): Promise<void> {
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await fs.writeFile(path.join(dir, file.path), file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
}

/** The worker container's env in the built staging overlay. */
async function deployedEnv(dir: string): Promise<Deployed> {
  const rollout = (await overlayObjects<Loose>(dir, ENVIRONMENT)).find(object => object.kind === 'Rollout');
  const [container] = rollout.spec.template.spec.containers;
  const env: Record<string, string> = {};
  const filledIn: Record<string, string> = {};
  for (const entry of container.env as Array<{ name: string; value?: string; valueFrom?: Loose }>) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (entry.valueFrom?.secretKeyRef) filledIn[entry.name] = `secret ${entry.valueFrom.secretKeyRef.name}/${entry.valueFrom.secretKeyRef.key}`;
    else if (entry.valueFrom?.fieldRef) filledIn[entry.name] = `field ${entry.valueFrom.fieldRef.fieldPath}`;
  }
  return { env, filledIn };
}

interface WorkerProcess {
  child: ChildProcess;
  logs(): Array<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The built worker as its container runs it, ready (consuming, its table made) before it returns. */
async function startWorkerProcess(dir: string, env: Record<string, string>): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  await waitFor(`the worker's /healthz (output so far: ${output})`, async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status === 200, 30_000);
  return {
    child,
    logs: () => output.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

let dir: string;
let deployed: Deployed;
let redis: TempBroker;
let postgres: TempPostgres;
let workerEnv: Record<string, string>;
let redisClient: Loose;
let pgClient: Loose;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const goldenPath = builtInGoldenPath('node-worker');
  const values = parse(await fs.readFile(path.join(goldenPath.dir, 'examples', 'external-postgres.yaml'), 'utf8')) as Record<string, Loose>;
  const resolved = goldenPath.resolve({ ...values, queue: { ...values.queue, ...E2E_QUEUE } });
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-e2e-node-worker-postgres-'));
  await writeRepo(dir, await renderGoldenPath(goldenPath, resolved.spec));
  deployed = await deployedEnv(dir);
  await Promise.all([
    runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 300_000 }),
    (async () => (redis = await startBroker.redis()))(),
    (async () => (postgres = await startTempPostgres()))(),
  ]);
  await runOk('npm', ['run', 'build'], { cwd: dir, timeoutMs: 120_000 });
  const { QUEUE_URL: _queueFromSecrets, METRICS_PORT: _podPort, ...plain } = deployed.env;
  workerEnv = { ...plain, QUEUE_URL: redis.url, DATABASE_URL: postgres.url };
  const load = createRequire(path.join(dir, 'package.json'));
  redisClient = load('redis').createClient({ url: redis.url, RESP: 2 });
  redisClient.on('error', () => undefined);
  await redisClient.connect();
  pgClient = new (load('pg').Client)({ connectionString: postgres.url });
  await pgClient.connect();
}, 400_000);

afterAll(async () => {
  await Promise.all(workers.map(worker => worker.kill('SIGKILL')));
  await redisClient?.close().catch(() => undefined);
  await pgClient?.end().catch(() => undefined);
  await Promise.all([redis?.stop(), postgres?.stop()]);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

const stream = () => deployed.env.QUEUE_NAME;
const group = () => deployed.env.CONSUMER_GROUP;
const publish = async (body: unknown): Promise<string> => redisClient.sendCommand(['XADD', stream(), '*', 'body', JSON.stringify(body)]);
/** Entries the group received and no consumer acknowledged (XPENDING's summary). */
const pending = async (): Promise<number> => Number((await redisClient.sendCommand(['XPENDING', stream(), group()]))[0]);
const rowsOf = async (messageId: string): Promise<Array<{ body: Loose }>> =>
  (await pgClient.query('SELECT body FROM worker_messages WHERE queue = $1 AND message_id = $2', [stream(), messageId])).rows;

async function startWorker(name: string, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(dir, { ...workerEnv, CONSUMER_NAME: `worker-7c9d5b8f4-${name}`, ...extra });
  workers.push(worker);
  return worker;
}

describe("voting's worker against real Redis and PostgreSQL on loopback, configured by the staging overlay", () => {
  let first: WorkerProcess;

  it("reads DATABASE_URL from CloudNativePG's voting-db-app, key fqdn-uri, beside its Redis stream and group", () => {
    expect(deployed.filledIn).toMatchObject({ DATABASE_URL: 'secret voting-db-app/fqdn-uri', CONSUMER_NAME: 'field metadata.name' });
    expect([deployed.env.QUEUE_KIND, stream()]).toEqual(['redis', 'votes']);
  });

  it("passes its own tests, the PostgreSQL store's against the real database", async () => {
    const result = await runOk('npm', ['test'], { cwd: dir, env: { ...process.env, TEST_DATABASE_URL: postgres.url, TEST_REDIS_URL: redis.url }, timeoutMs: 300_000 });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/^# fail 0$/m);
    expect(output).toMatch(/^ok \d+ - the PostgreSQL store$/m);
  }, 320_000);

  it('stores each vote from the stream as one row keyed by its entry id, then acknowledges it', async () => {
    first = await startWorker('a');
    const votes = [{ voter_id: 'v1', vote: 'a' }, { voter_id: 'v2', vote: 'b' }, { voter_id: 'v3', vote: 'a' }];
    const ids: string[] = [];
    for (const vote of votes) ids.push(await publish(vote));
    await waitFor('three rows', async () => (await pgClient.query('SELECT count(*)::int AS n FROM worker_messages WHERE queue = $1', [stream()])).rows[0].n === 3, 20_000);
    for (const [index, id] of ids.entries()) expect(await rowsOf(id)).toEqual([{ body: votes[index] }]);
    await waitFor('every entry acknowledged', async () => (await pending()) === 0, 10_000);
  }, 60_000);

  it('acknowledges a vote only after its row is committed: while its INSERT waits on a locked table, the entry stays pending', async () => {
    const locker = new (createRequire(path.join(dir, 'package.json'))('pg').Client)({ connectionString: postgres.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE worker_messages IN ACCESS EXCLUSIVE MODE');
      const id = await publish({ voter_id: 'v4', vote: 'b' });
      await waitFor('the worker to receive the vote', async () => (await pending()) === 1, 10_000);
      // Longer than a round trip: an ack that did not wait for the commit would be visible by now.
      await new Promise(resolve => setTimeout(resolve, 500));
      expect(await pending()).toBe(1);
      await locker.query('COMMIT');
      await waitFor('the row and then the acknowledgement', async () => (await pending()) === 0, 10_000);
      expect(await rowsOf(id)).toEqual([{ body: { voter_id: 'v4', vote: 'b' } }]);
    } finally {
      await locker.end();
    }
  }, 60_000);

  it('counts a vote once when the worker dies between its commit and its XACK and another consumer takes the entry over', async () => {
    const locker = new (createRequire(path.join(dir, 'package.json'))('pg').Client)({ connectionString: postgres.url });
    await locker.connect();
    let id: string;
    try {
      // Hold the worker in its INSERT, pause Redis writes (XACK among them: CLIENT PAUSE … WRITE), let the INSERT commit.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE worker_messages IN ACCESS EXCLUSIVE MODE');
      id = await publish({ voter_id: 'v5', vote: 'a' });
      await waitFor('the worker to receive the vote', async () => (await pending()) === 1, 10_000);
      await redisClient.sendCommand(['CLIENT', 'PAUSE', '30000', 'WRITE']);
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    await waitFor('the committed row', async () => (await rowsOf(id)).length === 1, 10_000);
    await first.kill('SIGKILL');
    await redisClient.sendCommand(['CLIENT', 'UNPAUSE']);
    expect(await pending()).toBe(1);

    const second = await startWorker('b', { CLAIM_IDLE_MS });
    await waitFor('the takeover to acknowledge the entry', async () => (await pending()) === 0, 20_000);
    expect(await rowsOf(id)).toEqual([{ body: { voter_id: 'v5', vote: 'a' } }]);
    expect(second.logs().filter(line => line.messageId === id).map(line => line.msg)).toEqual(
      expect.arrayContaining(['took over a message another consumer left unsettled', 'sample handler found the message stored already']),
    );
  }, 90_000);
});
