import { ChildProcess, spawn } from 'child_process';
import { freePort, waitFor } from './ports';

/** A generated service started with `node` from its built output, on free loopback ports. */
export interface RunningService {
  port: number;
  metricsPort: number;
  process: ChildProcess;
  logs(): string;
  get(pathname: string, onMetricsPort?: boolean): Promise<{ status: number; body: string }>;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate(): Promise<number | null>;
}

export async function startService(dir: string, env: Record<string, string> = {}): Promise<RunningService> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  const get = async (pathname: string, onMetricsPort = false) => {
    const response = await fetch(`http://127.0.0.1:${onMetricsPort ? metricsPort : port}${pathname}`);
    return { status: response.status, body: await response.text() };
  };
  await waitFor(`the service to answer /livez (output so far: ${output})`, async () => (await get('/livez')).status === 200);
  return {
    port,
    metricsPort,
    process: child,
    logs: () => output,
    get,
    async terminate() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Series names and the label names each carries, from Prometheus text exposition. */
export function parseExposition(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]) ?? new Set<string>();
    for (const label of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(label[1]);
    series.set(match[1], labels);
  }
  return series;
}
