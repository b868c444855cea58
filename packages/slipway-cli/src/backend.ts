import net from 'net';
import os from 'os';
import path from 'path';
import { promises as fs } from 'fs';
import { ConfigReader } from '@backstage/config';
import { coreServices, createBackendModule, createServiceFactory } from '@backstage/backend-plugin-api';
import { createTemplateAction, scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import type { LoggerService, RootLoggerService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/**
 * Actions the scaffolder backend itself registers (plugin-scaffolder-backend 4.x).
 * Registering one of these ids again is a conflict, so placeholders are only made
 * for the other ids a template uses.
 */
export const SCAFFOLDER_BUILTIN_ACTION_IDS = new Set([
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template',
  'fetch:template:file',
  'debug:log',
  'debug:wait',
  'catalog:register',
  'catalog:fetch',
  'catalog:write',
  'fs:delete',
  'fs:rename',
  'fs:readdir',
]);

/** Example outputs for well-known non-dry-run actions, so later steps and output links still render. */
const PLACEHOLDER_OUTPUTS: Record<string, string[]> = {
  'publish:': ['remoteUrl', 'repoContentsUrl', 'commitHash'],
};

/**
 * An action that stands in for one this backend does not have (e.g. `publish:github`
 * without the GitHub module). It does not support dry runs, so Backstage skips it
 * exactly as it skips the real action in a dry run; it fails if ever run for real.
 */
function placeholderAction(id: string) {
  const outputs = Object.entries(PLACEHOLDER_OUTPUTS).find(([prefix]) => id.startsWith(prefix))?.[1] ?? [];
  return createTemplateAction({
    id,
    description: `Placeholder for ${id} in a slipway dry run`,
    supportsDryRun: false,
    schema: {
      // Function form: Backstage only converts an output schema when the input schema has the same form.
      input: z => z.object({}).passthrough(),
      output: z => z.object(Object.fromEntries(outputs.map(name => [name, z.string()]))),
    },
    async handler() {
      throw new Error(`${id} is a dry-run placeholder and cannot run`);
    },
  });
}

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

export interface BackendLogLine {
  level: Level;
  text: string;
}

/**
 * A small root logger that keeps the backend's log lines (at `level` and above) in
 * memory, so the CLI decides what to show: its own stdout stays readable, and a
 * step failure is not printed three times. It replaces backend-defaults' root
 * logger, which also scans the working directory's workspace packages for config
 * schemas (slow, and it fails outside a Node project).
 */
export function createBufferedLogger(
  level: Level,
  lines: BackendLogLine[],
  meta: Record<string, unknown> = {},
): RootLoggerService {
  const threshold = LEVELS[level];
  const write = (at: Level) => (message: string, extra?: Error | JsonObject) => {
    if (LEVELS[at] > threshold) return;
    const source = meta.plugin ? `${String(meta.plugin)}: ` : '';
    const detail = extra instanceof Error ? ` (${extra.message})` : '';
    lines.push({ level: at, text: `${source}${message}${detail}`.replace(/\u001b\[[0-9;]*m/g, '') });
  };
  const logger: LoggerService = {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: childMeta => createBufferedLogger(level, lines, { ...meta, ...childMeta }),
  };
  return logger;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface DryRunBackend {
  baseUrl: string;
  /** Milliseconds from `createBackend()` to a listening backend. */
  startupMs: number;
  /** Ids of the placeholder actions registered for actions this backend lacks. */
  placeholders: string[];
  /** The backend's own log lines at the configured level and above. */
  logs: BackendLogLine[];
  stop(): Promise<void>;
}

export interface StartDryRunBackendOptions {
  /** Action ids the template uses; placeholders are registered for the ones nobody provides. */
  templateActionIds?: string[];
  skeletonsDir?: string;
  /** Backstage log level; default warn. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

/**
 * Starts a real Backstage backend in this process: backend-defaults, the
 * scaffolder plugin and the Slipway module, configured in code (in-memory SQLite,
 * a free loopback port, the default auth policy off so the CLI can call it).
 */
export async function startDryRunBackend(options: StartDryRunBackendOptions = {}): Promise<DryRunBackend> {
  const started = Date.now();
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const workingDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-dry-run-'));
  const config: JsonObject = {
    app: { baseUrl },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      // Development only: lets the CLI call the API without a token. The backend listens on loopback only.
      auth: { dangerouslyDisableDefaultAuthPolicy: true },
      workingDirectory,
    },
    ...(options.skeletonsDir ? { slipway: { skeletonsDir: path.resolve(options.skeletonsDir) } } : {}),
  };

  const [{ createBackend }, scaffolder, slipway] = await Promise.all([
    import('@backstage/backend-defaults'),
    import('@backstage/plugin-scaffolder-backend'),
    import('@slipway/plugin-scaffolder-backend-module-slipway'),
  ]);
  const provided = new Set([...SCAFFOLDER_BUILTIN_ACTION_IDS, ...slipway.SLIPWAY_ACTION_IDS]);
  const placeholders = [...new Set(options.templateActionIds ?? [])].filter(id => !provided.has(id)).sort();

  const logs: BackendLogLine[] = [];
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config, 'slipway dry-run'),
    }),
  );
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => createBufferedLogger(options.logLevel ?? 'warn', logs),
    }),
  );
  backend.add(scaffolder.default);
  backend.add(slipway.default);
  if (placeholders.length) {
    backend.add(
      createBackendModule({
        pluginId: 'scaffolder',
        moduleId: 'slipway-dry-run-placeholders',
        register(reg) {
          reg.registerInit({
            deps: { scaffolder: scaffolderActionsExtensionPoint },
            async init({ scaffolder: actions }) {
              actions.addActions(...placeholders.map(placeholderAction));
            },
          });
        },
      }),
    );
  }
  try {
    await backend.start();
  } catch (error) {
    await backend.stop().catch(() => undefined);
    await fs.rm(workingDirectory, { recursive: true, force: true });
    const logged = logs.map(line => `  ${line.level}: ${line.text}`).join('\n');
    throw new Error(`${(error as Error).message}${logged ? `\nBackend log:\n${logged}` : ''}`);
  }
  return {
    baseUrl,
    startupMs: Date.now() - started,
    placeholders,
    logs,
    async stop() {
      try {
        await backend.stop();
      } finally {
        await fs.rm(workingDirectory, { recursive: true, force: true });
      }
    },
  };
}
