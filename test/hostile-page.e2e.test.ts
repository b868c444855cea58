/**
 * Issue 7, finding "DNS rebinding works": a web page the user visits must not be able to
 * drive the embedded Backstage (default auth policy off, listening on 127.0.0.1).
 *
 * A rebinding page is served first from the attacker's server under the attacker's name,
 * then the name's DNS answer flips to 127.0.0.1; from then on the page's requests reach
 * the backend as same-origin requests, with `Host: evil.example:PORT` and
 * `Origin: http://evil.example:PORT`. Against the real backend (packages/backend/dist):
 * those requests, and any request with a foreign Origin, are refused; curl, git and the
 * backend's own pages still work.
 */
import { promises as fs } from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import type { Browser } from 'playwright-core';
import { RunningBackend, startBackend } from './support/backend';
import { launchChromium } from './support/browser';
import { runOk } from './support/processes';
import { postJson, rawRequest, RawResponse } from './support/rawHttp';
import { NODE_SERVICE_TEMPLATE, waitForTask } from './support/tasks';

const EVIL = 'evil.example';
const taskBody = (name: string) => ({
  templateRef: NODE_SERVICE_TEMPLATE,
  values: { name, owner: 'group:default/team-a', description: `The ${name} service.`, publisher: 'local' },
});

async function publishedRepos(backend: RunningBackend): Promise<string[]> {
  const entries = await fs.readdir(path.join(backend.dataDir, 'repos'));
  return entries.filter(entry => entry.endsWith('.git')).sort();
}

/** Names of every task the scaffolder knows, asked the way curl asks. */
async function taskNames(backend: RunningBackend): Promise<string[]> {
  const tasks = await rawRequest(backend.port, { path: '/api/scaffolder/v2/tasks' });
  expect(tasks.status).toBe(200);
  return (tasks.json.tasks as Array<{ spec: { parameters?: { name?: string } } }>).map(task => task.spec.parameters?.name ?? '');
}

function expectRefused(response: RawResponse, status: number, name: string): void {
  expect({ status: response.status, name: response.json?.error?.name }).toEqual({ status, name });
  expect(response.text).not.toMatch(/\n\s+at |"stack"/);
}

describe('finding: DNS rebinding works', () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await startBackend();
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    if (backend) await fs.rm(backend.dataDir, { recursive: true, force: true });
  });

  it('refuses every request a rebinding page sends (Host and Origin evil.example) with 421, and publishes nothing', async () => {
    const rebound = { host: `${EVIL}:${backend.port}`, headers: { origin: `http://${EVIL}:${backend.port}` } };
    const responses = {
      createTask: await postJson(backend.port, '/api/scaffolder/v2/tasks', taskBody('rebound'), rebound),
      catalog: await rawRequest(backend.port, { ...rebound, path: '/api/catalog/entities' }),
      tasks: await rawRequest(backend.port, { ...rebound, path: '/api/scaffolder/v2/tasks' }),
      repos: await rawRequest(backend.port, { ...rebound, path: '/api/slipway/repos' }),
      guestToken: await rawRequest(backend.port, { ...rebound, method: 'POST', path: '/api/auth/guest/refresh' }),
      app: await rawRequest(backend.port, { ...rebound, path: '/' }),
    };
    for (const [what, response] of Object.entries(responses)) {
      expect([what, response.status]).toEqual([what, 421]);
      expectRefused(response, 421, 'MisdirectedRequestError');
    }
    expect(responses.createTask.json.error.message).toContain(`host "${EVIL}:${backend.port}" is not served here`);
    expect(responses.guestToken.text).not.toMatch(/token/i);
    // The same requests without an Origin (a rebinding page's no-cors GETs) are refused too: the Host decides.
    expectRefused(await rawRequest(backend.port, { host: rebound.host, path: '/api/catalog/entities' }), 421, 'MisdirectedRequestError');

    await new Promise(resolve => setTimeout(resolve, 2000));
    expect(await taskNames(backend)).not.toContain('rebound');
    expect(await publishedRepos(backend)).toEqual([]);
  });

  it('refuses a foreign Origin with the right Host (CSRF from another local page) with 403, Origin: null too', async () => {
    for (const origin of [`http://${EVIL}:${backend.port}`, 'http://localhost:3000', `http://127.0.0.1:${backend.port}`, 'null']) {
      const created = await postJson(backend.port, '/api/scaffolder/v2/tasks', taskBody('forged'), { headers: { origin } });
      expect([origin, created.status]).toEqual([origin, 403]);
      expectRefused(created, 403, 'NotAllowedError');
      expectRefused(await rawRequest(backend.port, { method: 'POST', path: '/api/auth/guest/refresh', headers: { origin } }), 403, 'NotAllowedError');
      expectRefused(await rawRequest(backend.port, { path: '/api/catalog/entities', headers: { origin } }), 403, 'NotAllowedError');
    }
    expect(await taskNames(backend)).not.toContain('forged');
    expect(await publishedRepos(backend)).toEqual([]);
  });

  it('serves curl (right Host, no Origin) and the backend\'s own pages (same-origin Origin); git clones what they published', async () => {
    const byCurl = await postJson(backend.port, '/api/scaffolder/v2/tasks', taskBody('by-curl'));
    expect(byCurl.status).toBe(201);
    const byPage = await postJson(backend.port, '/api/scaffolder/v2/tasks', taskBody('by-page'), { headers: { origin: backend.baseUrl } });
    expect(byPage.status).toBe(201);
    // A page opened as http://127.0.0.1:PORT is its own origin too.
    const byLoopbackPage = await rawRequest(backend.port, {
      host: `127.0.0.1:${backend.port}`,
      path: '/api/catalog/entities?filter=kind=template',
      headers: { origin: `http://127.0.0.1:${backend.port}` },
    });
    expect(byLoopbackPage.status).toBe(200);
    expect((await rawRequest(backend.port, { method: 'POST', path: '/api/auth/guest/refresh' })).status).toBe(200);

    const tasks = await Promise.all([waitForTask(backend, byCurl.json.id), waitForTask(backend, byPage.json.id)]);
    expect(tasks.map(task => ({ status: task.status, log: task.status === 'completed' ? '' : task.log }))).toEqual([
      { status: 'completed', log: '' },
      { status: 'completed', log: '' },
    ]);
    expect(await publishedRepos(backend)).toEqual(expect.arrayContaining(['by-curl.git', 'by-page.git']));
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-clone-')), 'repo');
    await runOk('git', ['clone', '--quiet', `${backend.baseUrl}/api/slipway/git/by-curl.git`, dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')).name).toBe('by-curl');
    await fs.rm(path.dirname(dir), { recursive: true, force: true });
  }, 180_000);

  describe('in a real browser', () => {
    let browser: Browser;
    let attacker: http.Server;
    let attackerPort: number;

    beforeAll(async () => {
      // Debian's Chromium with test/support/browser.ts's flags (npm test installs it), plus:
      browser = await launchChromium([
        // Stands in for the attacker's rebinding DNS: evil.example resolves to 127.0.0.1,
        // as the attacker's name does once its short-TTL answer flips.
        `--host-resolver-rules=MAP ${EVIL} 127.0.0.1`,
        // Recent Chromium asks the user before a page from a public address reaches a
        // loopback one (Local Network Access; headless denies). Firefox and Safari have no
        // such check, and a user may click "Allow": the backend must not rely on it.
        '--disable-features=LocalNetworkAccessChecks',
      ]);
      // The attacker's page, served from another loopback port.
      attacker = http.createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(ATTACK_PAGE);
      });
      await new Promise<void>(resolve => attacker.listen(0, '127.0.0.1', resolve));
      attackerPort = (attacker.address() as AddressInfo).port;
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise(resolve => attacker?.close(resolve));
    });

    it('refuses a navigation to http://evil.example:PORT/ instead of serving the app', async () => {
      const page = await browser.newPage();
      const response = await page.goto(`http://${EVIL}:${backend.port}/`);
      expect(response?.status()).toBe(421);
      expect(await page.content()).toContain('is not served here');
      await page.close();
    });

    it('refuses the rebound page\'s own same-origin requests: no task, no token, no repo', async () => {
      const page = await browser.newPage();
      // The first answer for evil.example pointed at the attacker: the document comes from
      // the attacker's server. Every later request goes to the network, where the name now
      // resolves to 127.0.0.1 (the resolver rule): the backend.
      const documentUrl = `http://${EVIL}:${backend.port}/`;
      await page.route(documentUrl, async route => route.fulfill({ response: await route.fetch({ url: `http://127.0.0.1:${attackerPort}/` }) }));
      await page.goto(documentUrl);
      const results = await page.evaluate(([target, body]) => (globalThis as unknown as AttackWindow).attack(target, body), ['', JSON.stringify(taskBody('rebound-browser'))]);
      expect(results).toEqual({
        createTask: { status: 421 },
        simpleCreateTask: { status: 421 },
        catalog: { status: 421 },
        guestToken: { status: 421 },
      });
      await page.close();
      expect(await taskNames(backend)).not.toContain('rebound-browser');
      expect(await publishedRepos(backend)).not.toContain('rebound-browser.git');
    });

    it('refuses a page on another port that POSTs to the backend: the server refuses it and publishes nothing', async () => {
      const page = await browser.newPage();
      await page.goto(`http://${EVIL}:${attackerPort}/`);
      const pageOrigin = `http://${EVIL}:${attackerPort}`;
      for (const target of [backend.baseUrl, `http://${EVIL}:${backend.port}`]) {
        const results = await page.evaluate(([target, body]) => (globalThis as unknown as AttackWindow).attack(target, body), [target, JSON.stringify(taskBody('cross-origin'))]);
        // The browser reads nothing back: the CORS preflight is refused, the no-cors response is opaque.
        expect([target, results.createTask.error, results.catalog.error, results.guestToken.error]).toEqual([target, 'TypeError', 'TypeError', 'TypeError']);
      }
      await page.close();
      // And the server itself refused them, rather than a browser's CORS check alone.
      expect(backend.logs()).toContain(`Refused POST /api/scaffolder/v2/tasks: a cross-origin request from ${pageOrigin} is refused`);
      expect(backend.logs()).toContain(`Refused OPTIONS /api/scaffolder/v2/tasks: a cross-origin request from ${pageOrigin} is refused`);
      expect(await taskNames(backend)).not.toContain('cross-origin');
      expect(await publishedRepos(backend)).not.toContain('cross-origin.git');
    });
  });
});

interface AttackResult {
  status?: number;
  error?: string;
}
type AttackWindow = { attack(target: string, body: string): Promise<Record<'createTask' | 'simpleCreateTask' | 'catalog' | 'guestToken', AttackResult>> };

/**
 * What a hostile page does with the backend: create a task (a JSON POST, which needs a
 * CORS preflight cross-origin, and a "simple" text/plain no-cors POST, which does not),
 * read the catalog, and take a guest token. Each result is the status it could read, or
 * the error name.
 */
const ATTACK_PAGE = `<!doctype html><title>cute cats</title><script>
async function attempt(request) {
  try { const response = await request(); return response.type === 'opaque' ? { status: 'opaque' } : { status: response.status }; }
  catch (error) { return { error: error.name }; }
}
window.attack = async (target, body) => ({
  createTask: await attempt(() => fetch(target + '/api/scaffolder/v2/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body })),
  simpleCreateTask: await attempt(() => fetch(target + '/api/scaffolder/v2/tasks', { method: 'POST', mode: target ? 'no-cors' : 'same-origin', headers: { 'content-type': 'text/plain' }, body })),
  catalog: await attempt(() => fetch(target + '/api/catalog/entities')),
  guestToken: await attempt(() => fetch(target + '/api/auth/guest/refresh', { method: 'POST' })),
});
</script>`;
