#!/usr/bin/env node
'use strict';
/**
 * Makes sure the system programs that `npm test` drives for real are on this machine, and
 * installs the missing ones from Debian's apt repositories. `npm test` runs it first, so a
 * fresh clone on a machine with only Node and npm passes (the npm registry cannot provide
 * these: playwright cannot download browsers here, and there is no PostgreSQL server on npm).
 *
 *   everything present -> prints nothing, exits 0 (a few stat calls)
 *   something missing  -> root: `apt-get update` once, then one `apt-get install`
 *                         not root: the same through `sudo -n`, when that works without a password
 *                         otherwise: exits 1 naming the packages and the command to install them
 *
 * It is also a module: test/support/browser.ts asks it where Chromium is, so the check here
 * and the binary the test launches cannot disagree.
 *
 * To add a system dependency, add one entry to REQUIREMENTS.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/**
 * One entry per program. Its locations are alternatives, tried in this order:
 *   env      - an environment variable naming the binary; when set it is the only answer
 *   paths    - absolute paths; a `*` segment matches any directory name (newest version first)
 *   commands - names looked up on PATH and in the sbin/bin directories (nginx and
 *              rabbitmq-server live in /usr/sbin, which a non-root PATH may lack)
 * apt lists the Debian packages that provide it.
 */
const REQUIREMENTS = [
  {
    name: 'Chromium',
    usedBy: 'the browser end-to-end test (test/browser.e2e.test.ts, driven by playwright-core)',
    apt: ['chromium'],
    env: 'SLIPWAY_CHROMIUM',
    paths: ['/usr/bin/chromium'],
    commands: ['chromium'],
  },
  {
    name: 'PostgreSQL server',
    usedBy: 'the tests that run a generated service and the production config against a throwaway server',
    apt: ['postgresql'],
    // Where test/support/postgres.ts looks: Debian's versioned server binaries. Not PATH, where
    // a psql or initdb can come from a client-only package or a symlink the tests do not use.
    paths: ['/usr/lib/postgresql/*/bin/initdb'],
  },
  {
    name: 'Prometheus',
    usedBy: 'the real-Prometheus end-to-end test and the promtool tests of the generated alerts (test/prometheus.e2e.test.ts)',
    // One package: `prometheus` and `promtool` (test/support/prometheus.ts finds promtool beside it).
    apt: ['prometheus'],
    commands: ['prometheus'],
  },
  {
    name: 'nginx',
    usedBy: 'the static-frontend end-to-end test, which serves the generated app through its generated nginx config (test/static-frontend-app.e2e.test.ts)',
    // Debian's package puts the binary in /usr/sbin (a non-root PATH may lack it; commands also looks there).
    apt: ['nginx'],
    env: 'SLIPWAY_NGINX',
    commands: ['nginx'],
  },
  {
    name: 'Redis server',
    usedBy: 'the node-worker end-to-end test, which runs the generated worker against a real Redis Streams consumer group (test/node-worker-app.e2e.test.ts)',
    apt: ['redis-server'],
    commands: ['redis-server'],
  },
  {
    name: 'RabbitMQ server',
    usedBy: 'the node-worker end-to-end test, which runs the generated worker against a real RabbitMQ (test/node-worker-app.e2e.test.ts)',
    apt: ['rabbitmq-server'],
    // Debian's real start script: /usr/sbin/rabbitmq-server is a wrapper that, run as root, switches to
    // the rabbitmq user and its /var/lib/rabbitmq, which a throwaway node in a temp dir must not use.
    paths: ['/usr/lib/rabbitmq/bin/rabbitmq-server'],
  },
  {
    name: 'NATS server',
    usedBy: 'the node-worker end-to-end test, which runs the generated worker against a real NATS JetStream (test/node-worker-app.e2e.test.ts)',
    // Debian's package puts the binary in /usr/sbin (commands also looks there).
    apt: ['nats-server'],
    commands: ['nats-server'],
  },
];

// Extra directories for `commands`, after PATH.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Expands an absolute path whose segments may be `*`, newest-looking version first (15 before 9.6). */
function expand(pattern) {
  let found = ['/'];
  for (const segment of pattern.split('/').filter(Boolean)) {
    const next = [];
    for (const dir of found) {
      if (segment !== '*') {
        next.push(path.join(dir, segment));
        continue;
      }
      let names = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        // No such directory: this pattern matches nothing here.
      }
      names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
      next.push(...names.map(name => path.join(dir, name)));
    }
    found = next;
  }
  return found;
}

/** Where a requirement is looked for, for messages. */
function whereLooked(req) {
  return [
    ...(req.env ? [`$${req.env}`] : []),
    ...(req.paths ?? []),
    ...(req.commands ?? []).map(command => `${command} on PATH`),
  ].join(', ');
}

/**
 * The binary that satisfies a requirement, or undefined. When the requirement's environment
 * variable is set, only that path counts: installing the Debian package would not change what
 * the tests launch.
 */
function locate(req, env = process.env) {
  if (req.env && env[req.env]) return isExecutableFile(env[req.env]) ? env[req.env] : undefined;
  for (const pattern of req.paths ?? []) {
    const hit = expand(pattern).find(isExecutableFile);
    if (hit) return hit;
  }
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SYSTEM_DIRS];
  for (const command of req.commands ?? []) {
    for (const dir of dirs) {
      if (isExecutableFile(path.join(dir, command))) return path.join(dir, command);
    }
  }
  return undefined;
}

function requirement(name) {
  const req = REQUIREMENTS.find(r => r.name === name);
  if (!req) throw new Error(`no requirement named ${name}`);
  return req;
}

/** The Chromium binary the browser test launches, or undefined. */
function findChromium(env = process.env) {
  return locate(requirement('Chromium'), env);
}

/** The directory of PostgreSQL's server binaries (initdb, pg_ctl), or undefined. */
function findPostgresBinDir(env = process.env) {
  const initdb = locate(requirement('PostgreSQL server'), env);
  return initdb && path.dirname(initdb);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function fail(lines) {
  process.stderr.write(lines.map(line => `ensure-test-system: ${line}\n`).join(''));
  process.exit(1);
}

function main() {
  const missing = REQUIREMENTS.filter(req => !locate(req));
  if (missing.length === 0) return;

  const listing = missing.map(req => `  - ${req.name} (Debian: ${req.apt.join(' ')}), for ${req.usedBy}; looked in ${whereLooked(req)}`);
  // An override that points nowhere is a typo to fix, not something apt can install.
  const badOverrides = missing.filter(req => req.env && process.env[req.env]);
  if (badOverrides.length > 0) {
    fail(badOverrides.map(req => `${req.env}=${process.env[req.env]} is not an executable file; fix or unset it`));
  }

  const packages = [...new Set(missing.flatMap(req => req.apt))];
  const manual = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!onPath('apt-get')) {
    fail(['npm test needs programs this machine lacks, and there is no apt-get to install them:', ...listing,
      `On Debian or Ubuntu: ${manual}`]);
  }
  // Only a password-less sudo: a prompt in the middle of `npm test` (or a hang in CI) is worse than a clear error.
  const prefix = isRoot ? [] : onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : undefined;
  if (!prefix) {
    fail(['npm test needs programs this machine lacks:', ...listing,
      'Not root and no password-less sudo, so install them yourself, then run npm test again:',
      `  sudo sh -c '${manual}'`]);
  }

  process.stderr.write(`ensure-test-system: missing:\n${listing.join('\n')}\n` +
    `ensure-test-system: installing Debian packages: ${packages.join(' ')}\n`);
  const started = Date.now();
  const apt = args => {
    // DPkg::Lock::Timeout waits for another apt (a parallel run, unattended upgrades) instead of failing at once.
    const command = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-q', '-o', 'DPkg::Lock::Timeout=300', ...args];
    const result = spawnSync(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) fail([`\`${command.join(' ')}\` failed (exit ${result.status ?? result.signal}); install by hand: ${manual}`]);
  };
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...packages]);

  const stillMissing = missing.filter(req => !locate(req));
  if (stillMissing.length > 0) {
    fail([`installed ${packages.join(' ')}, but still cannot find: ${stillMissing.map(req => `${req.name} (looked in ${whereLooked(req)})`).join('; ')}`]);
  }
  const found = missing.map(req => `${req.name} at ${locate(req)}`).join(', ');
  process.stderr.write(`ensure-test-system: installed ${packages.join(' ')} in ${Math.round((Date.now() - started) / 1000)} s: ${found}\n`);
}

module.exports = { REQUIREMENTS, locate, whereLooked, requirement, findChromium, findPostgresBinDir };

if (require.main === module) main();
