/**
 * Issue 7, finding "failed-task events carry stack traces and absolute server paths":
 * Backstage's NunjucksWorkflowRunner logs a failed step as String(err.stack). Against the
 * real backend, tasks that fail inside Backstage (an unregistered action; a built-in
 * action failing on a workspace path under the data dir) are served by
 * /events and /eventstream saying what failed, with no stack frame and no absolute path
 * of the server.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { stringify } from 'yaml';
import { RunningBackend, startBackend } from './support/backend';
import { REPO_ROOT } from './support/generatedRepo';
import { postJson, rawRequest } from './support/rawHttp';
import { TaskEvent, waitForTask } from './support/tasks';

/** A template whose only step is `step`, registered as a file location. */
function template(name: string, step: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, title: name },
    spec: { owner: 'group:default/platform', type: 'service', parameters: [], steps: [step] },
  });
}

describe('finding: failed-task events carry stack traces and absolute server paths', () => {
  let backend: RunningBackend;
  let templatesDir: string;

  beforeAll(async () => {
    templatesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-failing-templates-'));
    await fs.writeFile(
      path.join(templatesDir, 'missing-action.yaml'),
      template('slipway-failing-missing-action', { id: 'missing-action', name: 'Use an action nobody registered', action: 'slipway:no-such-action', input: {} }),
    );
    await fs.writeFile(
      path.join(templatesDir, 'missing-file.yaml'),
      template('slipway-failing-missing-file', {
        id: 'rename',
        name: 'Rename a file that is not there',
        action: 'fs:rename',
        input: { files: [{ from: 'missing.txt', to: 'renamed.txt' }] },
      }),
    );
    backend = await startBackend({
      extraConfig: [
        'catalog:',
        '  locations:',
        ...['missing-action.yaml', 'missing-file.yaml'].flatMap(file => [
          '    - type: file',
          `      target: ${path.join(templatesDir, file)}`,
          '      rules:',
          '        - allow: [Template]',
        ]),
      ].join('\n'),
    });
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
    if (templatesDir) await fs.rm(templatesDir, { recursive: true, force: true });
  });

  /** Everything a client must not see: a frame, or a folder of this server. */
  function leaks(text: string): string[] {
    const found: string[] = [];
    if (/(^|\\n|\n)\s+at \S/.test(text)) found.push('a stack frame');
    for (const folder of [backend.dataDir, REPO_ROOT, os.tmpdir(), os.homedir(), templatesDir, '/node_modules/']) {
      if (text.includes(folder)) found.push(folder);
    }
    return found;
  }

  async function failedTask(templateName: string): Promise<{ id: string; events: TaskEvent[] }> {
    await waitForTemplate(templateName);
    const created = await postJson(backend.port, '/api/scaffolder/v2/tasks', { templateRef: `template:default/${templateName}`, values: {} });
    expect(created.status).toBe(201);
    const task = await waitForTask(backend, created.json.id);
    expect(task.status).toBe('failed');
    return { id: task.id, events: task.events };
  }

  async function waitForTemplate(name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await rawRequest(backend.port, { path: `/api/catalog/entities/by-name/template/default/${name}` })).status !== 200) {
      if (Date.now() > deadline) throw new Error(`template ${name} never reached the catalog`);
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  }

  it.each([
    ['slipway-failing-missing-action', "Template action with ID 'slipway:no-such-action' is not registered"],
    ['slipway-failing-missing-file', /ENOENT: no such file or directory, \w+ '<(data|work)>\/[^']*missing\.txt'/],
  ])('%s: /events says what failed, without frames or server paths', async (templateName, what) => {
    const { events } = await failedTask(templateName);
    const failed = events.find(event => event.body.status === 'failed');
    const completion = events.find(event => event.type === 'completion');
    expect(failed?.body.message).toEqual(typeof what === 'string' ? expect.stringContaining(what) : expect.stringMatching(what));
    expect(completion?.body.error?.message).toEqual(typeof what === 'string' ? expect.stringContaining(what) : expect.stringMatching(what));
    expect(leaks(JSON.stringify(events))).toEqual([]);
  }, 120_000);

  it('serves the same events through /eventstream, each data line without frames or server paths', async () => {
    const { id } = await failedTask('slipway-failing-missing-file');
    // The stream replays the task's events and ends after its completion.
    const stream = await rawRequest(backend.port, { path: `/api/scaffolder/v2/tasks/${id}/eventstream`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    const data = stream.text
      .split('\n')
      .filter(line => line.startsWith('data: '))
      .map(line => JSON.parse(line.slice('data: '.length)) as TaskEvent);
    expect(data.map(event => event.type)).toContain('completion');
    expect(data.find(event => event.body.status === 'failed')?.body.message).toMatch(/ENOENT: no such file or directory, \w+ '<(data|work)>\/[^']*missing\.txt'/);
    expect(leaks(stream.text)).toEqual([]);
  }, 120_000);
});
