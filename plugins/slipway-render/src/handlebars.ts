import Handlebars from 'handlebars';
import { BAIL, FastCompiler, HelperFunction, PartialSource } from './handlebars-fast';

/** What the fast path needs to know about an environment: its plain helpers and its partials' sources. */
interface FastState {
  plainHelpers: Map<string, HelperFunction>;
  partialSources: Map<string, PartialSource>;
  /** Bumped by each registerSkeletonPartial: a fast template compiled before is compiled again (it resolved partials then). */
  partialsVersion: number;
  compiler?: FastCompiler;
}
const fastStates = new WeakMap<typeof Handlebars, FastState>();

function fastState(hb: typeof Handlebars): FastState {
  let state = fastStates.get(hb);
  if (!state) fastStates.set(hb, (state = { plainHelpers: new Map(), partialSources: new Map(), partialsVersion: 0 }));
  return state;
}

/**
 * The one Handlebars environment skeletons are rendered with.
 *
 * `noEscape` keeps output byte-exact (HTML escaping is meaningless in YAML and code).
 * Free text must go through `{{yaml x}}` or `{{json x}}`, which emit one quoted
 * scalar: JSON strings are valid YAML double-quoted scalars, so no input can open
 * a key, a mapping or a new document.
 */
export function createSkeletonHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  const plainHelpers = fastState(hb).plainHelpers;
  // Every helper here reads its arguments and `options.hash` only (not `this`: arrow functions), so
  // the fast path may call it with a minimal options object (handlebars-fast); a template using a
  // helper registered otherwise is left to Handlebars.
  const plain = (name: string, helper: Handlebars.HelperDelegate): void => {
    hb.registerHelper(name, helper);
    plainHelpers.set(name, helper as HelperFunction);
  };
  const jsonScalar = (value: unknown): string => {
    if (value === undefined) throw new Error('a yaml/json helper was given an undefined value');
    return JSON.stringify(value);
  };
  plain('yaml', jsonScalar);
  plain('json', jsonScalar);
  plain('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  plain('eq', (a: unknown, b: unknown) => a === b);
  // An English list of names (or of one field of each object): `a`, `a and b`, `a, b and c`.
  //   {{joinList spec.environments "and" before="`deploy-" after="`"}} → `deploy-staging` and `deploy-production`
  plain('joinList', (items: unknown, conjunction: unknown, options: Handlebars.HelperOptions) => {
    if (!Array.isArray(items)) throw new Error('joinList needs a list');
    const { key = 'name', before = '', after = '' } = options.hash as Record<string, string>;
    const words = items.map(item => `${before}${typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : item}${after}`);
    if (words.length < 2) return words.join('');
    return `${words.slice(0, -1).join(', ')} ${String(conjunction)} ${words[words.length - 1]}`;
  });
  // 'staging' → 'Staging': an environment name as a link title.
  plain('titleCase', (text: string) => `${String(text).charAt(0).toUpperCase()}${String(text).slice(1)}`);
  // ghcr.io/acme → ghcr.io: docker login wants the host only.
  plain('registryHost', (registry: string) => registry.split('/')[0]);
  // '22.11.0' → '22': image tags such as distroless's nodejs22 carry the major version only.
  plain('major', (version: string) => String(version).split('.')[0]);
  plain('seconds', (ms: number) => ms / 1000);
  // 0.99 → 1: the error budget as a percentage, without float noise (0.010000000000000009).
  plain('errorBudgetPercent', (successRate: number) => Number(((1 - successRate) * 100).toFixed(4)));
  return hb;
}

export type CompiledSkeletonFile = (context: object) => string;

const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/**
 * Registers a partial compiled, not as source. Handlebars compiles a source partial where it is
 * called and keeps the result in the call's partials object, which a template with inline
 * partials (`{{#*inline}}`) makes afresh on every render: its source partials were compiled on
 * every render (1.2 ms of node-service's 2.1 ms of templates).
 */
export function registerSkeletonPartial(hb: typeof Handlebars, name: string, source: string): void {
  const compiled = hb.compile(source, COMPILE_OPTIONS);
  hb.registerPartial(name, compiled);
  const state = fastState(hb);
  state.partialSources.set(name, { source, registered: compiled });
  state.partialsVersion++;
}

/** The environment's fast compiler (handlebars-fast): its plain helpers and the partials registered above. */
export function skeletonFastCompiler(hb: typeof Handlebars): FastCompiler {
  const state = fastState(hb);
  state.compiler ??= new FastCompiler(hb, state.plainHelpers, state.partialSources);
  return state.compiler;
}

export function compileSkeletonFile(hb: typeof Handlebars, source: string, path: string): CompiledSkeletonFile {
  const template = hb.compile(source, COMPILE_OPTIONS);
  // Plain JavaScript for the subset skeletons use (same output and errors, proven by
  // handlebars-fast.test.ts); real Handlebars for any other template, or any render that
  // meets a function in the data.
  const state = fastState(hb);
  const compileFast = () => {
    try {
      return skeletonFastCompiler(hb).compileTemplate(source);
    } catch {
      // A fault of the fast compiler never stops a render (the differential test reports any file left slow).
      return undefined;
    }
  };
  let fast = compileFast();
  let compiledWith = state.partialsVersion;
  return (context: object) => {
    try {
      if (compiledWith !== state.partialsVersion) {
        fast = compileFast();
        compiledWith = state.partialsVersion;
      }
      if (fast) {
        try {
          return fast(context);
        } catch (error) {
          if (error !== BAIL) throw error;
        }
      }
      return template(context);
    } catch (error) {
      throw new Error(`skeleton file ${path}: ${(error as Error).message}`);
    }
  };
}
