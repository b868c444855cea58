import { ServiceSpec, specPathSegments } from '@slipway/common';
import { SERVICE_GENERATE_ACTION_ID, templateBindings } from '@slipway/plugin-scaffolder-backend-module-slipway';
import { CliError } from './errors';
import { readInputFile } from './input-file';
import { parseYamlInput } from './yaml-input';

export const GENERATE_ACTION_ID = SERVICE_GENERATE_ACTION_ID;

export interface TemplateEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  spec: {
    parameters?: FormPage | FormPage[];
    steps: Array<{ id?: string; name?: string; action: string; input?: Record<string, unknown> }>;
    [key: string]: unknown;
  };
}

interface FormPage {
  title?: string;
  required?: string[];
  properties?: Record<string, Record<string, unknown>>;
}

/** Reads a template YAML file. Throws `CliError` (exit 2) when it is not a Template. */
export async function readTemplateFile(file: string): Promise<TemplateEntity> {
  const text = await readInputFile(file, 'template');
  const template = parseYamlInput(text, `template ${file}`) as TemplateEntity | null;
  if (!template || template.kind !== 'Template' || !Array.isArray(template.spec?.steps)) {
    throw new CliError(`${file} is not a Backstage Template (kind: Template with spec.steps)`);
  }
  return template;
}

/** Which form field feeds which spec path (the module's `templateBindings`); bad input without a generate step. */
export function parameterBindings(template: TemplateEntity): Record<string, string> {
  return readBindings(template).bindings;
}

function readBindings(template: TemplateEntity): { bindings: Record<string, string>; fixed: Record<string, unknown> } {
  const { found, bindings, fixed } = templateBindings(template);
  if (!found) throw new CliError(`the template has no ${GENERATE_ACTION_ID} step, so Slipway values cannot be mapped to its form`);
  return { bindings, fixed };
}

export function formFields(template: TemplateEntity): Map<string, { page: FormPage; schema: Record<string, unknown> }> {
  const pages = Array.isArray(template.spec.parameters) ? template.spec.parameters : template.spec.parameters ? [template.spec.parameters] : [];
  const fields = new Map<string, { page: FormPage; schema: Record<string, unknown> }>();
  for (const page of pages) {
    for (const [name, schema] of Object.entries(page.properties ?? {})) fields.set(name, { page, schema });
  }
  return fields;
}

/** The value at a spec path (`gitops.repoUrl`, `environments[1].host`), or undefined. */
function getPath(values: unknown, specPath: string): unknown {
  let node = values;
  for (const key of specPathSegments(specPath)) {
    if (typeof key === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[key];
    } else {
      if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}

const isObjectList = (value: unknown): value is Array<Record<string, unknown>> =>
  Array.isArray(value) && value.length > 0 && value.every(item => item !== null && typeof item === 'object' && !Array.isArray(item));

/** Every leaf path of a values object; lists of objects are walked item by item (`environments[0].name`), other lists and records are leaves. */
function leafPaths(values: unknown, at = ''): string[] {
  if (isObjectList(values)) return values.flatMap((item, index) => leafPaths(item, `${at}[${index}]`));
  if (!values || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) {
    return at ? [at] : [];
  }
  return Object.entries(values as Record<string, unknown>).flatMap(([key, child]) => leafPaths(child, at ? `${at}.${key}` : key));
}

/**
 * Whether a bound path inside a list item (`environments[1].host`) means the same item in the
 * values: every literal the template writes into that item (`environments[1].name:
 * production`) must be what the values have there, or the value belongs to another environment.
 */
function sameListItems(specPath: string, values: unknown, fixed: Record<string, unknown>): boolean {
  const items = [...specPath.matchAll(/\[\d+\]/g)].map(match => specPath.slice(0, (match.index ?? 0) + match[0].length));
  return items.every(item =>
    Object.entries(fixed)
      .filter(([path]) => path.startsWith(`${item}.`) && !path.slice(item.length + 1).includes('['))
      .every(([path, literal]) => getPath(values, path) === literal),
  );
}

/** `github.com?owner=o&repo=r`, the RepoUrlPicker format, from the spec's GitOps repo (or example-org/<name>). */
export function repoPickerValue(spec: ServiceSpec): string {
  const slug = spec.gitops.projectSlug ?? `example-org/${spec.name}`;
  const [owner, repo] = slug.split('/');
  return `github.com?owner=${encodeURIComponent(owner)}&repo=${encodeURIComponent(repo)}`;
}

export interface ParameterMapping {
  parameters: Record<string, unknown>;
  /** Values the template's form does not ask for: they cannot reach the action through this template. */
  ignored: string[];
  /** Form fields filled in by the CLI rather than from the values file. */
  derived: string[];
}

/**
 * Maps Slipway values (spec shape) to the template's form parameters, the way a
 * user filling the form would: bound fields take the value at their spec path,
 * RepoUrlPicker fields take the GitOps repo. Throws `CliError` when a required
 * form field cannot be filled.
 */
export function valuesToParameters(template: TemplateEntity, values: Record<string, unknown>, spec: ServiceSpec): ParameterMapping {
  const { bindings, fixed } = readBindings(template);
  const fields = formFields(template);
  const parameters: Record<string, unknown> = {};
  const derived: string[] = [];
  const taken = new Set<string>();
  for (const [field, specPath] of Object.entries(bindings)) {
    if (!fields.has(field) || !sameListItems(specPath, values, fixed)) continue;
    taken.add(specPath);
    const value = getPath(values, specPath);
    if (value !== undefined) parameters[field] = value;
  }
  for (const [field, { schema }] of fields) {
    // What the form would submit untouched: its own default (e.g. publisher: local).
    if (parameters[field] === undefined && schema.default !== undefined && !(field in bindings)) {
      parameters[field] = schema.default;
      derived.push(field);
    } else if (parameters[field] === undefined && schema['ui:field'] === 'RepoUrlPicker') {
      parameters[field] = repoPickerValue(spec);
      derived.push(field);
    }
  }
  const missing = [...fields].filter(([field, { page }]) => page.required?.includes(field) && parameters[field] === undefined).map(([field]) => field);
  if (missing.length) {
    throw new CliError(`the template's form requires ${missing.join(', ')}, which the values file does not provide`);
  }
  const asked = new Set(taken);
  // The template computes gitops.repoUrl from the repo picker, which was filled from it.
  const pickerDerived = derived.some(field => fields.get(field)?.schema['ui:field'] === 'RepoUrlPicker');
  if (pickerDerived && spec.gitops.projectSlug) asked.add('gitops.repoUrl');
  // A value equal to what the template writes itself (an environment's name) reaches the action too.
  const reaches = (leaf: string) => [...asked].some(p => leaf === p || leaf.startsWith(`${p}.`)) || (leaf in fixed && fixed[leaf] === getPath(values, leaf));
  const ignored = leafPaths(values).filter(leaf => !reaches(leaf));
  return { parameters, ignored, derived };
}
