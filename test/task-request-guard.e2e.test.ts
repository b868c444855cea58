/**
 * Issue 7, finding "scaffolder request bodies": against the real backend, the scaffolder's
 * JSON endpoints bound and check what they are sent before Backstage's router
 * (express.json({ limit: '10MB' })) sees it. Every refusal is a 4xx in Backstage's error
 * shape that names the limit or the JSON path and the rule, and creates no task.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { RunningBackend, startBackend } from './support/backend';
import { REPO_ROOT } from './support/generatedRepo';
import { postJson, rawRequest, RawResponse } from './support/rawHttp';
import { NODE_SERVICE_TEMPLATE, waitForTask } from './support/tasks';

const TASKS = '/api/scaffolder/v2/tasks';
const DRY_RUN = '/api/scaffolder/v2/dry-run';
const values = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  owner: 'group:default/team-a',
  description: `The ${name} service.`,
  publisher: 'local',
  ...extra,
});
const task = (body: string) => `{"templateRef":"${NODE_SERVICE_TEMPLATE}","values":${body}}`;

function expectRefusal(response: RawResponse, status: number, name: string, message: string | RegExp): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: {
      error: { name, message: typeof message === 'string' ? message : expect.stringMatching(message) },
      request: { method: 'POST', url: expect.any(String) },
      response: { statusCode: status },
    },
  });
}

async function taskCount(backend: RunningBackend): Promise<number> {
  return ((await rawRequest(backend.port, { path: TASKS })).json.tasks as unknown[]).length;
}

describe('finding: scaffolder request bodies', () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await startBackend();
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  it('refuses __proto__, constructor and prototype keys with 400 naming the path, instead of a task that fails without a reason', async () => {
    const before = await taskCount(backend);
    expectRefusal(
      await postJson(backend.port, TASKS, task('{"name":"polluted","__proto__":{"publisher":"github"}}')),
      400,
      'InputError',
      'values.__proto__: the key "__proto__" is not allowed anywhere in the body',
    );
    expectRefusal(
      await postJson(backend.port, TASKS, task('{"name":"polluted","tags":[{"constructor":{"prototype":{}}}]}')),
      400,
      'InputError',
      'values.tags[0].constructor: the key "constructor" is not allowed anywhere in the body',
    );
    expectRefusal(await postJson(backend.port, TASKS, '{"secrets":{"prototype":"x"}}'), 400, 'InputError', 'secrets.prototype: the key "prototype" is not allowed anywhere in the body');
    expect(await taskCount(backend)).toBe(before);
  });

  it('refuses JSON nested 100,000 levels (HTTP 500 before) without overflowing the stack', async () => {
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    // 200 KB: larger than a task body may be.
    expectRefusal(await postJson(backend.port, TASKS, task(`{"list":${deep(100_000)}}`)), 413, 'PayloadTooLargeError', /the limit for POST \/api\/scaffolder\/v2\/tasks is 64 KiB$/);
    // Within the dry run's size limit, the depth limit answers, naming where it was crossed.
    expectRefusal(
      await postJson(backend.port, DRY_RUN, `{"template":{},"values":{"list":${deep(100_000)}},"directoryContents":[]}`),
      400,
      'InputError',
      `values.list${'[0]'.repeat(62)}: JSON must not nest deeper than 64 levels`,
    );
    expectRefusal(await postJson(backend.port, TASKS, task(`{"list":${deep(1_000)}}`)), 400, 'InputError', /^values\.list(\[0\]){62}: JSON must not nest deeper than 64 levels$/);
    // The backend is still there.
    expect((await rawRequest(backend.port, { path: '/.backstage/health/v1/readiness' })).status).toBe(200);
  });

  it('refuses a NUL byte or another control character with 400 naming the field', async () => {
    const before = await taskCount(backend);
    expectRefusal(
      await postJson(backend.port, TASKS, task('{"name":"nul","owner":"group:default/team-a","description":"a\\u0000b","publisher":"local"}')),
      400,
      'InputError',
      'values.description: a string must not contain control characters (found U+0000 at character 1; only tab, line feed and carriage return are allowed)',
    );
    expectRefusal(await postJson(backend.port, TASKS, task('{"name":"esc\\u001b[31m"}')), 400, 'InputError', /^values\.name: a string must not contain control characters \(found U\+001B/);
    expect(await taskCount(backend)).toBe(before);
  });

  it('refuses a 9 MiB value with 413 naming the limit, so it is neither stored nor served in task listings', async () => {
    const before = await taskCount(backend);
    const huge = JSON.stringify({ templateRef: NODE_SERVICE_TEMPLATE, values: values('huge', { notes: 'x'.repeat(9 * 1024 * 1024) }) });
    expectRefusal(await postJson(backend.port, TASKS, huge), 413, 'PayloadTooLargeError', 'request body too large: the limit for POST /api/scaffolder/v2/tasks is 64 KiB');
    // Chunked, with no Content-Length to refuse up front: cut off once it passes the limit.
    expectRefusal(
      await rawRequest(backend.port, { method: 'POST', path: TASKS, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: huge }),
      413,
      'PayloadTooLargeError',
      /is 64 KiB$/,
    );
    expectRefusal(await postJson(backend.port, DRY_RUN, `{"template":{},"values":{},"directoryContents":[{"path":"a","base64Content":"${'A'.repeat(5 * 1024 * 1024)}"}]}`), 413, 'PayloadTooLargeError', 'request body too large: the limit for POST /api/scaffolder/v2/dry-run is 4 MiB');
    expect(await taskCount(backend)).toBe(before);
    const listing = await rawRequest(backend.port, { path: TASKS });
    expect(listing.text.length).toBeLessThan(1024 * 1024);
  });

  it('still runs a task from the form\'s values, the body handed on to Backstage\'s router as parsed', async () => {
    const created = await postJson(backend.port, TASKS, { templateRef: NODE_SERVICE_TEMPLATE, values: values('guarded', { description: 'Tabs\tand\nnewlines are fine.' }) });
    expect(created.status).toBe(201);
    const finished = await waitForTask(backend, created.json.id);
    expect({ status: finished.status, log: finished.status === 'completed' ? '' : finished.log }).toEqual({ status: 'completed', log: '' });
  }, 120_000);

  it('still dry-runs Slipway\'s template with its directory, within the dry-run limit', async () => {
    const { parse } = await import('yaml');
    const templateYaml = await fs.readFile(path.join(REPO_ROOT, 'skeletons/node-service/template.yaml'), 'utf8');
    const response = await postJson(backend.port, DRY_RUN, {
      template: parse(templateYaml),
      values: values('dry'),
      directoryContents: [{ path: 'template.yaml', base64Content: Buffer.from(templateYaml).toString('base64') }],
    });
    expect(response.status).toBe(200);
    expect(response.json.directoryContents.map((file: { path: string }) => file.path)).toContain('catalog-info.yaml');
  }, 120_000);
});
