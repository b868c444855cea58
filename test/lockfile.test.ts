/**
 * The committed package-lock.json lists every platform's optional packages.
 *
 * Packages such as @swc/core, rollup and unrs-resolver ship their native binary as one
 * optional package per platform. npm records all of them in the lock, whatever the machine,
 * so that `npm ci` installs the right one anywhere and `npm install` leaves the lock alone.
 * A lock written where some were missing (the one before commit 8de3035 lacked 49) makes a
 * fresh `npm install` rewrite package-lock.json, and can make `npm ci` fail on another
 * platform. Nothing else notices, so this test does.
 */
import { readFileSync } from 'fs';
import path from 'path';

interface LockEntry {
  link?: boolean;
  optionalDependencies?: Record<string, string>;
}
interface Lock {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}
/**
 * The lock key npm would use for `name` required from the package at `from`: the nearest
 * node_modules up the path, e.g. from `a/node_modules/b` it tries
 * `a/node_modules/b/node_modules/<name>`, then `a/node_modules/<name>`, then `node_modules/<name>`.
 */
function resolveKey(packages: Lock['packages'], from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    // Up one level: to the package that holds this node_modules, or to the root
    // (from a top-level package or a workspace folder such as plugins/x).
    const up = dir.lastIndexOf('/node_modules/');
    dir = up >= 0 ? dir.slice(0, up) : '';
  }
}

/**
 * Every optional dependency declared by a locked package that has no lock entry, as
 * '<name> (optional dependency of <lock key>)'; one line each, so a failure reads as a list.
 */
function optionalGaps(lock: Lock): string[] {
  const gaps: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    // A workspace link's dependencies are declared on its target folder's entry.
    if (entry.link) continue;
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      if (!resolveKey(lock.packages, key, name)) gaps.push(`${name} (optional dependency of ${key || '(root)'})`);
    }
  }
  return gaps;
}

const lock: Lock = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package-lock.json'), 'utf8'));

// Issue 7: "npm install in a fresh clone rewrites package-lock.json: the committed lock lacks other platforms' optional packages."
describe('finding: npm install in a fresh clone rewrites package-lock.json (package-lock.json)', () => {
  it('has an entry for every optional platform package a locked package declares', () => {
    // Not vacuous: @swc/core (a devDependency) declares one optional package per platform.
    expect(Object.keys(lock.packages['node_modules/@swc/core'].optionalDependencies ?? {})).toContain('@swc/core-darwin-arm64');
    expect(optionalGaps(lock)).toEqual([]);
  });

  it('reports a platform package that the lock lacks', () => {
    const packages = { ...lock.packages };
    delete packages['node_modules/@swc/core-darwin-arm64'];
    expect(optionalGaps({ ...lock, packages })).toContain('@swc/core-darwin-arm64 (optional dependency of node_modules/@swc/core)');
  });

  it('resolves the way npm does: own node_modules, then each parent, never a sibling', () => {
    const packages: Lock['packages'] = {
      '': {},
      'node_modules/a': {},
      'node_modules/a/node_modules/b': { optionalDependencies: { up: '1', own: '1', sibling: '1' } },
      'node_modules/a/node_modules/b/node_modules/own': {},
      'node_modules/up': {},
      // Installed under another package: not visible from a/node_modules/b.
      'node_modules/other/node_modules/sibling': {},
      'plugins/x': { optionalDependencies: { up: '1', nowhere: '1' } },
    };
    expect(optionalGaps({ lockfileVersion: 3, packages })).toEqual([
      'sibling (optional dependency of node_modules/a/node_modules/b)',
      'nowhere (optional dependency of plugins/x)',
    ]);
  });
});
