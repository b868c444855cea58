'use strict';
/**
 * Mechanical translation of a Slipway Handlebars skeleton into a skeleton for
 * Backstage's built-in `fetch:template` (nunjitsu, a Nunjucks subset, with `${{ }}`
 * variables and `templateFileExtension: '.njk'`), so the benchmark can run both
 * engines on the same repo and prove they produce the same files.
 *
 * It works on Handlebars' own AST (`Handlebars.parse`), so escapes (`\{{`),
 * `~` whitespace control and standalone-line stripping are exactly Handlebars'.
 * The context object the renderer passes (goldenPathContext(goldenPath, spec)) is given to
 * fetch:template as `values`, so `{{spec.name}}` becomes `${{ values.spec.name }}`.
 *
 * | Handlebars                          | Nunjucks                                            |
 * |-------------------------------------|-----------------------------------------------------|
 * | `{{a.b}}`                           | `${{ values.a.b }}`                                 |
 * | `{{yaml x}}` / `{{json x}}`         | `${{ (x | dump) }}` (dump is JSON.stringify)        |
 * | `{{concat a b}}`                    | `(a ~ b)`, null/undefined → "" like Array#join      |
 * | `{{eq a b}}`                        | `(a === b)`                                         |
 * | `{{registryHost r}}`                | `(r).split("/")[0]`                                 |
 * | `{{major v}}`                       | `(v | string).split(".")[0]`                        |
 * | `{{seconds ms}}`                    | `(ms / 1000)`                                       |
 * | `{{errorBudgetPercent r}}`          | `(((1 - r) * 100).toFixed(4) | float)`              |
 * | `{{#if x}}…{{else}}…{{/if}}`        | `{% if (x and x.length !== 0) %}…{% else %}…{% endif %}` (Handlebars treats [] as false) |
 * | `{{#unless x}}`                     | `{% if not (…) %}`                                  |
 * | `{{#each list}}…{{this}}…{{/each}}` | `{% for item in list %}…${{ item }}…{% endfor %}`   |
 * | `{{#each map}}{{@key}}: {{this}}`   | `{% for key, item in map %}` (chosen when `@key` is used) |
 * | `@index` / `@first` / `@last`       | `loop.index0` / `loop.first` / `loop.last`          |
 * | `{{> name k=v}}`                    | the partial inlined, `k` bound to `v`, standalone indentation applied to its lines |
 * | literal text with `${{` `{%` `{#` `#}` | wrapped in `{% raw %}…{% endraw %}`              |
 *
 * Anything else (other helpers or block helpers, hashes on helpers, `../` in a
 * partial, decorators, partial blocks, dynamic partials, ...) throws an error naming
 * the skeleton file and line: the translation is never silently approximate.
 *
 * One known, unavoidable difference: Handlebars indents every line a standalone
 * partial *outputs*, including newlines inside interpolated values; this inlining
 * indents the partial's literal lines only. The benchmark's equivalence check
 * would report any file where that matters.
 */
const fs = require('fs');
const path = require('path');
const Handlebars = require('handlebars');

const PARTIALS_DIR = '_partials/';
/** Files of the golden path folder that are not part of the output: the renderer's own test. */
const { builtInPartialLayers, isGoldenPathPart } = require('@slipway/skeletons');
const NUNJUCKS_KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'true', 'false', 'none', 'null', 'True', 'False', 'None', 'loop']);

class TranslationError extends Error {}

function fail(state, node, message) {
  const line = node && node.loc ? `:${node.loc.start.line}` : '';
  throw new TranslationError(`${state.file}${line}: cannot translate to Nunjucks: ${message}`);
}

function member(base, part) {
  if (/^[A-Za-z_$][\w$]*$/.test(part) && !NUNJUCKS_KEYWORDS.has(part)) return `${base}.${part}`;
  if (/^\d+$/.test(part)) return `${base}[${part}]`;
  return `${base}[${stringLiteral(part)}]`;
}

function stringLiteral(value, state, node) {
  const literal = JSON.stringify(value);
  // nunjitsu string literals know \" \\ \n \t \r but not \uXXXX.
  if (/\\u/.test(literal)) {
    if (state) fail(state, node, `string literal ${literal} needs a \\u escape`);
    throw new TranslationError(`string literal ${literal} needs a \\u escape`);
  }
  return literal;
}

/** `x and x.length !== 0`: Handlebars' `if` is false for falsy values and for empty arrays. */
function truthy(expression) {
  return `(${expression} and ${expression}.length !== 0)`;
}

function isLiteral(node) {
  return /Literal$/.test(node.type);
}

/**
 * Lexical environment of a translation.
 * - ctx: the Handlebars context frame: `thisExpr` (the nunjucks expression for `this`),
 *   `ext` (names added to the context by a partial's hash), `parent` (for `../`).
 * - blockParams: `as |x|` names.
 * - loop: the innermost `each`, for @index/@key/@first/@last.
 * - inPartial: `../` is refused inside partials.
 */
function pathExpression(node, env, state) {
  if (node.data) {
    const [name, ...rest] = node.parts;
    if (node.depth) fail(state, node, `@../ data paths (${node.original})`);
    if (name === 'root') {
      if (rest.length && state.rootExt && state.rootExt.has(rest[0])) return rest.slice(1).reduce(member, state.rootExt.get(rest[0]));
      return rest.reduce(member, 'values');
    }
    if (!env.loop) fail(state, node, `@${name} outside {{#each}}`);
    if (rest.length) fail(state, node, `member access on @${name}`);
    if (name === 'key') {
      env.loop.usesKey = true;
      return env.loop.keyVar;
    }
    if (name === 'index') return 'loop.index0';
    if (name === 'first') return 'loop.first';
    if (name === 'last') return 'loop.last';
    fail(state, node, `unknown data variable @${name}`);
  }
  let ctx = env.ctx;
  if (node.depth) {
    if (env.inPartial) fail(state, node, `../ inside a partial (${node.original})`);
    for (let i = 0; i < node.depth; i++) {
      if (!ctx.parent) fail(state, node, `${node.original} climbs above the root context`);
      ctx = ctx.parent;
    }
  }
  const parts = node.parts;
  if (parts.length === 0) return ctx.thisExpr;
  const explicitThis = /^(this|\.)[./]/.test(node.original);
  if (!node.depth && !explicitThis && env.blockParams.has(parts[0])) {
    return parts.slice(1).reduce(member, env.blockParams.get(parts[0]));
  }
  if (!explicitThis && ctx.ext.has(parts[0])) return parts.slice(1).reduce(member, ctx.ext.get(parts[0]));
  return parts.reduce(member, ctx.thisExpr);
}

function expression(node, env, state) {
  switch (node.type) {
    case 'PathExpression':
      return pathExpression(node, env, state);
    case 'StringLiteral':
      return stringLiteral(node.value, state, node);
    case 'NumberLiteral': {
      const text = String(node.value);
      if (!/^-?\d+(\.\d+)?$/.test(text)) fail(state, node, `number literal ${text}`);
      return text;
    }
    case 'BooleanLiteral':
      return node.value ? 'true' : 'false';
    case 'NullLiteral':
      return 'none';
    case 'SubExpression':
      return helperCall(node, env, state);
    default:
      return fail(state, node, `${node.type} as a value`);
  }
}

/** The skeleton helpers (render/handlebars.ts), each as a plain Nunjucks expression. */
const HELPERS = {
  yaml: ([x]) => `(${x} | dump)`,
  json: ([x]) => `(${x} | dump)`,
  concat: (args, nodes) =>
    `(${args.map((arg, i) => (isLiteral(nodes[i]) ? arg : `("" if ${arg} == none else ${arg})`)).join(' ~ ')})`,
  eq: ([a, b]) => `(${a} === ${b})`,
  registryHost: ([x]) => `(${x}).split("/")[0]`,
  major: ([x]) => `(${x} | string).split(".")[0]`,
  seconds: ([x]) => `(${x} / 1000)`,
  errorBudgetPercent: ([x]) => `(((1 - ${x}) * 100).toFixed(4) | float)`,
  titleCase: ([x]) => `((${x} | string).charAt(0).toUpperCase() ~ (${x} | string).slice(1))`,
};
const HELPER_ARITY = { yaml: 1, json: 1, eq: 2, registryHost: 1, major: 1, seconds: 1, errorBudgetPercent: 1, titleCase: 1 };

/**
 * `{{joinList items "and" key="name" before="`" after="`"}}` → `a`, `b` and `c`: the only helper
 * with hash arguments (string literals), written out with Nunjucks' join(separator, attribute).
 */
function joinListCall(node, env, state) {
  if (node.params.length !== 2) fail(state, node, 'joinList takes a list and a conjunction');
  const options = { key: '"name"', before: '""', after: '""' };
  for (const pair of node.hash ? node.hash.pairs : []) {
    if (!(pair.key in options) || pair.value.type !== 'StringLiteral') fail(state, node, `joinList option ${pair.key}`);
    options[pair.key] = expression(pair.value, env, state);
  }
  const [list, conjunction] = node.params.map(param => expression(param, env, state));
  const { key, before, after } = options;
  const word = item => `${before} ~ ${item}[${key}] ~ ${after}`;
  const many = `${before} ~ (${list}.slice(0, -1) | join(${after} ~ ", " ~ ${before}, ${key})) ~ ${after} ~ " " ~ ${conjunction} ~ " " ~ ${word(`${list}[${list}.length - 1]`)}`;
  return `((${many}) if ${list}.length > 1 else ((${word(`${list}[0]`)}) if ${list}.length == 1 else ""))`;
}

function helperCall(node, env, state) {
  const name = node.path.original;
  if (name === 'joinList' && node.path.type === 'PathExpression') return joinListCall(node, env, state);
  if (node.path.type !== 'PathExpression' || !Object.prototype.hasOwnProperty.call(HELPERS, name)) {
    fail(state, node, `unknown helper ${name}`);
  }
  if (node.hash && node.hash.pairs.length) fail(state, node, `hash arguments to helper ${name}`);
  const arity = HELPER_ARITY[name];
  if (arity !== undefined && node.params.length !== arity) fail(state, node, `${name} takes ${arity} argument(s)`);
  if (node.params.length === 0) fail(state, node, `${name} without arguments`);
  const args = node.params.map(param => expression(param, env, state));
  return HELPERS[name](args, node.params);
}

function mustacheExpression(node, env, state) {
  if (node.params.length || (node.hash && node.hash.pairs.length)) return helperCall(node, env, state);
  if (node.path.type === 'PathExpression' && !node.path.data && node.path.parts.length === 1 && HELPERS[node.path.parts[0]]) {
    fail(state, node, `helper ${node.path.original} without arguments`);
  }
  return expression(node.path, env, state);
}

/** Segments: { text } literal output or { code } nunjucks tags/expressions. */
function program(prog, env, state) {
  const out = [];
  for (const node of prog.body) statement(node, env, state, out);
  return out;
}

function statement(node, env, state, out) {
  switch (node.type) {
    case 'ContentStatement':
      if (node.value) out.push({ text: node.value });
      return;
    case 'CommentStatement':
      return;
    case 'MustacheStatement':
      out.push({ code: `\${{ ${mustacheExpression(node, env, state)} }}` });
      return;
    case 'BlockStatement':
      block(node, env, state, out);
      return;
    case 'PartialStatement':
      partial(node, env, state, out);
      return;
    case 'DecoratorBlock':
      inlinePartial(node, state);
      return;
    default:
      fail(state, node, `${node.type}`);
  }
}

function block(node, env, state, out) {
  const name = node.path.original;
  if (node.path.type !== 'PathExpression') fail(state, node, 'a block with a computed helper');
  if (node.hash && node.hash.pairs.length) fail(state, node, `hash arguments to {{#${name}}}`);
  if (name === 'if' || name === 'unless') {
    if (node.params.length !== 1) fail(state, node, `{{#${name}}} takes one argument`);
    if (node.program.blockParams) fail(state, node, `block params on {{#${name}}}`);
    const condition = truthy(expression(node.params[0], env, state));
    out.push({ code: `{% if ${name === 'unless' ? `not ${condition}` : condition} %}` });
    out.push(...program(node.program, env, state));
    if (node.inverse) {
      out.push({ code: '{% else %}' });
      out.push(...program(node.inverse, env, state));
    }
    out.push({ code: '{% endif %}' });
    return;
  }
  if (name === 'each') {
    if (node.params.length !== 1) fail(state, node, '{{#each}} takes one argument');
    const list = expression(node.params[0], env, state);
    const depth = state.loopDepth++;
    const suffix = depth ? `_${depth + 1}` : '';
    const itemVar = `item${suffix}`;
    const loop = { keyVar: `key${suffix}`, usesKey: false };
    const blockParams = new Map(env.blockParams);
    const params = node.program.blockParams || [];
    if (params.length > 1) fail(state, node, '{{#each x as |item key|}}: the key/index block param');
    if (params.length === 1) blockParams.set(params[0], itemVar);
    const inner = {
      ctx: { thisExpr: itemVar, ext: new Map(), parent: env.ctx },
      blockParams,
      loop,
      inPartial: env.inPartial,
    };
    const body = program(node.program, inner, state);
    state.loopDepth--;
    out.push({ code: loop.usesKey ? `{% for ${loop.keyVar}, ${itemVar} in ${list} %}` : `{% for ${itemVar} in ${list} %}` });
    out.push(...body);
    if (node.inverse) {
      out.push({ code: '{% else %}' });
      out.push(...program(node.inverse, env, state));
    }
    out.push({ code: '{% endfor %}' });
    return;
  }
  fail(state, node, `block helper {{#${name}}}`);
}

/**
 * `{{#*inline "name"}}…{{/inline}}` defines a partial for the rest of the template and the
 * partials it calls (Handlebars' inline partials); it writes nothing itself.
 */
function inlinePartial(node, state) {
  const [nameParam] = node.params;
  if (node.path.original !== 'inline' || node.params.length !== 1 || nameParam.type !== 'StringLiteral') fail(state, node, 'a decorator other than {{#*inline "name"}}');
  state.inlinePartials[nameParam.value] = node.program;
}

function partial(node, env, state, out) {
  if (node.name.type !== 'PathExpression') fail(state, node, 'a dynamic partial name');
  const name = node.name.original;
  const inline = state.inlinePartials[name];
  const source = inline ? '' : state.partials[name];
  if (source === undefined) fail(state, node, `partial ${name} does not exist`);
  if (node.params.length > 1) fail(state, node, `partial ${name} with more than one context argument`);
  if (state.partialStack.includes(name)) fail(state, node, `recursive partial ${name}`);
  const hash = new Map((node.hash ? node.hash.pairs : []).map(pair => [pair.key, expression(pair.value, env, state)]));
  // Handlebars: the partial's context is the caller's (or the given one), extended with the hash.
  const ctx = node.params.length
    ? { thisExpr: expression(node.params[0], env, state), ext: hash, parent: null }
    : { thisExpr: env.ctx.thisExpr, ext: new Map([...env.ctx.ext, ...hash]), parent: null };
  const partialState = { ...state, file: `${PARTIALS_DIR}${name}.hbs`, partialStack: [...state.partialStack, name] };
  let ast = inline;
  try {
    ast = ast || Handlebars.parse(source);
  } catch (error) {
    fail(partialState, null, `Handlebars parse error: ${error.message}`);
  }
  const segments = program(ast, { ctx, blockParams: new Map(), loop: env.loop, inPartial: true }, partialState);
  state.loopDepth = partialState.loopDepth;
  out.push(...(node.indent ? indent(segments, node.indent, partialState) : segments));
}

/**
 * Handlebars prefixes every line a standalone partial outputs with the indentation of
 * its `{{> }}` line, except an empty last line. Here: the indent goes before the
 * partial and after each literal newline but its final one, which must be the end of
 * the partial so the rule is exact.
 */
function indent(segments, prefix, state) {
  const merged = mergeText(segments);
  const last = merged[merged.length - 1];
  if (!last || last.text === undefined || !last.text.endsWith('\n')) {
    fail(state, null, 'a partial used on its own indented line must end with a literal newline');
  }
  return [
    { text: prefix },
    ...merged.map((segment, i) => {
      if (segment.text === undefined) return segment;
      const body = i === merged.length - 1 ? segment.text.slice(0, -1) : segment.text;
      return { text: body.replace(/\n/g, `\n${prefix}`) + (i === merged.length - 1 ? '\n' : '') };
    }),
  ];
}

function mergeText(segments) {
  const merged = [];
  for (const segment of segments) {
    const previous = merged[merged.length - 1];
    if (segment.text !== undefined && previous && previous.text !== undefined) previous.text += segment.text;
    else if (segment.text !== '') merged.push({ ...segment });
  }
  return merged;
}

/** Literal text nunjitsu would read as a tag (`${{`, `{%`, `{#`) or reject (a stray `#}`) goes in a raw block. */
function escapeText(text, state) {
  if (!/\$\{\{|\{%|\{#|#\}/.test(text)) return text;
  if (/\{%-?\s*(end)?raw\s*-?%\}/.test(text)) fail(state, null, 'literal text containing a {% raw %} tag');
  return `{% raw %}${text}{% endraw %}`;
}

/**
 * Translates one Handlebars template to Nunjucks.
 * @param {string} source the template
 * @param {{ file?: string, partials?: Record<string, string>, ext?: Record<string, string> }} options partial sources
 *   by name, and context names bound to Nunjucks expressions
 * @returns {string}
 */
function translateTemplate(source, options = {}) {
  const state = { file: options.file || '<template>', partials: options.partials || {}, inlinePartials: {}, partialStack: [], loopDepth: 0 };
  let ast;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    fail(state, null, `Handlebars parse error: ${error.message}`);
  }
  // options.ext: names the renderer adds to the context (`environment` in per-environment files).
  const ext = new Map(Object.entries(options.ext || {}));
  // @root sees the names the renderer adds too (`@root.environment` inside a loop or a partial).
  state.rootExt = ext;
  const env = { ctx: { thisExpr: 'values', ext, parent: null }, blockParams: new Map(), loop: null, inPartial: false };
  return mergeText(program(ast, env, state))
    .map(segment => (segment.text !== undefined ? escapeText(segment.text, state) : segment.code))
    .join('');
}

function listFiles(root, relative = '') {
  const files = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(root, child));
    else if (entry.isFile()) files.push(child);
    else throw new TranslationError(`${child}: neither a file nor a folder`);
  }
  return files.sort();
}

/**
 * Writes the Nunjucks version of the skeleton in `skeletonDir` to `outDir`:
 * `x.hbs` → `x.njk` (translated), other files copied with their mode, partials
 * inlined (the path's own `_partials/` and the shared layers' `<prefix>/…`), the skeleton's README and
 * `_partials/` left out (as the renderer does).
 * @returns {{ templates: string[], copied: string[] }} output-relative paths
 */
const ENVIRONMENT_PLACEHOLDER = '[environment]';

/**
 * @param {{ environments?: string[], partialLayers?: Record<string, string> }} options the spec's environment names, in order: a path
 *   holding `[environment]` is written once per environment (fetch:template cannot loop over a
 *   list for file names), with `environment` bound to `values.spec.environments[i]` as the
 *   renderer binds it.
 */
function translateSkeleton(skeletonDir, outDir, options = {}) {
  const all = listFiles(skeletonDir);
  const partials = {};
  for (const file of all.filter(f => f.startsWith(PARTIALS_DIR) && f.endsWith('.hbs'))) {
    partials[file.slice(PARTIALS_DIR.length, -'.hbs'.length)] = fs.readFileSync(path.join(skeletonDir, file), 'utf8');
  }
  // The shared layers, `<prefix>/<file>` as the renderer registers them (default: Slipway's, as for a built-in path).
  for (const [prefix, layerDir] of Object.entries(options.partialLayers || builtInPartialLayers())) {
    for (const file of listFiles(layerDir).filter(f => f.endsWith('.hbs'))) {
      partials[`${prefix}/${file.slice(0, -'.hbs'.length)}`] = fs.readFileSync(path.join(layerDir, file), 'utf8');
    }
  }
  const templates = [];
  const copied = [];
  for (const file of all.filter(f => !isGoldenPathPart(f))) {
    // fetch:template renders every path as a template and renders every .njk file.
    if (/\$\{\{|\{%|\{#|#\}/.test(file)) throw new TranslationError(`${file}: its name would be read as a Nunjucks tag`);
    if (file.endsWith('.njk')) throw new TranslationError(`${file}: a verbatim .njk file would be rendered by fetch:template`);
    const from = path.join(skeletonDir, file);
    const mode = fs.statSync(from).mode & 0o777;
    const perEnvironment = file.includes(ENVIRONMENT_PLACEHOLDER);
    if (perEnvironment && !file.endsWith('.hbs')) throw new TranslationError(`${file}: a verbatim file per environment`);
    if (perEnvironment && !options.environments) throw new TranslationError(`${file}: needs the spec's environments (options.environments)`);
    const copies = perEnvironment
      ? options.environments.map((name, index) => ({ file: file.split(ENVIRONMENT_PLACEHOLDER).join(name), ext: { environment: `values.spec.environments[${index}]` } }))
      : [{ file, ext: {} }];
    for (const copy of copies) {
      const target = copy.file.endsWith('.hbs') ? `${copy.file.slice(0, -'.hbs'.length)}.njk` : copy.file;
      const to = path.join(outDir, target);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      if (file.endsWith('.hbs')) {
        fs.writeFileSync(to, translateTemplate(fs.readFileSync(from, 'utf8'), { file, partials, ext: copy.ext }), { mode });
        templates.push(target);
      } else {
        fs.copyFileSync(from, to);
        copied.push(target);
      }
      fs.chmodSync(to, mode);
    }
  }
  return { templates, copied };
}

module.exports = { translateTemplate, translateSkeleton, TranslationError };
