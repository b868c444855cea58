import Handlebars from 'handlebars';

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
  const jsonScalar = (value: unknown): string => {
    if (value === undefined) throw new Error('a yaml/json helper was given an undefined value');
    return JSON.stringify(value);
  };
  hb.registerHelper('yaml', jsonScalar);
  hb.registerHelper('json', jsonScalar);
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // An English list of names (or of one field of each object): `a`, `a and b`, `a, b and c`.
  //   {{joinList spec.environments "and" before="`deploy-" after="`"}} → `deploy-staging` and `deploy-production`
  hb.registerHelper('joinList', (items: unknown, conjunction: unknown, options: Handlebars.HelperOptions) => {
    if (!Array.isArray(items)) throw new Error('joinList needs a list');
    const { key = 'name', before = '', after = '' } = options.hash as Record<string, string>;
    const words = items.map(item => `${before}${typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : item}${after}`);
    if (words.length < 2) return words.join('');
    return `${words.slice(0, -1).join(', ')} ${String(conjunction)} ${words[words.length - 1]}`;
  });
  // 'staging' → 'Staging': an environment name as a link title.
  hb.registerHelper('titleCase', (text: string) => `${String(text).charAt(0).toUpperCase()}${String(text).slice(1)}`);
  // ghcr.io/acme → ghcr.io: docker login wants the host only.
  hb.registerHelper('registryHost', (registry: string) => registry.split('/')[0]);
  // '22.11.0' → '22': image tags such as distroless's nodejs22 carry the major version only.
  hb.registerHelper('major', (version: string) => String(version).split('.')[0]);
  hb.registerHelper('seconds', (ms: number) => ms / 1000);
  // 0.99 → 1: the error budget as a percentage, without float noise (0.010000000000000009).
  hb.registerHelper('errorBudgetPercent', (successRate: number) => Number(((1 - successRate) * 100).toFixed(4)));
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
  hb.registerPartial(name, hb.compile(source, COMPILE_OPTIONS));
}

export function compileSkeletonFile(hb: typeof Handlebars, source: string, path: string): CompiledSkeletonFile {
  const template = hb.compile(source, COMPILE_OPTIONS);
  return (context: object) => {
    try {
      return template(context);
    } catch (error) {
      throw new Error(`skeleton file ${path}: ${(error as Error).message}`);
    }
  };
}
