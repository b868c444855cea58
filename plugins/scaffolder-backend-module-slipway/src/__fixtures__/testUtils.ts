import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

// Test helpers: under __fixtures__, so the build (tsconfig exclude) never ships them.

export interface RecordingLogger extends LoggerService {
  /** Every message logged, at any level, in order. */
  lines: Array<{ level: string; message: string }>;
  text(): string;
}

export function createRecordingLogger(): RecordingLogger {
  const lines: Array<{ level: string; message: string }> = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  const logger: RecordingLogger = {
    lines,
    text: () => lines.map(line => `${line.level}: ${line.message}`).join('\n'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}

export async function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `slipway-${prefix}-`));
}

/** All files under `dir`, relative with '/' separators, sorted. */
export async function listTree(dir: string, relative = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, relative), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(dir, child)));
    else out.push(child);
  }
  return out.sort();
}

/**
 * A mock action context in `workspacePath`. `createMockActionContext` drops
 * `isDryRun` and `signal`, so they are spread in here.
 */
export function actionContext<TInput extends Record<string, any>>(options: {
  input: TInput;
  workspacePath: string;
  logger?: LoggerService;
  isDryRun?: boolean;
  secrets?: Record<string, string>;
  /** The task's id (ctx.task.id), for actions that record which task did what. */
  taskId?: string;
}) {
  const outputs: Record<string, unknown> = {};
  const ctx = createMockActionContext({
    input: options.input as any,
    workspacePath: options.workspacePath,
    logger: options.logger ?? createRecordingLogger(),
    secrets: options.secrets,
  });
  return {
    ctx: {
      ...ctx,
      isDryRun: options.isDryRun ?? false,
      ...(options.taskId ? { task: { ...(ctx as { task?: object }).task, id: options.taskId } } : {}),
      signal: new AbortController().signal,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
    } as any,
    outputs,
  };
}
