import type { RenderedFile } from './files';

/*
 * Keeps a skeleton's package-lock.json consistent with the package.json a render
 * produced.
 *
 * A skeleton checks in one lock, generated for its largest variant (every
 * optional dependency on; `scripts/refresh-skeleton-lock.js` writes it). Each
 * render then gets a lock of its own:
 *
 * - the top-level name/version and the root entry `packages[""]` are rewritten
 *   from the rendered package.json, field for field as npm writes them;
 * - every `packages["node_modules/..."]` entry the rendered dependencies no longer
 *   reach is dropped, resolving each dependency with Node's nested node_modules
 *   lookup and following dependencies, optionalDependencies and peerDependencies;
 * - the dev / optional / devOptional / peer flags are recomputed as npm does;
 * - the output is serialised like npm (key order, 2-space indent, final newline),
 *   so the postgres variant's lock is byte for byte the checked-in one, and
 *   `npm install` in the generated repo changes nothing.
 *
 * A dependency the lock lacks, or whose locked version no longer satisfies the
 * rendered range, is an error: the skeleton's lock needs a refresh, and `npm ci`
 * in the generated repo would fail.
 */

export const LOCK_REFRESH_HINT =
  "the skeleton's package-lock.json is out of date: run `node scripts/refresh-skeleton-lock.js` in the Slipway repository after editing package.json.hbs";

export class LockfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockfileError';
  }
}

type DependencyMap = Record<string, string>;

/** The fields of package.json the lock's root entry is made from. */
export interface PackageJson {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  dependencies?: DependencyMap;
  devDependencies?: DependencyMap;
  optionalDependencies?: DependencyMap;
  peerDependencies?: DependencyMap;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  workspaces?: unknown;
  [field: string]: unknown;
}

/** One entry of a lockfileVersion 3 `packages` map. */
export interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: DependencyMap;
  devDependencies?: DependencyMap;
  optionalDependencies?: DependencyMap;
  peerDependencies?: DependencyMap;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
  [field: string]: unknown;
}

/** The lock `reconcileLockfile` rewrites: the one at the repo root. */
export const LOCKFILE_PATH = 'package-lock.json';

/** Rewrites the rendered package-lock.json, if any, for the rendered package.json (or throws). */
export function reconcileLockfile(files: RenderedFile[]): RenderedFile[] {
  const lockFile = files.find(file => file.path === LOCKFILE_PATH);
  if (!lockFile) return files;
  const packageFile = files.find(file => file.path === 'package.json');
  if (!packageFile) {
    throw new LockfileError('the skeleton renders a package-lock.json but no package.json to reconcile it with');
  }
  const content = reconcileLockfileContent(packageFile.content, lockFile.content);
  return files.map(file => (file === lockFile ? { ...file, content } : file));
}

/**
 * The text form of `reconcileLock`: package.json and package-lock.json in, the new lock's text out.
 * Repeated calls with the same lock and the same dependencies reuse the reconciled, serialised lock
 * (see `LockTemplate`); the text is the same as `stringifyLikeNpm(reconcileLock(pkg, lock))`.
 */
export function reconcileLockfileContent(packageJson: string, packageLock: string): string {
  const pkg = parseJson<PackageJson>(packageJson, 'package.json');
  // Malformed input takes the reference path, which reports it.
  if (!isRecord(pkg) || pkg.workspaces !== undefined) return reconcileLockfileText(pkg, packageLock);
  const root = rootEntry(pkg);
  const dependencies = dependencySet(pkg, root);
  const templates = lockTemplates.get(packageLock);
  const template = templates?.get(dependencies);
  if (template) return fillLockTemplate(template, pkg, root);
  if (template === null) return reconcileLockfileText(pkg, packageLock);
  const lock = parseJson<Lockfile>(packageLock, 'package-lock.json');
  const reconciled = reconcileLock(pkg, lock);
  rememberLockTemplate(packageLock, dependencies, cutLockTemplate(reconciled));
  return stringifyLikeNpm(reconciled);
}

function reconcileLockfileText(pkg: PackageJson, packageLock: string): string {
  return stringifyLikeNpm(reconcileLock(pkg, parseJson<Lockfile>(packageLock, 'package-lock.json')));
}

type EdgeType = 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional';

interface Edge {
  name: string;
  spec: string;
  type: EdgeType;
}

/** Reconciles a parsed lock with a parsed package.json; the inputs are not modified. */
export function reconcileLock(pkg: PackageJson, lock: Lockfile): Lockfile {
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) {
    throw new LockfileError('rendered package.json is not a JSON object');
  }
  if (!lock || typeof lock !== 'object' || lock.lockfileVersion !== 3 || !isRecord(lock.packages)) {
    throw new LockfileError(
      `package-lock.json must be an npm lockfileVersion 3 lock with a "packages" map (found lockfileVersion ${JSON.stringify(
        lock?.lockfileVersion,
      )}); ${LOCK_REFRESH_HINT}`,
    );
  }
  if (pkg.workspaces !== undefined) {
    throw new LockfileError('package.json "workspaces" are not supported by the lock reconciliation');
  }

  const oldRoot = lock.packages[''] ?? {};
  const root = rootEntry(pkg);
  const packages: Record<string, LockEntry> = { ...lock.packages, '': root };

  checkRootDependencies(root, oldRoot, packages);

  // Every location reachable from the root, and along which kinds of edges.
  const all = walk(packages, () => true, true);
  const nonDev = walk(packages, edge => edge.type !== 'dev');
  const nonOptional = walk(packages, edge => !isOptional(edge));
  const nonDevOptional = walk(packages, edge => edge.type !== 'dev' && !isOptional(edge));
  const nonPeer = walk(packages, edge => !isPeer(edge));

  const reconciled: Record<string, LockEntry> = { '': root };
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || !all.has(location)) continue;
    const next: LockEntry = { ...entry };
    delete next.dev;
    delete next.optional;
    delete next.devOptional;
    delete next.peer;
    delete next.extraneous;
    const dev = !nonDev.has(location);
    const optional = !nonOptional.has(location);
    if (!nonPeer.has(location)) next.peer = true;
    if (dev) next.dev = true;
    if (optional) next.optional = true;
    if (!nonDevOptional.has(location) && !dev && !optional) next.devOptional = true;
    reconciled[location] = next;
  }

  const result: Lockfile = { ...lock, packages: reconciled };
  delete result.name;
  delete result.version;
  if (typeof pkg.name === 'string') result.name = pkg.name;
  if (typeof pkg.version === 'string') result.version = pkg.version;
  return result;
}

/** `packages[""]` as npm writes it for a package.json (see @npmcli/arborist's Shrinkwrap.metaFromNode). */
function rootEntry(pkg: PackageJson): LockEntry {
  const entry: LockEntry = {};
  for (const key of [
    'version',
    'dependencies',
    'peerDependencies',
    'peerDependenciesMeta',
    'optionalDependencies',
    'bundleDependencies',
    'acceptDependencies',
    'funding',
    'engines',
    'os',
    'cpu',
    'libc',
    'license',
    'bin',
    'deprecated',
  ]) {
    let value = pkg[key];
    if (key === 'license' && isRecord(value) && typeof value.type === 'string') value = value.type;
    if (key === 'bin' && typeof value === 'string' && typeof pkg.name === 'string') {
      value = { [pkg.name.replace(/^@[^/]+\//, '')]: value };
    }
    if (!value || (typeof value === 'object' && Object.keys(value).length === 0)) continue;
    entry[key] = value;
  }
  if (typeof pkg.name === 'string' && pkg.name) entry.name = pkg.name;
  if (pkg.devDependencies) entry.devDependencies = pkg.devDependencies;
  const scripts = pkg.scripts ?? {};
  if (scripts.preinstall || scripts.install || scripts.postinstall) entry.hasInstallScript = true;
  return entry;
}

/** Edges out of a lock entry, with npm's precedence: peer < prod < optional; dev only from the root. */
function edgesOf(entry: LockEntry, isRoot: boolean): Edge[] {
  const edges = new Map<string, Edge>();
  const add = (deps: DependencyMap | undefined, type: EdgeType | ((name: string) => EdgeType)) => {
    for (const [name, spec] of Object.entries(deps ?? {})) {
      edges.set(name, { name, spec, type: typeof type === 'function' ? type(name) : type });
    }
  };
  add(entry.peerDependencies, name => (entry.peerDependenciesMeta?.[name]?.optional ? 'peerOptional' : 'peer'));
  add(entry.dependencies, 'prod');
  add(entry.optionalDependencies, 'optional');
  if (isRoot) {
    // A package in both dependencies and devDependencies is needed in production.
    for (const [name, spec] of Object.entries(entry.devDependencies ?? {})) {
      if (!edges.has(name) || isPeer(edges.get(name)!)) edges.set(name, { name, spec, type: 'dev' });
    }
  }
  return [...edges.values()];
}

const isOptional = (edge: Edge) => edge.type === 'optional' || edge.type === 'peerOptional';
const isPeer = (edge: Edge) => edge.type === 'peer' || edge.type === 'peerOptional';

/**
 * Node's module lookup: from the folder at `from`, try `<folder>/node_modules/<name>`
 * for the folder and each ancestor, skipping folders that are themselves node_modules.
 */
export function resolveLocation(packages: Record<string, unknown>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    if (dir !== 'node_modules' && !dir.endsWith('/node_modules')) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (Object.prototype.hasOwnProperty.call(packages, candidate)) return candidate;
    }
    if (dir === '') return undefined;
    const slash = dir.lastIndexOf('/');
    dir = slash < 0 ? '' : dir.slice(0, slash);
  }
}

/** The locations reachable from the root along edges `follow` accepts. */
function walk(packages: Record<string, LockEntry>, follow: (edge: Edge) => boolean, strict = false): Set<string> {
  const seen = new Set<string>(['']);
  const queue = [''];
  while (queue.length) {
    const location = queue.shift()!;
    const entry = packages[location]!;
    if (entry.link) {
      // A link's dependencies are its target's, resolved from the target's folder.
      const target = typeof entry.resolved === 'string' ? entry.resolved : undefined;
      if (target !== undefined && packages[target] && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
      continue;
    }
    for (const edge of edgesOf(entry, location === '')) {
      if (!follow(edge)) continue;
      const to = resolveLocation(packages, location, edge.name);
      if (to === undefined) {
        // Optional dependencies may be absent (another platform's, or a failed
        // build); so may peers npm did not install (legacy-peer-deps locks).
        if (strict && !isOptional(edge) && !isPeer(edge)) {
          throw new LockfileError(
            `package-lock.json is inconsistent: ${location ? `"${location}"` : 'the root'} depends on ${edge.name}@${edge.spec}, which it does not contain; ${LOCK_REFRESH_HINT}`,
          );
        }
        continue;
      }
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

/** Each dependency package.json declares must be locked, at a version its range accepts. */
function checkRootDependencies(root: LockEntry, oldRoot: LockEntry, packages: Record<string, LockEntry>): void {
  const problems: string[] = [];
  for (const edge of edgesOf(root, true)) {
    const location = `node_modules/${edge.name}`;
    const locked = packages[location];
    if (!locked) {
      if (isOptional(edge) || isPeer(edge)) continue;
      problems.push(`${edge.name}@${edge.spec} is not in the lock`);
      continue;
    }
    if (locked.link) continue;
    const verdict = typeof locked.version === 'string' ? satisfies(locked.version, edge.spec) : undefined;
    if (verdict === false) {
      problems.push(`${edge.name}@${edge.spec} is locked at ${locked.version}, outside that range`);
    } else if (verdict === undefined && declaredSpec(oldRoot, edge.name) !== edge.spec) {
      // Not a semver range (a tag, URL, alias...): only the spec the lock was made for is known good.
      problems.push(`${edge.name}@${edge.spec} was locked for ${JSON.stringify(declaredSpec(oldRoot, edge.name) ?? null)}`);
    }
  }
  if (problems.length) {
    throw new LockfileError(
      `package-lock.json does not match the rendered package.json:\n${problems.map(p => `  - ${p}`).join('\n')}\n${LOCK_REFRESH_HINT}`,
    );
  }
}

function declaredSpec(entry: LockEntry, name: string): string | undefined {
  return (
    entry.dependencies?.[name] ??
    entry.optionalDependencies?.[name] ??
    entry.devDependencies?.[name] ??
    entry.peerDependencies?.[name]
  );
}

// --- semver: enough of node-semver's range grammar to check a locked version -------------

type Version = { major: number; minor: number; patch: number; prerelease: string[] };
/** `named`: the range itself names this prerelease (not a `-0` bound added by desugaring). */
type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: Version; named?: boolean };

const VERSION_RE = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL_RE = /^(<=|>=|<|>|=|\^|~>?)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | undefined {
  const match = VERSION_RE.exec(text.trim());
  if (!match) return undefined;
  return { major: +match[1]!, minor: +match[2]!, patch: +match[3]!, prerelease: match[4] ? match[4].split('.') : [] };
}

function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (!a.prerelease.length || !b.prerelease.length) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return +x < +y ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number, prerelease: string[] = []): Version => ({ major, minor, patch, prerelease });

/** Desugars one range token (`^1.2.3`, `~1.2`, `>=2`, `1.x`, `*`) into comparators; undefined if not semver. */
function comparatorsOf(token: string): Comparator[] | undefined {
  const match = PARTIAL_RE.exec(token);
  if (!match) return undefined;
  const op = match[1] ?? '';
  const wild = (part: string | undefined) => part === undefined || /^[xX*]$/.test(part);
  if (wild(match[2])) return op === '<' || op === '>' ? [{ op: '<', version: v(0, 0, 0, ['0']) }] : [];
  const major = +match[2]!;
  const minor = wild(match[3]) ? undefined : +match[3]!;
  const patch = minor === undefined || wild(match[4]) ? undefined : +match[4]!;
  const pre = match[5] ? match[5].split('.') : [];
  const low = v(major, minor ?? 0, patch ?? 0, pre);
  const named = pre.length > 0;
  const nextMinor = minor === undefined ? v(major + 1, 0, 0, ['0']) : v(major, minor + 1, 0, ['0']);
  switch (op) {
    case '':
    case '=':
      return patch === undefined
        ? [{ op: '>=', version: low }, { op: '<', version: nextMinor }]
        : [{ op: '=', version: low, named }];
    case '>':
      return patch === undefined ? [{ op: '>=', version: nextMinor }] : [{ op: '>', version: low, named }];
    case '>=':
      return [{ op: '>=', version: low, named }];
    case '<':
      return [patch === undefined ? { op: '<', version: v(major, minor ?? 0, 0, ['0']) } : { op: '<', version: low, named }];
    case '<=':
      return patch === undefined ? [{ op: '<', version: nextMinor }] : [{ op: '<=', version: low, named }];
    case '~':
    case '~>':
      return [{ op: '>=', version: low, named }, { op: '<', version: nextMinor }];
    case '^': {
      const upper =
        major > 0 || minor === undefined
          ? v(major + 1, 0, 0, ['0'])
          : minor > 0 || patch === undefined
            ? v(0, minor + 1, 0, ['0'])
            : v(0, 0, patch + 1, ['0']);
      return [{ op: '>=', version: low, named }, { op: '<', version: upper }];
    }
    default:
      return undefined;
  }
}

/** Whether `version` satisfies the npm range `range`; undefined when the range is not semver (tag, URL, alias). */
export function satisfies(version: string, range: string): boolean | undefined {
  const parsed = parseVersion(version);
  if (!parsed) return undefined;
  let verdict = false;
  for (const alternative of range.split('||')) {
    let text = alternative.trim().replace(/(<=|>=|<|>|=|\^|~>?)\s+/g, '$1');
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) text = `>=${hyphen[1]} <=${hyphen[2]}`;
    const tokens = text === '' ? [] : text.split(/\s+/);
    const comparators: Comparator[] = [];
    for (const token of tokens) {
      const desugared = comparatorsOf(token);
      if (!desugared) return undefined;
      comparators.push(...desugared);
    }
    const ok = comparators.every(({ op, version: bound }) => {
      const c = compareVersions(parsed, bound);
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : c === 0;
    });
    // A prerelease only matches a range that names a prerelease of the same major.minor.patch.
    const prereleaseAllowed =
      !parsed.prerelease.length ||
      comparators.some(
        ({ version: bound, named }) =>
          named && bound.major === parsed.major && bound.minor === parsed.minor && bound.patch === parsed.patch,
      );
    if (ok && prereleaseAllowed) verdict = true;
  }
  return verdict;
}

// --- output --------------------------------------------------------------------------------

/** npm's lock key order (json-stringify-nice with Shrinkwrap's preferred keys). */
const NPM_PREFERRED_KEYS = ['name', 'version', 'lockfileVersion', 'resolved', 'integrity', 'requires', 'packages', 'dependencies'];
const collator = new Intl.Collator('en');

/**
 * Serialises like npm: in every object, scalar (and array) values before object
 * values, each group with npm's preferred keys first and the rest in `localeCompare('en')`
 * order; 2-space indent; final newline.
 */
export function stringifyLikeNpm(value: unknown): string {
  const rank = (key: string) => NPM_PREFERRED_KEYS.indexOf(key);
  const compareKeys = (a: string, b: string) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra >= 0 && rb >= 0) return ra - rb;
    if (ra >= 0) return -1;
    if (rb >= 0) return 1;
    return collator.compare(a, b);
  };
  return `${JSON.stringify(
    value,
    (_key, val: unknown) => {
      if (!isRecord(val)) return val;
      return Object.fromEntries(
        Object.entries(val).sort(([ak, av], [bk, bv]) =>
          isRecord(av) === isRecord(bv) ? compareKeys(ak, bk) : isRecord(av) ? 1 : -1,
        ),
      );
    },
    2,
  )}\n`;
}

// --- reuse across renders ------------------------------------------------------------------

/*
 * Every render of a skeleton reconciles the same checked-in lock, and every service with the same
 * dependencies gets the same lock but for three values: the top-level name and version and the
 * root entry `packages[""]`. Parsing the lock, walking its graph and serialising it (a 31 KB lock
 * for node-service: most of the cost) is done once per lock text and dependency set, into a
 * template cut from that very output at those three places; a render serialises only its root
 * entry. lockfile.test.ts compares the filled template with the reference path on every variant.
 */

type LockHole = 'name' | 'version' | 'root';

/** A serialised lock with holes: `text[0] holes[0] text[1] … holes[n-1] text[n]`. */
interface LockTemplate {
  text: string[];
  holes: LockHole[];
}

/**
 * Marks the holes in the lock the template is cut from (JSON writes the NUL as `\u0000`). A lock that
 * held a marker's text itself would show that hole twice: it is then not cut, and takes the reference path.
 */
const HOLE_MARK = '\u0000slipway-lock-hole:';
/** A record, like the root entry it stands for, so that it sorts where the root entry sorts. */
const ROOT_HOLE_ENTRY: LockEntry = { [`${HOLE_MARK}root`]: true };
/** `packages[""]` sits two levels deep: its lines are indented by four more spaces than at the top. */
const ROOT_DEPTH = 2;

/** By lock text, then by `dependencySet`; null: the lock cannot be cut into a template (reference path). */
const lockTemplates = new Map<string, Map<string, LockTemplate | null>>();
// A process renders a handful of skeletons; a long-running backend also sees skeleton edits.
const LOCK_TEXTS_LIMIT = 8;
const DEPENDENCY_SETS_LIMIT = 32;

/** What the reconciled lock depends on besides name, version and root entry: which of those exist, and the root's edges. */
function dependencySet(pkg: PackageJson, root: LockEntry): string {
  return JSON.stringify([
    typeof pkg.name === 'string',
    typeof pkg.version === 'string',
    root.peerDependencies,
    root.peerDependenciesMeta,
    root.dependencies,
    root.optionalDependencies,
    root.devDependencies,
  ]);
}

function rememberLockTemplate(packageLock: string, dependencies: string, template: LockTemplate | null): void {
  let templates = lockTemplates.get(packageLock);
  if (!templates) {
    if (lockTemplates.size >= LOCK_TEXTS_LIMIT) lockTemplates.delete(lockTemplates.keys().next().value as string);
    templates = new Map();
    lockTemplates.set(packageLock, templates);
  }
  if (templates.size >= DEPENDENCY_SETS_LIMIT) templates.delete(templates.keys().next().value as string);
  templates.set(dependencies, template);
}

/** `stringifyLikeNpm(value)` as it appears nested `depth` levels deep in a larger document. */
function nestedText(value: unknown, depth: number): string {
  return stringifyLikeNpm(value).slice(0, -1).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

function holeText(hole: LockHole): string {
  return hole === 'root' ? nestedText(ROOT_HOLE_ENTRY, ROOT_DEPTH) : JSON.stringify(`${HOLE_MARK}${hole}`);
}

/** The reconciled lock's text cut at its holes, or null when a hole is not found exactly once. */
function cutLockTemplate(reconciled: Lockfile): LockTemplate | null {
  const withHoles: Lockfile = { ...reconciled, packages: { ...reconciled.packages, '': ROOT_HOLE_ENTRY } };
  const holes: LockHole[] = ['root'];
  for (const hole of ['name', 'version'] as const) {
    if (withHoles[hole] === undefined) continue;
    withHoles[hole] = `${HOLE_MARK}${hole}`;
    holes.push(hole);
  }
  const serialised = stringifyLikeNpm(withHoles);
  const found: Array<{ hole: LockHole; at: number; length: number }> = [];
  for (const hole of holes) {
    const marker = holeText(hole);
    const at = serialised.indexOf(marker);
    if (at < 0 || serialised.lastIndexOf(marker) !== at) return null;
    found.push({ hole, at, length: marker.length });
  }
  found.sort((a, b) => a.at - b.at);
  const text: string[] = [];
  let from = 0;
  for (const { at, length } of found) {
    text.push(serialised.slice(from, at));
    from = at + length;
  }
  text.push(serialised.slice(from));
  return { text, holes: found.map(({ hole }) => hole) };
}

function fillLockTemplate(template: LockTemplate, pkg: PackageJson, root: LockEntry): string {
  let out = template.text[0]!;
  template.holes.forEach((hole, index) => {
    out += hole === 'root' ? nestedText(root, ROOT_DEPTH) : JSON.stringify(pkg[hole]);
    out += template.text[index + 1]!;
  });
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function parseJson<T>(text: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new LockfileError(`rendered ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
