import { promises as fs } from 'fs';
import path from 'path';
import { resolveServiceSpec } from '@slipway/common';
import {
  Lockfile,
  LockfileError,
  PackageJson,
  reconcileLock,
  reconcileLockfile,
  reconcileLockfileContent,
  resolveLocation,
  satisfies,
  stringifyLikeNpm,
} from './lockfile';
import { createSkeletonContext } from '@slipway/skeletons';
import { loadCompiledSkeleton } from './renderer';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script, required for its seed
const lockSeed = require('../../../scripts/refresh-skeleton-lock.js') as {
  SEED_VALUES: Record<string, unknown>;
  SEED_VARIANTS: Array<Record<string, unknown>>;
  unionPackageJson(texts: string[]): string;
};

const SKELETONS_DIR = path.resolve(__dirname, '../../../skeletons');

const entry = (version: string, fields: Record<string, unknown> = {}) => ({
  version,
  resolved: `https://registry.npmjs.org/x/-/x-${version}.tgz`,
  integrity: `sha512-${version}`,
  ...fields,
});

/**
 * root ── a (prod) ── d@^2 (nested: a/node_modules/d) ── f
 *      ├─ b (dev)  ── d@^1 (hoisted) ── g (optional)
 *      ├─ c (optional) ── h; b also needs h → h is devOptional
 *      └─ p (prod) ── q (peer); r is an optional peer nobody installed
 */
function fixtureLock(): Lockfile {
  return {
    name: 'seed',
    version: '9.9.9',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': {
        name: 'seed',
        version: '9.9.9',
        dependencies: { a: '^1.0.0', p: '^1.0.0' },
        devDependencies: { b: '^1.0.0' },
        optionalDependencies: { c: '^1.0.0' },
      },
      'node_modules/a': entry('1.0.0', { dependencies: { d: '^2.0.0' } }),
      'node_modules/a/node_modules/d': entry('2.1.0', { dependencies: { f: '^1.0.0' } }),
      'node_modules/f': entry('1.0.0'),
      'node_modules/b': entry('1.2.0', { dev: true, dependencies: { d: '^1.0.0', h: '^1.0.0' } }),
      'node_modules/d': entry('1.5.0', { dev: true, optionalDependencies: { g: '^1.0.0' } }),
      'node_modules/g': entry('1.0.0', { dev: true, optional: true }),
      'node_modules/c': entry('1.0.0', { optional: true, dependencies: { h: '^1.0.0' } }),
      'node_modules/h': entry('1.0.0', { devOptional: true }),
      'node_modules/p': entry('1.0.0', { peerDependencies: { q: '^1.0.0', r: '^1.0.0' }, peerDependenciesMeta: { r: { optional: true } } }),
      'node_modules/q': entry('1.0.0', { peer: true }),
      'node_modules/stale': entry('3.0.0', { extraneous: true }),
    },
  };
}

const fixturePackage = (overrides: Partial<PackageJson> = {}): PackageJson => ({
  name: 'orders',
  version: '0.1.0',
  description: 'not copied into the lock',
  private: true,
  license: 'UNLICENSED',
  engines: { node: '>=20' },
  scripts: { test: 'node --test' },
  dependencies: { a: '^1.0.0', p: '^1.0.0' },
  devDependencies: { b: '^1.0.0' },
  optionalDependencies: { c: '^1.0.0' },
  ...overrides,
});

const flags = (lock: Lockfile, location: string) =>
  (['dev', 'optional', 'devOptional', 'peer'] as const).filter(flag => lock.packages[location]?.[flag]);

describe('reconcileLock', () => {
  it('rewrites the top level and the root entry from package.json, as npm writes them', () => {
    const lock = reconcileLock(fixturePackage(), fixtureLock());
    expect(lock.name).toBe('orders');
    expect(lock.version).toBe('0.1.0');
    expect(lock.packages['']).toEqual({
      name: 'orders',
      version: '0.1.0',
      license: 'UNLICENSED',
      dependencies: { a: '^1.0.0', p: '^1.0.0' },
      devDependencies: { b: '^1.0.0' },
      optionalDependencies: { c: '^1.0.0' },
      engines: { node: '>=20' },
    });
  });

  it('drops entries nothing reaches and keeps the rest', () => {
    const lock = reconcileLock(fixturePackage(), fixtureLock());
    expect(Object.keys(lock.packages).sort()).toEqual(
      [
        '',
        'node_modules/a',
        'node_modules/a/node_modules/d',
        'node_modules/b',
        'node_modules/c',
        'node_modules/d',
        'node_modules/f',
        'node_modules/g',
        'node_modules/h',
        'node_modules/p',
        'node_modules/q',
      ].sort(),
    );
  });

  it('recomputes dev, optional, devOptional and peer like npm', () => {
    const lock = reconcileLock(fixturePackage(), fixtureLock());
    expect(flags(lock, 'node_modules/a')).toEqual([]);
    expect(flags(lock, 'node_modules/a/node_modules/d')).toEqual([]);
    expect(flags(lock, 'node_modules/f')).toEqual([]);
    expect(flags(lock, 'node_modules/b')).toEqual(['dev']);
    expect(flags(lock, 'node_modules/d')).toEqual(['dev']);
    expect(flags(lock, 'node_modules/g')).toEqual(['dev', 'optional']);
    expect(flags(lock, 'node_modules/c')).toEqual(['optional']);
    expect(flags(lock, 'node_modules/h')).toEqual(['devOptional']);
    expect(flags(lock, 'node_modules/q')).toEqual(['peer']);
  });

  it('resolves with Node nested lookup: a sees its own d@2, b the hoisted d@1', () => {
    // Without b the hoisted d@1 (and its optional g) are unreachable: a's nested copy shadows it.
    const lock = reconcileLock(fixturePackage({ devDependencies: {} }), fixtureLock());
    expect(lock.packages['node_modules/a/node_modules/d']).toBeDefined();
    expect(lock.packages['node_modules/d']).toBeUndefined();
    expect(lock.packages['node_modules/g']).toBeUndefined();
    expect(lock.packages['node_modules/b']).toBeUndefined();
    // h stays for c, now only optional.
    expect(flags(lock, 'node_modules/h')).toEqual(['optional']);
  });

  it('updates flags when a dependency moves between production and dev', () => {
    const lock = reconcileLock(
      fixturePackage({ dependencies: { a: '^1.0.0', b: '^1.0.0', p: '^1.0.0' }, devDependencies: undefined }),
      fixtureLock(),
    );
    expect(flags(lock, 'node_modules/b')).toEqual([]);
    expect(flags(lock, 'node_modules/d')).toEqual([]);
    expect(flags(lock, 'node_modules/g')).toEqual(['optional']);
    expect(flags(lock, 'node_modules/h')).toEqual([]);
    expect(lock.packages[''].devDependencies).toBeUndefined();
  });

  it('does not modify its inputs', () => {
    const lock = fixtureLock();
    const before = JSON.stringify(lock);
    reconcileLock(fixturePackage({ devDependencies: {} }), lock);
    expect(JSON.stringify(lock)).toBe(before);
  });

  it('throws when package.json needs a package the lock lacks', () => {
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: '^1.0.0', zod: '^4.0.0' } }), fixtureLock())).toThrow(
      /zod@\^4\.0\.0 is not in the lock[\s\S]*refresh-skeleton-lock\.js/,
    );
  });

  it('throws when the locked version is outside the rendered range (package.json.hbs edited, lock not refreshed)', () => {
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: '^1.1.0', p: '^1.0.0' } }), fixtureLock())).toThrow(
      LockfileError,
    );
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: '^1.1.0', p: '^1.0.0' } }), fixtureLock())).toThrow(
      /a@\^1\.1\.0 is locked at 1\.0\.0, outside that range/,
    );
  });

  it('accepts a changed range the locked version still satisfies, as npm ci does', () => {
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: '1.x', p: '>=1' } }), fixtureLock())).not.toThrow();
  });

  it('compares non-semver specs with the spec the lock was made for', () => {
    const lock = fixtureLock();
    lock.packages[''].dependencies = { a: 'latest', p: '^1.0.0' };
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: 'latest', p: '^1.0.0' } }), lock)).not.toThrow();
    expect(() => reconcileLock(fixturePackage({ dependencies: { a: 'next', p: '^1.0.0' } }), lock)).toThrow(
      /a@next was locked for "latest"/,
    );
  });

  it('tolerates missing optional dependencies, missing optional peers and missing peers', () => {
    const lock = fixtureLock();
    delete lock.packages['node_modules/g'];
    delete lock.packages['node_modules/c'];
    delete lock.packages['node_modules/q'];
    expect(() => reconcileLock(fixturePackage(), lock)).not.toThrow();
  });

  it('throws when a transitive dependency is missing from the lock', () => {
    const lock = fixtureLock();
    delete lock.packages['node_modules/f'];
    expect(() => reconcileLock(fixturePackage(), lock)).toThrow(
      /"node_modules\/a\/node_modules\/d" depends on f@\^1\.0\.0, which it does not contain/,
    );
  });

  it('only accepts lockfileVersion 3', () => {
    expect(() => reconcileLock(fixturePackage(), { ...fixtureLock(), lockfileVersion: 2 })).toThrow(/lockfileVersion 3/);
    expect(() => reconcileLock(fixturePackage(), { lockfileVersion: 3 } as Lockfile)).toThrow(/lockfileVersion 3/);
  });

  it('rejects workspaces', () => {
    expect(() => reconcileLock(fixturePackage({ workspaces: ['packages/*'] }), fixtureLock())).toThrow(/workspaces/);
  });

  it('follows links to their targets', () => {
    const lock = fixtureLock();
    lock.packages['node_modules/l'] = { resolved: 'libs/l', link: true };
    lock.packages['libs/l'] = { version: '1.0.0', dependencies: { f: '^1.0.0' } };
    const result = reconcileLock(fixturePackage({ dependencies: { l: 'file:libs/l' } }), {
      ...lock,
      packages: { ...lock.packages, '': { ...lock.packages[''], dependencies: { l: 'file:libs/l' } } },
    });
    expect(Object.keys(result.packages).sort()).toEqual(
      ['', 'libs/l', 'node_modules/b', 'node_modules/c', 'node_modules/d', 'node_modules/f', 'node_modules/g', 'node_modules/h', 'node_modules/l'].sort(),
    );
  });
});

describe('resolveLocation', () => {
  const packages = {
    'node_modules/x': {},
    'node_modules/@s/y': {},
    'node_modules/@s/y/node_modules/x': {},
    'node_modules/z/node_modules/w': {},
  };
  it('walks up the folders like Node', () => {
    expect(resolveLocation(packages, '', 'x')).toBe('node_modules/x');
    expect(resolveLocation(packages, 'node_modules/@s/y', 'x')).toBe('node_modules/@s/y/node_modules/x');
    expect(resolveLocation(packages, 'node_modules/@s/y/node_modules/x', 'x')).toBe('node_modules/@s/y/node_modules/x');
    expect(resolveLocation(packages, 'node_modules/z/node_modules/w', 'x')).toBe('node_modules/x');
    expect(resolveLocation(packages, 'node_modules/x', 'w')).toBeUndefined();
  });
});

describe('satisfies', () => {
  it.each([
    ['1.2.3', '^1.2.3', true],
    ['1.9.0', '^1.2.3', true],
    ['2.0.0', '^1.2.3', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['5.9.3', '~5.9.3', true],
    ['5.10.0', '~5.9.3', false],
    ['1.2.0', '1.2.x', true],
    ['1.3.0', '1.2', false],
    ['3.0.0', '*', true],
    ['3.0.0', '', true],
    ['16.1.0', '^16 || ^18 || >=20', true],
    ['17.0.0', '^16 || ^18 || >=20', false],
    ['20.1.0', '^16 || ^18 || >=20', true],
    ['8.0.0', '>= 16.0.0', false],
    ['16.0.0', '>= 16.0.0', true],
    ['1.5.0', '1.2.3 - 1.6', true],
    ['1.7.0', '1.2.3 - 1.6', false],
    ['1.0.0', '>1.0.0 <2', false],
    ['2.0.0-rc.1', '^1.0.0', false],
    ['2.0.0-rc.2', '>=2.0.0-rc.1', true],
    ['2.1.0-rc.1', '>=2.0.0-rc.1', false],
    ['1.0.0', '=1.0.0', true],
  ])('%s satisfies %j: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it.each(['latest', 'npm:other@^1', 'file:../x', 'github:o/r', 'https://example.com/x.tgz'])('cannot tell for %s', range => {
    expect(satisfies('1.0.0', range)).toBeUndefined();
  });
});

describe('stringifyLikeNpm', () => {
  it("uses npm's key order: scalars before objects, preferred keys first, then locale order; 2 spaces; final newline", () => {
    const text = stringifyLikeNpm({
      packages: { 'node_modules/b': {}, '': {}, 'node_modules/@a/x': {}, 'node_modules/a-b': {}, 'node_modules/a/node_modules/c': {} },
      requires: true,
      lockfileVersion: 3,
      name: 'n',
      z: [1],
      funding: 'f',
    });
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['name', 'lockfileVersion', 'requires', 'funding', 'z', 'packages']);
    expect(Object.keys(JSON.parse(text).packages)).toEqual([
      '',
      'node_modules/@a/x',
      'node_modules/a-b',
      'node_modules/a/node_modules/c',
      'node_modules/b',
    ]);
    expect(text.split('\n')[1]).toBe('  "name": "n",');
  });
});

describe('reconcileLockfile', () => {
  const file = (p: string, content: string) => ({ path: p, content, executable: false });

  it('leaves a render without a lock untouched', () => {
    const files = [file('package.json', '{}'), file('README.md', '# x')];
    expect(reconcileLockfile(files)).toBe(files);
  });

  it('rewrites only the root lock and keeps the other files and their order', () => {
    const files = [
      file('README.md', '# x'),
      file('package-lock.json', JSON.stringify(fixtureLock())),
      file('package.json', JSON.stringify(fixturePackage())),
      file('sub/package-lock.json', 'not touched'),
    ];
    const out = reconcileLockfile(files);
    expect(out.map(f => f.path)).toEqual(files.map(f => f.path));
    expect(out[0]).toBe(files[0]);
    expect(out[3]).toBe(files[3]);
    expect(JSON.parse(out[1].content).name).toBe('orders');
  });

  it('needs a package.json next to the lock', () => {
    expect(() => reconcileLockfile([file('package-lock.json', JSON.stringify(fixtureLock()))])).toThrow(/no package\.json/);
  });

  it('names the file that is not JSON', () => {
    expect(() => reconcileLockfileContent('{', JSON.stringify(fixtureLock()))).toThrow(/package\.json is not valid JSON/);
    expect(() => reconcileLockfileContent('{}', '{')).toThrow(/package-lock\.json is not valid JSON/);
  });
});

describe('the node-service skeleton lock', () => {
  const seedValues = { name: 'node-service', owner: 'group:default/platform', description: 'Lock seed for the node-service skeleton' };
  let checkedIn: string;

  async function renderPackageJson(values: Record<string, unknown>): Promise<string> {
    const entries = await loadCompiledSkeleton({ skeletonsDir: SKELETONS_DIR });
    const pkg = entries.find(e => e.path === 'package.json');
    return pkg!.render!(createSkeletonContext(resolveServiceSpec(values)));
  }

  beforeAll(async () => {
    checkedIn = await fs.readFile(path.join(SKELETONS_DIR, 'node-service/package-lock.json'), 'utf8');
  });

  it('is a lockfileVersion 3 lock with registry URLs, integrity and no platform-specific packages', () => {
    const lock = JSON.parse(checkedIn) as Lockfile;
    expect(lock.lockfileVersion).toBe(3);
    for (const [location, e] of Object.entries(lock.packages)) {
      if (!location) continue;
      expect([location, e.resolved]).toEqual([location, expect.stringMatching(/^https:\/\/registry\.npmjs\.org\//)]);
      expect([location, e.integrity]).toEqual([location, expect.stringMatching(/^sha512-/)]);
      expect([location, e.os ?? e.cpu ?? e.libc]).toEqual([location, undefined]);
    }
  });

  /** What refresh-skeleton-lock.js locks: the union of its seed variants' package.json (PostgreSQL, a publisher of each broker kind, a cache). */
  async function seedPackageJson(values: Record<string, unknown>): Promise<string> {
    const texts: string[] = [];
    for (const variant of lockSeed.SEED_VARIANTS) texts.push(await renderPackageJson({ ...lockSeed.SEED_VALUES, ...variant, ...values }));
    return lockSeed.unionPackageJson(texts);
  }

  it('is exactly what the union of the seed variants renders (refresh-skeleton-lock.js leaves nothing stale)', async () => {
    expect(reconcileLockfileContent(await seedPackageJson({}), checkedIn)).toBe(checkedIn);
  });

  it('renders the service name into the seed and changes nothing else', async () => {
    const pkg = await seedPackageJson({ name: 'orders', owner: 'group:default/team-a', description: 'x' });
    const lock = JSON.parse(reconcileLockfileContent(pkg, checkedIn)) as Lockfile;
    const seed = JSON.parse(checkedIn) as Lockfile;
    expect(lock.name).toBe('orders');
    expect(lock.packages[''].name).toBe('orders');
    expect({ ...lock, name: seed.name, packages: { ...lock.packages, '': { ...lock.packages[''], name: seed.name } } }).toEqual(seed);
  });

  it('prunes pg and its dependencies from the variant without a database', async () => {
    const pkg = await renderPackageJson({ ...seedValues, database: 'none' });
    const lock = JSON.parse(reconcileLockfileContent(pkg, checkedIn)) as Lockfile;
    const seed = JSON.parse(checkedIn) as Lockfile;
    const root = lock.packages[''];
    expect(Object.keys(root.dependencies ?? {})).not.toContain('pg');
    expect(Object.keys(root.devDependencies ?? {})).not.toContain('@types/pg');
    for (const gone of ['pg', 'pg-pool', 'pg-protocol', 'pg-types', 'pgpass', 'pg-connection-string', 'postgres-array', '@types/pg']) {
      expect(lock.packages[`node_modules/${gone}`]).toBeUndefined();
    }
    for (const kept of ['fastify', 'prom-client', 'pino', 'typescript', '@types/node']) {
      expect(lock.packages[`node_modules/${kept}`]).toEqual(seed.packages[`node_modules/${kept}`]);
    }
    // Every kept entry is needed: a second pass removes nothing.
    expect(reconcileLockfileContent(pkg, JSON.stringify(lock))).toBe(stringifyLikeNpm(lock));
  });
});

describe('reconcileLockfileContent across renders', () => {
  /** The reference path: parse both, reconcile, serialise; no reuse. */
  const reference = (packageJson: string, packageLock: string) =>
    stringifyLikeNpm(reconcileLock(JSON.parse(packageJson) as PackageJson, JSON.parse(packageLock) as Lockfile));

  // Each is preceded by a package of the same dependencies under another name, so it fills a reused lock.
  const variants: Array<[string, Partial<PackageJson>]> = [
    ['a scoped name', { name: '@acme/orders' }],
    ['a name and version JSON must escape', { name: 'or"d\\ers\u2028', version: '1.0.0-rc.1' }],
    ['no name', { name: undefined }],
    ['no version', { version: undefined }],
    ['a name that is not a string', { name: 7 as unknown as string }],
    ['a bin named after the package', { name: '@acme/cli', bin: 'bin/cli.js' }],
    ['a license object, funding and an install script', { license: { type: 'MIT' }, funding: 'https://example.com', scripts: { postinstall: 'x' } }],
    ['other engines', { engines: { node: '>=22' } }],
    ['the dependencies declared in another order', { dependencies: { p: '^1.0.0', a: '^1.0.0' } }],
    ['fewer dependencies', { devDependencies: {}, optionalDependencies: undefined }],
  ];

  it.each(variants)('writes the reference lock for %s, the second time too', (_label, overrides) => {
    const lock = JSON.stringify(fixtureLock());
    const keepsName = 'name' in overrides && typeof overrides.name !== 'string';
    const warmUp = JSON.stringify(fixturePackage({ ...overrides, name: keepsName ? overrides.name : 'warm-up' }));
    const pkg = JSON.stringify(fixturePackage(overrides));
    expect(reconcileLockfileContent(warmUp, lock)).toBe(reference(warmUp, lock));
    expect(reconcileLockfileContent(pkg, lock)).toBe(reference(pkg, lock));
  });

  it('writes the reference lock for every node-service variant, name after name', async () => {
    const checkedIn = await fs.readFile(path.join(SKELETONS_DIR, 'node-service/package-lock.json'), 'utf8');
    const entries = await loadCompiledSkeleton({ skeletonsDir: SKELETONS_DIR });
    const packageTemplate = entries.find(e => e.path === 'package.json')!.render!;
    for (const database of ['none', 'postgres', 'none', 'postgres']) {
      for (const name of ['orders', 'payments-api']) {
        const pkg = packageTemplate(createSkeletonContext(resolveServiceSpec({ name, owner: 'group:default/a', description: `"${name}" \\ é`, database })));
        expect(reconcileLockfileContent(pkg, checkedIn)).toBe(reference(pkg, checkedIn));
      }
    }
  });

  it('parses and reconciles a lock once per dependency set, not once per render', () => {
    // Indented: a lock text no other test uses, so the first call below is the first for it.
    const lock = JSON.stringify(fixtureLock(), null, 1);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (const name of ['first', 'second', 'third']) reconcileLockfileContent(JSON.stringify(fixturePackage({ name })), lock);
      expect(parse.mock.calls.filter(([text]) => text === lock)).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('still refuses a package.json the lock does not satisfy, every time', () => {
    const lock = JSON.stringify(fixtureLock());
    const pkg = JSON.stringify(fixturePackage({ dependencies: { a: '^1.0.0', zod: '^4.0.0' } }));
    for (let i = 0; i < 2; i++) expect(() => reconcileLockfileContent(pkg, lock)).toThrow(/zod@\^4\.0\.0 is not in the lock/);
  });

  it('does not mistake one lock for another with the same dependencies', () => {
    const pkg = JSON.stringify(fixturePackage());
    const one = JSON.stringify(fixtureLock());
    const patched = fixtureLock();
    patched.packages['node_modules/f'] = entry('1.0.1');
    const other = JSON.stringify(patched);
    expect(reconcileLockfileContent(pkg, one)).toBe(reference(pkg, one));
    expect(reconcileLockfileContent(pkg, other)).toBe(reference(pkg, other));
    expect(reconcileLockfileContent(pkg, other)).not.toBe(reconcileLockfileContent(pkg, one));
  });
});
