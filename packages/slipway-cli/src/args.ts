import { parseArgs } from 'util';
import { CliError } from './errors';
import { describeLimit, MAX_INPUT_FILE_BYTES } from './input-file';

export const USAGE = `slipway: render, validate and dry-run Slipway service templates

Usage:
  slipway render   --values <file.yaml> --out <dir> [--golden-path node-service] [--skeletons-dir <dir>]
  slipway render-system --values <system.yaml> --out <dir> [--skeletons-dir <dir>]
  slipway validate <dir> [--no-kustomize] [--json]
  slipway dry-run  --template <template.yaml> --values <file.yaml> --out <dir> [--skeletons-dir <dir>]
  slipway --help

Commands:
  render     Resolve a golden path's spec from a YAML values file (name, owner and description
             are enough; every other field has a default), render its skeleton and write the
             repo into <dir>, which must not exist or be empty. --golden-path picks the golden
             path (default node-service; --template is the older name of this flag).
  render-system
             Resolve a system (parts from golden paths, backing resources, the edges between
             them; see examples/systems) and render every part's repo, with the wiring the
             system derives (namespaces, NetworkPolicies at both ends of each edge, callee
             addresses), into <dir>/<part>/; nothing is written if any part's values fail.
  validate   Run the validation pipeline on a repo folder: YAML, schemas, kustomize overlay
             builds, policy and cross-references. --no-kustomize skips the overlay builds;
             --json prints the report as JSON.
  dry-run    Start a real Backstage backend in-process (scaffolder + the Slipway actions), run
             the template through POST /api/scaffolder/v2/dry-run with the values mapped to the
             template's form, write the resulting files into <dir> and print the step log.
             Steps whose actions do not support dry runs (publish:github, catalog:register)
             are skipped by Backstage.

Exit codes:
  0  ok
  1  validation problems
  2  bad input: flags, an unreadable or malformed values or template file (duplicate keys, aliases
     that do not resolve or expand too far), a values or template file over ${describeLimit(MAX_INPUT_FILE_BYTES)}, spec errors
     (one "field: rule" per line), an --out that is a symbolic link, a file or a non-empty folder
  3  another failure (the in-process backend did not start, a template step failed, writing --out
     failed: then --out is left as it was, since the repo is written beside it and moved in whole)
`;

export type Command =
  | { command: 'help' }
  | { command: 'render'; goldenPath: string; values: string; out: string; skeletonsDir?: string }
  | { command: 'render-system'; values: string; out: string; skeletonsDir?: string }
  | { command: 'validate'; dir: string; kustomize: 'auto' | 'skip'; json: boolean }
  | { command: 'dry-run'; template: string; values: string; out: string; skeletonsDir?: string };

const OPTIONS = {
  template: { type: 'string' },
  'golden-path': { type: 'string' },
  values: { type: 'string' },
  out: { type: 'string' },
  'skeletons-dir': { type: 'string' },
  'no-kustomize': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<Exclude<Command['command'], 'help'>, OptionName[]> = {
  render: ['golden-path', 'template', 'values', 'out', 'skeletons-dir', 'help'],
  'render-system': ['values', 'out', 'skeletons-dir', 'help'],
  validate: ['no-kustomize', 'json', 'help'],
  'dry-run': ['template', 'values', 'out', 'skeletons-dir', 'help'],
};

function isCommandName(name: string | undefined): name is keyof typeof ALLOWED {
  return name !== undefined && Object.prototype.hasOwnProperty.call(ALLOWED, name);
}

/** Parses argv (without node and the script). Throws `CliError` (exit 2) on any mistake. */
export function parseCliArgs(argv: string[]): Command {
  const parsed = (() => {
    try {
      return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new CliError(`${(error as Error).message}\nRun slipway --help for usage.`);
    }
  })();
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return { command: 'help' };
  if (!isCommandName(name)) {
    throw new CliError(
      `${name === undefined ? 'no command given' : `unknown command ${JSON.stringify(name)}`}; expected render, render-system, validate or dry-run.\nRun slipway --help for usage.`,
    );
  }
  const given = (Object.keys(values) as OptionName[]).filter(key => values[key] !== undefined);
  const misplaced = given.filter(key => !ALLOWED[name].includes(key));
  if (misplaced.length) {
    throw new CliError(`${misplaced.map(key => `--${key}`).join(', ')} cannot be used with slipway ${name}.\nRun slipway --help for usage.`);
  }
  const need = (key: 'values' | 'out' | 'template'): string => {
    const value = values[key];
    if (value === undefined || value === '') throw new CliError(`slipway ${name} needs --${key} <${key === 'out' ? 'dir' : 'file'}>.`);
    return value;
  };

  if (name === 'validate') {
    if (rest.length !== 1) throw new CliError('slipway validate needs exactly one repo folder: slipway validate <dir>.');
    return { command: 'validate', dir: rest[0], kustomize: values['no-kustomize'] ? 'skip' : 'auto', json: values.json ?? false };
  }
  if (rest.length) throw new CliError(`slipway ${name} takes no positional arguments (got ${rest.join(' ')}).`);
  const skeletonsDir = values['skeletons-dir'];
  if (name === 'render') {
    if (values['golden-path'] !== undefined && values.template !== undefined) {
      throw new CliError('slipway render takes --golden-path or its older name --template, not both.');
    }
    const goldenPath = values['golden-path'] ?? values.template ?? 'node-service';
    return { command: 'render', goldenPath, values: need('values'), out: need('out'), skeletonsDir };
  }
  if (name === 'render-system') return { command: 'render-system', values: need('values'), out: need('out'), skeletonsDir };
  return { command: 'dry-run', template: need('template'), values: need('values'), out: need('out'), skeletonsDir };
}
