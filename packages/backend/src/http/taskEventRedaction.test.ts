import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import express from 'express';
import http from 'http';
import { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';
import { ServerDetailRedactor } from './serverDetailRedactor';
import { redactTaskEventsJson, redactTaskEventStream } from './taskEventRedaction';

const FAILED = {
  id: 3,
  taskId: 't1',
  type: 'log',
  body: {
    message: "Error: ENOENT: no such file or directory, rename '/srv/data/work/t1/missing.txt'\n    at async Object.handler (/srv/repo/node_modules/x/rename.cjs.js:53:11)",
    stepId: 'rename',
    status: 'failed',
  },
};
const COMPLETION = { id: 4, taskId: 't1', type: 'completion', body: { message: 'Run completed with status: failed', error: { name: 'Error', message: "rename '/srv/data/work/t1/missing.txt'" } } };
const REDACTED_FAILED = { ...FAILED, body: { ...FAILED.body, message: "Error: ENOENT: no such file or directory, rename '<data>/work/t1/missing.txt'" } };
const REDACTED_COMPLETION = { ...COMPLETION, body: { ...COMPLETION.body, error: { name: 'Error', message: "rename '<data>/work/t1/missing.txt'" } } };

/**
 * The two middlewares, then Backstage's own compression middleware (as applyDefaults()
 * installs it after them), then routes that answer the way the scaffolder router does.
 */
async function serve(): Promise<{ port: number; close(): Promise<void> }> {
  const redactor = new ServerDetailRedactor([
    { placeholder: '<data>', path: '/srv/data' },
    { placeholder: '<repo>', path: '/srv/repo' },
  ]);
  const middleware = MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() });
  const app = express();
  app.get('/api/scaffolder/v2/tasks/:taskId/events', redactTaskEventsJson(redactor));
  app.get('/api/scaffolder/v2/tasks/:taskId/eventstream', redactTaskEventStream(redactor));
  app.use(middleware.compression());
  app.get('/api/scaffolder/v2/tasks/:taskId/events', (_req, res) => {
    res.json([FAILED, COMPLETION, { id: 5, padding: 'p'.repeat(4096) }]);
  });
  app.get('/api/scaffolder/v2/tasks/:taskId/eventstream', (_req, res) => {
    res.writeHead(200, { Connection: 'keep-alive', 'Cache-Control': 'no-cache', 'Content-Type': 'text/event-stream' });
    const first = `event: log\ndata: ${JSON.stringify(FAILED)}\n\n`;
    // A write that ends mid-line: the rest of the line comes with the next write.
    res.write(first.slice(0, 40));
    res.write(first.slice(40));
    res.write(`event: completion\ndata: ${JSON.stringify(COMPLETION)}\n\n`);
    (res as unknown as { flush?: () => void }).flush?.();
    res.end();
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function get(port: number, path: string): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': 'gzip' } }, res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ headers: res.headers, body: (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8') });
        });
      })
      .on('error', reject);
  });
}

describe('task event redaction', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (server = await serve()));
  afterAll(() => server.close());

  it('serves /events without stack frames or server paths, still compressed', async () => {
    const response = await get(server.port, '/api/scaffolder/v2/tasks/t1/events');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(response.body).slice(0, 2)).toEqual([REDACTED_FAILED, REDACTED_COMPLETION]);
  });

  it('serves /eventstream without stack frames or server paths, one data line per event', async () => {
    const response = await get(server.port, '/api/scaffolder/v2/tasks/t1/eventstream');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toBe(
      `event: log\ndata: ${JSON.stringify(REDACTED_FAILED)}\n\nevent: completion\ndata: ${JSON.stringify(REDACTED_COMPLETION)}\n\n`,
    );
  });
});
