import Handlebars from 'handlebars';
import { types } from 'util';

/**
 * What the fast templates call at render time: each function is the Handlebars 4.7 runtime's
 * behaviour for one construct (handlebars/dist/cjs/handlebars/runtime.js, helpers/*.js,
 * utils.js), without the per-call set-up (helper wrapping, options objects, program wrappers).
 */

interface ProtoAccessControl {
  properties: { whitelist: Record<string, boolean>; defaultValue: boolean | undefined };
  methods: { whitelist: Record<string, boolean>; defaultValue: boolean | undefined };
}
interface ProtoAccess {
  createProtoAccessControl(runtimeOptions: object): ProtoAccessControl;
  resultIsAllowed(result: unknown, control: ProtoAccessControl, propertyName: string): boolean;
  isPrototypeConstructor(parent: unknown, propertyName: string, result: unknown): boolean;
}
// Handlebars' own deny list and its "logged once" warning state: the same module instance
// the real runtime uses, so an inherited property is refused (and reported) exactly as there.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const protoAccess = require('handlebars/dist/cjs/handlebars/internal/proto-access') as ProtoAccess;
/** The control `template(context)` builds from no runtime options, as compileSkeletonFile calls it. */
const PROTO_CONTROL = protoAccess.createProtoAccessControl({});

type Dict = Record<string, unknown>;
const hasOwn = Object.prototype.hasOwnProperty;

/** Thrown where Handlebars would call a function found in the data: the caller re-renders with real Handlebars. */
export const BAIL: unique symbol = Symbol('handlebars-fast: not this render');

export interface Loc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/** container.lookupProperty: own data as is, inherited properties only through the proto-access rules. */
export function lookupProperty(parent: unknown, name: string): unknown {
  const result = (parent as Dict)[name];
  if (result == null) return result;
  if (hasOwn.call(parent, name) && !(name === 'constructor' && protoAccess.isPrototypeConstructor(parent, name, result))) return result;
  return protoAccess.resultIsAllowed(result, PROTO_CONTROL, name) ? result : undefined;
}

/** container.strict: the last part of a mustache's path must exist (`in`, so inherited names pass to lookupProperty). */
export function strict(object: unknown, name: string, loc: Loc): unknown {
  if (!object || !(name in (object as object))) {
    throw new Handlebars.Exception(`"${name}" not defined in ${object as string}`, { loc } as unknown as hbs.AST.Node);
  }
  return lookupProperty(object, name);
}

/** The context a helper or block sees as `this`: Handlebars replaces null/undefined with a sealed empty object. */
export const NULL_CONTEXT: object = Object.seal({});

/** wrapProgram: a block whose context differs from the innermost one pushes it on the `../` stack. */
export function pushDepth(context: unknown, depths: unknown[]): unknown[] {
  // eslint-disable-next-line eqeqeq
  if (context != depths[0] && !(context === NULL_CONTEXT && depths[0] === null)) return [context, ...depths];
  return depths;
}

/** Utils.isEmpty. */
export function isEmpty(value: unknown): boolean {
  return (!value && value !== 0) || (Array.isArray(value) && value.length === 0);
}

/** The `if` helper's test (`unless` is its inverse); a function value is Handlebars' to call. */
export function ifTruthy(conditional: unknown, includeZero: unknown): boolean {
  if (typeof conditional === 'function') throw BAIL;
  return !((!includeZero && !conditional) || isEmpty(conditional));
}

/** The `with` helper's test. */
export function withValue(value: unknown): boolean {
  if (typeof value === 'function') throw BAIL;
  return !isEmpty(value);
}

/** Utils.createFrame. */
export function createFrame(data: Dict): Dict {
  const frame = Handlebars.Utils.extend({}, data) as Dict;
  frame._parent = data;
  return frame;
}

type Body = (item: unknown, data: Dict, key: unknown) => string;

/** The `each` helper (helpers/each.js) with its program: arrays (holes skipped), iterables, then own keys. */
export function each(context: unknown, data: Dict, body: Body): string | undefined {
  if (typeof context === 'function') throw BAIL;
  const frame = createFrame(data);
  let out = '';
  let i = 0;
  const exec = (field: unknown, index: number, last: boolean, value: unknown) => {
    frame.key = field;
    frame.index = index;
    frame.first = index === 0;
    frame.last = !!last;
    out += body(value, frame, field);
  };
  if (context && typeof context === 'object') {
    if (Array.isArray(context)) {
      for (const j = context.length; i < j; i++) {
        if (i in context) exec(i, i, i === context.length - 1, context[i]);
      }
    } else if ((context as Iterable<unknown>)[Symbol.iterator]) {
      const iterator = (context as Iterable<unknown>)[Symbol.iterator]();
      let current = iterator.next();
      while (!current.done) {
        const next = iterator.next();
        try {
          exec(i, i, !!next.done, current.value);
        } catch (error) {
          if (!next.done) closeIterator(iterator);
          throw error;
        }
        current = next;
        i++;
      }
    } else {
      let priorKey: string | undefined;
      for (const key of Object.keys(context)) {
        if (priorKey !== undefined) exec(priorKey, i - 1, false, (context as Dict)[priorKey]);
        priorKey = key;
        i++;
      }
      if (priorKey !== undefined) exec(priorKey, i - 1, true, (context as Dict)[priorKey]);
    }
  }
  // No iteration: the caller renders the inverse (undefined here, as `i === 0` there).
  return i === 0 ? undefined : out;
}

function closeIterator(iterator: Iterator<unknown>): void {
  try {
    const close = iterator.return;
    if (typeof close === 'function') close.call(iterator);
  } catch {
    // The block's error is the one the caller must see.
  }
}

/** invokePartialWrapper with a hash: the partial's context is a copy of the caller's plus the hash. */
export function extendContext(context: unknown, hash: Dict): Dict {
  return Handlebars.Utils.extend({}, context as Dict, hash) as Dict;
}

/*
 * A partial called with a hash sees extend({}, context, hash). When the context is plain data
 * (own enumerable data properties only: no accessor, no own __proto__, not a Proxy) and nothing
 * mutates it while the partial runs, reading a name from that copy is reading it from the hash,
 * else from the context's own enumerable properties, else from a fresh object: the fast path
 * reads it so and makes the copy only where the partial uses its context as a value.
 */

const EMPTY: object = {};
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
/**
 * Contexts found plain during the current top-level render (a handful: the contexts partials are
 * called with). Emptied when the render ends: a context may change between renders, and an array
 * keeps nothing alive (a WeakMap's entries outlive young-generation collections).
 */
const plainThisRender: object[] = [];

/** The end of a top-level render. */
export function endRender(): void {
  plainThisRender.length = 0;
}

export function isPlainData(context: unknown): boolean {
  if (typeof context !== 'object' || context === null) return typeof context !== 'function';
  if (plainThisRender.includes(context)) return true;
  if (types.isProxy(context) || hasOwn.call(context, '__proto__')) return false;
  for (const key of Object.keys(context)) {
    if (!('value' in Object.getOwnPropertyDescriptor(context, key)!)) return false;
  }
  if (plainThisRender.length < 32) plainThisRender.push(context);
  return true;
}

/** lookupProperty(extend({}, base, hash), name) for a name that is not in the hash. */
export function overlayGet(base: unknown, name: string): unknown {
  return base != null && propertyIsEnumerable.call(base, name) ? (base as Dict)[name] : lookupProperty(EMPTY, name);
}

/** strict(extend({}, base, hash), name) for a name that is not in the hash; the message names the copy, as Handlebars'. */
export function overlayStrict(base: unknown, hash: Dict, name: string, loc: Loc): unknown {
  if ((base != null && propertyIsEnumerable.call(base, name)) || name in EMPTY) return overlayGet(base, name);
  return strict(extendContext(base, hash), name, loc);
}

/** The `lookup` helper. */
export function lookup(object: unknown, field: unknown): unknown {
  if (!object) return object;
  return lookupProperty(object, field as string);
}

/** A mustache's value in the output: `{{x}}` and `{{{x}}}` alike (noEscape), null and undefined as nothing. */
export function text(value: unknown): string {
  return value != null ? `${value as string}` : '';
}

/**
 * A value written inside a standalone partial's output, in a variant compiled for the line prefix
 * `prefix`: each newline it holds is followed by the prefix, as Handlebars' line-by-line indenting
 * of the partial's whole output would do.
 */
export function indentedText(value: unknown, prefix: string): string {
  const written = value != null ? `${value as string}` : '';
  return written.indexOf('\n') < 0 ? written : written.split('\n').join(`\n${prefix}`);
}

/**
 * A standalone partial's output `inner` (already indented by its variant: a newline is followed by
 * `prefix + indent`) placed at its call: the call's indent before the first line, and no indent
 * after a final newline (Handlebars leaves an empty last line alone).
 */
export function placeIndented(inner: string, indent: string, prefix: string): string {
  if (inner === '') return '';
  const tail = `\n${prefix}${indent}`;
  return inner.endsWith(tail) ? `${indent}${inner.slice(0, inner.length - indent.length)}` : `${indent}${inner}`;
}

export const runtime = {
  BAIL,
  NULL_CONTEXT,
  lookupProperty,
  strict,
  endRender,
  isPlainData,
  overlayGet,
  overlayStrict,
  pushDepth,
  ifTruthy,
  withValue,
  each,
  extendContext,
  lookup,
  text,
  indentedText,
  placeIndented,
};
export type Runtime = typeof runtime;
