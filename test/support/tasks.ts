import { RunningBackend } from './backend';
import { waitFor } from './ports';

export const NODE_SERVICE_TEMPLATE = 'template:default/slipway-node-service';

export interface TaskEvent {
  type: string;
  body: { message?: string; stepId?: string; status?: string; output?: Record<string, unknown>; error?: { message?: string } };
}

export interface FinishedTask {
  id: string;
  status: 'completed' | 'failed' | 'cancelled';
  events: TaskEvent[];
  /** Every log message, in order, one per line. */
  log: string;
  output: { links?: Array<{ title?: string; url?: string; entityRef?: string }>; [key: string]: unknown };
}

export async function submitTask(
  backend: RunningBackend,
  values: Record<string, unknown>,
  options: { templateRef?: string; secrets?: Record<string, string> } = {},
): Promise<string> {
  const created = await backend.request<{ id: string }>('POST', '/api/scaffolder/v2/tasks', {
    templateRef: options.templateRef ?? NODE_SERVICE_TEMPLATE,
    values,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  return created.body.id;
}

export async function waitForTask(backend: RunningBackend, id: string, timeoutMs = 120_000): Promise<FinishedTask> {
  let status = '';
  await waitFor(
    `task ${id} to finish`,
    async () => {
      const task = await backend.request<{ status: string }>('GET', `/api/scaffolder/v2/tasks/${id}`);
      status = task.body.status;
      return ['completed', 'failed', 'cancelled'].includes(status);
    },
    timeoutMs,
  );
  const events = (await backend.request<TaskEvent[]>('GET', `/api/scaffolder/v2/tasks/${id}/events`)).body;
  const completion = [...events].reverse().find(event => event.type === 'completion');
  return {
    id,
    status: status as FinishedTask['status'],
    events,
    log: events.map(event => event.body.message ?? '').join('\n'),
    output: (completion?.body.output ?? {}) as FinishedTask['output'],
  };
}

export async function runTask(
  backend: RunningBackend,
  values: Record<string, unknown>,
  options: { templateRef?: string; secrets?: Record<string, string> } = {},
): Promise<FinishedTask> {
  return waitForTask(backend, await submitTask(backend, values, options));
}
