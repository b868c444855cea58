import { ChildProcess, spawn } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { freePort, waitFor } from './ports';
import { REPO_ROOT } from './generatedRepo';

/**
 * The names of the Templates app-config.yaml registers (its globs ./skeletons/*\/template.yaml and
 * ./templates/*\/template.yaml). The catalog reads each location on its own, so "some Template is
 * there" can hold while another is still being read: a test then found slipway-system but not
 * slipway-node-service.
 */
async function registeredTemplateNames(): Promise<string[]> {
  const names: string[] = [];
  for (const folder of ['skeletons', 'templates']) {
    for (const entry of await fs.readdir(path.join(REPO_ROOT, folder))) {
      const text = await fs.readFile(path.join(REPO_ROOT, folder, entry, 'template.yaml'), 'utf8').catch(() => undefined);
      const name = text === undefined ? undefined : (parse(text) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
      if (typeof name === 'string') names.push(name);
    }
  }
  return names;
}

/**
 * The real embedded Backstage (packages/backend, built by `tsc -b`) as a child process:
 * its own free port, its own data directory, app-config.yaml plus a small override.
 */
export interface RunningBackend {
  baseUrl: string;
  port: number;
  dataDir: string;
  logs(): string;
  /** Resolves when the process has exited (by itself, or killed), with its exit code or signal. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `kill -9`: no shutdown hook runs, exactly like a crash or the OOM killer. */
  killHard(): Promise<void>;
  /** JSON request against the backend; throws with the body on a non-2xx answer unless `allowStatus` lists it. */
  request<T = unknown>(method: string, pathname: string, body?: unknown, allowStatus?: number[]): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface StartBackendOptions {
  /** Reuse a data directory (restart tests); default: a new temp dir. */
  dataDir?: string;
  /** Extra config merged over app-config.yaml (as YAML text). */
  extraConfig?: string;
  /** Extra --config files, e.g. app-config.production.yaml. */
  configFiles?: string[];
  env?: Record<string, string>;
  /**
   * What "started" means: `catalog` waits for the templates through the catalog API (needs the
   * embedded config's open auth policy); `health` waits for the readiness endpoint only.
   */
  readyWhen?: 'catalog' | 'health';
}

export async function startBackend(options: StartBackendOptions = {}): Promise<RunningBackend> {
  const port = await freePort();
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-data-')));
  const baseUrl = `http://localhost:${port}`;
  const overridePath = path.join(dataDir, `test-override-${port}.yaml`);
  await fs.writeFile(
    overridePath,
    [
      'app:',
      `  baseUrl: ${baseUrl}`,
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  reading:',
      '    allow:',
      `      - host: localhost:${port}`,
      options.extraConfig ?? '',
    ].join('\n'),
  );
  const configArgs = [path.join(REPO_ROOT, 'app-config.yaml'), ...(options.configFiles ?? []), overridePath].flatMap(file => [
    '--config',
    file,
  ]);
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'packages/backend/dist/index.js'), ...configArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env, SLIPWAY_DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exitStatus = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = exitStatus.then(() => undefined);

  const request: RunningBackend['request'] = async (method, pathname, body, allowStatus = []) => {
    const response = await fetch(`${baseUrl}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? (() => { try { return JSON.parse(text); } catch { return text; } })() : undefined;
    if (!response.ok && !allowStatus.includes(response.status)) {
      throw new Error(`${method} ${pathname} answered ${response.status}: ${text.slice(0, 2000)}`);
    }
    return { status: response.status, body: parsed };
  };

  // A test whose extra config sets catalog.locations of its own (arrays replace, they do not merge)
  // registers other Templates: then any Template means ready, as before.
  const ownLocations = options.extraConfig !== undefined && /^\s*locations:/m.test(options.extraConfig);
  const expectedTemplates = options.readyWhen === 'health' || ownLocations ? [] : await registeredTemplateNames();
  try {
    await waitFor(
      options.readyWhen === 'health' ? 'the backend to report ready' : 'the backend to serve the catalog with every Template',
      async () => {
        if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
        if (options.readyWhen === 'health') {
          return (await request('GET', '/.backstage/health/v1/readiness', undefined, [503])).status === 200;
        }
        const templates = await request<Array<{ metadata?: { name?: string } }>>('GET', '/api/catalog/entities?filter=kind=template', undefined, [404, 503]);
        if (!Array.isArray(templates.body)) return false;
        const present = new Set(templates.body.map(entity => entity.metadata?.name));
        return ownLocations ? templates.body.length > 0 : expectedTemplates.length > 0 && expectedTemplates.every(name => present.has(name));
      },
      60_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- backend output ---\n${output}`);
  }

  return {
    baseUrl,
    port,
    dataDir,
    logs: () => output,
    exited: () => exitStatus,
    async killHard() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    request,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
