import { ServiceSpec } from '@slipway/common';
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
  const { found, bindings } = templateBindings(template);
  if (!found) throw new CliError(`the template has no ${GENERATE_ACTION_ID} step, so Slipway values cannot be mapped to its form`);
  return bindings;
}

export function formFields(template: TemplateEntity): Map<string, { page: FormPage; schema: Record<string, unknown> }> {
  const pages = Array.isArray(template.spec.parameters) ? template.spec.parameters : template.spec.parameters ? [template.spec.parameters] : [];
  const fields = new Map<string, { page: FormPage; schema: Record<string, unknown> }>();
  for (const page of pages) {
    for (const [name, schema] of Object.entries(page.properties ?? {})) fields.set(name, { page, schema });
  }
  return fields;
}

function getPath(values: unknown, dotted: string): unknown {
  let node = values;
  for (const key of dotted.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every leaf path of a values object (arrays and records count as leaves). */
function leafPaths(values: unknown, at: string[] = []): string[] {
  if (!values || typeof values !== 'object' || Array.isArray(values) || Object.keys(values).length === 0) {
    return at.length ? [at.join('.')] : [];
  }
  return Object.entries(values as Record<string, unknown>).flatMap(([key, child]) => leafPaths(child, [...at, key]));
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
  const bindings = parameterBindings(template);
  const fields = formFields(template);
  const parameters: Record<string, unknown> = {};
  const derived: string[] = [];
  for (const [field, specPath] of Object.entries(bindings)) {
    const value = getPath(values, specPath);
    if (value !== undefined && fields.has(field)) parameters[field] = value;
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
  const asked = new Set(Object.entries(bindings).filter(([field]) => fields.has(field)).map(([, specPath]) => specPath));
  // The template computes gitops.repoUrl from the repo picker, which was filled from it.
  const pickerDerived = derived.some(field => fields.get(field)?.schema['ui:field'] === 'RepoUrlPicker');
  if (pickerDerived && spec.gitops.projectSlug) asked.add('gitops.repoUrl');
  const ignored = leafPaths(values).filter(leaf => ![...asked].some(p => leaf === p || leaf.startsWith(`${p}.`)));
  return { parameters, ignored, derived };
}
