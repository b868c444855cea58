import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { apiUrl, describeAnswer, fetchApiAnswer, MAX_ANSWER_CHARS } from './api.js';

describe('apiUrl', () => {
  it('turns the configured prefix into the URL the page asks', () => {
    assert.equal(apiUrl('/api'), '/api/');
    assert.equal(apiUrl('/api/'), '/api/');
    assert.equal(apiUrl(' /catalog '), '/catalog/');
  });

  it('is undefined when no backend is routed, and refuses what is not a path', () => {
    assert.equal(apiUrl(''), undefined);
    assert.equal(apiUrl(undefined), undefined);
    assert.throws(() => apiUrl('https://elsewhere.example/api'), /must be a path/);
  });
});

// A real HTTP server on loopback stands in for the backend behind nginx.
describe('fetchApiAnswer against a real HTTP server', () => {
  let server;
  let base;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/json') {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ name: 'catalog-api', description: 'Books and their prices', accept: req.headers.accept }));
      } else if (req.url === '/text') {
        res.setHeader('content-type', 'text/plain');
        res.end('<b>not html</b>\n');
      } else if (req.url === '/down') {
        res.statusCode = 502;
        res.end('bad gateway');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 1000).unref();
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('parses a JSON answer and asks for JSON', async () => {
    const result = await fetchApiAnswer(`${base}/json`);
    assert.equal(result.ok, true);
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { name: 'catalog-api', description: 'Books and their prices', accept: 'application/json' });
    assert.equal(describeAnswer(result), 'catalog-api: Books and their prices');
  });

  it('keeps a non-JSON answer as text, which the page shows as text', async () => {
    const result = await fetchApiAnswer(`${base}/text`);
    assert.deepEqual(result, { ok: true, status: 200, body: '<b>not html</b>\n' });
    assert.equal(describeAnswer(result), '<b>not html</b>');
  });

  it('reports an HTTP error with its status', async () => {
    const result = await fetchApiAnswer(`${base}/down`);
    assert.equal(result.ok, false);
    assert.equal(result.status, 502);
    assert.match(describeAnswer(result), /^The backend did not answer: 502 Bad Gateway$/);
  });

  it('gives up after the timeout instead of waiting forever', async () => {
    const started = Date.now();
    const result = await fetchApiAnswer(`${base}/slow`, { timeoutMs: 100 });
    assert.equal(result.ok, false);
    assert.equal(result.message, 'no answer within 100 ms');
    assert.ok(Date.now() - started < 900, 'returned before the server answered');
  });

  it('reports a connection that nobody accepts', async () => {
    const closed = http.createServer();
    await new Promise(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address();
    await new Promise(resolve => closed.close(resolve));
    const result = await fetchApiAnswer(`http://127.0.0.1:${port}/`);
    assert.equal(result.ok, false);
    assert.equal(result.status, 0);
    assert.match(describeAnswer(result), /^The backend did not answer: /);
  });
});

describe('describeAnswer', () => {
  it('shows other JSON as JSON and shortens long answers', () => {
    assert.equal(describeAnswer({ ok: true, status: 200, body: { books: 3 } }), '{"books":3}');
    assert.equal(describeAnswer({ ok: true, status: 200, body: { name: 'api' } }), 'api');
    assert.equal(describeAnswer({ ok: true, status: 200, body: '   ' }), '(an empty answer)');
    const long = describeAnswer({ ok: true, status: 200, body: 'x'.repeat(MAX_ANSWER_CHARS * 2) });
    assert.equal(long.length, MAX_ANSWER_CHARS);
    assert.ok(long.endsWith('…'));
  });
});
