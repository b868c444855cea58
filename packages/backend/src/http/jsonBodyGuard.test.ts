import express from 'express';
import http from 'http';
import { AddressInfo } from 'net';
import { createJsonBodyGuard } from './jsonBodyGuard';

/**
 * The guard in front of the parser Backstage's scaffolder router uses
 * (express.json({ limit: '10MB' })), then a route that echoes what it got.
 */
async function serve(): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.use(createJsonBodyGuard({ maxBytes: 1024, maxDepth: 4 }));
  app.use(express.json({ limit: '10MB' }));
  app.post('/api/scaffolder/v2/tasks', (req, res) => {
    res.json({ body: req.body, ownKeys: Object.keys(req.body.values ?? {}) });
  });
  const server = http.createServer(app);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/scaffolder/v2/tasks', headers: { 'content-type': 'application/json', ...headers } },
      res => {
        let text = '';
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const errorOf = (response: { body: any }) => response.body.error;

describe('createJsonBodyGuard', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (server = await serve()));
  afterAll(() => server.close());

  // Were express.json() to read the stream again, it would find it consumed and fail the request.
  it('hands the parsed body on, and express.json() does not read it again', async () => {
    const response = await post(server.port, JSON.stringify({ templateRef: 'template:default/x', values: { name: 'orders' } }));
    expect(response).toEqual({ status: 200, body: { body: { templateRef: 'template:default/x', values: { name: 'orders' } }, ownKeys: ['name'] } });
  });

  it('takes an empty body as {}, as body-parser does', async () => {
    expect(await post(server.port, '')).toEqual({ status: 200, body: { body: {}, ownKeys: [] } });
  });

  it('answers 413 naming the limit, from Content-Length', async () => {
    const response = await post(server.port, JSON.stringify({ values: { description: 'x'.repeat(2000) } }));
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      error: { name: 'PayloadTooLargeError', message: 'request body too large: the limit for POST /api/scaffolder/v2/tasks is 1 KiB' },
      request: { method: 'POST', url: '/api/scaffolder/v2/tasks' },
      response: { statusCode: 413 },
    });
  });

  it('answers 413 for a chunked body once it passes the limit', async () => {
    const response = await post(server.port, JSON.stringify({ values: { description: 'x'.repeat(200_000) } }), { 'transfer-encoding': 'chunked' });
    expect(response.status).toBe(413);
    expect(errorOf(response).message).toMatch(/limit .* is 1 KiB/);
  });

  it('answers 400 naming the path and the rule for nesting', async () => {
    const response = await post(server.port, '{"values":{"a":[[{"b":1}]]}}');
    expect(response.status).toBe(400);
    expect(errorOf(response)).toEqual({ name: 'InputError', message: 'values.a[0][0]: JSON must not nest deeper than 4 levels' });
  });

  it('answers 400 for __proto__, which JSON.parse would otherwise hand on as an own key', async () => {
    const response = await post(server.port, '{"values":{"__proto__":{"isAdmin":true}}}');
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe('values.__proto__: the key "__proto__" is not allowed anywhere in the body');
  });

  it('answers 400 for a NUL byte, naming the field', async () => {
    const response = await post(server.port, '{"values":{"name":"a\\u0000b"}}');
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toMatch(/^values\.name: a string must not contain control characters \(found U\+0000/);
  });

  it('answers 400 for invalid JSON, invalid UTF-8 and a body that is no object', async () => {
    expect(errorOf(await post(server.port, '{"values":')).message).toMatch(/^\(body\): the body is not valid JSON/);
    expect(errorOf(await post(server.port, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).message).toBe('the request body is not valid UTF-8');
    expect(errorOf(await post(server.port, '"just a string"')).message).toBe('(body): the body must be a JSON object or array');
  });

  it('answers 415 for a compressed body or another charset', async () => {
    expect(await post(server.port, '{}', { 'content-encoding': 'gzip' })).toMatchObject({ status: 415, body: { error: { name: 'UnsupportedMediaTypeError' } } });
    expect(await post(server.port, '{}', { 'content-type': 'application/json; charset=latin1' })).toMatchObject({ status: 415 });
  });

  it('leaves bodies that are not JSON alone, as express.json() does', async () => {
    const response = await post(server.port, 'a=\u0000', { 'content-type': 'text/plain' });
    expect(response).toEqual({ status: 200, body: { body: {}, ownKeys: [] } });
  });
});
