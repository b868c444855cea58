import type { RuleIdOf } from './rules';
import { isNewerUpstreamField } from './schema-supplements';
import { UnknownField } from './field-trace';
import { lineOfObjectPath } from './load';
import { knownSchemaKinds, schemaFor, SchemaViolation } from './schema-registry';
import { KubernetesObject, LoadedObject, ValidationProblem } from './types';
import { PathSegment } from '@slipway/render';

/** `spec.template.spec.containers[0].image`; keys that are not plain words go in brackets. */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || '(object)';
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** AJV paths are JSON pointers; array indexes become numbers so paths print as `containers[0]`. */
function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(Array.isArray(valueAt(data, path)) && /^\d+$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The declared key a typo most likely meant, if one is close enough to suggest. */
export function closestFieldName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.min(3, Math.max(1, Math.floor(name.length / 3))) ? best.name : undefined;
}

type SchemaRuleId = RuleIdOf<'schema'>;

/**
 * Keywords the shipped schemas can break on their own, each its own rule (validate/rules/schema.ts).
 * type, required and enum are read above; oneOf/anyOf come with their branches' errors.
 */
const KEYWORD_RULES: Readonly<Record<string, SchemaRuleId>> = {
  format: 'schema-format',
  pattern: 'schema-pattern',
  minimum: 'schema-minimum',
  maximum: 'schema-maximum',
  minLength: 'schema-min-length',
};

/** The rule a schema keyword breaks; keywords without a rule of their own share `schema-constraint`. */
export function schemaKeywordRule(keyword: string): SchemaRuleId {
  return Object.prototype.hasOwnProperty.call(KEYWORD_RULES, keyword) ? KEYWORD_RULES[keyword] : 'schema-constraint';
}

interface Finding {
  path: PathSegment[];
  rule: SchemaRuleId;
  text: string;
}

/**
 * Turns AJV errors into one readable finding per field. Alternatives (IntOrString and
 * nullable fields use oneOf/anyOf) produce one error per branch; they are merged into
 * "must be string or integer" rather than listed three times.
 */
function findingsOf(violations: SchemaViolation[], object: KubernetesObject): Finding[] {
  const byPath = new Map<string, SchemaViolation[]>();
  for (const violation of violations) {
    byPath.set(violation.instancePath, [...(byPath.get(violation.instancePath) ?? []), violation]);
  }
  const findings: Finding[] = [];
  for (const [pointer, group] of byPath) {
    const path = pointerToPath(pointer, object);
    const got = `(got ${describeValue(valueAt(object, path))})`;
    const types = [...new Set(group.filter(v => v.keyword === 'type').flatMap(v => String(v.params.type).split(',')))];
    if (types.length) findings.push({ path, rule: 'schema-type', text: `must be ${types.join(' or ')} ${got}` });
    for (const violation of group) {
      const { keyword, params } = violation;
      if (keyword === 'type') continue;
      if ((keyword === 'oneOf' || keyword === 'anyOf') && group.length > 1) continue; // explained by its branches
      if (keyword === 'required') {
        findings.push({ path: [...path, String(params.missingProperty)], rule: 'schema-required', text: 'required field is missing' });
      } else if (keyword === 'enum') {
        const allowed = (params.allowedValues as unknown[]).map(value => describeValue(value)).join(', ');
        findings.push({ path, rule: 'schema-enum', text: `must be one of ${allowed} ${got}` });
      } else {
        findings.push({ path, rule: schemaKeywordRule(keyword), text: `${violation.message} ${got}` });
      }
    }
  }
  return findings;
}

function unknownFieldFinding(field: UnknownField): Finding {
  const name = String(field.path[field.path.length - 1]);
  const suggestion = closestFieldName(name, field.known);
  const parent = field.path.slice(0, -1);
  const hint = suggestion ? ` (did you mean ${formatFieldPath([...parent, suggestion])}?)` : '';
  return { path: field.path, rule: 'unknown-field', text: `unknown field: the schema has no "${name}" here${hint}` };
}

function objectRef(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

function unknownKindMessage(object: KubernetesObject): string {
  const sameKind = knownSchemaKinds().filter(key => key.endsWith(`/${object.kind}`));
  const hint = sameKind.length ? ` (${object.kind} is known as ${sameKind.map(key => key.slice(0, -object.kind.length - 1)).join(', ')})` : '';
  return `no schema known for apiVersion ${object.apiVersion}, kind ${object.kind}${hint}`;
}

function problemFor(loaded: LoadedObject, finding: Finding): ValidationProblem {
  const line = loaded.environment ? undefined : lineOfObjectPath(loaded, finding.path) ?? loaded.line;
  return {
    check: 'schema',
    rule: finding.rule,
    file: loaded.file,
    ...(loaded.environment ? { environment: loaded.environment } : {}),
    object: objectRef(loaded.object),
    ...(line ? { line } : {}),
    message: `${formatFieldPath(finding.path)}: ${finding.text}`,
  };
}

/** Checks each object against the schema of its apiVersion and kind, including unknown fields. */
export function checkObjectSchemas(objects: readonly LoadedObject[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const loaded of objects) {
    const { object } = loaded;
    const schema = schemaFor(object.apiVersion, object.kind);
    if (!schema) {
      problems.push({ ...problemFor(loaded, { path: [], rule: 'unknown-kind', text: '' }), message: unknownKindMessage(object) });
      continue;
    }
    let findings: Finding[];
    try {
      const result = schema.check(object);
      const unknownFields = result.unknownFields.filter(field => !isNewerUpstreamField(object.apiVersion, object.kind, field.path));
      findings = [...findingsOf(result.violations, object), ...unknownFields.map(unknownFieldFinding)];
    } catch (error) {
      findings = [{ path: [], rule: 'schema-check-failed', text: `the schema check itself failed: ${(error as Error).message}` }];
    }
    problems.push(...findings.map(finding => problemFor(loaded, finding)));
  }
  return problems;
}
