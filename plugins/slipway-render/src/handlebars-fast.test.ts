import { promises as fs } from 'fs';
import path from 'path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { compileSkeletonFile, createSkeletonHandlebars, registerSkeletonPartial, skeletonFastCompiler } from './handlebars';
import { BAIL } from './handlebars-fast';
import { ENVIRONMENT_PLACEHOLDER, goldenPathContext, registerPartialLayers } from './renderer';
import { builtInPartialLayers } from '@slipway/skeletons';

/**
 * The fast path (handlebars-fast) must write what Handlebars writes, byte for byte, and fail
 * with the message Handlebars fails with. Each case renders one template both ways: real
 * Handlebars (strict, noEscape, as compileSkeletonFile compiles it) and the fast function.
 */

const OPTIONS = { noEscape: true, strict: true } as const;
type Outcome = { output: string } | { error: string };

function outcome(render: () => string): Outcome {
  try {
    return { output: render() };
  } catch (error) {
    if (error === BAIL) return { error: 'BAIL' };
    return { error: (error as Error).message };
  }
}

function both(hb: typeof Handlebars, source: string, context: unknown): { fast: Outcome; handlebars: Outcome; compiled: boolean } {
  const fast = skeletonFastCompiler(hb).compileTemplate(source);
  const template = hb.compile(source, OPTIONS);
  return {
    handlebars: outcome(() => template(context)),
    fast: fast ? outcome(() => fast(context)) : { error: 'not compiled' },
    compiled: fast !== undefined,
  };
}

/** A template both ways, in a fresh skeleton environment with these partials. */
function compare(source: string, context: unknown, partials: Record<string, string> = {}) {
  const hb = createSkeletonHandlebars();
  for (const [name, partial] of Object.entries(partials)) registerSkeletonPartial(hb, name, partial);
  return both(hb, source, context);
}

function expectSame(source: string, context: unknown, partials: Record<string, string> = {}): Outcome {
  const { fast, handlebars, compiled } = compare(source, context, partials);
  expect({ source, compiled }).toEqual({ source, compiled: true });
  expect(fast).toEqual(handlebars);
  return handlebars;
}

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)));
    else files.push(child);
  }
  return files.sort();
}

describe('handlebars-fast equals Handlebars', () => {
  describe.each(createGoldenPathRegistry().list().map(goldenPath => [goldenPath.id, goldenPath] as const))('on golden path %s', (_id, goldenPath) => {
    it('for every skeleton file, every example and every environment', async () => {
      const hb = createSkeletonHandlebars();
      const layers = goldenPath.partialLayers ?? builtInPartialLayers();
      await registerPartialLayers(hb, layers);
      const files = await listFiles(goldenPath.dir);
      for (const file of files.filter(name => name.startsWith('_partials/') && name.endsWith('.hbs'))) {
        registerSkeletonPartial(hb, file.slice('_partials/'.length, -'.hbs'.length), await fs.readFile(path.join(goldenPath.dir, file), 'utf8'));
      }
      const templates = files.filter(name => name.endsWith('.hbs') && !name.startsWith('_partials/'));
      expect(templates.length).toBeGreaterThan(10);
      const examplesDir = path.join(goldenPath.dir, 'examples');
      const examples = (await fs.readdir(examplesDir)).filter(name => name.endsWith('.yaml')).sort();
      expect(examples.length).toBeGreaterThan(0);
      const sources = new Map<string, string>();
      for (const file of templates) sources.set(file, await fs.readFile(path.join(goldenPath.dir, file), 'utf8'));
      const notCompiled: string[] = [];
      let rendered = 0;
      for (const example of examples) {
        const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(examplesDir, example), 'utf8')));
        if (!resolved.ok) throw new Error(`${example}: ${JSON.stringify(resolved.issues)}`);
        const context = goldenPathContext(goldenPath, resolved.spec);
        // The renderer's base context: reading `environment` outside a per-environment file throws.
        const baseContext = Object.defineProperty({ ...context }, 'environment', {
          get() {
            throw new Error('environment is only set in a file whose path holds [environment]');
          },
        });
        for (const file of templates) {
          const source = sources.get(file)!;
          const contexts = file.includes(ENVIRONMENT_PLACEHOLDER) ? resolved.spec.environments.map(environment => ({ ...context, environment })) : [baseContext];
          for (const fileContext of contexts) {
            const { fast, handlebars, compiled } = both(hb, source, fileContext);
            if (!compiled) {
              if (!notCompiled.includes(file)) notCompiled.push(file);
              continue;
            }
            rendered++;
            expect({ file, example, fast }).toEqual({ file, example, fast: handlebars });
          }
        }
      }
      expect(rendered).toBeGreaterThan(0);
      // Every skeleton file is in the subset: none is left to the slow path.
      expect(notCompiled.map(file => `${file}: ${skeletonFastCompiler(hb).explain(sources.get(file)!)}`)).toEqual([]);
    }, 60_000);
  });
});

describe('handlebars-fast on each construct', () => {
  const data = {
    name: 'orders',
    empty: '',
    zero: 0,
    nothing: null,
    list: ['a', 'b', 'c'],
    none: [],
    zeros: [0],
    sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
    map: { first: 1, second: { deep: 'x' } },
    items: [{ name: 'one', tags: ['t1', 't2'] }, { name: 'two', tags: [] }],
    text: 'line one\nline two\n',
    spec: { name: 'orders', port: 8080, environments: [{ name: 'staging' }, { name: 'production' }], slo: 0.995 },
  };

  it.each([
    ['paths', '{{name}} {{spec.name}} {{{spec.port}}} {{this.name}} {{./name}} {{list.[0]}} {{list.length}} {{name.length}} {{spec.[name]}}'],
    ['null and undefined write nothing; false and 0 are written', '[{{nothing}}][{{zero}}][{{map.absent}}][{{#each list}}{{@first}}{{/each}}]'],
    ['objects and arrays written as JavaScript writes them', '{{list}} {{map}}'],
    ['the skeleton helpers and sub-expressions', '{{yaml name}} {{json map}} {{concat "a" 1 true nothing name}} {{eq name "orders"}} {{#if (eq (concat name "") "orders")}}same{{/if}} {{joinList spec.environments "and" before="`" after="`"}} {{joinList list "or"}} {{titleCase name}} {{registryHost "ghcr.io/acme"}} {{major "22.11.0"}} {{seconds 1500}} {{errorBudgetPercent spec.slo}}'],
    ['literals as arguments', '{{concat "s" 1.5 -2 true false null undefined}}'],
    ['if / else if / else chains', '{{#if empty}}1{{else if zero}}2{{else if none}}3{{else if nothing}}4{{else}}5{{/if}}{{#if zeros}}6{{/if}}{{#if map}}7{{/if}}'],
    ['if with includeZero, unless with else', '{{#if zero includeZero=true}}z{{/if}}{{#if none includeZero=true}}n{{/if}}{{#unless list}}no{{else}}yes{{/unless}}{{#unless empty}}empty{{/unless}}'],
    ['each over arrays with @index @first @last, holes skipped', '{{#each list}}{{@index}}{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}},{{/each}}{{#each sparse}}{{@index}}={{this}};{{/each}}'],
    ['each over an object with @key, an empty list with else', '{{#each map}}{{@key}}:{{#each this}}{{@key}}{{/each}};{{/each}}{{#each none}}x{{else}}nothing{{/each}}{{#each name}}x{{else}}a string is not iterated{{/each}}'],
    ['block params and ../', '{{#each items as |item i|}}{{i}}{{item.name}}{{#each item.tags as |tag|}}[{{tag}}{{../name}}{{../../name}}{{item.name}}]{{/each}}{{/each}}'],
    ['@root in blocks', '{{#each items}}{{@root.name}}{{#each tags}}{{@root.spec.port}}{{/each}}{{/each}}'],
    ['with, its block param and else', '{{#with spec as |s|}}{{s.name}}{{name}}{{/with}}{{#with none}}x{{else}}empty{{/with}}{{#with map.second}}{{deep}}{{../name}}{{/with}}'],
    ['lookup', '{{lookup map "first"}} {{#with (lookup items 1)}}{{name}}{{/with}} {{lookup nothing "x"}}'],
    ['whitespace control, standalone lines, comments, escapes', 'a\n  {{#if name}}\n  b {{~name~}} c\n  {{/if}}\n{{!-- a comment --}}\n{{! another }}\n\\{{name}} {{name}}\n   {{~#each list}}\n {{this}}\n{{/each}}\n'],
  ])('%s', (_what, source) => {
    expectSame(source, data);
  });

  describe('partials', () => {
    const partials = {
      lines: 'first: {{name}}\n\nthird\n',
      text: '{{text}}',
      labels: 'app: {{name}}\n{{#each list}}\n- {{this}}\n{{/each}}\n',
      nested: 'outer:\n  {{> lines}}\n  inline {{> text}} end\n',
      hashed: '{{name}} {{extra}} {{@root.name}} {{json this}}|{{#each this}}{{@key}},{{/each}}\n',
      usesInline: 'calls: {{> fromCaller}}\n',
      deep: 'd1:\n  {{> nested}}\n',
    };
    it.each([
      ['standalone (indented): every line prefixed, blank middle lines too, not a final empty line', 'x:\n  {{> lines}}\ny:\n    {{> lines name="other"}}\n'],
      ['indentation of interpolated newlines and nested standalone partials', 'a:\n  {{> text}}\n  {{> nested}}\n    {{> deep}}\nend {{> text}} after\n'],
      ['a partial whose output is empty, or has no final newline', '  {{> text text=""}}\n  {{> text text="no newline"}}\nnext\n'],
      ['hash: the context is a copy of the caller\'s plus the hash; @root stays the template\'s', '{{> hashed extra=1}}{{#each items}}{{> hashed extra=name}}{{/each}}{{> hashed spec extra=(concat name "!") name="n"}}'],
      ['a context argument', '{{#each items}}{{> labels @root}}{{> labels}}{{/each}}{{> labels spec.environments.[0]}}'],
      ['inline partials: before their definition, seen by the partials they call (dynamic scope), standalone', '{{> local}}\n{{#*inline "local"}}local {{name}}\n{{/inline}}\n{{#*inline "fromCaller"}}from the caller {{name}}{{/inline}}\n  {{> usesInline}}\n  {{> local}}\n'],
      ['a dynamic partial name', '{{#each list}}{{> (concat "la" "bels") @root}}{{/each}}\n  {{> (concat "li" "nes") name=this}}\n'],
    ])('%s', (_what, source) => {
      expectSame(source, data, partials);
    });
  });

  describe('a partial called with a hash reads the copy Handlebars makes (without making it when it can)', () => {
    const partials = {
      reads: '{{x}} {{name}} {{spec.name}} [{{map.constructor}}] {{#if x}}if {{x}} {{name}}{{else}}else {{name}}{{/if}}{{#each none}}-{{else}} each-else {{name}}{{/each}}\n',
      copy: '{{json this}} {{#each this}}{{@key}},{{/each}}\n',
      passes: '{{> reads}}{{> copy y=2 x="again"}}{{> strictName}}',
      strictName: '{{missing}}',
      indexed: '[{{this.[0]}}][{{x}}][{{length}}]',
    };
    // The own-__proto__ case reads an inherited property: Handlebars reports it on console.error (once).
    let errorLog: jest.SpyInstance;
    beforeEach(() => {
      errorLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => errorLog.mockRestore());
    const getterThrows = Object.defineProperty({ ...data }, 'boom', { enumerable: true, get: () => { throw new Error('an enumerable getter, read by the copy'); } });
    it.each([
      ['names from the hash, the context and neither; blocks keep the context', '{{> reads x=1}}{{> reads x=0 name="from the hash"}}', data],
      ['the copy itself, its keys in Handlebars\' order', '{{> copy x=1 name="n"}}{{> copy spec x=1}}', data],
      ['passed on, and merged with the next hash', '{{> passes x=1}}', data],
      ['a missing name: the message names the copy', '{{> strictName x=1}}', data],
      ['a string or null context', '{{> indexed "abc" x=1}}{{> indexed nothing x=2}}', data],
      ['the renderer\'s environment getter is not enumerable: not copied, not read', '{{> strictEnvironment x=1}}', Object.defineProperty({ ...data }, 'environment', { get: () => { throw new Error('read'); } })],
      ['an enumerable getter is read by the copy, used or not', '{{> reads x=1}}', getterThrows],
      ['an own __proto__ key', '{{> copy x=1}}{{> reads x=1}}', JSON.parse('{"__proto__": {"name": "from __proto__"}, "spec": {"name": "s"}, "none": []}')],
      ['a Proxy context', '{{> reads x=1}}', new Proxy({ ...data }, {})],
    ])('%s', (_what, source, context) => {
      expectSame(source, context, { ...partials, strictEnvironment: '{{environment.name}}' });
    });
  });

  describe('strict mode and runtime errors: the same message', () => {
    const withGetter = Object.defineProperty({ ...data }, 'environment', {
      get() {
        throw new Error('environment is only set in a file whose path holds [environment]');
      },
    });
    it.each([
      ['a missing name', '{{missing}}'],
      ['a missing last part', 'ok\n{{spec.missing}}'],
      ['a missing middle part', '{{missing.name}}'],
      ['a lookup through undefined (a TypeError)', '{{spec.missing.name.deeper}}'],
      ['a missing name in a block condition (not strict there)', '{{#if missing.name}}x{{/if}}'],
      ['a missing name inside each, with and a partial', '{{#each items}}{{name}}{{missing}}{{/each}}'],
      ['@index outside each', '{{@index}}'],
      ['../ above the root', '{{#each list}}{{../../name}}{{/each}}'],
      ['a helper error', '{{yaml missing}}'],
      ['a helper error (joinList)', '{{joinList name "and"}}'],
      ['the renderer\'s environment getter', '{{environment.name}}'],
      ['the getter is not copied into a partial\'s context with a hash', '{{> readsEnvironment x=1}}'],
      ['a missing name inside a partial', 'a\n  {{> broken}}\n'],
    ])('%s', (_what, source) => {
      const outcome = expectSame(source, withGetter, { readsEnvironment: '{{environment.name}}', broken: 'x {{nope}}' });
      expect(outcome).toEqual({ error: expect.any(String) });
    });

    it('Handlebars\' null context inside blocks of a null item', () => {
      expectSame('{{#each list}}{{#if true}}{{x}}{{/if}}{{/each}}', { list: [null] });
      expectSame('{{#each list}}{{x}}{{/each}}', { list: [null] });
      expectSame('{{#each list}}{{#if true}}{{../name}}{{/if}}{{/each}}', { list: [undefined], name: 'n' });
    });

    it('an item that is its own parent context does not push the ../ stack', () => {
      const context: Record<string, unknown> = { name: 'root' };
      context.list = [context];
      expectSame('{{#each list}}{{../name}}{{/each}}', context);
    });
  });

  describe('proto-access: inherited properties are refused as Handlebars refuses them', () => {
    class Instance {
      own = 'own';
      get inheritedGetter(): string {
        return 'from the prototype';
      }
    }
    let errorLog: jest.SpyInstance;
    beforeEach(() => {
      errorLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => errorLog.mockRestore());

    it.each([
      ['constructor', '[{{map.constructor}}][{{list.constructor}}][{{lookup map "constructor"}}]'],
      ['__proto__ and methods', '[{{map.__proto__}}][{{map.toString}}][{{map.hasOwnProperty}}][{{name.toUpperCase}}]'],
      ['in blocks', '{{#if map.constructor}}yes{{else}}no{{/if}}{{#each map.constructor}}x{{/each}}{{#with map.valueOf}}x{{else}}none{{/with}}'],
      ['a prototype getter', '[{{instance.own}}][{{instance.inheritedGetter}}]'],
      ['a prototype\'s own constructor', '[{{proto.constructor}}]'],
    ])('%s', (_what, source) => {
      expectSame(source, { ...data, instance: new Instance(), proto: Instance.prototype });
    });
  });

  describe('outside the subset', () => {
    it.each([
      ['a block helper that is not if/unless/each/with', '{{#custom name}}x{{/custom}}', 'block helper'],
      ['three block params on each', '{{#each name as |a b c|}}{{a}}{{/each}}', 'more than two block params'],
      ['a partial block', '{{#> lines}}fallback{{/lines}}', 'PartialBlockStatement'],
      ['an unknown partial', '{{> nowhere}}', 'partial nowhere is not registered'],
      ['a helper name without arguments', '{{yaml}}', 'names a helper'],
      ['an inline partial inside a block', '{{#if name}}{{#*inline "x"}}y{{/inline}}{{/if}}', 'inside a block'],
      ['a recursive partial', '{{> loop}}', 'recursive partial loop'],
    ])('%s: left to Handlebars, rendered the same', (_what, source, reason) => {
      const hb = createSkeletonHandlebars();
      hb.registerHelper('custom', (value: unknown, options: Handlebars.HelperOptions) => `<${String(value)}:${options.fn({})}>`);
      registerSkeletonPartial(hb, 'lines', 'first: {{name}}\n');
      registerSkeletonPartial(hb, 'loop', '{{#if again}}{{> loop again=false}}{{/if}}done');
      expect(skeletonFastCompiler(hb).compileTemplate(source)).toBeUndefined();
      expect(skeletonFastCompiler(hb).explain(source)).toContain(reason);
      const viaRenderer = outcome(() => compileSkeletonFile(hb, source, 'file.hbs')({ name: 'orders', again: true }));
      const handlebars = outcome(() => hb.compile(source, OPTIONS)({ name: 'orders', again: true }));
      expect(viaRenderer).toEqual('output' in handlebars ? handlebars : { error: `skeleton file file.hbs: ${handlebars.error}` });
    });

    it('a function in the data: that render is Handlebars\' (the fast function bails out)', () => {
      const hb = createSkeletonHandlebars();
      const source = '{{greet}} {{spec.port}} {{#if check}}yes{{/if}}';
      const context = { greet: () => 'hello', spec: { port: () => 8080 }, check: () => false };
      const fast = skeletonFastCompiler(hb).compileTemplate(source)!;
      expect(outcome(() => fast(context))).toEqual({ error: 'BAIL' });
      expect(compileSkeletonFile(hb, source, 'file.hbs')(context)).toBe(hb.compile(source, OPTIONS)(context));
    });

    it('a dynamic partial name that is not registered: that render is Handlebars\' (its message)', () => {
      const hb = createSkeletonHandlebars();
      const source = '{{> (concat "no" "where")}}';
      expect(outcome(() => skeletonFastCompiler(hb).compileTemplate(source)!({}))).toEqual({ error: 'BAIL' });
      const handlebars = outcome(() => hb.compile(source, OPTIONS)({}));
      expect(handlebars).toEqual({ error: expect.stringContaining('could not be found') });
      expect(outcome(() => compileSkeletonFile(hb, source, 'f.hbs')({}))).toEqual({ error: `skeleton file f.hbs: ${(handlebars as { error: string }).error}` });
    });

    it('a partial registered without its source (hb.registerPartial): the template is left to Handlebars', () => {
      const hb = createSkeletonHandlebars();
      hb.registerPartial('direct', 'direct {{name}}');
      expect(skeletonFastCompiler(hb).explain('{{> direct}}')).toContain('not registered through registerSkeletonPartial');
      expect(compileSkeletonFile(hb, '{{> direct}}', 'f.hbs')({ name: 'n' })).toBe('direct n');
    });

    it('a template that does not parse fails when rendered, with Handlebars\' message, as before', () => {
      const hb = createSkeletonHandlebars();
      const render = compileSkeletonFile(hb, '{{#if x}}unclosed', 'broken.hbs');
      const handlebars = outcome(() => hb.compile('{{#if x}}unclosed', OPTIONS)({}));
      expect(outcome(() => render({}))).toEqual({ error: `skeleton file broken.hbs: ${(handlebars as { error: string }).error}` });
    });
  });

  it('a partial registered after a template was compiled is the one it renders, as with Handlebars', () => {
    const hb = createSkeletonHandlebars();
    registerSkeletonPartial(hb, 'p', 'first');
    const render = compileSkeletonFile(hb, '{{> p}}', 'f.hbs');
    expect(render({})).toBe('first');
    registerSkeletonPartial(hb, 'p', 'second {{name}}');
    expect(render({ name: 'n' })).toBe(hb.compile('{{> p}}', OPTIONS)({ name: 'n' }));
  });

  it('compileSkeletonFile wraps the fast path\'s errors as it wraps Handlebars\'', () => {
    const hb = createSkeletonHandlebars();
    const handlebars = outcome(() => hb.compile('{{spec.missing}}', OPTIONS)({ spec: {} }));
    expect(handlebars).toEqual({ error: '"missing" not defined in [object Object] - 1:2' });
    expect(skeletonFastCompiler(hb).compileTemplate('{{spec.missing}}')).toBeDefined();
    expect(outcome(() => compileSkeletonFile(hb, '{{spec.missing}}', 'f.hbs')({ spec: {} }))).toEqual({ error: 'skeleton file f.hbs: "missing" not defined in [object Object] - 1:2' });
  });
});
