import Handlebars from 'handlebars';
import { BAIL, Loc, runtime } from './runtime';

/**
 * Compiles the subset of Handlebars that Slipway's skeletons use to plain JavaScript (one function
 * per partial and template, strings concatenated), from Handlebars' own AST: `Handlebars.parse`
 * has applied `~` and standalone-line stripping, so the text is exactly Handlebars'.
 *
 * Semantics are those of Handlebars 4.7's compiler and runtime with `strict` and `noEscape`
 * (compiler/compiler.js, compiler/javascript-compiler.js, runtime.js, helpers/*.js): a mustache's
 * last path part must exist (`"x" not defined in …`), every other lookup is `lookupProperty`
 * (own data, or an inherited property only through the proto-access rules), `if`/`unless`/`each`/
 * `with` behave as their helpers, a partial with a hash gets a copy of its context plus the hash,
 * a standalone partial's output has every line indented except an empty last one.
 *
 * Anything outside the subset makes `compileTemplate` answer undefined (the caller keeps real
 * Handlebars for that template); a function found in the data at render time throws BAIL (the
 * caller renders that one call with real Handlebars).
 *
 * What it does not copy: Handlebars wraps every helper and builds options objects and program
 * wrappers per call; here a block is inline code, a partial a direct call (one compiled variant per
 * partial scope, line prefix and hash keys), a standalone partial's indent is baked into its
 * variant's text, and a partial called with a hash on a plain-data context reads names from the
 * hash or the context instead of copying the context (runtime.ts isPlainData: exact as long as
 * the context is not mutated while the partial renders; any other context is copied as Handlebars does).
 */

type Node = hbs.AST.Node;
type Program = hbs.AST.Program;
type Statement = hbs.AST.Statement;
type Expression = hbs.AST.Expression;
type PathExpression = hbs.AST.PathExpression;

export type HelperFunction = (...args: unknown[]) => unknown;
export type FastTemplate = (context: unknown) => string;
type Unit = (context: unknown, data: object, hash?: object) => string;

/** Why a template is outside the subset (reported by `explain`, for tests and curiosity). */
class NotInSubset extends Error {}

function reject(node: Node | undefined, what: string): never {
  const line = node?.loc ? ` (line ${node.loc.start.line})` : '';
  throw new NotInSubset(`${what}${line}`);
}

/** Helpers Handlebars' compiler knows by name (compiler.js `knownHelpers`): always helper calls. */
const KNOWN_HELPERS = new Set(['helperMissing', 'blockHelperMissing', 'each', 'if', 'unless', 'with', 'log', 'lookup']);
/** Built-ins whose behaviour the runtime reproduces: only while the instance still has Handlebars' own. */
const EMULATED_BUILT_INS = ['if', 'unless', 'each', 'with', 'lookup'] as const;

interface FileDef {
  kind: 'file';
  name: string;
  program: Program | undefined;
  parseError?: string;
}
interface InlineDef {
  kind: 'inline';
  name: string;
  program: Program;
  /** The partials its body sees: those of the file that defines it (its container's). */
  scope: Scope;
}
/** A partial registered some other way: its source is unknown, so a template reaching it is not compiled. */
interface ForeignDef {
  kind: 'foreign';
  name: string;
}
type Def = FileDef | InlineDef | ForeignDef;
type Scope = ReadonlyMap<string, Def>;

export interface PartialSource {
  source: string;
  /** The value registered in `hb.partials`: the source applies only while it is still the registered one. */
  registered: unknown;
}

function parse(source: string): { program?: Program; error?: string } {
  try {
    return { program: Handlebars.parse(source) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const isScoped = (path: PathExpression): boolean => /^\.|this\b/.test(path.original);
const isSimpleId = (path: PathExpression): boolean => path.parts.length === 1 && !isScoped(path) && !path.depth;

const depthsUsed = new WeakMap<object, boolean>();

/** Does this program (or a block inside it) read `../`? Handlebars then keeps a context stack for the file. */
function usesDepths(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  const known = depthsUsed.get(node);
  if (known !== undefined) return known;
  let used = (node as { type?: string }).type === 'PathExpression' && (node as PathExpression).depth > 0;
  for (const [key, value] of Object.entries(node)) {
    if (used) break;
    if (key !== 'loc') used = Array.isArray(value) ? value.some(usesDepths) : usesDepths(value);
  }
  depthsUsed.set(node, used);
  return used;
}

interface BlockParamLevel {
  names: readonly string[];
  vars: readonly string[];
}

interface Env {
  ctx: string;
  /** `this` for helpers and blocks: the context, or Handlebars' null context. */
  callCtx: string;
  data: string;
  depths: string | undefined;
  blockParams: readonly BlockParamLevel[];
  /** Line prefix of this variant: what follows every newline the unit writes (standalone partials). */
  prefix: string;
  scope: Scope;
  /**
   * Set in a unit compiled for a partial called with a hash (keys listed): its context is
   * extend({}, c, h) without the copy (runtime.ts isPlainData), made only where used as a value.
   */
  overlay?: ReadonlySet<string>;
}

export class FastCompiler {
  private readonly units = new Map<Def, Map<Scope | undefined, Map<string, Unit>>>();
  /** Variants are keyed by line prefix and hash keys (overlay). */
  private static variant(prefix: string, overlay: readonly string[] | undefined): string {
    return overlay ? `${prefix}\u0000${[...overlay].sort().join('\u0000')}` : prefix;
  }
  private readonly inProgress = new Set<Def>();
  private readonly derivedScopes = new Map<Def, Map<Scope, Scope>>();
  private readonly fileDefs = new Map<string, { def: FileDef; source: string }>();
  private globalScope: Scope | undefined;
  private globalSignature: unknown[] = [];

  constructor(
    private readonly hb: typeof Handlebars,
    /** Helpers that read only their arguments and `options.hash`, not `this` (so a minimal options object is exact). */
    private readonly plainHelpers: ReadonlyMap<string, HelperFunction>,
    private readonly partialSources: ReadonlyMap<string, PartialSource>,
  ) {}

  /** The fast version of a template, or undefined when it (or a partial it reaches) is outside the subset. */
  compileTemplate(source: string): FastTemplate | undefined {
    const result = this.tryCompile(source);
    return typeof result === 'string' ? undefined : result;
  }

  /** Why a template is not compiled (undefined when it is). */
  explain(source: string): string | undefined {
    const result = this.tryCompile(source);
    return typeof result === 'string' ? result : undefined;
  }

  private tryCompile(source: string): FastTemplate | string {
    const { program, error } = parse(source);
    // A parse error is Handlebars' to report, at render time as today.
    if (!program) return `parse error: ${error}`;
    try {
      this.checkBuiltIns();
      const def: FileDef = { kind: 'file', name: '<template>', program };
      const unit = this.unit(def, this.scope(), '');
      return (context: unknown) => {
        try {
          return unit(context, { root: context });
        } finally {
          runtime.endRender();
        }
      };
    } catch (failure) {
      if (failure instanceof NotInSubset) return failure.message;
      throw failure;
    }
  }

  private checkBuiltIns(): void {
    for (const name of EMULATED_BUILT_INS) {
      const own = this.hb.helpers[name];
      if (typeof own !== 'function' || String(own) !== String(Handlebars.helpers[name])) reject(undefined, `helper ${name} is not Handlebars' own`);
    }
    const inline = (this.hb as unknown as { decorators: Record<string, unknown> }).decorators.inline;
    if (typeof inline !== 'function' || String(inline) !== String((Handlebars as unknown as { decorators: Record<string, unknown> }).decorators.inline)) {
      reject(undefined, "decorator inline is not Handlebars' own");
    }
  }

  /** The registered partials; rebuilt (and compiled units dropped) when the registrations change. */
  private scope(): Scope {
    const partials = this.hb.partials as Record<string, unknown>;
    const names = Object.keys(partials);
    const signature = names.flatMap(name => [name, partials[name]]);
    if (this.globalScope && signature.length === this.globalSignature.length && signature.every((value, i) => value === this.globalSignature[i])) {
      return this.globalScope;
    }
    const scope = new Map<string, Def>();
    for (const name of names) {
      const known = this.partialSources.get(name);
      if (!known || known.registered !== partials[name]) {
        scope.set(name, { kind: 'foreign', name });
        continue;
      }
      let file = this.fileDefs.get(name);
      if (!file || file.source !== known.source) {
        const { program, error } = parse(known.source);
        file = { def: { kind: 'file', name, program, parseError: error }, source: known.source };
        this.fileDefs.set(name, file);
      }
      scope.set(name, file.def);
    }
    this.units.clear();
    this.derivedScopes.clear();
    this.dynamicUnits.clear();
    this.globalScope = scope;
    this.globalSignature = signature;
    return scope;
  }

  /** A file's partials: those it was called with plus its own `{{#*inline}}` ones (the inline decorator's frame). */
  private fileScope(def: FileDef, incoming: Scope): Scope {
    let byScope = this.derivedScopes.get(def);
    if (!byScope) this.derivedScopes.set(def, (byScope = new Map()));
    const known = byScope.get(incoming);
    if (known) return known;
    const inline = def.program!.body.filter((node): node is hbs.AST.DecoratorBlock => node.type === 'DecoratorBlock');
    if (!inline.length) {
      byScope.set(incoming, incoming);
      return incoming;
    }
    const scope = new Map(incoming);
    for (const node of inline) {
      const [nameParam] = node.params;
      if (node.path.original !== 'inline' || node.params.length !== 1 || nameParam.type !== 'StringLiteral' || node.hash) {
        reject(node, 'a decorator other than {{#*inline "name"}}');
      }
      if ((node as { inverse?: Program }).inverse) reject(node, '{{else}} in an inline partial');
      if (usesDepths(node.program)) reject(node, '../ in an inline partial');
      scope.set((nameParam as hbs.AST.StringLiteral).value, { kind: 'inline', name: (nameParam as hbs.AST.StringLiteral).value, program: node.program, scope });
    }
    byScope.set(incoming, scope);
    return scope;
  }

  private unit(def: Def, incoming: Scope, prefix: string, overlay?: readonly string[]): Unit {
    if (def.kind === 'foreign') reject(undefined, `partial ${def.name} was not registered through registerSkeletonPartial`);
    if (def.kind === 'file' && !def.program) reject(undefined, `partial ${def.name} does not parse: ${def.parseError}`);
    const scopeKey = def.kind === 'inline' ? undefined : incoming;
    let byScope = this.units.get(def);
    if (!byScope) this.units.set(def, (byScope = new Map()));
    let byPrefix = byScope.get(scopeKey);
    if (!byPrefix) byScope.set(scopeKey, (byPrefix = new Map()));
    const variant = FastCompiler.variant(prefix, overlay);
    const known = byPrefix.get(variant);
    if (known) return known;
    if (this.inProgress.has(def)) reject(undefined, `recursive partial ${def.name}`);
    this.inProgress.add(def);
    try {
      const unit = new UnitWriter(this, this.hb, this.plainHelpers).write(def, def.kind === 'inline' ? def.scope : this.fileScope(def, incoming), prefix, overlay);
      byPrefix.set(variant, unit);
      return unit;
    } finally {
      this.inProgress.delete(def);
    }
  }

  private readonly dynamicUnits = new Map<Scope, Map<string, Map<string, Unit | undefined>>>();

  /**
   * The unit a dynamic partial (`{{> (concat …)}}`) runs, found at render time by its name; BAIL
   * when the name is not a registered partial or its partial is outside the subset, so Handlebars
   * renders that call (and reports a missing partial in its own words).
   */
  dynamicUnit(scope: Scope, prefix: string, name: unknown): Unit {
    if (typeof name !== 'string') throw BAIL;
    let byPrefix = this.dynamicUnits.get(scope);
    if (!byPrefix) this.dynamicUnits.set(scope, (byPrefix = new Map()));
    let byName = byPrefix.get(prefix);
    if (!byName) byPrefix.set(prefix, (byName = new Map()));
    if (!byName.has(name)) {
      const def = Object.prototype.hasOwnProperty.call(Object.prototype, name) ? undefined : scope.get(name);
      let unit: Unit | undefined;
      try {
        unit = def ? this.unit(def, scope, prefix) : undefined;
      } catch (failure) {
        if (!(failure instanceof NotInSubset)) throw failure;
      }
      byName.set(name, unit);
    }
    const unit = byName.get(name);
    if (!unit) throw BAIL;
    return unit;
  }

  /** @internal for UnitWriter: the unit a partial call runs. */
  partialUnit(def: Def, callerScope: Scope, prefix: string, overlay?: readonly string[]): Unit {
    return this.unit(def, callerScope, prefix, overlay);
  }
}

/** Writes one unit's JavaScript: a partial or template for one partial scope and line prefix. */
class UnitWriter {
  private readonly code: string[] = [];
  private readonly constants: unknown[] = [];
  private readonly units: Unit[] = [];
  private readonly helpers: HelperFunction[] = [];
  private counter = 0;

  constructor(
    private readonly compiler: FastCompiler,
    private readonly hb: typeof Handlebars,
    private readonly plainHelpers: ReadonlyMap<string, HelperFunction>,
  ) {}

  write(def: FileDef | InlineDef, scope: Scope, prefix: string, overlay?: readonly string[]): Unit {
    const program = def.program!;
    // The root program of a file sees `../` as [its context]; an inline body has none (refused above).
    const depths = def.kind === 'file' && usesDepths(program) ? 'dp' : undefined;
    if (overlay && depths) reject(program, 'an overlay context in a file that keeps contexts');
    const env: Env = { ctx: 'c', callCtx: overlay ? 'c' : 'cc', data: 'd', depths, blockParams: [], prefix, scope, overlay: overlay && new Set(overlay) };
    // In an overlay unit `c` is the caller's context and `h` the hash; `m` their copy once made.
    this.code.push(overlay ? 'let m;' : 'const cc = c != null ? c : NULL_CONTEXT;');
    if (depths) this.code.push('const dp = [c];');
    this.code.push("let o = '';");
    this.program(program, env, def.kind === 'file');
    this.code.push('return o;');
    const aliases = Object.keys(runtime).map(name => `${name} = R.${name}`).join(', ');
    const source = `"use strict";\nconst ${aliases};\nreturn function unit(c, d, h) {\n${this.code.join('\n')}\n};`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('R', 'K', 'U', 'H', source) as (r: typeof runtime, k: unknown[], u: Unit[], h: HelperFunction[]) => Unit;
    return factory(runtime, this.constants, this.units, this.helpers);
  }

  private name(base: string): string {
    return `${base}${++this.counter}`;
  }

  private constant(value: unknown): string {
    let index = this.constants.indexOf(value);
    if (index < 0 || typeof value === 'object') index = this.constants.push(value) - 1;
    return `K[${index}]`;
  }

  private program(program: Program, env: Env, isFileRoot: boolean): void {
    for (const node of program.body) this.statement(node, env, isFileRoot);
  }

  private statement(node: Statement, env: Env, isFileRoot: boolean): void {
    switch (node.type) {
      case 'ContentStatement': {
        const value = (node as hbs.AST.ContentStatement).value;
        if (value) this.code.push(`o += ${JSON.stringify(env.prefix ? value.split('\n').join(`\n${env.prefix}`) : value)};`);
        return;
      }
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        this.mustache(node as hbs.AST.MustacheStatement, env);
        return;
      case 'BlockStatement':
        this.block(node as hbs.AST.BlockStatement, env);
        return;
      case 'PartialStatement':
        this.partial(node as hbs.AST.PartialStatement, env);
        return;
      case 'DecoratorBlock':
        // Collected into the file's partial scope (fileScope); it writes nothing.
        if (!isFileRoot) reject(node, 'an inline partial inside a block or an inline partial');
        return;
      default:
        reject(node, node.type);
    }
  }

  private output(value: string, env: Env): void {
    this.code.push(env.prefix ? `o += indentedText(${value}, ${JSON.stringify(env.prefix)});` : `o += text(${value});`);
  }

  private mustache(node: hbs.AST.MustacheStatement, env: Env): void {
    if (node.path.type !== 'PathExpression') reject(node, 'a literal as a mustache');
    const path = node.path as PathExpression;
    if (node.params.length || node.hash) {
      this.output(this.helperCall(node, env), env);
      return;
    }
    const value = this.name('v');
    if (isSimpleId(path) && !this.blockParam(env, path.parts[0])) {
      // Ambiguous: Handlebars tries a helper of that name first; only names no helper can answer are compiled.
      const [name] = path.parts;
      if (KNOWN_HELPERS.has(name) || name in {} || Object.prototype.hasOwnProperty.call(this.hb.helpers, name)) reject(node, `{{${name}}} names a helper`);
      const lookup = !path.data && env.overlay ? this.overlayLookup(env, name, true, path) : `strict(${path.data ? env.data : env.ctx}, ${JSON.stringify(name)}, ${this.loc(path)})`;
      this.code.push(`const ${value} = ${lookup};`);
    } else {
      this.code.push(`const ${value} = ${this.path(path, env, true)};`);
    }
    // A function value is Handlebars' to call (lambda or helper-like): that render goes to Handlebars.
    this.code.push(`if (typeof ${value} === 'function') throw BAIL;`);
    this.output(value, env);
  }

  private loc(node: Node): string {
    const loc: Loc = { start: { ...node.loc.start }, end: { ...node.loc.end } };
    return this.constant(loc);
  }

  private blockParam(env: Env, name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    for (const level of env.blockParams) {
      const index = level.names.indexOf(name);
      if (index >= 0) return level.vars[index];
    }
    return undefined;
  }

  /** compiler.js PathExpression + javascript-compiler.js strictLookup. */
  private path(path: PathExpression, env: Env, strictLast: boolean): string {
    const depth = path.depth || 0;
    const parts = path.parts;
    const lookups = (base: string, from: number, strict: boolean): string => {
      let expression = base;
      const last = strict ? parts.length - 1 : parts.length;
      for (let i = from; i < last; i++) expression = `lookupProperty(${expression}, ${JSON.stringify(parts[i])})`;
      if (strict && parts.length > from) expression = `strict(${expression}, ${JSON.stringify(parts[parts.length - 1])}, ${this.loc(path)})`;
      return expression;
    };
    const blockParam = !depth && !isScoped(path) ? this.blockParam(env, parts[0]) : undefined;
    if (blockParam) return lookups(blockParam, 1, false);
    if (!parts[0]) return this.context(path, env, depth);
    if (path.data) {
      if (depth) reject(path, `@../ (${path.original})`);
      return lookups(env.data, 0, strictLast);
    }
    if (env.overlay && !depth) return lookups(this.overlayLookup(env, parts[0], strictLast && parts.length === 1, path), 1, strictLast);
    return lookups(this.context(path, env, depth), 0, strictLast);
  }

  /** The first part of a path read from an overlay context (see Env.overlay). */
  private overlayLookup(env: Env, name: string, strict: boolean, path: PathExpression): string {
    const key = JSON.stringify(name);
    if (env.overlay!.has(name)) return `h[${key}]`;
    return strict ? `overlayStrict(c, h, ${key}, ${this.loc(path)})` : `overlayGet(c, ${key})`;
  }

  /** The context as a value: in an overlay unit, the copy Handlebars would have made. */
  private contextValue(env: Env): string {
    return env.overlay && env.ctx === 'c' ? '(m || (m = extendContext(c, h)))' : env.ctx;
  }

  private context(path: PathExpression, env: Env, depth: number): string {
    if (!depth) return this.contextValue(env);
    if (!env.depths) reject(path, '../ outside a file that keeps contexts');
    return `${env.depths}[${depth}]`;
  }

  private value(node: Expression, env: Env): string {
    switch (node.type) {
      case 'PathExpression':
        return this.path(node as PathExpression, env, false);
      case 'SubExpression':
        return this.helperCall(node as hbs.AST.SubExpression, env);
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
        return this.constant((node as hbs.AST.StringLiteral).value);
      case 'UndefinedLiteral':
        return 'undefined';
      case 'NullLiteral':
        return 'null';
      default:
        return reject(node, `${node.type} as a value`);
    }
  }

  /** Hash values in Handlebars' order (it evaluates and lists the pairs last to first). */
  private hash(hash: hbs.AST.Hash | undefined, env: Env): string {
    const pairs = [...(hash?.pairs ?? [])].reverse();
    const keys = new Set<string>();
    for (const pair of pairs) {
      if (keys.has(pair.key) || pair.key === '__proto__') reject(pair, `hash key ${pair.key}`);
      keys.add(pair.key);
    }
    return `{${pairs.map(pair => `${JSON.stringify(pair.key)}: ${this.value(pair.value, env)}`).join(', ')}}`;
  }

  private helperName(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression | hbs.AST.BlockStatement, env: Env): string {
    if (node.path.type !== 'PathExpression') reject(node, 'a literal as a helper');
    const path = node.path as PathExpression;
    if (!isSimpleId(path) || path.data) reject(node, `helper ${path.original}`);
    if (this.blockParam(env, path.parts[0])) reject(node, `block param ${path.parts[0]} called as a helper`);
    return path.parts[0];
  }

  private helperCall(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, env: Env): string {
    const name = this.helperName(node, env);
    if (name === 'lookup') {
      if (node.params.length !== 2 || node.hash) reject(node, 'lookup with other than two arguments');
      return `lookup(${this.value(node.params[0], env)}, ${this.value(node.params[1], env)})`;
    }
    const helper = this.plainHelpers.get(name);
    if (KNOWN_HELPERS.has(name) || !helper || this.hb.helpers[name] !== helper) reject(node, `helper ${name}`);
    let index = this.helpers.indexOf(helper);
    if (index < 0) index = this.helpers.push(helper) - 1;
    const args = node.params.map(param => this.value(param, env));
    return `H[${index}].call(${env.callCtx}, ${[...args, `{ name: ${JSON.stringify(name)}, hash: ${this.hash(node.hash, env)} }`].join(', ')})`;
  }

  /** A block's program, run with `context` (a JS variable) as its context. */
  private blockProgram(program: Program | undefined, env: Env, context: string, blockParams?: BlockParamLevel): void {
    if (!program) return;
    if (env.overlay && context === env.ctx && !blockParams) {
      // if/unless/else of an overlay unit: the same (non-null) context, the same lookups.
      this.program(program, env, false);
      return;
    }
    const inner: Env = { ...env, ctx: context, overlay: undefined, blockParams: blockParams ? [blockParams, ...env.blockParams] : env.blockParams };
    if (context !== env.ctx) {
      inner.callCtx = this.name('cc');
      this.code.push(`const ${inner.callCtx} = ${context} != null ? ${context} : NULL_CONTEXT;`);
    } else {
      inner.callCtx = env.callCtx;
    }
    if (env.depths) {
      inner.depths = this.name('dp');
      this.code.push(`const ${inner.depths} = pushDepth(${context}, ${env.depths});`);
    }
    this.program(program, inner, false);
  }

  private block(node: hbs.AST.BlockStatement, env: Env): void {
    const name = this.helperName(node, env);
    const declared = node.program.blockParams ?? [];
    if (node.inverse?.blockParams?.length) reject(node, 'block params on {{else}}');
    if (name === 'if' || name === 'unless') {
      if (node.params.length !== 1) reject(node, `{{#${name}}} with other than one argument`);
      if (declared.length) reject(node, `block params on {{#${name}}}`);
      const hashKeys = (node.hash?.pairs ?? []).map(pair => pair.key);
      if (hashKeys.some(key => key !== 'includeZero') || hashKeys.length > 1) reject(node, `{{#${name}}} hash ${hashKeys.join(', ')}`);
      const condition = this.value(node.params[0], env);
      const includeZero = node.hash ? this.value(node.hash.pairs[0].value, env) : 'undefined';
      const [then, otherwise] = name === 'if' ? [node.program, node.inverse] : [node.inverse, node.program];
      this.code.push(`if (ifTruthy(${condition}, ${includeZero})) {`);
      this.blockProgram(then, env, env.callCtx);
      this.code.push('} else {');
      this.blockProgram(otherwise, env, env.callCtx);
      this.code.push('}');
      return;
    }
    if (name === 'each') {
      if (node.params.length !== 1 || node.hash) reject(node, '{{#each}} with other than one argument');
      if (declared.length > 2) reject(node, 'more than two block params on {{#each}}');
      const list = this.value(node.params[0], env);
      const [item, data, key, result] = [this.name('c'), this.name('d'), this.name('k'), this.name('r')];
      this.code.push(`const ${result} = each(${list}, ${env.data}, (${item}, ${data}, ${key}) => {`);
        this.code.push("let o = '';");
      this.blockProgram(node.program, { ...env, data }, item, { names: declared, vars: [item, key] });
      this.code.push('return o;');
        this.code.push('});', `if (${result} === undefined) {`);
      this.blockProgram(node.inverse, env, env.callCtx);
      this.code.push(`} else o += ${result};`);
      return;
    }
    if (name === 'with') {
      if (node.params.length !== 1 || node.hash) reject(node, '{{#with}} with other than one argument');
      if (declared.length > 1) reject(node, 'more than one block param on {{#with}}');
      const value = this.name('w');
      this.code.push(`const ${value} = ${this.value(node.params[0], env)};`, `if (withValue(${value})) {`);
      this.blockProgram(node.program, env, value, { names: declared, vars: [value] });
      this.code.push('} else {');
      this.blockProgram(node.inverse, env, env.callCtx);
      this.code.push('}');
      return;
    }
    reject(node, `block helper {{#${name}}}`);
  }

  private partial(node: hbs.AST.PartialStatement, env: Env): void {
    if (node.params.length > 1) reject(node, 'a partial with more than one context');
    const indent = node.indent || '';
    const prefix = env.prefix + indent;
    const call = node.name.type === 'SubExpression' ? this.dynamicPartialCall(node, env, prefix) : this.partialCall(node, env, prefix);
    this.code.push(indent ? `o += placeIndented(${call}, ${JSON.stringify(indent)}, ${JSON.stringify(env.prefix)});` : `o += ${call};`);
  }

  private unitRef(unit: Unit): string {
    let index = this.units.indexOf(unit);
    if (index < 0) index = this.units.push(unit) - 1;
    return `U[${index}]`;
  }

  /** `{{> (helper …)}}`: Handlebars evaluates the name first, then the context and the hash. */
  private dynamicPartialCall(node: hbs.AST.PartialStatement, env: Env, prefix: string): string {
    const name = this.name('pn');
    this.code.push(`const ${name} = ${this.helperCall(node.name as hbs.AST.SubExpression, env)};`);
    const compiler = this.compiler;
    const scope = env.scope;
    const resolve = (partialName: unknown) => compiler.dynamicUnit(scope, prefix, partialName);
    const given = node.params.length ? this.value(node.params[0], env) : this.contextValue(env);
    const context = this.name('pc');
    this.code.push(`const ${context} = ${node.hash ? `extendContext(${given}, ${this.hash(node.hash, env)})` : given};`);
    return `U[${this.units.push(resolve as unknown as Unit) - 1}](${name})(${context}, ${env.data})`;
  }

  private partialCall(node: hbs.AST.PartialStatement, env: Env, prefix: string): string {
    if (node.name.type !== 'PathExpression' || (node.name as PathExpression).data) reject(node, 'a partial block or a literal partial name');
    const name = (node.name as PathExpression).original;
    const def = Object.prototype.hasOwnProperty.call(Object.prototype, name) ? undefined : env.scope.get(name);
    if (!def) reject(node, `partial ${name} is not registered`);
    // A partial keeping a `../` stack starts it at its (copied) context: it gets the copy.
    const overlayable = def.kind === 'inline' || (def.kind === 'file' && def.program !== undefined && !usesDepths(def.program));
    const hashKeys = (node.hash?.pairs ?? []).map(pair => pair.key);
    if (overlayable && !node.params.length && env.overlay && env.ctx === 'c') {
      // The caller's context is an overlay itself: pass it on, its hash merged with this call's.
      const keys = [...new Set([...env.overlay, ...hashKeys])];
      const hash = this.name('ph');
      this.code.push(`const ${hash} = ${node.hash ? `extendContext(h, ${this.hash(node.hash, env)})` : 'h'};`);
      return `${this.unitRef(this.compiler.partialUnit(def, env.scope, prefix, keys))}(c, ${env.data}, ${hash})`;
    }
    const normal = this.unitRef(this.compiler.partialUnit(def, env.scope, prefix));
    const given = node.params.length ? this.value(node.params[0], env) : this.contextValue(env);
    const context = this.name('pc');
    this.code.push(`const ${context} = ${given};`);
    if (!node.hash) return `${normal}(${context}, ${env.data})`;
    const hash = this.name('ph');
    this.code.push(`const ${hash} = ${this.hash(node.hash, env)};`);
    if (!overlayable) return `${normal}(extendContext(${context}, ${hash}), ${env.data})`;
    const overlay = this.unitRef(this.compiler.partialUnit(def, env.scope, prefix, hashKeys));
    return `(isPlainData(${context}) ? ${overlay}(${context}, ${env.data}, ${hash}) : ${normal}(extendContext(${context}, ${hash}), ${env.data}))`;
  }
}

export { BAIL };
