import path from 'path';
import { parseYamlFile } from '@slipway/render';
import type { RepoModel, ValidationProblem } from '../types';
import { asRecord, asString, getPath, parseYamlDocuments, type JsonRecord } from '../kube';
import { defineCheck } from './types';

/*
 * A catalog API entity needs spec.type, spec.lifecycle, spec.owner and spec.definition
 * (@backstage/catalog-model API.v1alpha1.schema.json: `required: ["type", "lifecycle", "owner",
 * "definition"]`, definition "type: string, minLength: 1"). A definition kept in its own file is
 * a placeholder the catalog substitutes before it validates the entity (plugin-catalog-backend
 * PlaceholderProcessor: an object with exactly one `$`-key, `$text`, `$yaml` or `$json`, whose
 * value is "an absolute URL or a relative path" resolved against the catalog file's location,
 * and "may only reference files from the same repository as the entity"). A relative path that
 * names no file of the repo fails the entity's processing ("could not read location"), so the
 * API never appears and the Components' providesApis/consumesApis point at nothing. `$yaml` and
 * `$json` must hold exactly one document. An `openapi` definition must be an OpenAPI document,
 * which the API docs plugin renders with Swagger UI: `openapi: 3.x` or `swagger: "2.0"`.
 */

const RULE = 'catalog-api-definition';
const CATALOG_FILES = ['catalog-info.yaml', 'catalog-info.yml'];
const REQUIRED = ['type', 'lifecycle', 'owner'] as const;
const PLACEHOLDERS = ['text', 'yaml', 'json'] as const;

function problem(file: string, field: string, text: string): ValidationProblem {
  return { check: 'catalog', rule: RULE, file, message: `${file} ${field}: ${text}` };
}

/** The definition's own text: the string, or the repo file a relative placeholder names (undefined when it names a URL). */
function definitionText(model: RepoModel, file: string, field: string, definition: unknown, out: ValidationProblem[]): { text: string; source: string; key?: string } | undefined {
  if (typeof definition === 'string') {
    if (definition.trim() === '') out.push(problem(file, field, 'is empty: the catalog requires the API definition (minLength 1)'));
    return definition.trim() === '' ? undefined : { text: definition, source: field };
  }
  const record = asRecord(definition);
  const keys = record ? Object.keys(record) : [];
  const key = keys.length === 1 && keys[0].startsWith('$') ? keys[0].slice(1) : undefined;
  if (!record || !key || !(PLACEHOLDERS as readonly string[]).includes(key)) {
    out.push(problem(file, field, 'must be the definition as a string, or one placeholder ($text, $yaml or $json) naming its file: the catalog requires a string'));
    return undefined;
  }
  const target = asString(record[`$${key}`]);
  if (!target) {
    out.push(problem(file, `${field}.$${key}`, 'must be a relative path or an absolute URL (PlaceholderProcessor expects a string)'));
    return undefined;
  }
  // An absolute URL is read at ingestion time; only the catalog can tell whether it answers.
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target.replace(/^\/+/, '')));
  if (resolved.startsWith('..')) {
    out.push(problem(file, `${field}.$${key}`, `"${target}" leaves the repository: the catalog only reads placeholder files from the entity's own repository`));
    return undefined;
  }
  const text = model.files.get(resolved);
  if (text === undefined) {
    out.push(problem(file, `${field}.$${key}`, `"${target}" is not a file of the repo (${resolved}): the catalog could not read it, and the API would not be registered`));
    return undefined;
  }
  return { text, source: resolved, key };
}

function checkApi(model: RepoModel, file: string, entity: JsonRecord, index: number): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const name = asString(getPath(entity, 'metadata', 'name')) ?? `#${index + 1}`;
  const at = (field: string) => `API "${name}" ${field}`;
  const spec = asRecord(entity.spec) ?? {};
  const missing = REQUIRED.filter(field => !asString(spec[field]));
  if (missing.length > 0) out.push(problem(file, at('spec'), `lacks ${missing.map(field => `spec.${field}`).join(', ')}, which the catalog requires of an API`));
  if (spec.definition === undefined) {
    out.push(problem(file, at('spec.definition'), 'is missing: the catalog requires the API definition'));
    return out;
  }
  const definition = definitionText(model, file, at('spec.definition'), spec.definition, out);
  if (!definition) return out;
  if (definition.key === 'yaml' || definition.key === 'json') {
    const parsed = parseYamlFile(definition.source, definition.text);
    if (parsed.problems.length > 0 || parsed.documents.length !== 1) {
      out.push(problem(file, at(`spec.definition.$${definition.key}`), `${definition.source} must hold exactly one ${definition.key.toUpperCase()} document without errors`));
    }
    return out;
  }
  if (spec.type !== 'openapi') return out;
  const parsed = parseYamlFile(definition.source, definition.text);
  const document = parsed.problems.length === 0 && parsed.documents.length === 1 ? asRecord(parsed.documents[0].value) : undefined;
  const version = document ? asString(document.openapi) ?? (document.swagger === '2.0' ? '2.0' : undefined) : undefined;
  if (!document || !version || !(/^3\.\d+(\.\d+)?$/.test(version) || version === '2.0') || asRecord(document.paths) === undefined) {
    out.push(problem(file, at('spec.definition'), `${definition.source} is not an OpenAPI document (openapi: 3.x or swagger: "2.0", with paths), which spec.type openapi says it is`));
  }
  return out;
}

export const catalogApiDefinition = defineCheck({
  id: RULE,
  check: 'catalog',
  summary:
    'Every API entity of catalog-info.yaml has spec.type, spec.lifecycle, spec.owner and spec.definition, and a definition kept in a file ($text, $yaml or $json with a relative path) ' +
    'names a file of the repo (an openapi one an OpenAPI document): otherwise the catalog cannot process the API, and the APIs the Components provide and consume point at nothing.',
  remediation: 'Add the missing fields, or point the placeholder at the definition file relative to catalog-info.yaml (e.g. definition: {$text: ./openapi.yaml}).',
  source:
    '@backstage/catalog-model API.v1alpha1.schema.json (required type, lifecycle, owner, definition); ' +
    '@backstage/plugin-catalog-backend PlaceholderProcessor ($text/$yaml/$json, "may only reference files from the same repository as the entity"); ' +
    'https://backstage.io/docs/features/software-catalog/descriptor-format#kind-api',
  run(model) {
    const file = CATALOG_FILES.find(candidate => model.files.has(candidate));
    if (!file) return [];
    const out: ValidationProblem[] = [];
    parseYamlDocuments(model.files.get(file) ?? '', file).forEach((document, index) => {
      const entity = asRecord(document.value);
      if (entity?.kind === 'API') out.push(...checkApi(model, file, entity, index));
    });
    return out;
  },
});
