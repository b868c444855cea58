import http from 'http';
import { AddressInfo } from 'net';
import { createOriginGuard } from './originGuard';
import { OriginPolicy } from './originPolicy';

async function serve(): Promise<{ port: number; close(): Promise<void> }> {
  const guard = createOriginGuard(new OriginPolicy(new Set(['http://localhost:7007'])));
  const server = http.createServer((req, res) => guard(req, res, () => res.end('passed')));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function send(port: number, method: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: '/api/scaffolder/v2/tasks', headers: { host: 'localhost:7007', ...headers } }, res => {
      let body = '';
      res.on('data', chunk => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createOriginGuard', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (server = await serve()));
  afterAll(() => server.close());

  it('passes requests without Origin (curl, git) and from the backend\'s own pages', async () => {
    expect(await send(server.port, 'POST', {})).toEqual({ status: 200, body: 'passed' });
    expect(await send(server.port, 'POST', { origin: 'http://localhost:7007' })).toEqual({ status: 200, body: 'passed' });
  });

  it.each(['GET', 'POST', 'OPTIONS', 'DELETE'])('answers 403 to a foreign Origin on %s', async method => {
    const response = await send(server.port, method, { origin: 'http://evil.example:7007' });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).error).toEqual({
      name: 'NotAllowedError',
      message: 'Forbidden: a cross-origin request from http://evil.example:7007 is refused; this Backstage answers its own pages only',
    });
  });

  it('answers 403 to Origin: null', async () => {
    const response = await send(server.port, 'POST', { origin: 'null' });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).error.message).toMatch(/opaque origin \(Origin: null\)/);
  });
});
