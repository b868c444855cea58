/**
 * The static-frontend golden path, end to end with real parts only: render its storefront example
 * through the golden path (renderGoldenPath), install the repo from its own lock with `npm ci`,
 * run its own tests and its build, build the staging overlay with kustomize, then serve the build
 * through the generated nginx config with Debian's real nginx, as the overlay's Deployment runs it
 * (its user, its read-only root filesystem, its volumes), proxying the backend prefix to a real
 * Node HTTP server.
 *
 * What stands in for what, each read from the rendered repo and never from the spec, so a wrong
 * manifest or config fails here:
 * - the nginx container of the built Deployment says the pod: its uid and gid, whether its root
 *   filesystem is read-only, its env, its ports, and its volume mounts. Each emptyDir mount becomes
 *   a writable folder and each ConfigMap mount a folder holding the built ConfigMap's data; the
 *   config's paths under those mount paths are moved there (podPaths, then adaptForTest, the one
 *   function that edits the generated config);
 * - loopback ports stand in for the pod's ports (the http container port, stub_status's 8081) and
 *   for the backend Service's port, which kube-proxy would translate to the API's pod port;
 * - a small DNS server on 127.0.0.1 stands in for the cluster DNS: it answers the backend FQDN the
 *   rendered nginx config names with 127.0.0.1, where the API runs. nginx resolves that name per
 *   request through its `resolver`, which reads no /etc/hosts, so a DNS server is the only way to
 *   exercise the generated resolution as it is. The resolver's address reaches nginx the way it
 *   does in the pod: NGINX_RESOLVER, read by the generated /docker-entrypoint.d script;
 * - as root (these machines), `unshare --mount` makes the root filesystem read-only for nginx
 *   with the emptyDir stand-in bind-mounted writable, and `setpriv` runs nginx as the
 *   Deployment's uid (see `isolation` for machines that allow less); the writes are checked either way.
 */
import { ChildProcess, spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import dgram from 'dgram';
import { closeSync, constants as fsConstants, openSync, promises as fs } from 'fs';
import http from 'http';
import net from 'net';
import os from 'os';
import path from 'path';
import { parse, stringify } from 'yaml';
import { renderGoldenPath, writeRenderedFiles } from '@slipway/render';
import { builtInGoldenPath } from '@slipway/skeletons';
import { launchChromium, screenshot } from './support/browser';
import { overlayObjects } from './support/kustomize';
import { freePort, waitFor } from './support/ports';
import { findPromtool } from './support/prometheus';
import { run, runOk } from './support/processes';

const REPO_ROOT = path.resolve(__dirname, '..');
/** The example with a backend prefix, as the bookstore's storefront has, and the overlay the pod is read from. */
const EXAMPLE = path.join(REPO_ROOT, 'skeletons/static-frontend/examples/storefront.yaml');
const ENVIRONMENT = 'staging';
const testSystem = require('../scripts/ensure-test-system') as {
  locate(req: unknown): string | undefined;
  requirement(name: string): unknown;
  whereLooked(req: unknown): string;
};

type Json = Record<string, unknown>;

/** One container of the built Deployment's pod, as far as the test needs it. */
interface Container {
  name: string;
  args: string[];
  env: Record<string, string>;
  ports: Map<string, number>;
  securityContext: Json;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

/** The pod the built overlay runs: its containers, volumes and the ConfigMaps they mount. */
interface BuiltPod {
  nginx: Container;
  exporter: Container;
  podSecurityContext: Json;
  volumes: Map<string, Json>;
  configMaps: Map<string, Record<string, string>>;
  networkPolicies: Json[];
}

const asRecord = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const asList = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asRecord) : []);

function containerOf(pod: Json, name: string): Container {
  const container = asList(pod.containers).find(entry => entry.name === name);
  if (!container) throw new Error(`the built Deployment has no container ${name}`);
  return {
    name,
    args: (container.args as string[] | undefined) ?? [],
    env: Object.fromEntries(asList(container.env).filter(entry => typeof entry.value === 'string').map(entry => [String(entry.name), String(entry.value)])),
    ports: new Map(asList(container.ports).map(entry => [String(entry.name), Number(entry.containerPort)])),
    securityContext: asRecord(container.securityContext),
    volumeMounts: asList(container.volumeMounts) as unknown as Container['volumeMounts'],
  };
}

/** The objects of `kustomize build deploy/overlays/<environment>`: what Argo CD deploys. */
async function builtObjects(repo: string, environment: string): Promise<Json[]> {
  return (await overlayObjects(repo, environment)).map(asRecord);
}

/** The Deployment, ConfigMaps and NetworkPolicies the overlay of `environment` deploys. */
async function buildPod(repo: string, environment: string): Promise<BuiltPod> {
  const objects = await builtObjects(repo, environment);
  const deployments = objects.filter(object => object.kind === 'Deployment');
  expect(deployments).toHaveLength(1);
  const pod = asRecord(asRecord(asRecord(deployments[0]!.spec).template).spec);
  return {
    nginx: containerOf(pod, 'nginx'),
    exporter: containerOf(pod, 'exporter'),
    podSecurityContext: asRecord(pod.securityContext),
    volumes: new Map(asList(pod.volumes).map(volume => [String(volume.name), volume])),
    configMaps: new Map(objects.filter(object => object.kind === 'ConfigMap').map(object => [String(asRecord(object.metadata).name), asRecord(object.data) as Record<string, string>])),
    networkPolicies: objects.filter(object => object.kind === 'NetworkPolicy'),
  };
}

/** A container's effective securityContext field: its own, else the pod's. */
function securityField(pod: BuiltPod, container: Container, field: string): unknown {
  return container.securityContext[field] ?? pod.podSecurityContext[field];
}

/**
 * Where each of the nginx container's mounts lives here: an emptyDir mount becomes a fresh
 * writable folder (as a Kubernetes emptyDir, mode 0777), a ConfigMap mount a folder holding that
 * ConfigMap's data as files. Other volume kinds are not part of this golden path's pod.
 */
async function podPaths(pod: BuiltPod, root: string): Promise<Array<{ mountPath: string; dir: string; kind: 'emptyDir' | 'configMap' }>> {
  const out: Array<{ mountPath: string; dir: string; kind: 'emptyDir' | 'configMap' }> = [];
  for (const mount of pod.nginx.volumeMounts) {
    const volume = pod.volumes.get(mount.name);
    if (!volume) throw new Error(`the nginx container mounts ${mount.name}, which the pod does not declare`);
    const dir = path.join(root, `volume-${mount.name}`);
    await fs.mkdir(dir);
    if (volume.emptyDir) {
      await fs.chmod(dir, 0o777);
      out.push({ mountPath: mount.mountPath, dir, kind: 'emptyDir' });
    } else if (volume.configMap) {
      const name = String(asRecord(volume.configMap).name);
      const data = pod.configMaps.get(name);
      if (!data) throw new Error(`the nginx container mounts ConfigMap ${name}, which the overlay does not build`);
      for (const [file, content] of Object.entries(data)) await fs.writeFile(path.join(dir, file), content);
      out.push({ mountPath: mount.mountPath, dir, kind: 'configMap' });
    } else {
      throw new Error(`volume ${mount.name} is neither an emptyDir nor a ConfigMap: this test does not stand in for it`);
    }
  }
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The one place the generated nginx config is changed for this test. The structure stays;
 * each substitution stands in for what the image or the pod provides:
 * - each volume mount path (the Deployment's: /tmp, /etc/nginx/backends) → its stand-in folder;
 * - `/usr/share/nginx/html` → the build's dist/ (the Dockerfile copies it there);
 * - `/etc/nginx/conf.d` → the rendered nginx/conf.d/ (the Dockerfile copies it there);
 * - each `listen` port → a free loopback port (in the pod, the http port and 8081 are the pod's own);
 * - each backend address's Service port → the port the API listens on here (kube-proxy's
 *   translation of the Service port to the pod's).
 * `/etc/nginx/mime.types` stays: Debian's nginx package installs it at the same path.
 */
function adaptForTest(
  config: string,
  paths: { mounts: ReadonlyArray<{ mountPath: string; dir: string }>; dist: string; confD: string },
  ports: Map<number, number>,
  backendPorts: Map<string, number>,
): string {
  // One pass over every path, so a stand-in folder (itself under the machine's /tmp) is never moved again.
  const moves = new Map<string, string>([['/usr/share/nginx/html', paths.dist], ['/etc/nginx/conf.d', paths.confD], ...paths.mounts.map(mount => [mount.mountPath, mount.dir] as [string, string])]);
  const pattern = new RegExp(`(?<![\\w/])(${[...moves.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|')})(?=/|[\\s;]|$)`, 'gm');
  let adapted = config.replace(pattern, (_all, from: string) => moves.get(from)!);
  adapted = adapted.replace(/(set \$slipway_backend ")([^":]+):(\d+)(";)/g, (_all, head: string, host: string, port: string, tail: string) => {
    const mapped = backendPorts.get(`${host}:${port}`);
    if (mapped === undefined) throw new Error(`the generated config proxies to ${host}:${port}, which this test does not stand in for`);
    return `${head}${host}:${mapped}${tail}`;
  });
  return adapted.replace(/^(\s*listen\s+)(?:127\.0\.0\.1:)?(\d+)(?=[\s;])/gm, (_all, head: string, port: string) => {
    const mapped = ports.get(Number(port));
    if (mapped === undefined) throw new Error(`the generated config listens on ${port}, which this test does not map to a loopback port`);
    return `${head}127.0.0.1:${mapped}`;
  });
}

/** The backends a rendered nginx config proxies to: `set $slipway_backend "<host>:<port>"`. */
function backendsOf(config: string): Array<{ host: string; port: number }> {
  return [...config.matchAll(/set \$slipway_backend "([^":]+):(\d+)";/g)].map(match => ({ host: match[1]!, port: Number(match[2]) }));
}

/** A DNS server on 127.0.0.1: A records for the names it knows, NXDOMAIN for others; it logs every question. */
async function startDns(records: Map<string, string>) {
  const socket = dgram.createSocket('udp4');
  const queries: Array<{ name: string; type: number }> = [];
  socket.on('message', (msg, peer) => {
    if (msg.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      labels.push(msg.subarray(offset + 1, offset + 1 + msg[offset]!).toString('ascii'));
      offset += msg[offset]! + 1;
    }
    offset += 1;
    const type = msg.readUInt16BE(offset);
    const name = labels.join('.').toLowerCase();
    queries.push({ name, type });
    const address = records.get(name);
    const answers = address && type === 1 ? [address] : []; // AAAA for a known name: no data, NOERROR
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    // QR, the query's opcode and RD, AA, RA; NXDOMAIN (3) for unknown names.
    header.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | 0x0400 | 0x0080 | (address ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map(ip => {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      rr.writeUInt16BE(1, 2); // A
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(5, 6); // TTL, as kube-dns gives Services
      rr.writeUInt16BE(4, 10);
      ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
      return rr;
    });
    socket.send(Buffer.concat([header, msg.subarray(12, offset + 4), ...rrs]), peer.port, peer.address);
  });
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, queries, close: () => new Promise<void>(resolve => socket.close(() => resolve())) };
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request to 127.0.0.1:port, on a connection of its own. */
function request(port: number, urlPath: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: options.method ?? 'GET', headers: options.headers, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Path → size, mtime and mode of each folder and of everything under it. */
async function snapshot(dirs: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const record = async (full: string): Promise<void> => {
    const stat = await fs.lstat(full);
    out.set(full, `${stat.size}:${stat.mtimeMs}:${stat.mode}`);
    if (stat.isDirectory()) for (const name of await fs.readdir(full)) await record(path.join(full, name));
  };
  for (const dir of dirs) await record(dir);
  return out;
}

/** What is (or is not) at each of nginx's compiled-in write paths (`nginx -V`). */
async function statPaths(files: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of files) {
    const stat = await fs.lstat(file).catch(() => undefined);
    out[file] = stat ? `${stat.size}:${stat.mtimeMs}` : 'absent';
  }
  return out;
}

/**
 * The regular files a process holds open for writing (fd target and flags from /proc). Pipes,
 * FIFOs, sockets and devices are left out: writing to them changes no filesystem.
 */
async function writableFiles(pid: number): Promise<string[]> {
  const out: string[] = [];
  for (const fd of await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
    const info = await fs.readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => undefined);
    if (target === undefined || info === undefined) continue;
    const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)![1]!, 8);
    const stat = await fs.stat(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
    if ((flags & 3) !== 0 && stat?.isFile()) out.push(target); // O_WRONLY or O_RDWR
  }
  return out;
}

async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may contain spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

interface Started {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exit: Promise<number | null>;
}

let fifos = 0;
/**
 * Starts a command with its stdout on a FIFO, as the container runtime gives a container its
 * stdout (runc: a pipe, chowned to the container's user). nginx opens /dev/stdout for its
 * access log, which works on a FIFO or pipe, not on the socket Node makes for stdio 'pipe'.
 */
async function startWithFifoStdout(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv, ownerUid?: number): Promise<Started> {
  const fifo = path.join(dir, `stdout-${++fifos}.fifo`);
  await runOk('mkfifo', ['-m', '0600', fifo]);
  if (ownerUid !== undefined) await fs.chown(fifo, ownerUid, ownerUid);
  // Reader first (non-blocking, so the open returns), then the writer the child inherits.
  const readFd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const writeFd = openSync(fifo, fsConstants.O_WRONLY);
  const output = { stdout: '', stderr: '' };
  // The socket owns the read end from here, and closes it.
  const reader = new net.Socket({ fd: readFd, readable: true, writable: false });
  const stdoutDone = new Promise<void>(resolve => {
    reader.on('data', chunk => (output.stdout += chunk));
    reader.on('end', resolve);
    reader.on('close', () => resolve());
  });
  const child = spawn(command, args, { env, stdio: ['ignore', writeFd, 'pipe'] });
  closeSync(writeFd);
  child.stderr!.on('data', chunk => (output.stderr += chunk));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', code => stdoutDone.then(() => resolve(code)));
  });
  return { child, output, exit };
}

const AS_ROOT = process.getuid?.() === 0;
/** The nginx container's user and group, read from the built Deployment in beforeAll. */
const podUser = { uid: -1, gid: -1 };
/** That uid and gid, and SIGTERM (nginx: fast shutdown) should the test process die first. */
const setprivArgs = () => [`--reuid=${podUser.uid}`, `--regid=${podUser.gid}`, '--clear-groups', '--pdeathsig=TERM'];
/** The writable folders (the emptyDir stand-ins) bind-mounted onto themselves, the root filesystem read-only, then the command as the pod's user. */
const readOnlyRoot = () =>
  ['set -e', 'while [ "$1" != -- ]; do mount --bind "$1" "$1"; shift; done', 'shift', 'mount -o remount,bind,ro /', `exec setpriv ${setprivArgs().join(' ')} -- "$@"`].join('\n');

/**
 * How close to the pod this machine lets the test get: as root with mount namespaces (these
 * machines), a read-only root filesystem and a non-root uid; as root without them (a container
 * lacking CAP_SYS_ADMIN), a non-root uid only; as another user, that user. Without the read-only
 * root, writes outside the emptyDir are still checked, only not prevented.
 */
type Isolation = 'read-only-root' | 'non-root-uid' | 'current-user';
let isolation: Isolation = AS_ROOT ? 'read-only-root' : 'current-user';

/** The command as the pod would run it, as far as `isolation` allows. */
function asPod(writable: readonly string[], command: string[]): [string, string[]] {
  if (isolation === 'current-user') return [command[0]!, command.slice(1)];
  if (isolation === 'non-root-uid') return ['setpriv', [...setprivArgs(), '--', ...command]];
  return ['unshare', ['--mount', '--', 'sh', '-c', readOnlyRoot(), 'sh', ...writable, '--', ...command]];
}

describe('the static-frontend app, served by the generated nginx config', () => {
  const nginx = testSystem.locate(testSystem.requirement('nginx'));
  let tmp: string;
  let app: string;
  let image: string;
  let emptyDir: string;
  /** Where the pod mounts that emptyDir (the Deployment's mountPath). */
  let emptyDirPath: string;
  /** The test's own files, outside what the image holds. */
  let scratch: string;
  let rendered: string[];
  const outputs: Record<string, string> = {};
  let dns: Awaited<ReturnType<typeof startDns>>;
  /** What the rendered repo was made from: its name, and the description the pages must carry escaped. */
  let spec: { name: string; description: string };
  let pod: BuiltPod;
  let mounts: Awaited<ReturnType<typeof podPaths>>;
  /** The backend the rendered config proxies to (its FQDN and Service port), and the port the API listens on here. */
  let backend: { host: string; port: number; apiPort: number };
  let ports: { traffic: number; status: number };
  let nginxConf: string;
  let nginxProcess: ChildProcess | undefined;
  let nginxExit: Promise<number | null>;
  let nginxOutput = { stdout: '', stderr: '' };
  let api: http.Server | undefined;
  const apiRequests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; bodyBytes: number }> = [];
  const bigPayload = randomBytes(16 * 1024 * 1024);
  let before: { image: Map<string, string>; compiledPaths: Record<string, string> };
  let compiledWritePaths: string[];
  /** The emptyDir stand-ins: the only folders the pod may write. */
  const writable = () => mounts.filter(mount => mount.kind === 'emptyDir').map(mount => mount.dir);
  /** What the image and the ConfigMap mounts hold, which nginx must leave as it found it. */
  const readOnly = () => [app, image, ...mounts.filter(mount => mount.kind === 'configMap').map(mount => mount.dir)];

  // The container's own env, then the DNS stand-in as its resolver.
  const nginxEnv = () => ({
    ...process.env,
    ...pod.nginx.env,
    NGINX_RESOLVER: `127.0.0.1:${dns.port}`,
    SLIPWAY_RESOLVER_CONF: path.join(emptyDir, 'nginx/resolver.conf'),
  });
  const resolverScript = () => path.join(app, 'nginx/docker-entrypoint.d/40-slipway-resolver.sh');
  /** The image's entrypoint in small: the /docker-entrypoint.d script, then the command. */
  const entrypoint = (command: string[]) => asPod(writable(), ['sh', '-c', '"$0" && exec "$@"', resolverScript(), ...command]);

  beforeAll(async () => {
    if (!nginx) {
      throw new Error(`nginx not found (looked in ${testSystem.whereLooked(testSystem.requirement('nginx'))}): npm test installs it (scripts/ensure-test-system.js); by hand: apt-get install -y nginx`);
    }
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-static-frontend-'));
    await fs.chmod(tmp, 0o755); // the non-root nginx reads the app and its config from here
    app = path.join(tmp, 'app');
    image = path.join(tmp, 'image');
    scratch = path.join(tmp, 'scratch');
    await fs.mkdir(app);
    await fs.mkdir(image);
    await fs.mkdir(scratch);

    // The golden path's storefront example, with a description the build must HTML-escape.
    const goldenPath = builtInGoldenPath('static-frontend');
    const values = { ...parse(await fs.readFile(EXAMPLE, 'utf8')), description: 'The bookstore\'s storefront: "books & prices" <for everyone>' };
    const resolved = goldenPath.resolve(values);
    if (!resolved.ok) throw new Error(`the storefront example does not pass the spec: ${JSON.stringify(resolved.issues)}`);
    spec = { name: resolved.spec.name, description: values.description };
    const files = await renderGoldenPath(goldenPath, resolved.spec);
    await writeRenderedFiles(files, app);
    rendered = files.map(file => file.path).sort();

    const started = Date.now();
    outputs.ci = (await runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: app, timeoutMs: 300_000 })).stdout;
    const tests = await runOk('npm', ['test'], { cwd: app, timeoutMs: 300_000 });
    outputs.test = tests.stdout + tests.stderr;
    outputs.build = (await runOk('npm', ['run', 'build'], { cwd: app, timeoutMs: 120_000 })).stdout;
    outputs.appSeconds = String((Date.now() - started) / 1000);

    // The pod as the staging overlay deploys it: its user, its volumes, its ConfigMap's backends.
    pod = await buildPod(app, ENVIRONMENT);
    podUser.uid = Number(securityField(pod, pod.nginx, 'runAsUser'));
    podUser.gid = Number(securityField(pod, pod.nginx, 'runAsGroup'));
    if (securityField(pod, pod.nginx, 'readOnlyRootFilesystem') !== true && isolation === 'read-only-root') isolation = 'non-root-uid';
    mounts = await podPaths(pod, tmp);
    const mainConfig = await fs.readFile(path.join(app, 'nginx/nginx.conf'), 'utf8');
    const pidPath = /^\s*pid\s+(\S+);/m.exec(mainConfig)![1]!;
    const pidMount = mounts.find(mount => mount.kind === 'emptyDir' && pidPath.startsWith(`${mount.mountPath}/`));
    if (!pidMount) throw new Error(`nginx writes ${pidPath}, which no emptyDir of the Deployment's nginx container covers: on its read-only root filesystem nginx cannot start`);
    emptyDir = pidMount.dir;
    emptyDirPath = pidMount.mountPath;
    const backendConfigs = mounts.filter(mount => mount.kind === 'configMap');
    const proxied = (await Promise.all(backendConfigs.flatMap(async mount => (await fs.readdir(mount.dir)).map(file => path.join(mount.dir, file)))))
      .flat();
    const backends = (await Promise.all(proxied.map(async file => backendsOf(await fs.readFile(file, 'utf8'))))).flat();
    expect(backends).toHaveLength(1);
    backend = { ...backends[0]!, apiPort: await freePort() };

    dns = await startDns(new Map([[backend.host, '127.0.0.1']]));
    ports = { traffic: await freePort(), status: await freePort() };
    const httpPort = pod.nginx.ports.get('http');
    if (httpPort === undefined) throw new Error('the nginx container has no port named http');
    const listenPorts = new Map([[httpPort, ports.traffic], [8081, ports.status]]);
    const backendPorts = new Map([[`${backend.host}:${backend.port}`, backend.apiPort]]);
    const paths = { mounts, dist: path.join(app, 'dist'), confD: path.join(image, 'conf.d') };
    await fs.mkdir(paths.confD);
    nginxConf = path.join(image, 'nginx.conf');
    const adapt = async (file: string) => adaptForTest(await fs.readFile(file, 'utf8'), paths, listenPorts, backendPorts);
    await fs.writeFile(nginxConf, await adapt(path.join(app, 'nginx/nginx.conf')));
    for (const file of await fs.readdir(path.join(app, 'nginx/conf.d'))) {
      await fs.writeFile(path.join(paths.confD, file), await adapt(path.join(app, 'nginx/conf.d', file)));
    }
    // The ConfigMap's files as the pod mounts them, with the Service's port translated.
    for (const file of proxied) await fs.writeFile(file, await adapt(file));

    if (isolation === 'read-only-root' && (await run(...asPod(writable(), ['true']))).code !== 0) {
      isolation = 'non-root-uid';
      console.warn('static-frontend: no mount namespace here (unshare --mount failed): nginx runs as a non-root uid on a writable root filesystem, and its writes are checked, not prevented');
    }
    const version = await runOk(nginx, ['-V']);
    compiledWritePaths = [...(version.stdout + version.stderr).matchAll(/--(?:pid|lock|http-log|error-log|http-client-body-temp|http-proxy-temp|http-fastcgi-temp|http-uwsgi-temp|http-scgi-temp)-path=(\/\S+)/g)].map(m => m[1]!);
    before = { image: await snapshot(readOnly()), compiledPaths: await statPaths(compiledWritePaths) };
  }, 600_000);

  afterAll(async () => {
    if (nginxProcess && nginxProcess.exitCode === null) {
      nginxProcess.kill('SIGKILL');
      await nginxExit;
    }
    await new Promise<void>(resolve => (api ? api.close(() => resolve()) : resolve()));
    await dns?.close();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it('renders, installs from its own lock with npm ci, passes its own tests and builds content-hashed assets', async () => {
    expect(rendered).toEqual(expect.arrayContaining([
      'Dockerfile', '.dockerignore', '.gitignore', 'package.json', 'package-lock.json', 'nginx/nginx.conf', 'nginx/conf.d/default.conf',
      'nginx/docker-entrypoint.d/40-slipway-resolver.sh', 'scripts/build.mjs', 'src/pages/index.html', 'src/pages/404.html', 'src/metrics.contract.json',
    ]));
    expect(rendered.filter(file => file.endsWith('.hbs') || file === 'README.md')).toEqual([]);
    expect(outputs.test).toMatch(/# fail 0/);
    expect(Number(/# pass (\d+)/.exec(outputs.test)![1])).toBeGreaterThanOrEqual(10);
    // npm ci left the reconciled lock as it was: it matches package.json.
    const lock = JSON.parse(await fs.readFile(path.join(app, 'package-lock.json'), 'utf8'));
    expect(lock.name).toBe(spec.name);
    expect(lock.packages['']).toMatchObject({ name: spec.name, version: '0.1.0' });
    const assets = await fs.readdir(path.join(app, 'dist/assets'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const file of assets) expect(file).toMatch(/^[^/]+\.[0-9a-f]{16}\.[a-z]+$/);
    console.log(`static-frontend: npm ci + npm test + npm run build took ${outputs.appSeconds} s`);
  });

  it('reads the resolver from /etc/resolv.conf by default and refuses a DNS name, and nginx -t accepts the generated config', async () => {
    // The kubelet's resolv.conf for a ClusterFirst pod: search domains, the cluster DNS Service IP.
    const resolvConf = path.join(scratch, 'resolv.conf');
    await fs.writeFile(resolvConf, 'search bookstore-staging.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\nnameserver fd00:10:96::a\noptions ndots:5\n');
    const fromResolvConf = path.join(scratch, 'resolver-from-resolv-conf.conf');
    const env = { ...process.env, NGINX_RESOLVER: '', SLIPWAY_RESOLV_CONF: resolvConf, SLIPWAY_RESOLVER_CONF: fromResolvConf };
    await runOk(resolverScript(), [], { env });
    expect(await fs.readFile(fromResolvConf, 'utf8')).toBe('resolver 10.96.0.10 [fd00:10:96::a] valid=10s;\n');

    const refused = await run(resolverScript(), [], { env: { ...env, NGINX_RESOLVER: 'kube-dns.kube-system.svc.cluster.local' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/"kube-dns\.kube-system\.svc\.cluster\.local" is not an IP address/);

    // nginx -t, as the pod would run it, on the generated config with the resolver the script wrote.
    const [command, args] = entrypoint([nginx!, '-t', '-p', `${image}/`, '-c', nginxConf]);
    const checking = await startWithFifoStdout(scratch, command, args, nginxEnv(), isolation === 'current-user' ? undefined : podUser.uid);
    expect(await checking.exit).toBe(0);
    expect(checking.output.stderr).toMatch(/syntax is ok/);
    expect(checking.output.stderr).toMatch(/test is successful/);
    expect(await fs.readFile(path.join(emptyDir, 'nginx/resolver.conf'), 'utf8')).toBe(`resolver 127.0.0.1:${dns.port} valid=10s;\n`);
    // The resolv.conf form (an IPv6 server in brackets) is valid nginx too.
    const withResolvConf = path.join(scratch, 'nginx-resolv-conf-variant.conf');
    await fs.writeFile(withResolvConf, (await fs.readFile(nginxConf, 'utf8')).replace(path.join(emptyDir, 'nginx/resolver.conf'), fromResolvConf));
    const [command2, args2] = asPod(writable(), [nginx!, '-t', '-q', '-p', `${image}/`, '-c', withResolvConf]);
    const variant = await startWithFifoStdout(scratch, command2, args2, process.env, isolation === 'current-user' ? undefined : podUser.uid);
    expect({ code: await variant.exit, stderr: variant.output.stderr }).toEqual({ code: 0, stderr: '' });

    // Why the backend is a variable (the comment in default.conf): the same config with the name
    // written into proxy_pass does not even load while the name does not resolve.
    const backendsMount = mounts.find(mount => mount.kind === 'configMap')!;
    const [backendFile] = await fs.readdir(backendsMount.dir);
    const generated = await fs.readFile(path.join(backendsMount.dir, backendFile!), 'utf8');
    const backend = /set \$slipway_backend "([^"]+)";/.exec(generated)![1]!;
    const literalBackends = path.join(scratch, 'literal-backends');
    await fs.mkdir(literalBackends);
    await fs.writeFile(path.join(literalBackends, backendFile!), generated.replace('proxy_pass http://$slipway_backend;', `proxy_pass http://${backend};`));
    const literalConfD = path.join(scratch, 'literal-conf.d');
    await fs.mkdir(literalConfD);
    const server = await fs.readFile(path.join(image, 'conf.d/default.conf'), 'utf8');
    await fs.writeFile(path.join(literalConfD, 'default.conf'), server.split(`${backendsMount.dir}/`).join(`${literalBackends}/`));
    const literalConf = path.join(scratch, 'nginx-literal-backend.conf');
    await fs.writeFile(literalConf, (await fs.readFile(nginxConf, 'utf8')).replace(`${image}/conf.d/`, `${literalConfD}/`));
    const [command3, args3] = asPod(writable(), [nginx!, '-t', '-q', '-p', `${image}/`, '-c', literalConf]);
    const literal = await startWithFifoStdout(scratch, command3, args3, process.env, isolation === 'current-user' ? undefined : podUser.uid);
    expect(await literal.exit).toBe(1);
    expect(literal.output.stderr).toContain(`host not found in upstream "${backend.split(':')[0]}"`);
  });

  it('asks DNS for a backend exactly as the config names it, without the pod\'s search domains, so only the FQDN resolves (rule nginx-resolver-fqdn)', async () => {
    // The same generated config with the backend's short Service name, as a hand edit might write it.
    const backendsMount = mounts.find(mount => mount.kind === 'configMap')!;
    const [backendFile] = await fs.readdir(backendsMount.dir);
    const shortName = backend.host.split('.')[0]!;
    const shortBackends = path.join(scratch, 'short-name-backends');
    await fs.mkdir(shortBackends);
    const generated = await fs.readFile(path.join(backendsMount.dir, backendFile!), 'utf8');
    await fs.writeFile(path.join(shortBackends, backendFile!), generated.replace(`"${backend.host}:`, `"${shortName}:`));
    const shortConfD = path.join(scratch, 'short-name-conf.d');
    await fs.mkdir(shortConfD);
    const server = await fs.readFile(path.join(image, 'conf.d/default.conf'), 'utf8');
    await fs.writeFile(path.join(shortConfD, 'default.conf'), server.split(`${backendsMount.dir}/`).join(`${shortBackends}/`));
    const shortConf = path.join(scratch, 'nginx-short-name.conf');
    await fs.writeFile(shortConf, (await fs.readFile(nginxConf, 'utf8')).replace(`${image}/conf.d/`, `${shortConfD}/`));
    // The pod's resolv.conf would complete the name (search <namespace>.svc.cluster.local …); nginx's resolver never reads it.
    const [command, args] = entrypoint([nginx!, '-p', `${image}/`, '-c', shortConf, '-g', 'daemon off;']);
    const variant = await startWithFifoStdout(scratch, command, args, nginxEnv(), isolation === 'current-user' ? undefined : podUser.uid);
    try {
      await waitFor('nginx /healthz', async () => (await request(ports.traffic, '/healthz').catch(() => ({ status: 0 }))).status === 200, 15_000);
      dns.queries.length = 0;
      expect((await request(ports.traffic, '/api/')).status).toBe(502);
      expect([...new Set(dns.queries.map(query => query.name))]).toEqual([shortName]);
      await waitFor('the resolver error', async () => variant.output.stderr.includes(`${shortName} could not be resolved`), 5000);
    } finally {
      variant.child.kill('SIGQUIT');
      expect(await variant.exit).toBe(0);
      dns.queries.length = 0;
    }
  });

  it('starts while the backend is down, without asking DNS; answers /healthz and proxies once the API is up', async () => {
    const [command, args] = entrypoint([nginx!, '-p', `${image}/`, '-c', nginxConf, '-g', 'daemon off;']);
    const started = await startWithFifoStdout(scratch, command, args, nginxEnv(), isolation === 'current-user' ? undefined : podUser.uid);
    nginxProcess = started.child;
    nginxOutput = started.output;
    nginxExit = started.exit;
    await waitFor('nginx /healthz', async () => (await request(ports.traffic, '/healthz')).status === 200, 15_000).catch(error => {
      throw new Error(`${error.message}\nnginx stderr:\n${nginxOutput.stderr}`);
    });
    // The backend name was never looked up to start: only a request resolves it.
    expect(dns.queries).toEqual([]);
    const health = await request(ports.traffic, '/healthz');
    expect(health.body.toString()).toBe('ok\n');

    const down = await request(ports.traffic, '/api/');
    expect(down.status).toBe(502);
    expect(dns.queries.map(query => query.name)).toContain(backend.host);

    api = http.createServer((req, res) => {
      let bodyBytes = 0;
      const hash = createHash('sha256');
      req.on('data', chunk => {
        bodyBytes += chunk.length;
        hash.update(chunk);
      });
      req.on('end', () => {
        apiRequests.push({ method: req.method!, url: req.url!, headers: req.headers, bodyBytes });
        if (req.url === '/big') {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(bigPayload);
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'private, max-age=5');
        res.setHeader('x-powered-by', 'catalog-api');
        if (req.url === '/') res.end(JSON.stringify({ name: 'catalog-api', description: 'Books and their prices' }));
        else res.end(JSON.stringify({ method: req.method, url: req.url, bodyBytes, sha256: hash.digest('hex') }));
      });
    });
    await new Promise<void>(resolve => api!.listen(backend.apiPort, '127.0.0.1', resolve));
    const up = await request(ports.traffic, '/api/');
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body.toString())).toEqual({ name: 'catalog-api', description: 'Books and their prices' });
  });

  it('serves the pages with the security headers and no-cache, and HSTS only behind HTTPS', async () => {
    const page = await request(ports.traffic, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers).toMatchObject({
      'content-security-policy': "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'permissions-policy': 'camera=(), geolocation=(), microphone=(), payment=(), usb=()',
      'cache-control': 'no-cache',
      server: 'nginx',
    });
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const html = page.body.toString();
    expect(html).toBe(await fs.readFile(path.join(app, 'dist/index.html'), 'utf8'));
    // The free-text description, HTML-escaped by the build.
    expect(html).toContain('The bookstore&#39;s storefront: &quot;books &amp; prices&quot; &lt;for everyone&gt;');
    expect(html).toContain('<meta name="api-base" content="/api">');

    const viaHttps = await request(ports.traffic, '/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaHttps.headers['strict-transport-security']).toBe('max-age=31536000');
    const revalidated = await request(ports.traffic, '/', { headers: { 'if-none-match': String(page.headers.etag) } });
    expect(revalidated.status).toBe(304);
  });

  it('serves content-hashed assets as immutable for a year, gzipped, and a missing hashed name as a 404 that is not cached', async () => {
    const html = (await request(ports.traffic, '/')).body.toString();
    const refs = [...html.matchAll(/\b(?:src|href)="(\/assets\/[^"]+)"/g)].map(match => match[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      const asset = await request(ports.traffic, ref);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['x-content-type-options']).toBe('nosniff');
      expect(sha256(asset.body).slice(0, 16)).toBe(/\.([0-9a-f]{16})\.[a-z]+$/.exec(ref)![1]);
    }
    const css = refs.find(ref => ref.endsWith('.css'))!;
    const gzipped = await request(ports.traffic, css, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toBe('Accept-Encoding');
    expect(gzipped.headers['content-type']).toBe('text/css; charset=utf-8');

    const missing = await request(ports.traffic, '/assets/app.0123456789abcdef.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing page with the real 404 page and status 404, with the security headers', async () => {
    const notFoundPage = await fs.readFile(path.join(app, 'dist/404.html'), 'utf8');
    for (const url of ['/no/such/page', '/404.html', '/index.html/../nothing']) {
      const missing = await request(ports.traffic, url);
      expect({ url, status: missing.status }).toEqual({ url, status: 404 });
      expect(missing.body.toString()).toBe(notFoundPage);
      expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(missing.headers['content-security-policy']).toMatch(/^default-src 'self'/);
      expect(missing.headers['cache-control']).toBe('no-cache');
    }
  });

  it('proxies /api/… to the running API with the prefix removed, the query kept and forwarding headers set', async () => {
    apiRequests.length = 0;
    const res = await request(ports.traffic, '/api/books?limit=2&q=a%20b', { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ method: 'GET', url: '/books?limit=2&q=a%20b' });
    const seen = apiRequests[0]!;
    expect(seen.url).toBe('/books?limit=2&q=a%20b');
    expect(seen.headers).toMatchObject({
      host: `${backend.host}:${backend.apiPort}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/api',
    });
    expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    // The backend's own caching rule passes through; nginx's headers are added, its X-Powered-By is not.
    expect(res.headers['cache-control']).toBe('private, max-age=5');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');

    const bare = await request(ports.traffic, '/api?x=1');
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/api/?x=1');
    const post = await request(ports.traffic, '/api/echo', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bigPayload.subarray(0, 512 * 1024) });
    expect(JSON.parse(post.body.toString())).toEqual({ method: 'POST', url: '/echo', bodyBytes: 512 * 1024, sha256: sha256(bigPayload.subarray(0, 512 * 1024)) });
  });

  it('has alerts that load in Prometheus and pass the repo\'s own promtool tests, in every environment, as its CI runs them', async () => {
    const environments = parse(await fs.readFile(EXAMPLE, 'utf8')).environments.map((environment: { name: string }) => environment.name);
    expect(environments.length).toBeGreaterThanOrEqual(2);
    for (const environment of environments) {
      const rules = (await builtObjects(app, environment)).filter(object => object.kind === 'PrometheusRule');
      expect(rules).toHaveLength(1);
      // In a folder of the test's own, beside a copy of the repo's unit tests (which name rules-<environment>.yaml).
      const dir = path.join(scratch, `alerts-${environment}`);
      await fs.mkdir(dir);
      const rulesFile = path.join(dir, `rules-${environment}.yaml`);
      await fs.writeFile(rulesFile, stringify(rules[0]!.spec));
      await fs.copyFile(path.join(app, 'deploy/tests', `alerts-${environment}.test.yaml`), path.join(dir, `alerts-${environment}.test.yaml`));
      expect((await runOk(findPromtool(), ['check', 'rules', rulesFile])).stdout).toMatch(/SUCCESS: 4 rules found/);
      const tests = await runOk(findPromtool(), ['test', 'rules', path.join(dir, `alerts-${environment}.test.yaml`)], { timeoutMs: 60_000 });
      expect(tests.stdout).toMatch(/SUCCESS/);
    }
  }, 120_000);

  it('is let by its NetworkPolicies reach what its nginx config proxies to, and resolve it', () => {
    const egress = pod.networkPolicies.flatMap(policy => asList(asRecord(policy.spec).egress));
    const namespace = /^[^.]+\.([^.]+)\.svc\.cluster\.local$/.exec(backend.host)?.[1];
    expect(namespace).toBeDefined();
    // A rule to pods of the backend's namespace (the one nginx's FQDN names), and DNS on 53 over UDP and TCP.
    const toBackend = egress.filter(rule =>
      asList(rule.to).some(peer => asRecord(asRecord(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name'] === namespace && peer.podSelector));
    expect(toBackend).toHaveLength(1);
    const dns = egress.filter(rule => asList(rule.ports).some(entry => entry.port === 53 && entry.protocol === 'UDP') && asList(rule.ports).some(entry => entry.port === 53 && entry.protocol === 'TCP'));
    expect(dns).toHaveLength(1);
  });

  it('serves stub_status only on the loopback status listener, in the format the exporter reads, with the contract\'s metrics', async () => {
    const status = await request(ports.status, '/stub_status');
    expect(status.status).toBe(200);
    // nginx-prometheus-exporter's parser (client/nginx.go, templateMetrics) reads exactly these fields.
    const match = /^Active connections: (\d+)\s*\nserver accepts handled requests\n\s*(\d+) (\d+) (\d+)\s*\nReading: (\d+) Writing: (\d+) Waiting: (\d+)\s*\n$/.exec(status.body.toString());
    expect(match).not.toBeNull();
    expect(Number(match![4])).toBeGreaterThan(5); // requests: this test's so far
    for (const other of ['/', '/healthz', '/metrics']) expect((await request(ports.status, other)).status).toBe(404);
    expect((await request(ports.traffic, '/stub_status')).status).toBe(404);

    // The exporter's metric per stub_status field (collector/nginx.go), plus nginx_up.
    const exported = ['up', 'connections_active', 'connections_accepted', 'connections_handled', 'http_requests_total', 'connections_reading', 'connections_writing', 'connections_waiting'];
    const contract = JSON.parse(await fs.readFile(path.join(app, 'src/metrics.contract.json'), 'utf8'));
    expect(contract.metrics.map((metric: { name: string }) => metric.name).sort()).toEqual(exported.map(name => `nginx_${name}`).sort());
    const generated = await fs.readFile(path.join(app, 'nginx/conf.d/default.conf'), 'utf8');
    const statusServer = generated.slice(generated.lastIndexOf('server {'));
    const listen = /listen (127\.0\.0\.1:\d+);/.exec(statusServer)![1];
    const location = /location = (\S+) \{\s*stub_status;/.exec(statusServer)![1];
    // The sidecar the Deployment runs reads exactly that page, serves on its metrics port, and is the contract's exporter.
    expect(pod.exporter.args).toEqual(expect.arrayContaining([`--nginx.scrape-uri=http://${listen}${location}`, `--web.listen-address=:${pod.exporter.ports.get('metrics')}`]));
    expect(contract.exporter.args).toEqual(pod.exporter.args);
  });

  it('runs its page script under the CSP in a real browser and shows the API\'s answer', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', message => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', error => problems.push(error.message));
      // Page code as text: this file is type-checked without the DOM library.
      await page.addInitScript({
        content: "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
      });
      await page.goto(`http://127.0.0.1:${ports.traffic}/`);
      await page.waitForSelector('#api-answer[data-state="ok"]', { timeout: 15_000 });
      expect(await page.textContent('#api-answer')).toBe('catalog-api: Books and their prices');
      expect(await page.title()).toBe(spec.name);
      // The stylesheet applied (a CSP block would leave the default margin of 8px).
      expect(await page.evaluate('getComputedStyle(document.body).margin')).toBe('0px');
      await screenshot(page, 'static-frontend');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('writes only into the emptyDir: temp files land there, and the root filesystem is read-only to it', async () => {
    const master = nginxProcess!.pid!;
    const workers = await childrenOf(master);
    expect(workers.length).toBe(2);
    const uid = /^Uid:\s+(\d+)/m.exec(await fs.readFile(`/proc/${workers[0]}/status`, 'utf8'))![1];
    expect(uid).toBe(String(isolation === 'current-user' ? process.getuid!() : podUser.uid));
    expect(uid).not.toBe('0');
    if (isolation === 'read-only-root') {
      const rootMount = (await fs.readFile(`/proc/${master}/mountinfo`, 'utf8')).split('\n').find(line => line.split(' ')[4] === '/')!;
      expect(rootMount.split(' ')[5]!.split(',')).toContain('ro');
      // The same setup refuses a write beside the app, and takes one in the emptyDir.
      const [command, args] = asPod(writable(), ['sh', '-c', 'touch "$0"', path.join(app, 'dist/written.txt')]);
      expect(await run(command, args)).toMatchObject({ code: 1, stderr: expect.stringMatching(/Read-only file system/) });
      const [command2, args2] = asPod(writable(), ['sh', '-c', 'touch "$0" && rm "$0"', path.join(emptyDir, 'probe')]);
      expect(await run(command2, args2)).toMatchObject({ code: 0 });
    }

    // A 16 MiB answer read slowly: nginx buffers it to a file under proxy_temp, in the emptyDir.
    let tempFileSeen = '';
    const outsideEmptyDir = new Set<string>();
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: ports.traffic, path: '/api/big', agent: false }, res => {
        res.pause();
        const chunks: Buffer[] = [];
        (async () => {
          const deadline = Date.now() + 5000;
          while (!tempFileSeen && Date.now() < deadline) {
            for (const pid of [master, ...workers]) {
              for (const target of await writableFiles(pid)) {
                if (target.startsWith(path.join(emptyDir, 'proxy_temp'))) tempFileSeen = target;
                else if (!target.startsWith(`${emptyDir}/`)) outsideEmptyDir.add(target);
              }
            }
            await new Promise(r => setTimeout(r, 50));
          }
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.resume();
        })().catch(reject);
      });
      req.on('error', reject);
    });
    expect(sha256(body)).toBe(sha256(bigPayload));
    expect(tempFileSeen).not.toBe('');
    // No regular file outside the emptyDir is open for writing in the master or a worker.
    expect([...outsideEmptyDir]).toEqual([]);

    // What nginx made in the emptyDir is exactly what nginx.conf declares under its mount path (/tmp).
    const under = new RegExp(`^\\s*(?:pid|\\w+_temp_path|include)\\s+${escapeRegExp(emptyDirPath)}/([^/;\\s]+)`, 'gm');
    const declared = [...(await fs.readFile(path.join(app, 'nginx/nginx.conf'), 'utf8')).matchAll(under)].map(m => m[1]!);
    expect(declared.length).toBeGreaterThanOrEqual(6);
    expect((await fs.readdir(emptyDir)).sort()).toEqual([...new Set(declared)].sort());
  }, 60_000);

  it('logs one JSON line per request to stdout, none for /healthz, stops gracefully on SIGQUIT and changed nothing outside the emptyDir', async () => {
    await request(ports.traffic, '/healthz');
    await request(ports.traffic, '/?from=log-test', { headers: { 'user-agent': 'slipway "test"' } });
    await waitFor('the access log line', async () => nginxOutput.stdout.includes('from=log-test'), 5000);
    nginxProcess!.kill('SIGQUIT');
    expect(await nginxExit).toBe(0);

    const lines = nginxOutput.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^40-slipway-resolver\.sh: nginx resolves backends through 127\.0\.0\.1:\d+ \(from NGINX_RESOLVER\)$/);
    const entries = lines.slice(1).map(line => JSON.parse(line));
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.filter(entry => entry.uri.startsWith('/healthz'))).toEqual([]);
    const last = entries.find(entry => entry.uri === '/?from=log-test');
    expect(last).toMatchObject({ method: 'GET', status: 200, user_agent: 'slipway "test"', upstream_addr: '' });
    expect(typeof last.request_time).toBe('number');
    const proxied = entries.find(entry => entry.uri === '/api/books?limit=2&q=a%20b');
    expect(proxied).toMatchObject({ status: 200, upstream_addr: `127.0.0.1:${backend.apiPort}`, upstream_status: '200' });
    expect(nginxOutput.stderr).not.toMatch(/\[(?:emerg|alert|crit)\]/);

    // The image (app, dist, config) and nginx's compiled-in write paths are as they were.
    expect(await snapshot(readOnly())).toEqual(before.image);
    expect(await statPaths(compiledWritePaths)).toEqual(before.compiledPaths);
    expect(compiledWritePaths.length).toBeGreaterThanOrEqual(5);
    // The pid file goes with the master.
    await expect(fs.access(path.join(emptyDir, 'nginx.pid'))).rejects.toThrow();
  });
});
