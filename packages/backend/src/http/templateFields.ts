/**
 * The value keys a template's form can produce: every property name of every parameters
 * page, including the ones a page adds conditionally (`dependencies` with `oneOf`, `allOf`,
 * `anyOf`, `if`/`then`/`else`). Backstage validates task values page by page against
 * these schemas (plugin-scaffolder-backend router: `for (const parameters of
 * [template.spec.parameters ?? []].flat()) { const result = validate(values, parameters) … }`),
 * and a page without `additionalProperties: false` accepts any extra key, so unknown keys
 * are stored with the task. This list is what a task's values may contain.
 */
export type TemplateFields = { open: true } | { open: false; names: string[] };

type SchemaNode = Record<string, unknown>;

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SUBSCHEMAS = ['if', 'then', 'else'] as const;

/**
 * Collects the property names of one page schema into `names`; returns false when the
 * page explicitly lets any key through (`additionalProperties` true or a schema,
 * `patternProperties`), in which case no list can say what is unknown.
 */
function collect(node: SchemaNode, names: Set<string>, depth = 0): boolean {
  if (depth > 16) return true; // A pathological schema: the keys collected so far are all we take.
  if (node.patternProperties !== undefined) return false;
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) return false;
  let closed = true;
  if (isNode(node.properties)) for (const key of Object.keys(node.properties)) names.add(key);
  const subschemas: unknown[] = [];
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(node[key])) subschemas.push(...(node[key] as unknown[]));
  for (const key of SUBSCHEMAS) subschemas.push(node[key]);
  if (isNode(node.dependencies)) subschemas.push(...Object.values(node.dependencies));
  for (const subschema of subschemas) if (isNode(subschema)) closed = collect(subschema, names, depth + 1) && closed;
  return closed;
}

/** The field names of a template's `spec.parameters` (one page object, or a list of pages). */
export function templateFields(parameters: unknown): TemplateFields {
  const pages = (Array.isArray(parameters) ? parameters : [parameters]).filter(isNode);
  const names = new Set<string>();
  for (const page of pages) if (!collect(page, names)) return { open: true };
  return { open: false, names: [...names].sort() };
}

/** Keys of `values` that no field of the template produces, in the order given. */
export function unknownValueKeys(values: unknown, fields: TemplateFields): string[] {
  if (fields.open || !isNode(values)) return [];
  const known = new Set(fields.names);
  return Object.keys(values).filter(key => !known.has(key));
}
