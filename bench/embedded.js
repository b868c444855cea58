'use strict';
/**
 * Bench rows for the embedded Backstage: the real backend (packages/backend/dist) in a
 * child process on a free port with a fresh data directory, driven through its REST API.
 *  - end-to-end scaffold time (submit → completed, repo published and registered), warm backend
 *  - 20 concurrent tasks for 20 names
 *  - the bookstore system through the system Template (issue 10: <= 5 s warm)
 */
const { spawn } = require('child_process');
const fs = require('fs');
const fsp = fs.promises;
const net = require('net');
const os = require('os');
const path = require('path');
const { parse: parseYaml, stringify: stringifyYaml } = require('yaml');

const ROOT = path.resolve(__dirname, '..');
/** The Templates the rows below submit. */
const BENCH_TEMPLATES = ['slipway-node-service', 'slipway-system'];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function startBackend() {
  const port = await freePort();
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'slipway-bench-data-'));
  const baseUrl = `http://localhost:${port}`;
  const override = path.join(dataDir, 'bench-override.yaml');
  await fsp.writeFile(
    override,
    `app:\n  baseUrl: ${baseUrl}\nbackend:\n  baseUrl: ${baseUrl}\n  listen:\n    port: ${port}\n  reading:\n    allow:\n      - host: localhost:${port}\n`,
  );
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'packages/backend/dist/index.js'), '--config', path.join(ROOT, 'app-config.yaml'), '--config', override],
    { cwd: ROOT, env: { ...process.env, SLIPWAY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += chunk));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend exited: ${stderr}`);
    // Ready when the catalog holds both Templates the rows run: it registers each location on its
    // own, so "some template" can be true while another is still being read.
    const ok = await fetch(`${baseUrl}/api/catalog/entities?filter=kind=template`)
      .then(r => (r.ok ? r.json() : []))
      .then(entities => Array.isArray(entities) && BENCH_TEMPLATES.every(name => entities.some(entity => entity.metadata.name === name)))
      .catch(() => false);
    if (ok) break;
    if (Date.now() - started > 60000) throw new Error(`backend not ready after 60 s: ${stderr}`);
    await sleep(100);
  }
  const readyMs = Date.now() - started;
  return {
    baseUrl,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      await new Promise(resolve => child.once('exit', resolve));
      await fsp.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function api(baseUrl, method, pathname, body) {
  const response = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Resolves when task `id` has completed (polling every 25 ms); a failed task throws with its last messages. */
async function finished(baseUrl, id, name) {
  for (;;) {
    const task = await api(baseUrl, 'GET', `/api/scaffolder/v2/tasks/${id}`);
    if (task.status === 'completed') return;
    if (task.status === 'failed' || task.status === 'cancelled') {
      const events = await api(baseUrl, 'GET', `/api/scaffolder/v2/tasks/${id}/events`);
      const messages = events.map(event => event.body.message).filter(Boolean).slice(-3).join(' | ');
      throw new Error(`task for ${name} ${task.status}: ${messages}`);
    }
    await sleep(25);
  }
}

/** Submits a scaffold of `name` and resolves when the task has finished. */
async function scaffold(baseUrl, name) {
  const { id } = await api(baseUrl, 'POST', '/api/scaffolder/v2/tasks', {
    templateRef: 'template:default/slipway-node-service',
    values: { name, owner: 'group:default/team-a', description: `Bench service ${name}.`, publisher: 'local' },
  });
  await finished(baseUrl, id, name);
}

/**
 * The bookstore (examples/systems/bookstore.yaml) as the system Template's form sends it (each
 * part's values as YAML text; repos and layout are not form fields), under names of its own: the
 * system and every part and resource get `prefix`, edges and holders follow, so each run makes
 * new repos and entities (the action refuses existing ones).
 */
function bookstoreForm(prefix) {
  const bookstore = parseYaml(fs.readFileSync(path.join(ROOT, 'examples/systems/bookstore.yaml'), 'utf8'));
  const renamed = name => `${prefix}-${name}`;
  const { repos: _repos, layout: _layout, ...values } = bookstore;
  const edges = Object.fromEntries(
    Object.entries(values.edges ?? {}).map(([kind, list]) => [kind, list.map(edge => ({ ...edge, from: renamed(edge.from), to: renamed(edge.to) }))]),
  );
  return {
    ...values,
    name: renamed(values.name),
    parts: values.parts.map(part => ({ ...part, name: renamed(part.name), values: stringifyYaml(part.values ?? {}) })),
    resources: (values.resources ?? []).map(resource => ({ ...resource, name: renamed(resource.name), ...(resource.heldBy ? { heldBy: renamed(resource.heldBy) } : {}) })),
    edges,
    publisher: 'local',
  };
}

/** Creates the bookstore through the system Template (generate every part, validate, publish and register each). */
async function createSystem(baseUrl, prefix) {
  const { id } = await api(baseUrl, 'POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/slipway-system', values: bookstoreForm(prefix) });
  await finished(baseUrl, id, `the ${prefix} bookstore`);
}

async function benchEmbedded({ line, stats, ms, verdict, nowMs, iterations = 10, systemIterations = 5 }) {
  console.log('\n4. Embedded Backstage: scaffold through the REST API (real backend, SQLite files, local Git remote)');
  const backend = await startBackend();
  try {
    line('backend ready after start', `${(backend.readyMs / 1000).toFixed(1)} s`);
    // Warm-up: the first task loads the validator's schemas and compiles the skeleton.
    const firstStart = nowMs();
    await scaffold(backend.baseUrl, 'warmup-0');
    line('first scaffold (cold)', ms(nowMs() - firstStart));
    const times = [];
    for (let i = 0; i < iterations; i++) {
      const start = nowMs();
      await scaffold(backend.baseUrl, `single-${i}`);
      times.push(nowMs() - start);
    }
    const single = stats(times);
    const pass = single.median <= 2000;
    line(`scaffold, submit → completed, median of ${single.n} (p90)`, `${ms(single.median)} (p90 ${ms(single.p90)})`, `target <= 2000 ms: ${verdict(pass)}`);

    const names = Array.from({ length: 20 }, (_, i) => `burst-${String(i).padStart(2, '0')}`);
    const burstStart = nowMs();
    await Promise.all(names.map(name => scaffold(backend.baseUrl, name)));
    const burstMs = nowMs() - burstStart;
    line('20 concurrent tasks, 20 names, all completed', `${(burstMs / 1000).toFixed(1)} s (${ms(burstMs / 20)} per task)`);
    const repos = await api(backend.baseUrl, 'GET', '/api/slipway/repos');
    line('repos published', `${repos.length} (1 warm-up + ${iterations} + 20)`);

    // Issue 10's target: the bookstore (4 parts, 3 environments, plus its system repo) through
    // the system Template, warm (the backend has run the rows above; one system first).
    const systemFirstStart = nowMs();
    await createSystem(backend.baseUrl, 'bench0');
    line('the bookstore system through REST, first', ms(nowMs() - systemFirstStart));
    const systemTimes = [];
    for (let i = 1; i <= systemIterations; i++) {
      const start = nowMs();
      await createSystem(backend.baseUrl, `bench${i}`);
      systemTimes.push(nowMs() - start);
    }
    const system = stats(systemTimes);
    const systemPass = system.median <= 5000;
    line(`  submit → completed (5 repos validated, published, registered), median of ${system.n} (p90)`, `${ms(system.median)} (p90 ${ms(system.p90)})`, `target <= 5000 ms: ${verdict(systemPass)}`);
    return { single, burstMs, pass, system, systemPass };
  } finally {
    await backend.stop();
  }
}

module.exports = { benchEmbedded };
