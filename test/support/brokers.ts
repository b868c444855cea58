import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, promises as fs } from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import { freePort, waitFor } from './ports';
import { run } from './processes';

/**
 * Throwaway message brokers on 127.0.0.1, each in a temp dir of its own, for tests that run a
 * generated worker against the real thing. They come from Debian's packages (`redis-server`,
 * `rabbitmq-server`, `nats-server`), which `npm test` installs when missing
 * (scripts/ensure-test-system.js, whose lookup this file uses). Nothing is shared with a broker
 * the machine may already run: other ports, other data directories, for RabbitMQ another node
 * name, Erlang cookie and epmd.
 */
export type BrokerKind = 'rabbitmq' | 'redis' | 'nats';

export interface TempBroker {
  kind: BrokerKind;
  /** What the worker's QUEUE_URL is set to. */
  url: string;
  port: number;
  /** How long the broker took from spawn to answering its protocol. */
  startedInMs: number;
  /** The broker's own output so far (for failure messages). */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const testSystem = require('../../scripts/ensure-test-system') as {
  locate(req: unknown): string | undefined;
  requirement(name: string): unknown;
  whereLooked(req: unknown): string;
};

const REQUIREMENT: Record<BrokerKind, { name: string; apt: string }> = {
  redis: { name: 'Redis server', apt: 'redis-server' },
  rabbitmq: { name: 'RabbitMQ server', apt: 'rabbitmq-server' },
  nats: { name: 'NATS server', apt: 'nats-server' },
};

export function brokerBinary(kind: BrokerKind): string {
  const { name, apt } = REQUIREMENT[kind];
  const req = testSystem.requirement(name);
  const found = testSystem.locate(req);
  if (!found) {
    throw new Error(
      `${name} not found (looked in ${testSystem.whereLooked(req)}): npm test installs it (scripts/ensure-test-system.js); by hand: apt-get install -y ${apt}`,
    );
  }
  return found;
}

interface Spawned {
  root: string;
  child: ChildProcess;
  exited: Promise<void>;
  logs(): Promise<string>;
}

/** Starts a broker in its own process group, its output going to `<root>/output.log`. */
async function spawnBroker(kind: BrokerKind, command: string, args: string[], env: NodeJS.ProcessEnv, root: string): Promise<Spawned> {
  const logFile = path.join(root, 'output.log');
  const out = createWriteStream(logFile);
  await new Promise(resolve => out.once('open', resolve));
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', out, out] });
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  return { root, child, exited, logs: () => fs.readFile(logFile, 'utf8').catch(() => `(no output from ${kind})`) };
}

/** Waits for `ready`; on failure stops the broker and throws with its output. */
async function whenReady(kind: BrokerKind, spawned: Spawned, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let died = false;
  void spawned.exited.then(() => (died = true));
  try {
    await waitFor(`${kind} to answer`, async () => {
      if (died) throw new Error('exited');
      return ready();
    }, timeoutMs);
  } catch (error) {
    const logs = await spawned.logs();
    await stopGroup(spawned);
    throw new Error(`${kind} did not start${died ? ' (it exited)' : ''}: ${(error as Error).message}\n${logs.slice(-4000)}`);
  }
}

/** SIGTERM to the broker's process group, SIGKILL if it has not exited after `graceMs`. */
async function stopGroup(spawned: Spawned, graceMs = 15_000): Promise<void> {
  const pid = spawned.child.pid;
  if (pid === undefined || spawned.child.exitCode !== null || spawned.child.signalCode !== null) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>(resolve => {
    timer = setTimeout(() => {
      signal('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([spawned.exited, killed]);
  clearTimeout(timer);
}

/** Connects, writes `hello`, and resolves true when the first bytes of the answer pass `accept`. */
function probe(port: number, hello: Buffer | string, accept: (answer: Buffer) => boolean): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(hello));
    socket.once('data', answer => done(accept(answer)));
  });
}

async function tempRoot(kind: BrokerKind): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `slipway-${kind}-`));
}

/** redis-server without persistence, on a free port. */
export async function startRedis(): Promise<TempBroker> {
  const root = await tempRoot('redis');
  const port = await freePort();
  const started = Date.now();
  const spawned = await spawnBroker(
    'redis',
    brokerBinary('redis'),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, '--daemonize', 'no'],
    { PATH: process.env.PATH },
    root,
  );
  await whenReady('redis', spawned, () => probe(port, 'PING\r\n', answer => answer.toString().startsWith('+PONG')), 20_000);
  return broker('redis', `redis://127.0.0.1:${port}`, port, Date.now() - started, spawned, async () => undefined);
}

/** nats-server with JetStream (`-js`), its store in the temp dir, and a monitoring port for /healthz. */
export async function startNats(): Promise<TempBroker> {
  const root = await tempRoot('nats');
  const port = await freePort();
  const monitorPort = await freePort();
  const started = Date.now();
  const spawned = await spawnBroker(
    'nats',
    brokerBinary('nats'),
    ['-js', '-sd', path.join(root, 'jetstream'), '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)],
    { PATH: process.env.PATH },
    root,
  );
  // JetStream answers only once its store is up: the health endpoint says when.
  await whenReady('nats', spawned, async () => (await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`)).ok, 20_000);
  return broker('nats', `nats://127.0.0.1:${port}`, port, Date.now() - started, spawned, async () => undefined);
}

/**
 * A single RabbitMQ node. RabbitMQ is an Erlang release: besides the AMQP port it needs a node
 * name (unique, so it cannot collide with another node on this machine), a distribution port,
 * and epmd (Erlang's port mapper), which it starts as a daemon on ERL_EPMD_PORT; a private
 * epmd port keeps this node out of the machine's default epmd, and stop() ends that epmd too.
 * Its data, logs, config, enabled plugins (none) and Erlang cookie (in HOME) are in the temp dir.
 * It takes a few seconds to boot: 4.2 s alone, 6.1-6.4 s under a Jest run, on this 2-core machine;
 * stopping takes about 1 s.
 */
export async function startRabbitMq(): Promise<TempBroker> {
  const root = await tempRoot('rabbitmq');
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  for (const dir of ['mnesia', 'log', 'home']) await fs.mkdir(path.join(root, dir));
  await fs.writeFile(path.join(root, 'enabled_plugins'), '[].\n');
  await fs.writeFile(path.join(root, 'rabbitmq.conf'), '');
  await fs.writeFile(path.join(root, 'rabbitmq-env.conf'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: path.join(root, 'home'),
    RABBITMQ_NODENAME: `slipway-${process.pid}-${port}@localhost`,
    RABBITMQ_USE_LONGNAME: 'false',
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_MNESIA_BASE: path.join(root, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(root, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(root, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: path.join(root, 'rabbitmq.conf'),
    RABBITMQ_CONF_ENV_FILE: path.join(root, 'rabbitmq-env.conf'),
  };
  const started = Date.now();
  const spawned = await spawnBroker('rabbitmq', brokerBinary('rabbitmq'), [], env, root);
  // Ready when the AMQP listener answers the protocol header with a Connection.Start method frame (type 1).
  const header = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);
  await whenReady('rabbitmq', spawned, () => probe(port, header, answer => answer[0] === 1), 60_000);
  const stopEpmd = async () => {
    // epmd daemonised itself, outside the node's process group; it stops itself once asked.
    await run('epmd', ['-port', String(epmdPort), '-kill'], { env, timeoutMs: 10_000 }).catch(() => undefined);
  };
  return broker('rabbitmq', `amqp://guest:guest@127.0.0.1:${port}`, port, Date.now() - started, spawned, stopEpmd);
}

function broker(kind: BrokerKind, url: string, port: number, startedInMs: number, spawned: Spawned, afterStop: () => Promise<void>): TempBroker {
  let stopping: Promise<void> | undefined;
  return {
    kind,
    url,
    port,
    startedInMs,
    logs: spawned.logs,
    stop: () =>
      (stopping ??= (async () => {
        await stopGroup(spawned);
        await afterStop();
        await fs.rm(spawned.root, { recursive: true, force: true });
      })()),
  };
}

export const startBroker: Record<BrokerKind, () => Promise<TempBroker>> = {
  redis: startRedis,
  rabbitmq: startRabbitMq,
  nats: startNats,
};
