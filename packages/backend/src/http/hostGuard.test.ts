import http from 'http';
import { AddressInfo } from 'net';
import { AllowedHosts } from './allowedHosts';
import { createHostGuard } from './hostGuard';

/** A real server: the guard, then a handler that answers 200 "passed". */
async function serve(): Promise<{ port: number; close(): Promise<void> }> {
  const guard = createHostGuard(new AllowedHosts({ baseUrls: ['http://localhost:7007'], extraHosts: [], listenPort: 7007, listenProtocol: 'http:' }));
  const server = http.createServer((req, res) => guard(req, res, () => res.end('passed')));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function get(port: number, host: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/api/catalog/entities', headers: { host } }, res => {
        let body = '';
        res.on('data', chunk => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('createHostGuard', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (server = await serve()));
  afterAll(() => server.close());

  it('passes a Host the base URL names', async () => {
    expect(await get(server.port, 'localhost:7007')).toMatchObject({ status: 200, body: 'passed' });
  });

  it('answers 421 in Backstage\'s error shape, without a stack, for any other Host', async () => {
    const response = await get(server.port, 'evil.example:7007');
    expect(response.status).toBe(421);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(response.body)).toEqual({
      error: {
        name: 'MisdirectedRequestError',
        message: 'Misdirected request: host "evil.example:7007" is not served here (add it to backend.baseUrl, app.baseUrl or slipway.http.allowedHosts if it should be)',
      },
      request: { method: 'GET', url: '/api/catalog/entities' },
      response: { statusCode: 421 },
    });
  });
});
