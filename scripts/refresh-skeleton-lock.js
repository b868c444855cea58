#!/usr/bin/env node
'use strict';
/*
 * Regenerates skeletons/<skeleton>/package-lock.json after package.json.hbs changed.
 *
 *   node scripts/refresh-skeleton-lock.js            # keep locked versions that still fit, resolve the rest
 *   node scripts/refresh-skeleton-lock.js --upgrade  # resolve everything afresh (newest versions the ranges allow)
 *   node scripts/refresh-skeleton-lock.js --check    # exit 1 if the checked-in lock is not what a refresh writes
 *   --skeleton <name>                                # default node-service
 *
 * It renders the package.json of each seed variant (together they have every
 * dependency: PostgreSQL, and a publisher of each broker kind and a cache for
 * node-service), locks the union of their dependencies with
 * `npm install --package-lock-only --ignore-scripts` in a temporary folder and
 * writes the lock back. Every render then prunes that lock to its own variant
 * (plugins/slipway-render/src/lockfile.ts).
 *
 * Needs the compiled workspaces (`npx tsc -b`) and the npm registry.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const REGISTRY_TARBALL = /^https:\/\/registry\.npmjs\.org\//;
/** The values rendered into the lock's package.json; reconciliation replaces name and version per service. */
const SEED_VALUES = {
  name: 'node-service',
  owner: 'group:default/platform',
  description: 'Lock seed for the node-service skeleton',
  database: 'postgres',
};
/** Variants whose dependencies, together, are every dependency package.json.hbs can render (each is SEED_VALUES plus these). */
const SEED_VARIANTS = [
  {},
  { database: 'none' },
  { publishes: { kind: 'rabbitmq', external: { name: 'seed-mq' }, queue: 'seed' }, cache: {} },
  { publishes: { kind: 'nats', external: { name: 'seed-nats' }, queue: 'seed' } },
  { publishes: { kind: 'redis', external: { name: 'seed-redis' }, queue: 'seed' } },
];

/** One package.json with the dependencies of every variant (the first variant's otherwise). */
function unionPackageJson(texts) {
  const [first, ...rest] = texts.map(text => JSON.parse(text));
  for (const other of rest) {
    for (const field of ['dependencies', 'devDependencies']) {
      first[field] = Object.fromEntries(Object.entries({ ...first[field], ...other[field] }).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  return `${JSON.stringify(first, null, 2)}\n`;
}

function parseArgs(argv) {
  const args = { skeleton: 'node-service', upgrade: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--upgrade') args.upgrade = true;
    else if (arg === '--check') args.check = true;
    else if (arg === '--skeleton') args.skeleton = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (!/^[a-z0-9][-a-z0-9]*$/.test(args.skeleton || '')) throw new Error('--skeleton needs a skeleton folder name');
  return args;
}

function loadWorkspaces() {
  try {
    return {
      common: require(path.join(REPO, 'plugins/slipway-common')),
      render: require(path.join(REPO, 'plugins/slipway-render')),
      lockfile: require(path.join(REPO, 'plugins/slipway-render/dist/lockfile')),
    };
  } catch (error) {
    throw new Error(`cannot load the compiled workspaces; run \`npx tsc -b\` first (${error.message})`);
  }
}

async function renderPackageJson(ws, skeletonsDir, skeleton, values) {
  const entries = await ws.render.loadCompiledSkeleton({ skeletonsDir, skeleton });
  const entry = entries.find(e => e.path === 'package.json');
  if (!entry || !entry.render) throw new Error(`skeleton ${skeleton} has no package.json.hbs`);
  return entry.render(ws.render.createSkeletonContext(ws.common.resolveServiceSpec(values)));
}

function npmInstallLockOnly(dir) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    [
      'install',
      '--package-lock-only',
      '--ignore-scripts',
      '--lockfile-version=3',
      // Some machines set omit-lockfile-registry-resolved in ~/.npmrc; a lock without
      // "resolved" makes every npm ci look tarballs up again. Write them.
      '--omit-lockfile-registry-resolved=false',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' },
  );
  if (result.status !== 0) {
    throw new Error(`npm install --package-lock-only failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  }
}

/** Refuses locks that would not install the same everywhere. */
function checkLock(lock) {
  const problems = [];
  if (lock.lockfileVersion !== 3) problems.push(`lockfileVersion is ${lock.lockfileVersion}, not 3`);
  for (const [location, entry] of Object.entries(lock.packages || {})) {
    if (location === '') continue;
    if (entry.link) {
      problems.push(`${location} is a link; a generated repo cannot contain it`);
      continue;
    }
    if (typeof entry.resolved !== 'string') problems.push(`${location} has no "resolved" URL`);
    else if (!REGISTRY_TARBALL.test(entry.resolved)) {
      problems.push(`${location} resolves to ${entry.resolved}, not the public npm registry (use --registry=https://registry.npmjs.org/)`);
    }
    if (typeof entry.integrity !== 'string' || !entry.integrity.startsWith('sha512-')) {
      problems.push(`${location} has no sha512 "integrity"`);
    }
    for (const field of ['os', 'cpu', 'libc']) {
      if (entry[field]) {
        problems.push(`${location} is platform-specific (${field}: ${JSON.stringify(entry[field])}); npm ci would fail on other platforms`);
      }
    }
    if (entry.hasInstallScript) problems.push(`${location} has an install script; generated services install with --ignore-scripts`);
  }
  if (problems.length) throw new Error(`the new lock is not usable:\n${problems.map(p => `  - ${p}`).join('\n')}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ws = loadWorkspaces();
  const skeletonsDir = path.join(REPO, 'skeletons');
  const lockPath = path.join(skeletonsDir, args.skeleton, 'package-lock.json');
  const current = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : undefined;

  // node-worker's package.json has no variants; node-service's spec takes the variants' fields.
  const variants = args.skeleton === 'node-service' ? SEED_VARIANTS : SEED_VARIANTS.slice(0, 2);
  const variantJsons = [];
  for (const variant of variants) variantJsons.push(await renderPackageJson(ws, skeletonsDir, args.skeleton, { ...SEED_VALUES, ...variant }));
  const packageJson = unionPackageJson(variantJsons);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-lock-'));
  try {
    fs.writeFileSync(path.join(tmp, 'package.json'), packageJson);
    // Starting from the current lock keeps every pin the ranges still allow, so a
    // refresh changes only what package.json.hbs changed.
    if (current && !args.upgrade) fs.writeFileSync(path.join(tmp, 'package-lock.json'), current);
    npmInstallLockOnly(tmp);
    const lock = JSON.parse(fs.readFileSync(path.join(tmp, 'package-lock.json'), 'utf8'));
    checkLock(lock);
    // Normalise through the reconciler: the lock of every variant's dependencies, byte for byte.
    const next = ws.lockfile.reconcileLockfileContent(packageJson, JSON.stringify(lock));

    // Every variant must reconcile from it.
    for (const variantJson of variantJsons) ws.lockfile.reconcileLockfileContent(variantJson, next);

    const count = Object.keys(lock.packages).length - 1;
    if (args.check) {
      if (next !== current) {
        console.error(`${path.relative(REPO, lockPath)} is out of date; run node scripts/refresh-skeleton-lock.js`);
        process.exitCode = 1;
      } else {
        console.log(`${path.relative(REPO, lockPath)} is up to date (${count} packages)`);
      }
      return;
    }
    fs.writeFileSync(lockPath, next);
    console.log(`${next === current ? 'unchanged' : 'wrote'} ${path.relative(REPO, lockPath)} (${count} packages)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error.message);
    process.exit(1);
  });
}

// The lock's seed, for the test that checks the committed lock is what a refresh writes.
module.exports = { SEED_VALUES, SEED_VARIANTS, unionPackageJson };
